"""The frontier of one crawl run: what is admitted, what is skipped and why, and what waits to be fetched.

Admission applies the scope, the trap guards and the limits to every URL found (start URLs, sitemaps, links,
redirect targets) and queues the rest breadth-first. It also keeps the run's shortfalls (``partial_reasons``),
the hosts paused after repeated failures, and how often each URL is linked. A resumed run rebuilds the frontier
from the state file (``load``).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .config import CrawlConfig
from .fetch import kind_by_name
from .progress import Counters
from .state import StateStore
from .urls import TrapGuard, canonicalize

__all__ = ["MAX_REFERRER_SAMPLES", "MAX_SKIPPED_PER_REASON", "Frontier", "Item"]

MAX_REFERRER_SAMPLES = 5
MAX_SKIPPED_PER_REASON = 200  # skipped URLs listed in run.json per reason (every reason is counted)
# shortfalls that a resumed run makes good: the URLs they held back are queued again
_RESUMABLE = ("max-duration", "host-paused")


@dataclass(order=True)
class Item:
    depth: int
    seq: int
    url: str  # canonical
    request_url: str
    via: str  # start | sitemap | link | redirect


class Frontier:
    def __init__(self, config: CrawlConfig, store: StateStore, run_id: str, counters: Counters) -> None:
        self.config = config
        self.store = store
        self.run_id = run_id
        self.counters = counters
        self.hosts = config.hosts
        self.scope = config.scope  # (host, port) pairs: another port on an allowed host is another site
        self.guard = TrapGuard(
            max_url_length=config.max_url_length,
            max_query_params=config.max_query_params,
            max_query_variants=config.max_query_variants,
            max_repeated_segment=config.max_repeated_segment,
            date_window_years=config.date_window_years,
            exclude=config.exclude,
        )
        self.queue: asyncio.PriorityQueue[Item] = asyncio.PriorityQueue()
        self.seen: set[str] = set()
        self.seq = 0
        self.admitted_pages = 0
        self.admitted_documents = 0
        self.skipped: Counter[str] = Counter()
        self.skipped_list: list[dict[str, Any]] = []
        self.listed: Counter[str] = Counter()  # entries of skipped_list by reason
        self.ref_count: Counter[str] = Counter()
        self.partial_reasons: set[str] = set()
        self.host_failures: Counter[str] = Counter()
        self.paused_hosts: set[str] = set()
        self.stopping = False
        self.stopped = asyncio.Event()  # set with ``stopping``: the run's deadline

    # ------------------------------------------------------------------ admission
    def skip(self, url: str, reason: str, record: bool = True) -> None:
        self.skipped[reason] += 1
        self.counters.skipped += 1
        if record and self.listed[reason] < MAX_SKIPPED_PER_REASON:
            self.listed[reason] += 1
            self.skipped_list.append({"url": url, "reason": reason})

    def in_scope(self, url: str) -> bool:
        return self.scope.contains(url)

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
            self.skip(canon, "media", record=False)
            return
        if not self.in_scope(canon):
            self.skip(canon, "out-of-scope", record=False)
            return
        if depth > self.config.max_depth:
            self.skip(canon, "max-depth")  # a chosen scope, not a shortfall: the run stays complete
            return
        reason = self.guard.reason(canon)
        if reason:
            self.skip(canon, reason)
            return
        if not self._within_limits(canon, kind):
            return
        self.seq += 1
        self.store.add_frontier(self.run_id, canon, url, depth, via, "queued", None, self.seq)
        self.queue.put_nowait(Item(depth, self.seq, canon, url, via))
        self.counters.queued = self.queue.qsize()

    def _within_limits(self, canon: str, kind: str | None) -> bool:
        """Count the URL against its limit (documents or pages), or skip it when that limit is reached."""
        if kind in ("document", "unsupported"):
            if self.admitted_documents >= self.config.max_documents:
                self.skip(canon, "max-documents")
                self.partial_reasons.add("max-documents")
                return False
            self.admitted_documents += 1
        else:
            if self.admitted_pages >= self.config.max_pages:
                self.skip(canon, "max-pages")
                self.partial_reasons.add("max-pages")
                return False
            self.admitted_pages += 1
        return True

    def admit_links(self, item: Item, links: list[tuple[str, bool]]) -> None:
        with self.store.transaction():
            for url, nofollow in links:
                if nofollow and self.config.obey_nofollow:
                    continue
                self.admit(url, item.depth + 1, "link", item.url)

    def redirect_reason(self, target: str, item: Item) -> str | None:
        """Why a redirect hop of ``item`` to ``target`` (in scope, allowed by robots.txt) is not followed, or
        None; a target that is followed counts as seen."""
        canon = canonicalize(target, self.config.strip_params)
        if canon is not None and canon != item.url:
            if self.guard.reason(canon, record=False) == "excluded":  # e.g. a redirect to a login page
                return "excluded"
            if canon in self.seen:
                return "already-seen"
            self.seen.add(canon)
        return None

    # ------------------------------------------------------------------ hosts and the run's end
    def note_host(self, host: str, failed: bool) -> None:
        if not failed:
            self.host_failures[host] = 0
            return
        self.host_failures[host] += 1
        limit = self.config.host_failure_limit
        if limit and self.host_failures[host] >= limit and host not in self.paused_hosts:
            self.paused_hosts.add(host)
            self.partial_reasons.add("host-paused")

    def stop(self, reason: str) -> None:
        """Hand out no more URLs (those left stay queued in the state file); the run is partial."""
        self.stopping = True
        self.stopped.set()
        self.partial_reasons.add(reason)

    @property
    def partial(self) -> bool:
        return bool(self.partial_reasons or self.stopping)

    # ------------------------------------------------------------------ resume
    def load(self) -> None:
        """Rebuild the frontier of the resumed run ``run_id`` from the state file."""
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
        self._restore(self.store.shortfalls(self.run_id))

    # ------------------------------------------------------------------ shortfalls across a resume
    def shortfalls(self) -> dict[str, Any]:
        """What made the run partial and what it skipped, for the state file (``StateStore.save_shortfalls``):
        a resumed run keeps them, so it is complete only if nothing was ever cut short."""
        return {
            "partial_reasons": sorted(self.partial_reasons),
            "skipped": dict(self.skipped),
            "skipped_list": self.skipped_list,
        }

    def _restore(self, saved: dict[str, Any]) -> None:
        """The shortfalls of the run's earlier part, less those that resuming makes good (the deadline, a
        paused host: their URLs are queued again)."""
        self.partial_reasons |= {r for r in saved.get("partial_reasons", []) if r not in _RESUMABLE}
        for reason, count in (saved.get("skipped") or {}).items():
            if reason not in _RESUMABLE:
                self.skipped[reason] += int(count)
        for entry in saved.get("skipped_list") or []:
            reason = entry.get("reason", "")
            if reason not in _RESUMABLE and self.listed[reason] < MAX_SKIPPED_PER_REASON:
                self.listed[reason] += 1
                self.skipped_list.append(entry)
