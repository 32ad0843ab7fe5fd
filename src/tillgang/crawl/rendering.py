"""``tillgang crawl --render all|sample``: pages checked in a headless Chromium (browser/).

``all`` renders every page. ``sample`` renders one page per template and checks the others statically: pages
share a template when their DOM skeleton is the same (``template_key``: the tags, ids and classes of the body's
elements, without text, with runs of siblings of one shape counted once), so the computed-style rules see every
template of a site at the cost of a few renders. A rendered page's entry says ``"rendered": true``, and the run's
``render`` summary counts the pages rendered and the templates seen.

The browser gets the page from the bytes the crawler fetched (no second request for it); what the page loads
itself goes through the browser's guard, with the crawl's own hosts allowed (their operator named them).
Rendering runs in worker processes with a warm browser each, under the crawl's per-page time limit.
"""

from __future__ import annotations

import asyncio
import hashlib
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from lxml import etree

from ..browser.check import check_rendered
from ..browser.pool import GRACE_S, ensure_available, render_worker_init, worker_browser
from ..engine import CheckOptions, failed_entry
from ..model import Document
from ..report import DocumentEntry
from .inline import PAGE_LINKS
from .links import links_from_tree

__all__ = ["MODES", "SHOTS_PER_PAGE", "SHOTS_PER_RUN", "Renderer", "render_page_task", "template_key"]

MODES = ("off", "all", "sample")
MAX_SKELETON_ELEMENTS = 5000
RENDER_NICE = 5
SHOTS_PER_PAGE = 10  # screenshots of cantTell elements with --out: at most this many per page
SHOTS_PER_RUN = 500  # and per run


def template_key(body: bytes, encoding: str | None = None) -> str:
    """The page's DOM skeleton as a short hash: the same for pages made from one template."""
    parser = etree.HTMLParser(encoding=encoding, no_network=True, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(body, parser=parser)
    except (etree.ParserError, ValueError, LookupError):
        return "unreadable"
    if root is None:
        return "empty"
    found = root.find("body")
    parts: list[str] = []
    count = [0]

    def shape(el: Any) -> str:
        cls = " ".join(sorted((el.get("class") or "").split()))
        ident = el.get("id") or ""
        return f"{el.tag}#{ident}.{cls}" if ident or cls else str(el.tag)

    def walk(el: Any, depth: int) -> None:
        count[0] += 1
        if count[0] > MAX_SKELETON_ELEMENTS or depth > 40:
            return
        parts.append(f"{depth}:{shape(el)}")
        previous = None
        for child in el:
            if not isinstance(child.tag, str) or child.tag in ("script", "style", "template", "noscript"):
                continue
            here = shape(child)
            if here == previous:
                continue  # a list of items of one shape is one item in the skeleton
            previous = here
            walk(child, depth + 1)

    walk(found if found is not None else root, 0)
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def render_page_task(
    body: bytes,
    url: str,
    final_url: str,
    content_type: str | None,
    options: CheckOptions,
    trusted_hosts: frozenset[str],
    shots: Path | None = None,
    max_shots: int = 0,
) -> DocumentEntry:
    """A render worker's task: one fetched page, checked in this worker's browser; its links (from the
    rendered DOM, so links that scripts add count too) come back under ``inline.PAGE_LINKS``. With ``shots``
    (the run's output folder) up to ``max_shots`` cantTell elements are photographed into its screenshots/."""
    links: dict[str, Any] = {}

    def take_links(doc: Document) -> None:
        root = getattr(doc.native, "root", None)
        if isinstance(root, etree._Element):
            links["page"] = links_from_tree(root, final_url)

    entry = check_rendered(
        worker_browser(options.lang),
        final_url,
        url,
        options,
        body=body,
        content_type=content_type,
        trusted_hosts=trusted_hosts,
        on_document=take_links,
        shots=shots if max_shots > 0 else None,
        max_shots=max_shots,
    )
    entry["sha256"] = hashlib.sha256(body).hexdigest()
    entry["size"] = len(body)
    if "page" in links:
        entry[PAGE_LINKS] = links["page"]  # type: ignore[literal-required]
    return entry


class Renderer:
    """The crawl's render workers and the choice of pages to render."""

    def __init__(
        self,
        mode: str,
        options: CheckOptions,
        trusted_hosts: frozenset[str],
        jobs: int = 1,
        shots: Path | None = None,
    ) -> None:
        from pebble import ProcessPool

        ensure_available(options.lang)
        self.mode = mode
        self.options = options
        self.trusted = trusted_hosts
        self.templates: set[str] = set()
        self.rendered = 0
        self.static = 0
        self.shots = shots  # the run's output folder: screenshots/ of cantTell elements (None: none taken)
        self.screenshots = 0
        self._pool = ProcessPool(
            max_workers=max(1, jobs), initializer=render_worker_init, initargs=(RENDER_NICE,)
        )

    async def wants(self, body: bytes, encoding: str | None) -> bool:
        """Render this page? ``all``: yes; ``sample``: when its template is new in this run."""
        if self.mode == "all":
            return True
        key = await asyncio.to_thread(template_key, body, encoding)
        if key in self.templates:
            self.static += 1
            return False
        self.templates.add(key)
        return True

    async def check(self, body: bytes, url: str, final_url: str, content_type: str | None) -> DocumentEntry:
        """The page's entry from the browser; a timeout or a dead worker becomes that page's error."""
        from pebble import ProcessExpired

        limit = self.options.limits.timeout_s + GRACE_S
        future: Future[DocumentEntry] = self._pool.schedule(
            render_page_task,
            args=(body, url, final_url, content_type, self.options, self.trusted, self.shots, self._budget()),
            timeout=limit,
        )
        lang = self.options.lang
        try:
            entry = await asyncio.wrap_future(future)
        except TimeoutError:
            entry = failed_entry("", url, "timeout", f"more than {limit:g} s in the browser", lang)
        except ProcessExpired as exc:
            entry = failed_entry(
                "", url, "internal", f"the browser process ended (exit code {exc.exitcode})", lang
            )
        except Exception as exc:  # pickling or pool failure: this page only
            entry = failed_entry("", url, "internal", f"{type(exc).__name__}: {exc}", lang)
        self.rendered += 1
        self.screenshots += len({f["screenshot"] for f in entry.get("findings", ()) if "screenshot" in f})
        return entry

    def _budget(self) -> int:
        """How many screenshots the next page may take: ``SHOTS_PER_PAGE``, less near the run's
        ``SHOTS_PER_RUN`` (pages rendered at the same time may each take their share, a small overshoot)."""
        if self.shots is None:
            return 0
        return max(0, min(SHOTS_PER_PAGE, SHOTS_PER_RUN - self.screenshots))

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"mode": self.mode, "rendered": self.rendered}
        if self.shots is not None:
            out["screenshots"] = self.screenshots
        if self.mode == "sample":
            out["templates"] = len(self.templates)
            out["static"] = self.static
        return out

    def close(self, interrupted: bool = False) -> None:
        if interrupted:
            self._pool.stop()
        else:
            self._pool.close()
        self._pool.join()
