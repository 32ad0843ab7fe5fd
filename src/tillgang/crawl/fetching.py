"""Fetching for one crawl run: the fetch workers, robots.txt per host, sitemap seeds, redirect checks.

``concurrency`` workers take URLs breadth-first from the frontier, check them against robots.txt, fetch them
with one shared client (conditionally when a stored result may be reused) and hand each result to checking.
Every redirect hop is checked against the scope, robots.txt and the frontier before it is requested.
"""

from __future__ import annotations

import asyncio
import os
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .checking import Checking
from .config import CrawlConfig
from .fetch import Fetcher, FetchSettings, HostScheduler, kind_by_name, make_client
from .frontier import Frontier, Item
from .robots import MAX_ROBOTS_BYTES, RobotsInfo, parse_robots, robots_for_status
from .sitemap import MAX_INDEX_DEPTH, parse_sitemap
from .state import StateStore
from .urls import canonicalize, url_host, url_origin

__all__ = ["Fetching", "fetch_settings"]

# fetch errors that are redirects not followed: the URL is skipped, not failed
_REDIRECT_SKIPS = ("out-of-scope", "robots", "already-seen", "redirect-loop", "excluded")


def fetch_settings(cfg: CrawlConfig) -> FetchSettings:
    return FetchSettings(
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


class Fetching:
    def __init__(
        self, config: CrawlConfig, store: StateStore, frontier: Frontier, checking: Checking, tmpdir: Path
    ) -> None:
        self.config = config
        self.store = store
        self.frontier = frontier
        self.checking = checking
        settings = fetch_settings(config)
        self.scheduler = HostScheduler(config.per_host_concurrency, config.delay, config.jitter)
        self.client = make_client(settings, config.concurrency)  # one connection per worker: no idle surplus
        self.fetcher = Fetcher(self.client, self.scheduler, settings, tmpdir)
        self.robots: dict[str, RobotsInfo] = {}  # by origin (scheme://host[:port]), as RFC 9309 scopes it
        self._robots_locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._robots_delays: dict[str, float] = {}
        self.sitemap_log: list[dict[str, Any]] = []
        self.capped_delays: dict[str, float] = {}  # by host: a Crawl-delay over ``max_crawl_delay``

    @property
    def requests(self) -> int:
        return self.fetcher.requests

    def robots_report(self) -> dict[str, dict[str, Any]]:
        """``run.robots``: per origin, what robots.txt said, the delay used for its host, and a Crawl-delay
        that was capped."""
        out: dict[str, dict[str, Any]] = {}
        for origin, info in self.robots.items():
            host = url_host(origin)
            out[origin] = {**info.as_dict(), "effective_delay": self.scheduler.delay_for(host)}
            if host in self.capped_delays:
                out[origin]["crawl_delay_capped"] = {
                    "asked": self.capped_delays[host],
                    "used": self.config.max_crawl_delay,
                }
        return out

    async def aclose(self) -> None:
        await self.client.aclose()

    # ------------------------------------------------------------------ robots and sitemaps
    async def _in_scope(self, target: str) -> str | None:
        return None if self.frontier.in_scope(target) else "out-of-scope"

    async def robots_for(self, url: str) -> RobotsInfo:
        host = url_host(url)
        if not self.config.obey_robots:
            return RobotsInfo(status="off")
        origin = url_origin(url)
        async with self._robots_locks[origin]:
            info = self.robots.get(origin)
            if info is not None:
                return info
            robots_url = f"{origin}/robots.txt"
            res = await self.fetcher.fetch(
                robots_url, allow=self._in_scope, raw_cap=MAX_ROBOTS_BYTES, keep_prefix=True
            )
            if res.status and 200 <= res.status < 300 and res.body is not None:
                info = parse_robots(res.body, res.status, truncated=res.truncated)
            elif res.error in ("out-of-scope", "redirect-loop") or 300 <= (res.status or 0) < 400:
                # RFC 9309 §2.3.1.2: too many redirects = unavailable = no rules
                info = robots_for_status(404)
            else:
                info = robots_for_status(res.status)
            if info.status == "unavailable":
                self.frontier.partial_reasons.add("robots-unavailable")
            asked = info.crawl_delay or 0.0
            if asked > self.config.max_crawl_delay:  # noted in run.robots: the site asked for more
                self.capped_delays[host] = asked
                asked = self.config.max_crawl_delay
            delay = max(self.config.delay, asked, self._robots_delays.get(host, 0.0))
            self._robots_delays[host] = delay  # the politeness is per host: the largest of its origins'
            self.scheduler.set_delay(host, delay)
            self.robots[origin] = info
            return info

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
        while queue and total < self.config.max_sitemap_urls and not self.frontier.stopping:
            url, level = queue.pop(0)
            canon = canonicalize(url)
            if canon is None or canon in done or not self.frontier.in_scope(url):
                continue
            done.add(canon)
            info = await self.robots_for(url)
            if not info.allowed(url):
                self.sitemap_log.append({"url": url, "error": "robots"})
                continue
            res = await self.fetcher.fetch(url, allow=self._in_scope, raw_cap=self.config.max_sitemap_bytes)
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
                    self.frontier.admit(loc, 0, "sitemap")

    # ------------------------------------------------------------------ workers
    async def worker(self) -> None:
        queue = self.frontier.queue
        while True:
            item = await queue.get()
            try:
                self.frontier.counters.queued = queue.qsize()
                if not self.frontier.stopping:
                    await self.process(item)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # one bad URL never stops the run
                self.checking.failed(item, "page", "internal", repr(exc))
            finally:
                queue.task_done()

    async def process(self, item: Item) -> None:
        host = url_host(item.request_url)
        if host in self.frontier.paused_hosts:
            self.frontier.skip(item.url, "host-paused")
            self.store.set_state(self.frontier.run_id, item.url, "queued")  # left for a resumed run
            return
        guess = kind_by_name(item.url)
        name_kind = "document" if guess in ("document", "unsupported") else "page"
        if guess == "unsupported":
            ext = os.path.splitext(urlsplit(item.url).path)[1].lower()
            self.checking.unsupported(item, None, f"{ext} file, not downloaded")
            return
        robots = await self.robots_for(item.request_url)
        if not robots.allowed(item.request_url):
            self.checking.skipped(item, {"url": item.request_url, "reason": "robots"}, "robots")
            return
        prior = self.store.resource(item.url)
        conditional = self.checking.conditional(prior)
        res = await self.fetcher.fetch(
            item.request_url,
            allow=self._hop_allow(item),
            etag=prior.etag if conditional and prior else None,
            last_modified=prior.last_modified if conditional and prior else None,
        )
        try:
            if res.error in _REDIRECT_SKIPS:
                self.frontier.note_host(host, False)
                reason = {"already-seen": "redirect"}.get(res.error, f"redirect-{res.error}")
                record = {
                    "url": item.request_url,
                    "reason": reason,
                    "final_url": res.final_url,
                    "redirects": res.redirects,
                }
                self.checking.skipped(item, record, reason)
            elif res.error:
                self.frontier.note_host(host, res.status is None or (res.status or 0) >= 500)
                self.checking.fetch_failed(
                    item, res, res.kind if res.kind in ("page", "document") else name_kind
                )
            else:
                self.frontier.note_host(host, False)
                await self.checking.handle(item, res, prior, conditional, name_kind)
        finally:
            res.discard()  # a file handed to a check task was taken off ``res`` (path None) first

    def _hop_allow(self, item: Item) -> Callable[[str], Awaitable[str | None]]:
        async def allow(target: str) -> str | None:
            if not self.frontier.in_scope(target):
                return "out-of-scope"
            info = await self.robots_for(target)
            if not info.allowed(target):
                return "robots"
            return self.frontier.redirect_reason(target, item)

        return allow
