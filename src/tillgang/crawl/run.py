"""One crawl run: frontier, workers, checking in the engine's worker pool, state, output (notes §8).

One asyncio loop, one shared httpx client, ``concurrency`` fetch workers taking URLs breadth-first from the
frontier. Pages and documents are checked by ``aiopool.AsyncCheckPool`` (warm worker processes driven from the
event loop, the hard per-document time limit), in tasks of their own, so checking never blocks fetching. A page goes to the pool as bytes and is parsed once there, for the checks and for its links, which
come back with its report and enter the frontier then. The number of checks waiting or running is bounded
(8 × workers), which bounds memory: a fetch worker waits only when the pool is that far behind. The check
workers run at a lower priority (``WORKER_NICE``): fetching and recording, one process that the whole crawl
waits on, never wait for a core, and the workers take every cycle left. Every finished URL reaches the state
file within a quarter second (``state.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import re
import shutil
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..catalogue import load
from ..engine import CheckOptions, default_jobs, tool_info
from ..errors import error_message
from ..limits import DEFAULT_LIMITS
from ..timeutil import iso_z_from_epoch
from .aiopool import AsyncCheckPool
from .config import CrawlConfig
from .fetch import Fetcher, FetchResult, FetchSettings, HostScheduler, kind_by_name, make_client
from .inline import check_page_bytes, links_of
from .links import PageLinks, extract_links
from .progress import Counters, Progress
from .robots import RobotsInfo, parse_robots, robots_for_status
from .sitemap import MAX_INDEX_DEPTH, parse_sitemap
from .state import Resource, StateStore
from .urls import TrapGuard, canonicalize, host_in_scope, url_host

__all__ = ["Crawl", "compare_findings", "crawl", "exit_status", "finding_key"]

log = logging.getLogger(__name__)

MAX_REFERRER_SAMPLES = 5
# The check workers' niceness. The crawl process fetches, parses nothing and records; when it waits for a core
# the whole crawl waits. Measured with bench/bench_crawl.py on 2 cores: +18 % URLs/s with the workers at 10.
# It also keeps the register's web server (``tillgang serve``) responsive while a nightly crawl runs.
WORKER_NICE = 10
MAX_SKIPPED_LISTED = 1000
_NOT_STORED = ("timeout", "internal")  # errors that say nothing about the file: check it again next time


@dataclass(order=True)
class Item:
    depth: int
    seq: int
    url: str  # canonical
    request_url: str
    via: str  # start | sitemap | link | redirect


def finding_key(url: str, finding: dict[str, Any]) -> tuple[str, str | None]:
    """Finding identity (notes §8.10): (canonical URL, rule, location), and a second key on the
    fingerprint when the reader gives one, so a finding whose positional selector shifted still matches."""
    loc = dict(finding.get("location") or {})
    fingerprint = loc.pop("fingerprint", None)
    where = json.dumps(loc, sort_keys=True, ensure_ascii=False) if loc else finding.get("message", "")
    primary = f"{url}\x1f{finding.get('rule')}\x1f{where}"
    secondary = f"{url}\x1f{finding.get('rule')}\x1f#{fingerprint}" if fingerprint else None
    return primary, secondary


def _make_pool(options: CheckOptions, jobs: int, run_id: str) -> Any:
    """This machine's worker pool, or Celery workers when a broker is configured (TILLGANG_BROKER_URL)."""
    from ..distributed import broker_url

    broker = broker_url()
    if broker:
        from ..distributed.pool import DistributedCheckPool

        return DistributedCheckPool(options, broker=broker, run_id=run_id, waiters=max(4 * jobs, 32))
    return AsyncCheckPool(options, jobs, nice=WORKER_NICE)


class Crawl:
    def __init__(
        self,
        config: CrawlConfig,
        *,
        resume: bool = False,
        progress: bool = True,
        on_result: Callable[[str, dict[str, Any]], None] | None = None,
    ) -> None:
        config.validate()
        self.config = config
        self.resume = resume
        self.show_progress = progress
        self.on_result = on_result
        self.hosts = config.hosts
        self.site = ",".join(sorted(self.hosts))
        self.catalogue = load().version
        self.counters = Counters()
        self.guard = TrapGuard(
            max_url_length=config.max_url_length,
            max_query_params=config.max_query_params,
            max_query_variants=config.max_query_variants,
            max_repeated_segment=config.max_repeated_segment,
            date_window_years=config.date_window_years,
            exclude=config.exclude,
        )
        self.seen: set[str] = set()
        self.skipped: Counter[str] = Counter()
        self.skipped_list: list[dict[str, Any]] = []
        self.ref_count: Counter[str] = Counter()
        self.admitted_pages = 0
        self.admitted_documents = 0
        self.partial_reasons: set[str] = set()
        self.robots: dict[str, RobotsInfo] = {}
        self._robots_locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.host_failures: Counter[str] = Counter()
        self.paused_hosts: set[str] = set()
        self.sitemap_log: list[dict[str, Any]] = []
        self.seq = 0
        self.stopping = False
        self.run_id = ""
        self.resumed = False
        self.started = time.time()

    # ------------------------------------------------------------------ frontier
    def _skip(self, url: str, reason: str, record: bool = True) -> None:
        self.skipped[reason] += 1
        self.counters.skipped += 1
        if record and len(self.skipped_list) < MAX_SKIPPED_LISTED:
            self.skipped_list.append({"url": url, "reason": reason})

    def admit(self, url: str, depth: int, via: str, referrer: str | None = None) -> None:
        canon = canonicalize(url, self.config.strip_params)
        if canon is None:
            return
        if referrer is not None and canon != referrer:
            self.ref_count[canon] += 1
            if self.ref_count[canon] <= MAX_REFERRER_SAMPLES:
                self.store.add_referrer(self.run_id, canon, referrer)
        if canon in self.seen:
            return
        self.seen.add(canon)
        kind = kind_by_name(canon)
        if kind == "media":
            self._skip(canon, "media", record=False)
            return
        if not host_in_scope(url_host(canon), self.hosts, self.config.include_subdomains):
            self._skip(canon, "out-of-scope", record=False)
            return
        if depth > self.config.max_depth:
            self._skip(canon, "max-depth")  # a chosen scope, not a shortfall: the run stays complete
            return
        reason = self.guard.reason(canon)
        if reason:
            self._skip(canon, reason)
            return
        if kind in ("document", "unsupported"):
            if self.admitted_documents >= self.config.max_documents:
                self._skip(canon, "max-documents")
                self.partial_reasons.add("max-documents")
                return
            self.admitted_documents += 1
        else:
            if self.admitted_pages >= self.config.max_pages:
                self._skip(canon, "max-pages")
                self.partial_reasons.add("max-pages")
                return
            self.admitted_pages += 1
        self.seq += 1
        self.store.add_frontier(self.run_id, canon, url, depth, via, "queued", None, self.seq)
        self.queue.put_nowait(Item(depth, self.seq, canon, url, via))
        self.counters.queued = self.queue.qsize()

    # ------------------------------------------------------------------ robots and sitemaps
    async def robots_for(self, url: str) -> RobotsInfo:
        host = url_host(url)
        if not self.config.obey_robots:
            return RobotsInfo(status="off")
        async with self._robots_locks[host]:
            info = self.robots.get(host)
            if info is not None:
                return info
            parts = urlsplit(url)
            robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"

            async def allow(target: str) -> str | None:
                return None if self.in_scope(target) else "out-of-scope"

            res = await self.fetcher.fetch(robots_url, allow=allow, raw_cap=500 * 1024)
            if res.error == "too-large" or (res.status and 200 <= res.status < 300 and res.body is not None):
                info = parse_robots(res.body or b"", res.status or 200)
            elif res.error in ("out-of-scope", "redirect-loop") or 300 <= (res.status or 0) < 400:
                info = robots_for_status(
                    404
                )  # RFC 9309 §2.3.1.2: too many redirects = unavailable = no rules
            else:
                info = robots_for_status(res.status)
            if info.status == "unavailable":
                self.partial_reasons.add("robots-unavailable")
            delay = max(self.config.delay, info.crawl_delay or 0.0)
            self.scheduler.set_delay(host, delay)
            self.robots[host] = info
            return info

    def in_scope(self, url: str) -> bool:
        return host_in_scope(url_host(url), self.hosts, self.config.include_subdomains)

    async def seed_sitemaps(self) -> None:
        queue: list[tuple[str, int]] = []
        for start in self.config.start_urls:
            parts = urlsplit(start)
            info = await self.robots_for(start)
            for url in [*info.sitemaps, f"{parts.scheme}://{parts.netloc}/sitemap.xml"]:
                queue.append((url, 0))
        queue.extend((url, 0) for url in self.config.sitemaps)
        done: set[str] = set()
        total = 0
        while queue and total < self.config.max_sitemap_urls and not self.stopping:
            url, level = queue.pop(0)
            canon = canonicalize(url)
            if canon is None or canon in done or not self.in_scope(url):
                continue
            done.add(canon)
            info = await self.robots_for(url)
            if not info.allowed(url):
                self.sitemap_log.append({"url": url, "error": "robots"})
                continue

            async def allow(target: str) -> str | None:
                return None if self.in_scope(target) else "out-of-scope"

            res = await self.fetcher.fetch(url, allow=allow, raw_cap=self.config.max_sitemap_bytes)
            if res.error or res.body is None:
                self.sitemap_log.append({"url": url, "status": res.status, "error": res.error or "empty"})
                continue
            parsed = parse_sitemap(
                res.body, max_bytes=self.config.max_sitemap_bytes, max_urls=self.config.max_sitemap_urls
            )
            self.sitemap_log.append(
                {"url": url, "status": res.status, "urls": len(parsed.urls), "error": parsed.error}
            )
            if level < MAX_INDEX_DEPTH:
                queue.extend((child, level + 1) for child in parsed.sitemaps)
            with self.store.transaction():
                for loc, _lastmod in parsed.urls:
                    if total >= self.config.max_sitemap_urls:
                        break
                    total += 1
                    self.admit(loc, 0, "sitemap")

    # ------------------------------------------------------------------ workers
    async def worker(self) -> None:
        while True:
            item = await self.queue.get()
            try:
                self.counters.queued = self.queue.qsize()
                if not self.stopping:
                    await self.process(item)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # one bad URL never stops the run
                entry = self._entry_base(item, None)
                entry["error"] = {
                    "code": "internal",
                    "message": error_message("internal", repr(exc), self.lang),
                }
                self._complete(item, "page", entry, "failed")
            finally:
                self.queue.task_done()

    @property
    def lang(self) -> str:
        return self.config.lang

    def _entry_base(self, item: Item, res: FetchResult | None) -> dict[str, Any]:
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

    def _complete(
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

    def _fail(self, item: Item, res: FetchResult, kind: str) -> None:
        entry = self._entry_base(item, res)
        code = "too-large" if res.error == "too-large" else "fetch-failed"
        detail = res.detail or (f"HTTP {res.status}" if res.status else "")
        entry["error"] = {"code": code, "message": error_message(code, detail, self.lang)}
        self._complete(item, kind, entry, "failed", reason=res.error)

    async def process(self, item: Item) -> None:
        host = url_host(item.request_url)
        if host in self.paused_hosts:
            self._skip(item.url, "host-paused")
            self.store.set_state(self.run_id, item.url, "queued")  # left for a resumed run
            return
        guess = kind_by_name(item.url)
        name_kind = "document" if guess in ("document", "unsupported") else "page"
        if guess == "unsupported":
            entry = self._entry_base(item, None)
            ext = os.path.splitext(urlsplit(item.url).path)[1].lower()
            entry["error"] = {
                "code": "unsupported-format",
                "message": error_message("unsupported-format", f"{ext} file, not downloaded", self.lang),
            }
            self._complete(item, "document", entry, "done")
            return
        robots = await self.robots_for(item.request_url)
        if not robots.allowed(item.request_url):
            self._skip(item.url, "robots", record=False)
            self._complete(
                item, "skipped", {"url": item.request_url, "reason": "robots"}, "skipped", reason="robots"
            )
            return
        prior = self.store.resource(item.url)
        conditional = (
            prior is not None
            and prior.entry is not None
            and prior.catalogue == self.catalogue
            and prior.status == 200
        )
        res = await self.fetcher.fetch(
            item.request_url,
            allow=self._hop_allow(item),
            etag=prior.etag if conditional and prior else None,
            last_modified=prior.last_modified if conditional and prior else None,
        )
        try:
            await self._process_result(item, res, prior, conditional, name_kind)
        finally:
            res.discard()  # a file handed to a check task was taken off ``res`` (path None) first

    def _hop_allow(self, item: Item) -> Callable[[str], Any]:
        async def allow(target: str) -> str | None:
            if not self.in_scope(target):
                return "out-of-scope"
            info = await self.robots_for(target)
            if not info.allowed(target):
                return "robots"
            canon = canonicalize(target, self.config.strip_params)
            if canon is not None and canon != item.url:
                if self.guard.reason(canon, record=False) == "excluded":  # e.g. a redirect to a login page
                    return "excluded"
                if canon in self.seen:
                    return "already-seen"
                self.seen.add(canon)
            return None

        return allow

    def _note_host(self, host: str, failed: bool) -> None:
        if not failed:
            self.host_failures[host] = 0
            return
        self.host_failures[host] += 1
        limit = self.config.host_failure_limit
        if limit and self.host_failures[host] >= limit and host not in self.paused_hosts:
            self.paused_hosts.add(host)
            self.partial_reasons.add("host-paused")

    async def _process_result(
        self, item: Item, res: FetchResult, prior: Resource | None, conditional: bool, name_kind: str
    ) -> None:
        host = url_host(item.request_url)
        if res.error in ("out-of-scope", "robots", "already-seen", "redirect-loop", "excluded"):
            self._note_host(host, False)
            reason = {"already-seen": "redirect"}.get(res.error, f"redirect-{res.error}")
            record = {
                "url": item.request_url,
                "reason": reason,
                "final_url": res.final_url,
                "redirects": res.redirects,
            }
            self._skip(item.url, reason, record=False)
            self._complete(item, "skipped", record, "skipped", reason=reason)
            return
        if res.error:
            self._note_host(host, res.status is None or (res.status or 0) >= 500)
            self._fail(item, res, res.kind if res.kind in ("page", "document") else name_kind)
            return
        self._note_host(host, False)
        if res.not_modified and conditional and prior is not None and prior.entry is not None:
            kind = prior.kind or name_kind
            entry = self._reuse(item, res, prior)
            if kind == "page" and prior.links:
                self._admit_links(item, [(u, bool(nf)) for u, nf in prior.links])
            prior.fetched_at = res.fetched_at
            self._complete(item, kind, entry, "done", prior)
            return
        if res.kind in ("other", "unsupported") or res.kind is None:
            if res.kind == "unsupported":
                entry = self._entry_base(item, res)
                entry["error"] = {
                    "code": "unsupported-format",
                    "message": error_message("unsupported-format", res.content_type, self.lang),
                }
                self._complete(item, "document", entry, "done")
                return
            reason = "content-type"
            self._skip(item.url, reason, record=False)
            record = {"url": item.request_url, "reason": reason, "content_type": res.content_type}
            self._complete(item, "skipped", record, "skipped", reason=reason)
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
                self._page_links(item, res, resource, extract_links(res.body, res.final_url, res.encoding))
            entry = self._reuse(item, res, prior)
            resource.entry = prior.entry
            self._complete(item, res.kind, entry, "done", resource)
            return
        await self._check(item, res, resource)

    def _page_links(self, item: Item, res: FetchResult, resource: Resource, page: PageLinks) -> None:
        """A fetched page's links into the frontier and the state (a 304 next time still feeds the frontier),
        its canonical URL and meta robots into its entry."""
        if page.canonical:
            res.page_meta["canonical"] = page.canonical
        if page.meta_robots:
            res.page_meta["meta_robots"] = page.meta_robots
        resource.links = [[u, nf] for u, nf in page.links]
        self._admit_links(item, page.links)

    def _admit_links(self, item: Item, links: list[tuple[str, bool]]) -> None:
        with self.store.transaction():
            for url, nofollow in links:
                if nofollow and self.config.obey_nofollow:
                    continue
                self.admit(url, item.depth + 1, "link", item.url)

    def _reuse(self, item: Item, res: FetchResult, prior: Resource) -> dict[str, Any]:
        entry = dict(prior.entry or {})
        base = self._entry_base(item, res)
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

    async def _check(self, item: Item, res: FetchResult, resource: Resource) -> None:
        """Check a page or document. A page goes by its bytes and comes back with its links (one parse, in
        the pool); the links are admitted when the check is done. A document goes as its temporary file."""
        path = res.path
        body = res.body
        if res.kind == "page" and body is not None and len(body) <= self.config.inline_page_max_bytes:
            res.body = None
            checked = check_page_bytes(
                body, item.request_url, res.content_type, self.options, res.sha256, res.final_url
            )
            self._record_checked(item, res, resource, checked, body)
            return
        submit_page = getattr(self.pool, "submit_page", None)
        if res.kind == "page" and body is not None and submit_page is None:  # a pool that takes files only
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
            assert body is not None and submit_page is not None
            future = submit_page(body, item.request_url, res.content_type, res.sha256, res.final_url)
        task = asyncio.create_task(self._check_task(item, res, resource, future, path, body))
        self.check_tasks.add(task)
        task.add_done_callback(self.check_tasks.discard)

    async def _check_task(
        self,
        item: Item,
        res: FetchResult,
        resource: Resource,
        future: Future[dict[str, Any]] | asyncio.Future[dict[str, Any]],
        path: Path | None,
        body: bytes | None,
    ) -> None:
        try:
            checked = await (future if isinstance(future, asyncio.Future) else asyncio.wrap_future(future))
        finally:
            self.check_slots.release()
            if path is not None:
                with contextlib.suppress(OSError):
                    path.unlink()
        self._record_checked(item, res, resource, checked, body)

    def _record_checked(
        self,
        item: Item,
        res: FetchResult,
        resource: Resource,
        checked: dict[str, Any],
        body: bytes | None = None,
    ) -> None:
        kind = res.kind or "page"
        try:
            if body is not None:  # a page: its links, from the check or (when that failed) parsed here
                page = links_of(checked)
                if page is None:
                    page = extract_links(body, res.final_url, res.encoding)
                self._page_links(item, res, resource, page)
            entry = self._entry_base(item, res)
            for key, value in checked.items():
                if key not in ("sha256", "size") or entry.get(key) is None:  # the served bytes' hash wins
                    entry[key] = value
            entry["source"] = item.request_url
            error = entry.get("error")
            if not (error and error.get("code") in _NOT_STORED):
                resource.entry = entry  # the same object: the state file encodes it once
            self._complete(item, kind, entry, "done", resource)
        except Exception as exc:  # recording one result must not lose the others
            log.error("recording %s failed: %r", item.request_url, exc)
            entry = self._entry_base(item, res)
            entry["error"] = {"code": "internal", "message": error_message("internal", repr(exc), self.lang)}
            self._complete(item, kind, entry, "failed")

    # ------------------------------------------------------------------ the run
    async def run(self) -> dict[str, Any]:
        cfg = self.config
        self.store = StateStore(cfg.state_file)
        resumed = self.store.resumable_run(self.site) if self.resume else None
        self.queue: asyncio.PriorityQueue[Item] = asyncio.PriorityQueue()
        self.resumed = resumed is not None
        if resumed:
            self.run_id = resumed["id"]
            self.started = resumed["started"]
            self.store.reopen_run(self.run_id)
        else:
            self.run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
            self.store.start_run(self.run_id, self.site, cfg.as_dict())
        self.tmpdir = Path(tempfile.mkdtemp(prefix="tillgang-crawl-"))
        settings = FetchSettings(
            user_agent=cfg.user_agent_header,
            connect_timeout=cfg.connect_timeout,
            read_timeout=cfg.read_timeout,
            request_timeout=cfg.request_timeout,
            retries=cfg.retries,
            backoff=cfg.backoff,
            max_backoff=cfg.max_backoff,
            max_redirects=cfg.max_redirects,
            max_html_bytes=cfg.max_html_bytes,
            max_document_bytes=cfg.max_document_bytes,
        )
        self.scheduler = HostScheduler(cfg.per_host_concurrency, cfg.delay, cfg.jitter)
        jobs = cfg.check_jobs or default_jobs()
        options = CheckOptions(
            lang=cfg.lang,
            limits=DEFAULT_LIMITS.with_overrides(
                max_file_bytes=max(cfg.max_document_bytes, cfg.max_html_bytes),
                max_html_bytes=cfg.max_html_bytes,
                timeout_s=cfg.check_timeout,
            ),
        )
        self.check_slots = asyncio.Semaphore(8 * jobs)
        self.check_tasks: set[asyncio.Task[None]] = set()
        status = "interrupted"
        progress = Progress(self.counters, cfg.lang, force=False) if self.show_progress else None
        self.options = options
        self.pool: Any = _make_pool(options, jobs, self.run_id)
        client = make_client(settings, cfg.concurrency)  # one connection per fetch worker: no idle surplus
        self.fetcher = Fetcher(client, self.scheduler, settings, self.tmpdir)
        workers: list[asyncio.Task[None]] = []
        watchdog: asyncio.Task[None] | None = None
        flusher: asyncio.Task[None] | None = None
        try:
            if progress:
                progress.start()
            if resumed:
                self._load_frontier()
            else:
                for url in cfg.start_urls:
                    self.admit(url, 0, "start")
                if cfg.use_sitemaps and cfg.max_depth > 0:  # depth 0: only the start URLs
                    await self.seed_sitemaps()
            if cfg.max_duration_s > 0:
                watchdog = asyncio.create_task(self._watchdog(cfg.max_duration_s))
            flusher = asyncio.create_task(self._flusher())
            workers = [asyncio.create_task(self.worker()) for _ in range(cfg.concurrency)]
            while True:  # a page's links reach the queue when its check is done
                await self.queue.join()
                if not self.check_tasks:
                    break
                await asyncio.gather(*list(self.check_tasks))
            status = "partial" if (self.partial_reasons or self.stopping) else "complete"
        finally:
            for task in workers:
                task.cancel()
            for timer in (watchdog, flusher):
                if timer is not None:
                    timer.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            if status == "interrupted":
                for task in list(self.check_tasks):
                    task.cancel()
                self.pool.terminate()
            else:
                self.pool.close()
            with contextlib.suppress(Exception):
                await client.aclose()
            if progress:
                await progress.stop()
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.output = self.build_output(status)
            self.store.finish_run(self.run_id, status, self.output["summary"])
            if status != "interrupted":
                self.store.prune(self.site, self.config.keep_runs)
            self.store.close()
        return self.output

    async def _flusher(self) -> None:
        """Finished URLs reach the state file within ``group_commit_s`` even when nothing else happens."""
        while True:
            await asyncio.sleep(self.store.group_commit_s)
            self.store.sync_if_due()

    async def _watchdog(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        self.stopping = True
        self.partial_reasons.add("max-duration")

    def _load_frontier(self) -> None:
        for url, request_url, depth, via, state, _reason, seq in self.store.frontier(self.run_id):
            self.seen.add(url)
            self.seq = max(self.seq, seq)
            if kind_by_name(url) in ("document", "unsupported"):
                self.admitted_documents += 1
            else:
                self.admitted_pages += 1
            if state == "queued":
                self.queue.put_nowait(Item(depth, seq, url, request_url, via))
        for url, sources in self.store.referrers(self.run_id).items():
            self.ref_count[url] = len(sources)

    # ------------------------------------------------------------------ output
    def build_output(self, status: str) -> dict[str, Any]:
        pages: list[dict[str, Any]] = []
        documents: list[dict[str, Any]] = []
        skipped = list(self.skipped_list)
        referrers = self.store.referrers(self.run_id)
        current: dict[str, dict[str, Any]] = {}
        for url, kind, entry in self.store.results(self.run_id):
            if kind == "page":
                pages.append(entry)
            elif kind == "document":
                documents.append(entry)
            else:
                skipped.append(entry)
                continue
            current[url] = entry
            links = referrers.get(url)
            if links:
                entry["linked_from"] = links
                entry["linked_from_count"] = max(self.ref_count.get(url, 0), len(links))
        broken = [
            {
                "url": e["url"],
                "status": e.get("status"),
                "error": e["error"]["message"],
                "linked_from": e.get("linked_from", []),
                "linked_from_count": e.get("linked_from_count", 0),
            }
            for e in [*pages, *documents]
            if e.get("error") and e["error"]["code"] == "fetch-failed"
        ]
        orphans = [
            e["url"] for e in pages if e.get("discovered_via") == "sitemap" and not e.get("linked_from")
        ]
        comparison = self.compare(current)
        errors: Counter[str] = Counter()
        rules_failed: Counter[str] = Counter()
        outcomes = {"failed": 0, "cantTell": 0}
        for e in [*pages, *documents]:
            if e.get("error"):
                errors[e["error"]["code"]] += 1
            for rule, outcome in (e.get("rules") or {}).items():
                if outcome == "failed":
                    rules_failed[rule] += 1
            for f in e.get("findings") or []:
                if f.get("outcome") in outcomes:
                    outcomes[f["outcome"]] += 1
        skipped_counts = Counter(self.skipped)
        finished = time.time()
        duration = max(finished - self.started, 1e-9)
        summary = {
            "status": status,
            "partial_reasons": sorted(self.partial_reasons),
            "pages": len(pages),
            "documents": len(documents),
            "checked": sum(1 for e in [*pages, *documents] if not e.get("reused") and "rules" in e),
            "reused": sum(1 for e in [*pages, *documents] if e.get("reused")),
            "not_checked": sum(1 for e in [*pages, *documents] if e.get("error")),
            "errors": dict(errors),
            "broken_links": len(broken),
            "skipped": dict(skipped_counts),
            "rules_failed": dict(rules_failed),
            "findings": outcomes,
            "new": len(comparison["new"]),
            "fixed": len(comparison["fixed"]),
            "persisting": comparison["persisting"],
            "requests": self.fetcher.requests if hasattr(self, "fetcher") else 0,
            "duration_s": round(duration, 3),
            "urls_per_s": round((len(pages) + len(documents)) / duration, 2),
        }
        return {
            "tool": tool_info(),
            "run": {
                "id": self.run_id,
                "site": self.site,
                "started": iso_z_from_epoch(self.started),
                "finished": iso_z_from_epoch(finished),
                "status": status,
                "start_urls": list(self.config.start_urls),
                "config": self.config.as_dict(),
                "robots": {
                    host: {**info.as_dict(), "effective_delay": self.scheduler.delay_for(host)}
                    for host, info in self.robots.items()
                },
                "sitemaps": self.sitemap_log,
            },
            "summary": summary,
            "pages": pages,
            "documents": documents,
            "broken_links": broken,
            "orphan_pages": orphans,
            "skipped": skipped[:MAX_SKIPPED_LISTED],
            "comparison": comparison,
        }

    def compare(self, current: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """New, fixed and persisting findings against the previous finished run of the same site. "Fixed" only
        when the URL was checked in this run (no error) and the finding is gone (notes §8.10)."""
        prev_id = self.store.previous_run(self.site, self.run_id)
        previous = self.store.results(prev_id) if prev_id else iter(())
        return {"previous_run": prev_id, **compare_findings(previous, current)}


def compare_findings(
    previous_results: Iterable[tuple[str, str, dict[str, Any]]], current: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """New, fixed and persisting findings. ``previous_results``: (canonical URL, kind, entry) of the previous
    run; ``current``: this run's entries by canonical URL. Matching is on (URL, rule, location) first, then on
    the fingerprint; each previous finding matches at most one current finding."""
    # every previous finding, numbered; a key may occur more than once (the same finding twice on a page)
    previous: list[tuple[str, dict[str, Any]]] = []
    by_primary: dict[str, list[int]] = defaultdict(list)
    by_secondary: dict[str, list[int]] = defaultdict(list)
    for url, kind, entry in previous_results:
        if kind not in ("page", "document"):
            continue
        for f in entry.get("findings") or []:
            primary, secondary = finding_key(url, f)
            by_primary[primary].append(len(previous))
            if secondary:
                by_secondary[secondary].append(len(previous))
            previous.append((url, f))
    matched: set[int] = set()
    new: list[dict[str, Any]] = []
    unmatched: list[tuple[str, str | None, str, dict[str, Any]]] = []
    for url, entry in current.items():  # first pass: the same location
        for f in entry.get("findings") or []:
            primary, secondary = finding_key(url, f)
            hit = next((i for i in by_primary.get(primary, ()) if i not in matched), None)
            if hit is not None:
                matched.add(hit)
            else:
                unmatched.append((primary, secondary, entry["url"], f))
    for _primary, secondary, url, f in unmatched:  # second pass: the same fingerprint elsewhere
        hit = next((i for i in by_secondary.get(secondary or "", ()) if i not in matched), None)
        if hit is not None:
            matched.add(hit)
        else:
            new.append(_finding_ref(url, f))
    fixed = []
    for index, (url, f) in enumerate(previous):
        if index in matched:
            continue
        checked = current.get(url)
        if checked is not None and not checked.get("error"):
            fixed.append(_finding_ref(checked["url"], f))
    return {"new": new, "fixed": fixed, "persisting": len(matched)}


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


def _finding_ref(url: str, f: dict[str, Any]) -> dict[str, Any]:
    return {
        "url": url,
        "rule": f.get("rule"),
        "outcome": f.get("outcome"),
        "location": f.get("location"),
        "message": f.get("message"),
    }


def exit_status(output: dict[str, Any]) -> int:
    """0 nothing failed; 1 some rule failed or some link is broken; 3 some URL could not be fetched or
    checked (and nothing failed) — the convention of ``tillgang check``."""
    entries = [*output["pages"], *output["documents"]]
    if output["broken_links"] or any("failed" in (e.get("rules") or {}).values() for e in entries):
        return 1
    if any(e.get("error") for e in entries) or output["summary"]["status"] != "complete":
        return 3
    return 0


async def crawl(config: CrawlConfig, **kwargs: Any) -> dict[str, Any]:
    return await Crawl(config, **kwargs).run()
