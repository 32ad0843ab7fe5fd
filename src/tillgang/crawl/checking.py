"""Checking the fetched pages and documents of a crawl run, and collecting their report entries.

A fetched URL either reuses its stored result (``304 Not Modified``, or the same sha256 under the same
catalogue) or goes to the check pool: a page as its bytes, parsed once in the pool for the checks and for its
links, which come back with its report and enter the frontier then; a document as its temporary file. Checks
run in tasks of their own, at most ``8 × workers`` waiting or running at once, so checking never blocks
fetching and memory stays bounded. Every finished URL is recorded in the state file (``complete``).

The pool is injected (:data:`PoolFactory`): the crawl's own worker pool (``aiopool.AsyncCheckPool``, a
``pools.PageCheckPool``) or any other ``pools.CheckPool`` (the command line chooses Celery workers when a
broker is configured).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, cast

from ..engine import CheckOptions
from ..errors import error_message
from ..pools import CheckPool, PageCheckPool
from ..report import DocumentEntry
from ..timeutil import iso_z_from_epoch
from .config import CrawlConfig
from .fetch import FetchResult
from .frontier import Frontier, Item
from .inline import PAGE_LINKS, check_page_bytes, links_of
from .links import PageLinks, extract_links
from .progress import Counters
from .rendering import Renderer
from .state import Resource, StateStore

__all__ = ["Checking", "PoolFactory", "entry_base"]

log = logging.getLogger(__name__)

_NOT_STORED = ("timeout", "internal")  # errors that say nothing about the file: check it again next time


# (check options, worker processes, run id) -> the run's check pool
PoolFactory = Callable[[CheckOptions, int, str], CheckPool]

OnResult = Callable[[str, dict[str, Any]], None]


def entry_base(item: Item, res: FetchResult | None) -> dict[str, Any]:
    """The crawl's fields of a URL's entry (the report entry plus ``url``, ``status``, ``depth`` …), before checking."""
    entry: dict[str, Any] = {
        "source": item.request_url,
        "format": None,
        "sha256": None,
        "size": None,
        "error": None,
        "url": item.request_url,
        "final_url": item.request_url,
        "status": None,
        "fetched_at": None,
        "etag": None,
        "last_modified": None,
        "content_type": None,
        "reused": False,
        "depth": item.depth,
        "discovered_via": item.via,
    }
    if res is not None:
        entry.update(
            {
                "final_url": res.final_url,
                "status": res.status,
                "fetched_at": iso_z_from_epoch(res.fetched_at),
                "etag": res.etag,
                "last_modified": res.last_modified,
                "content_type": res.content_type or None,
                "sha256": res.sha256,
                "size": res.size,
            }
        )
        if res.redirects:
            entry["redirects"] = res.redirects
        if res.x_robots_tag:
            entry["x_robots_tag"] = res.x_robots_tag
        entry.update(res.page_meta)
    return entry


class Checking:
    def __init__(
        self,
        config: CrawlConfig,
        *,
        store: StateStore,
        run_id: str,
        frontier: Frontier,
        counters: Counters,
        pool: CheckPool,
        options: CheckOptions,
        jobs: int,
        catalogue: str,
        tmpdir: Path,
        on_result: OnResult | None = None,
    ) -> None:
        self.config = config
        self.lang = config.lang
        self.store = store
        self.run_id = run_id
        self.frontier = frontier
        self.counters = counters
        self.pool = pool
        self.options = options
        self.catalogue = catalogue
        self.tmpdir = tmpdir
        self.on_result = on_result
        self.check_slots = asyncio.Semaphore(8 * jobs)
        self.check_tasks: set[asyncio.Task[None]] = set()
        self.link_threads = asyncio.Semaphore(2)  # link parses in threads (pools without submit_call)
        self.renderer: Renderer | None = None  # --render: pages checked in the browser (crawl/rendering.py)

    # ------------------------------------------------------------------ recording
    def complete(
        self,
        item: Item,
        kind: str,
        entry: dict[str, Any],
        state: str,
        resource: Resource | None = None,
        reason: str | None = None,
    ) -> None:
        self.store.complete(self.run_id, item.url, kind, entry, state, resource, reason)
        c = self.counters
        if kind == "page":
            c.pages += 1
        elif kind == "document":
            c.documents += 1
        if entry.get("error"):
            c.errors += 1
        if entry.get("reused"):
            c.reused += 1
        if self.on_result is not None:
            self.on_result(kind, entry)

    def skipped(self, item: Item, record: dict[str, Any], reason: str) -> None:
        """A URL not fetched or not checked, for ``reason`` (the frontier counts it)."""
        self.frontier.skip(item.url, reason, record=False)
        self.complete(item, "skipped", record, "skipped", reason=reason)

    def failed(
        self,
        item: Item,
        kind: str,
        code: str,
        detail: str,
        res: FetchResult | None = None,
        reason: str | None = None,
    ) -> None:
        entry = entry_base(item, res)
        entry["error"] = {"code": code, "message": error_message(code, detail, self.lang)}
        self.complete(item, kind, entry, "failed", reason=reason)

    def fetch_failed(self, item: Item, res: FetchResult, kind: str) -> None:
        code = "too-large" if res.error == "too-large" else "fetch-failed"
        detail = res.detail or (f"HTTP {res.status}" if res.status else "")
        self.failed(item, kind, code, detail, res, reason=res.error)

    def unsupported(self, item: Item, res: FetchResult | None, detail: str) -> None:
        """A document in a format not checked (``.doc``, ``.xls`` …): counted, not downloaded or checked."""
        entry = entry_base(item, res)
        entry["error"] = {
            "code": "unsupported-format",
            "message": error_message("unsupported-format", detail, self.lang),
        }
        self.complete(item, "document", entry, "done")

    # ------------------------------------------------------------------ reuse
    def conditional(self, prior: Resource | None) -> bool:
        """Whether to ask the server for the URL only if it changed (the stored result is still valid)."""
        return (
            prior is not None
            and prior.entry is not None
            and prior.catalogue == self.catalogue
            and prior.status == 200
        )

    async def handle(
        self, item: Item, res: FetchResult, prior: Resource | None, conditional: bool, name_kind: str
    ) -> None:
        """A fetched URL (no fetch error): reuse its stored result, record it as not checkable, or check it."""
        if res.not_modified and conditional and prior is not None and prior.entry is not None:
            kind = prior.kind or name_kind
            entry = self.reuse(item, res, prior)
            if kind == "page" and prior.links:
                self.frontier.admit_links(item, [(u, bool(nf)) for u, nf in prior.links])
            prior.fetched_at = res.fetched_at
            self.complete(item, kind, entry, "done", prior)
            return
        if res.kind in ("other", "unsupported") or res.kind is None:
            if res.kind == "unsupported":
                self.unsupported(item, res, res.content_type)
                return
            record = {"url": item.request_url, "reason": "content-type", "content_type": res.content_type}
            self.skipped(item, record, "content-type")
            return
        resource = Resource(
            url=item.url,
            etag=res.etag,
            last_modified=res.last_modified,
            sha256=res.sha256,
            size=res.size,
            content_type=res.content_type,
            status=res.status,
            fetched_at=res.fetched_at,
            catalogue=self.catalogue,
            kind=res.kind,
            entry=None,
            links=None,
        )
        if (
            prior is not None
            and prior.entry is not None
            and prior.catalogue == self.catalogue
            and prior.sha256 == res.sha256
        ):
            if res.kind == "page" and res.body is not None:
                stored = prior.links is not None and (prior.entry.get("final_url") == res.final_url)
                page = (
                    PageLinks(links=[(u, bool(nf)) for u, nf in prior.links or []])
                    if stored
                    else await self.links_off_loop(res.body, res)
                )
                self.page_links(item, res, resource, page)
            entry = self.reuse(item, res, prior)
            resource.entry = prior.entry
            self.complete(item, res.kind, entry, "done", resource)
            return
        await self.check(item, res, resource)

    def page_links(self, item: Item, res: FetchResult, resource: Resource, page: PageLinks) -> None:
        """A fetched page's links into the frontier and the state (a 304 next time still feeds the frontier),
        its canonical URL and meta robots into its entry."""
        if page.canonical:
            res.page_meta["canonical"] = page.canonical
        if page.meta_robots:
            res.page_meta["meta_robots"] = page.meta_robots
        resource.links = [[u, nf] for u, nf in page.links]
        self.frontier.admit_links(item, page.links)

    def reuse(self, item: Item, res: FetchResult, prior: Resource) -> dict[str, Any]:
        entry = dict(prior.entry or {})
        base = entry_base(item, res)
        for key in ("url", "final_url", "status", "fetched_at", "depth", "discovered_via"):
            entry[key] = base[key]
        entry["source"] = item.request_url
        if res.not_modified:
            entry["etag"] = res.etag or prior.etag
            entry["last_modified"] = res.last_modified or prior.last_modified
        else:
            for key in ("etag", "last_modified", "sha256", "size", "content_type"):
                entry[key] = base[key]
        if res.redirects:
            entry["redirects"] = res.redirects
        entry["reused"] = True
        return entry

    # ------------------------------------------------------------------ the pool
    async def check(self, item: Item, res: FetchResult, resource: Resource) -> None:
        """Check a page or document. A page goes by its bytes and comes back with its links (one parse, in
        the pool); the links are admitted when the check is done. A document goes as its temporary file."""
        path = res.path
        body = res.body
        rendering = self.renderer is not None and res.kind == "page" and body is not None
        if rendering and await self.renderer.wants(body, res.encoding):  # type: ignore[union-attr,arg-type]
            assert body is not None
            res.body = None
            await self.check_slots.acquire()
            task = asyncio.create_task(self._render_task(item, res, resource, body))
            self.check_tasks.add(task)
            task.add_done_callback(self.check_tasks.discard)
            return
        if res.kind == "page" and body is not None and len(body) <= self.config.inline_page_max_bytes:
            res.body = None
            checked = check_page_bytes(
                body, item.request_url, res.content_type, self.options, res.sha256, res.final_url
            )
            self.record_checked(item, res, resource, checked, body)
            return
        # A pool with submit_page takes pages as bytes (pools.PageCheckPool); any other gets them as files.
        takes_pages = callable(getattr(self.pool, "submit_page", None))
        if res.kind == "page" and body is not None and not takes_pages:  # a pool that takes files only
            fd, name = tempfile.mkstemp(prefix="page-", suffix=".html", dir=self.tmpdir)
            with os.fdopen(fd, "wb") as fh:
                fh.write(_as_utf8(body, res.encoding))
            path = Path(name)
        res.body = None
        res.path = None  # the check task removes the file
        await self.check_slots.acquire()
        if path is not None:
            future = self.pool.submit(str(path), item.request_url)
        else:
            assert body is not None
            future = cast(PageCheckPool, self.pool).submit_page(
                body, item.request_url, res.content_type, res.sha256, res.final_url
            )
        task = asyncio.create_task(self._check_task(item, res, resource, future, path, body))
        self.check_tasks.add(task)
        task.add_done_callback(self.check_tasks.discard)

    async def _check_task(
        self,
        item: Item,
        res: FetchResult,
        resource: Resource,
        future: Future[DocumentEntry] | asyncio.Future[DocumentEntry],
        path: Path | None,
        body: bytes | None,
    ) -> None:
        try:
            checked = await (future if isinstance(future, asyncio.Future) else asyncio.wrap_future(future))
            page = links_of(checked) if body is not None else None
            if body is not None and page is None:  # the check failed (a timeout, a worker that died)
                page = await self.links_off_loop(body, res)
        finally:
            self.check_slots.release()
            if path is not None:
                with contextlib.suppress(OSError):
                    path.unlink()
        self.record_checked(item, res, resource, checked, body, page)

    async def _render_task(self, item: Item, res: FetchResult, resource: Resource, body: bytes) -> None:
        assert self.renderer is not None
        try:
            checked = await self.renderer.check(body, item.request_url, res.final_url, res.content_type)
            page = links_of(checked)
            if page is None:  # the render failed (a timeout, a worker that died)
                page = await self.links_off_loop(body, res)
        finally:
            self.check_slots.release()
        self.record_checked(item, res, resource, checked, body, page)

    async def links_off_loop(self, body: bytes, res: FetchResult) -> PageLinks:
        """A page's links when its check gave none, never on the event loop and never without a time limit:
        a page that timed out in its check may take as long to parse for its links (200,000 attributes on one
        element: libxml2's cost is quadratic, 47.8 s measured on the event loop, which stopped every fetch).
        In the crawl's own pool the parse is a task under the per-document time limit; with another pool, in a
        thread (lxml parses without the GIL) that is waited for at most ``check_timeout``. A page whose links
        could not be read in time contributes none."""
        submit_call = getattr(self.pool, "submit_call", None)
        if callable(submit_call):

            def failed(code: str, detail: str) -> DocumentEntry:
                return cast(DocumentEntry, {"error": {"code": code, "message": detail}})

            args = (body, res.final_url, res.encoding)
            entry = await submit_call(page_links_task, args, failed)
            return links_of(entry) or PageLinks()
        return await links_in_thread(
            body, res.final_url, res.encoding, self.config.check_timeout, self.link_threads
        )

    def record_checked(
        self,
        item: Item,
        res: FetchResult,
        resource: Resource,
        checked: DocumentEntry | dict[str, Any],
        body: bytes | None = None,
        page: PageLinks | None = None,
    ) -> None:
        kind = res.kind or "page"
        try:
            if body is not None:  # a page: its links, from the check or (when that failed) taken off the loop
                page = page or links_of(checked) or PageLinks()
                self.page_links(item, res, resource, page)
            entry = entry_base(item, res)
            for key, value in checked.items():
                if key not in ("sha256", "size") or entry.get(key) is None:  # the served bytes' hash wins
                    entry[key] = value
            entry["source"] = item.request_url
            error = entry.get("error")
            if not (error and error.get("code") in _NOT_STORED):
                resource.entry = entry  # the same object: the state file encodes it once
            self.complete(item, kind, entry, "done", resource)
        except Exception as exc:  # recording one result must not lose the others
            log.error("recording %s failed: %r", item.request_url, exc)
            self.failed(item, kind, "internal", repr(exc), res)

    async def drain(self) -> bool:
        """Wait for the checks in flight; False when there were none (their links may have queued more URLs)."""
        if not self.check_tasks:
            return False
        await asyncio.gather(*list(self.check_tasks))
        return True

    def cancel_checks(self) -> None:
        """Stop waiting for the checks in flight: their URLs stay queued in the state file."""
        for task in list(self.check_tasks):
            task.cancel()

    def stop(self, interrupted: bool) -> None:
        """Close the pool; when interrupted, cancel the checks in flight and stop the pool's workers at once."""
        if interrupted:
            for task in list(self.check_tasks):
                task.cancel()
            self.pool.terminate()
        else:
            self.pool.close()
        if self.renderer is not None:
            self.renderer.close(interrupted)


def page_links_task(body: bytes, base_url: str, encoding: str | None) -> DocumentEntry:
    """A worker's task: only the links of a page (module level, so that it pickles)."""
    return cast(DocumentEntry, {PAGE_LINKS: extract_links(body, base_url, encoding)})


async def links_in_thread(
    body: bytes, base_url: str, encoding: str | None, timeout: float, places: asyncio.Semaphore
) -> PageLinks:
    """``extract_links`` in a daemon thread (which interpreter exit does not wait for), waited for at most
    ``timeout`` seconds once started. A thread holds one of ``places`` until its parse ends, also after the
    wait gave up on it, so runaway parses cannot pile up in the crawl process."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[PageLinks] = loop.create_future()

    def settle(page: PageLinks) -> None:
        places.release()
        if not done.done():
            done.set_result(page)

    def work() -> None:
        try:
            page = extract_links(body, base_url, encoding)
        except Exception:
            page = PageLinks()
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits
            loop.call_soon_threadsafe(settle, page)

    await places.acquire()
    threading.Thread(target=work, name="page-links", daemon=True).start()
    try:
        return await asyncio.wait_for(asyncio.shield(done), timeout)
    except TimeoutError:
        return PageLinks()


_META_CHARSET = re.compile(rb"<meta[^>]+charset", re.IGNORECASE)


def _as_utf8(body: bytes, encoding: str | None) -> bytes:
    """The page for the checker, which reads a file and so cannot see the HTTP charset: when only the header
    names the encoding (no BOM, no meta charset), the body is re-encoded as UTF-8."""
    if not encoding or encoding.lower().replace("_", "-") in ("utf-8", "utf8", "ascii", "us-ascii"):
        return body
    if body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or _META_CHARSET.search(body[:2048]):
        return body
    try:
        return body.decode(encoding, errors="replace").encode("utf-8")
    except LookupError:
        return body
