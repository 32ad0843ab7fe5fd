"""One crawl run: the coordinator of the frontier, fetching, checking, the state file and the output (notes §8).

As Scrapy splits its engine into scheduler, downloader and pipelines, a run is made of:

- ``frontier.Frontier``: admission (scope, trap guards, limits), the seen set, the queue, skipped URLs, the
  run's shortfalls; resumed from the state file;
- ``fetching.Fetching``: ``concurrency`` fetch workers with one shared httpx client, taking URLs breadth-first
  from the frontier; robots.txt, sitemap seeds, redirect checks;
- ``checking.Checking``: reuse of unchanged results, checks in the injected pool (by default
  ``aiopool.AsyncCheckPool``: warm worker processes driven from the event loop, the hard per-document time
  limit), in tasks of their own, so checking never blocks fetching. A page goes to the pool as bytes and is
  parsed once there, for the checks and for its links, which come back with its report and enter the frontier
  then. The number of checks waiting or running is bounded (8 × workers), which bounds memory. The check
  workers run at a lower priority (``WORKER_NICE``): fetching and recording, one process that the whole crawl
  waits on, never wait for a core, and the workers take every cycle left;
- ``output``: ``run.json``, the summary, the comparison with the previous run.

Every finished URL reaches the state file within a quarter second (``state.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import shutil
import tempfile
import time
import uuid
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from ..catalogue import load
from ..engine import CheckOptions, default_jobs
from ..limits import DEFAULT_LIMITS
from .aiopool import AsyncCheckPool
from .checking import Checking, CheckPool, OnResult, PoolFactory
from .config import CrawlConfig
from .fetching import Fetching
from .frontier import Frontier, Item
from .output import RunFacts, build_output, compare_findings, exit_status, finding_key
from .progress import Counters, Progress
from .rendering import MODES, Renderer
from .state import StateStore

__all__ = ["Crawl", "Item", "PoolFactory", "compare_findings", "crawl", "exit_status", "finding_key"]

# The check workers' niceness. The crawl process fetches, parses nothing and records; when it waits for a core
# the whole crawl waits. Measured with bench/bench_crawl.py on 2 cores: +18 % URLs/s with the workers at 10.
# It also keeps the register's web server (``tillgang serve``) responsive while a nightly crawl runs.
WORKER_NICE = 10

SHORTFALLS_EVERY_S = 5.0  # the run's partial reasons and skipped URLs reach the state file this often


def _make_pool(options: CheckOptions, jobs: int, run_id: str) -> CheckPool:
    """The default check pool: this machine's worker processes. The command line passes another factory for
    Celery workers when a broker is configured."""
    return AsyncCheckPool(options, jobs, nice=WORKER_NICE)


def check_options(cfg: CrawlConfig) -> CheckOptions:
    """The engine's options for the crawl's checks: the crawl's language, size caps and time limit."""
    return CheckOptions(
        lang=cfg.lang,
        rule_set=cfg.rule_set,
        limits=DEFAULT_LIMITS.with_overrides(
            max_file_bytes=max(cfg.max_document_bytes, cfg.max_html_bytes),
            max_html_bytes=cfg.max_html_bytes,
            timeout_s=cfg.check_timeout,
        ),
    )


class Crawl:
    """One run of the crawl: opens (or resumes) the run in the state file, wires the frontier, fetching and
    checking, drives them until nothing is queued or being checked, and writes the output. ``pool_factory``
    makes the check pool (default: this machine's worker processes)."""

    def __init__(
        self,
        config: CrawlConfig,
        *,
        resume: bool = False,
        progress: bool = True,
        on_result: OnResult | None = None,
        pool_factory: PoolFactory | None = None,
        render: str = "off",
        shots: Path | None = None,
    ) -> None:
        config.validate()
        if render not in MODES:
            raise ValueError(f"render must be one of {MODES}")
        self.render = render  # --render all|sample (crawl/rendering.py)
        self.shots = shots  # with --render and --out: the folder where screenshots/ go
        self.config = config
        self.resume = resume
        self.show_progress = progress
        self.on_result = on_result
        self.pool_factory = pool_factory
        self.hosts = config.hosts
        self.site = ",".join(sorted(self.hosts))
        self.catalogue = load().version
        self.counters = Counters()
        self.run_id = ""
        self.resumed = False
        self.started = time.time()
        self.output: dict[str, Any] | None = None  # set when the run ends, also when it is interrupted
        self.renderer_summary: dict[str, Any] | None = None  # the run's "render" block (with --render)

    @property
    def lang(self) -> str:
        return self.config.lang

    async def run(self) -> dict[str, Any]:
        cfg = self.config
        store = StateStore(cfg.state_file)
        self._open_run(store)
        tmpdir = Path(tempfile.mkdtemp(prefix="tillgang-crawl-"))
        jobs = cfg.check_jobs or default_jobs()
        options = check_options(cfg)
        frontier = Frontier(cfg, store, self.run_id, self.counters)
        status = "interrupted"
        progress = Progress(self.counters, cfg.lang, force=False) if self.show_progress else None
        pool = (self.pool_factory or _make_pool)(options, jobs, self.run_id)
        checking = Checking(
            cfg,
            store=store,
            run_id=self.run_id,
            frontier=frontier,
            counters=self.counters,
            pool=pool,
            options=options,
            jobs=jobs,
            catalogue=self.catalogue,
            tmpdir=tmpdir,
            on_result=self.on_result,
        )
        if self.render != "off":
            checking.renderer = Renderer(
                self.render, options, frozenset(self.hosts), jobs=jobs, shots=self.shots
            )
        fetching = Fetching(cfg, store, frontier, checking, tmpdir)
        workers: list[asyncio.Task[None]] = []
        timers: list[asyncio.Task[None]] = []
        try:
            if progress:
                progress.start()
            if cfg.max_duration_s > 0:
                timers.append(asyncio.create_task(self._watchdog(frontier, cfg.max_duration_s)))
            timers.append(asyncio.create_task(self._flusher(store, frontier)))
            await _unless_stopped(self._seed(frontier, fetching), frontier)
            workers = [asyncio.create_task(fetching.worker()) for _ in range(cfg.concurrency)]
            while not frontier.stopping:  # a page's links reach the queue when its check is done
                if await _unless_stopped(frontier.queue.join(), frontier) or not await checking.drain():
                    break
            if frontier.stopping:
                await self._wind_down(workers, checking)
            status = "partial" if frontier.partial else "complete"
        finally:
            # Bounded and complete whatever happens meanwhile: the pool is stopped before the first await (its
            # workers get SIGTERM, then SIGKILL after a grace period), and a second cancel (another SIGTERM)
            # while cleaning up cuts no step short, so the output and the state file are always written.
            for task in [*workers, *timers]:
                task.cancel()
            checking.stop(interrupted=status == "interrupted")
            self.renderer_summary = checking.renderer.summary() if checking.renderer is not None else None
            await _quietly(asyncio.gather(*workers, return_exceptions=True))
            await _quietly(fetching.aclose())
            if progress:
                await _quietly(progress.stop())
            shutil.rmtree(tmpdir, ignore_errors=True)
            self._finish(store, status, frontier, fetching)
        assert self.output is not None
        return self.output

    async def _wind_down(self, workers: list[asyncio.Task[None]], checking: Checking) -> None:
        """The deadline (``max_duration_s``) has passed: no fetch outlasts it, not even one waiting out a
        Crawl-delay or a Retry-After (the URLs in flight stay queued for ``--resume``); the checks already under
        way get at most one more per-document time limit, then they are stopped (their URLs stay queued too)."""
        for task in workers:
            task.cancel()
        await _quietly(asyncio.gather(*workers, return_exceptions=True))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(checking.drain(), self.config.check_timeout)
        checking.cancel_checks()

    def _open_run(self, store: StateStore) -> None:
        """Continue the site's unfinished run (``resume``) or start a new one."""
        resumed = store.resumable_run(self.site) if self.resume else None
        self.resumed = resumed is not None
        if resumed:
            self.run_id = resumed["id"]
            self.started = resumed["started"]
            store.reopen_run(self.run_id)
        else:
            self.run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
            store.start_run(self.run_id, self.site, self.config.as_dict())

    async def _seed(self, frontier: Frontier, fetching: Fetching) -> None:
        """The frontier of a resumed run from the state file; otherwise the start URLs and sitemaps."""
        if self.resumed:
            frontier.load()
            return
        for url in self.config.start_urls:
            frontier.admit(url, 0, "start")
        if self.config.use_sitemaps and self.config.max_depth > 0:  # depth 0: only the start URLs
            await fetching.seed_sitemaps()

    def _finish(self, store: StateStore, status: str, frontier: Frontier, fetching: Fetching) -> None:
        facts = RunFacts(
            run_id=self.run_id,
            site=self.site,
            status=status,
            started=self.started,
            config=self.config,
            partial_reasons=frontier.partial_reasons,
            skipped=frontier.skipped,
            skipped_list=frontier.skipped_list,
            ref_count=frontier.ref_count,
            robots=fetching.robots_report(),
            sitemaps=fetching.sitemap_log,
            requests=fetching.requests,
        )
        store.save_shortfalls(self.run_id, frontier.shortfalls())
        self.output = build_output(store, facts)
        if self.renderer_summary is not None:
            self.output["render"] = self.renderer_summary
        store.finish_run(self.run_id, status, self.output["summary"])
        if status != "interrupted":
            store.prune(self.site, self.config.keep_runs)
        store.close()

    async def _flusher(self, store: StateStore, frontier: Frontier) -> None:
        """Finished URLs reach the state file within ``group_commit_s`` even when nothing else happens; the
        run's shortfalls every ``SHORTFALLS_EVERY_S`` (and at its end)."""
        saved = time.monotonic()
        while True:
            await asyncio.sleep(store.group_commit_s)
            store.sync_if_due()
            if time.monotonic() - saved >= SHORTFALLS_EVERY_S:
                store.save_shortfalls(self.run_id, frontier.shortfalls())
                saved = time.monotonic()

    @staticmethod
    async def _watchdog(frontier: Frontier, seconds: float) -> None:
        await asyncio.sleep(seconds)
        frontier.stop("max-duration")


async def _unless_stopped(step: Awaitable[Any], frontier: Frontier) -> bool:
    """Await ``step`` unless the frontier is stopped first (the run's deadline), which cancels it. True when
    the frontier was stopped."""
    task = asyncio.ensure_future(step)
    stop = asyncio.ensure_future(frontier.stopped.wait())
    try:
        await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop.cancel()
        if not task.done():
            task.cancel()
            await _quietly(task)
    if task.done() and not task.cancelled():
        task.result()  # its error, if any
    return frontier.stopping


async def _quietly(step: Awaitable[Any]) -> None:
    """A clean-up step that neither an error nor another cancellation of the run may cut short."""
    with contextlib.suppress(Exception, asyncio.CancelledError):
        await step


async def crawl(config: CrawlConfig, **kwargs: Any) -> dict[str, Any]:
    return await Crawl(config, **kwargs).run()
