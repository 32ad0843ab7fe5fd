"""A crawl against hostile input on 127.0.0.1: shutdown under load (SIGTERM, SIGKILL), a page too costly to parse
for its links, Crawl-delay against the run's deadline, resumed partial runs, and the skipped list. Every wait in
these tests is bounded in count and time."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tillgang.crawl.config import CrawlConfig
from tillgang.crawl.frontier import MAX_SKIPPED_PER_REASON
from tillgang.crawl.run import Crawl

from .conftest import Site
from .test_crawl import config, html

ROOT = Path(__file__).resolve().parents[2]


def attributes_page(n: int) -> str:
    """One element with ``n`` attributes: libxml2 checks each new attribute against the ones before it, so
    parsing it takes time quadratic in ``n`` (≈ 6 s for 50,000 on the development machine, ≈ 100 s for 200,000)."""
    attrs = " ".join(f'a{i}="x"' for i in range(n))
    return (
        f'<!doctype html><html lang="sv"><head><title>A</title></head><body><div {attrs}></div></body></html>'
    )


def wait_for(condition: Callable[[], bool], seconds: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (from /proc)."""
    return sorted(int(e) for e in os.listdir("/proc") if e.isdigit() and _stat(int(e))[1] == pid)


def _stat(pid: int) -> tuple[str, int]:
    """(state, parent pid) of a process; ("X", -1) when there is none."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ("X", -1)
    fields = text[text.rindex(")") + 2 :].split()
    return (fields[0], int(fields[1]))


def alive(pid: int) -> bool:
    """Running or sleeping (a zombie waiting to be reaped is gone: it holds no memory and no files)."""
    return _stat(pid)[0] not in ("X", "Z")


def crawl_process(site: Site, tmp_path: Path, *extra: str, toml: str = "") -> subprocess.Popen[bytes]:
    cfg = tmp_path / "tillgang.toml"
    cfg.write_text(toml, encoding="utf-8")
    cmd = [sys.executable, "-m", "tillgang", "crawl", site.url("/"), "--config", str(cfg), "--delay", "0"]
    cmd += ["--state", str(tmp_path / "state.sqlite"), "--jobs", "1", "--no-sitemaps", "--quiet", *extra]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )


def busy_site(site: Site, attrs: int = 200_000) -> None:
    site.page("/robots.txt", "", content_type="text/plain")
    site.page("/", html('<a href="/tung">t</a><a href="/a">a</a>'))
    site.page("/tung", attributes_page(attrs))
    site.page("/a", html("a"))


def _reap(proc: subprocess.Popen[bytes], pids: list[int]) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait(10)
    for pid in pids:  # only the workers this test started
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


# ------------------------------------------------------------------ item 2: shutdown
def test_sigterm_while_a_huge_page_is_being_worked_on_ends_bounded_with_the_run(
    site: Site, tmp_path: Path
) -> None:
    busy_site(site)
    out = tmp_path / "run.json"
    # the page's check times out after 2 s; what follows must not keep the crawl from its SIGTERM
    proc = crawl_process(site, tmp_path, "--out", str(out), toml="check_timeout = 2.0\n")
    workers: list[int] = []
    try:
        assert wait_for(lambda: bool(site.requests("/tung")), 60), "the crawl never fetched the page"
        time.sleep(4.0)  # the check has timed out by now
        workers = children(proc.pid)
        assert proc.poll() is None
        start = time.monotonic()
        os.killpg(proc.pid, signal.SIGTERM)  # as systemd stops a service: every process of it
        try:
            code = proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the crawl did not end within 15 s of SIGTERM (workers {workers})")
        took = time.monotonic() - start
    finally:
        _reap(proc, workers)
    assert code == 130, proc.stderr.read().decode() if proc.stderr else code
    assert took < 15
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["run"]["status"] == "interrupted"
    assert wait_for(lambda: not any(alive(p) for p in workers), 5)


def test_sigkill_of_the_crawl_takes_its_workers_with_it(site: Site, tmp_path: Path) -> None:
    busy_site(site)
    proc = crawl_process(site, tmp_path)  # the default 60 s time limit: the worker is busy for long
    workers: list[int] = []
    try:
        assert wait_for(lambda: bool(site.requests("/tung")), 60), "the crawl never fetched the page"
        assert wait_for(lambda: bool(children(proc.pid)), 10)
        time.sleep(1.0)
        workers = children(proc.pid)
        assert workers and all(alive(p) for p in workers)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        gone = wait_for(lambda: not any(alive(p) for p in workers), 5)
        left = [p for p in workers if alive(p)]
    finally:
        _reap(proc, workers)
    assert gone, f"workers {left} outlived the crawl"


# ------------------------------------------------------------------ item 3: links of a page that timed out
def test_links_of_a_page_whose_check_timed_out_never_block_the_event_loop(site: Site, tmp_path: Path) -> None:
    site.page("/robots.txt", "", content_type="text/plain")
    links = "".join(f'<a href="/p{i}">{i}</a>' for i in range(8))
    site.page("/", html('<a href="/tung">t</a>' + links))
    site.page("/tung", attributes_page(60_000))  # ≈ 9 s to parse; the check's limit is 1 s
    for i in range(8):
        site.page(f"/p{i}", html(str(i)), delay=0.2)
    cfg = config(site, tmp_path, use_sitemaps=False, check_timeout=1.0, concurrency=1, per_host_concurrency=1)
    gaps: list[float] = []

    async def go() -> dict[str, Any]:
        async def heartbeat() -> None:
            last = time.monotonic()
            while True:
                await asyncio.sleep(0.02)
                now = time.monotonic()
                gaps.append(now - last)
                last = now

        beat = asyncio.create_task(heartbeat())
        try:
            return await asyncio.wait_for(Crawl(cfg, progress=False).run(), 60)
        finally:
            beat.cancel()

    start = time.monotonic()
    out = asyncio.run(go())
    took = time.monotonic() - start
    pages = {e["url"]: e for e in out["pages"]}
    assert pages[site.url("/tung")]["error"]["code"] == "timeout"
    assert all(site.url(f"/p{i}") in pages for i in range(8))  # the other pages were fetched and checked
    assert max(gaps) < 1.0, f"the event loop stood still for {max(gaps):.1f} s"
    assert took < 30


# ------------------------------------------------------------------ item 4: Crawl-delay
def test_a_huge_crawl_delay_is_capped_and_noted(site: Site, tmp_path: Path) -> None:
    site.page("/robots.txt", "User-agent: *\nCrawl-delay: 86400\n", content_type="text/plain")
    site.page("/", html('<a href="/a">a</a>'))
    site.page("/a", html("a"))
    cfg = config(site, tmp_path, use_sitemaps=False, per_host_concurrency=1, max_crawl_delay=0.3)

    async def go() -> dict[str, Any]:
        return await asyncio.wait_for(Crawl(cfg, progress=False).run(), 30)

    out = asyncio.run(go())
    robots = out["run"]["robots"][site.base]  # keyed by origin (scheme://host:port)
    assert robots["crawl_delay"] == 86400
    assert robots["effective_delay"] == pytest.approx(0.3)
    assert robots["crawl_delay_capped"] == {"asked": 86400, "used": 0.3}
    assert out["summary"]["status"] == "complete" and len(out["pages"]) == 2


def test_no_wait_for_crawl_delay_outlasts_the_runs_deadline(site: Site, tmp_path: Path) -> None:
    site.page("/robots.txt", "User-agent: *\nCrawl-delay: 20\n", content_type="text/plain")  # under the cap
    site.page("/", html('<a href="/a">a</a><a href="/b">b</a>'))
    site.page("/a", html("a"))
    site.page("/b", html("b"))
    cfg = config(site, tmp_path, use_sitemaps=False, per_host_concurrency=1, max_duration_s=1.5)

    async def go() -> dict[str, Any]:
        return await asyncio.wait_for(Crawl(cfg, progress=False).run(), 15)

    start = time.monotonic()
    out = asyncio.run(go())
    took = time.monotonic() - start
    assert took < 6, f"the run took {took:.1f} s for a 1.5 s deadline"
    assert out["summary"]["status"] == "partial" and "max-duration" in out["summary"]["partial_reasons"]
    assert site.requests("/a") == [] and site.requests("/b") == []  # their turn came after the deadline


# ------------------------------------------------------------------ item 7: a resumed partial run
def test_a_resumed_partial_run_keeps_its_shortfalls(site: Site, tmp_path: Path) -> None:
    site.page("/robots.txt", "", content_type="text/plain")
    site.page("/", html("".join(f'<a href="/p{i}">{i}</a>' for i in range(10))))
    site.page("/p0", html("0"), delay=6.0)  # in flight at the deadline
    for i in range(1, 10):
        site.page(f"/p{i}", html(str(i)))
    kw: dict[str, Any] = {"use_sitemaps": False, "concurrency": 1, "per_host_concurrency": 1, "max_pages": 4}
    kw["read_timeout"] = 10.0

    async def go(cfg: CrawlConfig, resume: bool) -> dict[str, Any]:
        return await asyncio.wait_for(Crawl(cfg, resume=resume, progress=False).run(), 30)

    first = asyncio.run(go(config(site, tmp_path, max_duration_s=2.0, **kw), False))
    assert first["summary"]["status"] == "partial"
    assert set(first["summary"]["partial_reasons"]) == {"max-duration", "max-pages"}
    assert first["summary"]["skipped"] == {"max-pages": 7}  # /p3 … /p9
    site.page("/p0", html("0"))
    second = asyncio.run(go(config(site, tmp_path, **kw), True))
    assert second["run"]["id"] == first["run"]["id"]
    assert second["summary"]["status"] == "partial"  # the resumed part finished, the page limit still cut
    assert second["summary"]["partial_reasons"] == ["max-pages"]
    assert second["summary"]["skipped"] == {"max-pages": 7}
    assert sorted(s["url"] for s in second["skipped"]) == sorted(site.url(f"/p{i}") for i in range(3, 10))
    assert len(second["pages"]) == 4


# ------------------------------------------------------------------ item 11: the skipped list
def test_every_skip_reason_is_listed_however_many_max_pages_skips(site: Site, tmp_path: Path) -> None:
    site.page("/robots.txt", "User-agent: *\nDisallow: /privat\n", content_type="text/plain")
    many = "".join(f'<a href="/p{i}">{i}</a>' for i in range(1500))
    site.page("/", html('<a href="/privat">x</a><a href="/a">a</a>' + many))
    site.page("/a", html('<a href="/a/djup">d</a>'))
    cfg = config(site, tmp_path, use_sitemaps=False, max_pages=3, max_depth=1, concurrency=1)
    out = asyncio.run(asyncio.wait_for(Crawl(cfg, progress=False).run(), 60))
    counts = out["summary"]["skipped"]
    assert counts["max-pages"] == 1500 and counts["robots"] == 1 and counts["max-depth"] == 1
    listed: dict[str, int] = {}
    for entry in out["skipped"]:
        listed[entry["reason"]] = listed.get(entry["reason"], 0) + 1
    assert listed["robots"] == 1 and listed["max-depth"] == 1  # not crowded out by the page limit
    assert listed["max-pages"] == MAX_SKIPPED_PER_REASON
    assert out["skipped_omitted"] == {"max-pages": 1500 - MAX_SKIPPED_PER_REASON}


# ------------------------------------------------------------------ every hostile case at once
def test_hostile_site_crawl_stays_under_500_mb() -> None:
    script = ROOT / "bench" / "bench_hostile.py"
    done = subprocess.run(
        [sys.executable, str(script), "--small", "--limit-mb", "500", "--max-seconds", "120"],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    print(done.stdout)  # the peak, for the log (pytest -s)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "peak RSS" in done.stdout
