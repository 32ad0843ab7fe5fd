"""The crawl's event-loop-driven check pool: the same entries as ``check_file``, and the same guarantees as
``CheckPool`` (time limit, a dying worker, replacement after max_tasks, niceness, close and terminate)."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

from tillgang.crawl.aiopool import AsyncCheckPool
from tillgang.crawl.inline import links_of
from tillgang.engine import CheckOptions, check_file
from tillgang.limits import DEFAULT_LIMITS

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PAGE = b'<!doctype html><html lang="sv"><head><title>Start</title></head><body><main><h1>Start</h1><a href="/a">A</a></main></body></html>'


def _failed(code: str, detail: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": detail}}


def _sleep(seconds: float) -> dict[str, Any]:
    time.sleep(seconds)
    return {"slept": seconds}


def _die() -> dict[str, Any]:
    os._exit(3)


def _pid_and_nice() -> dict[str, Any]:
    return {"pid": os.getpid(), "nice": os.nice(0)}


def _raise() -> dict[str, Any]:
    raise ValueError("a bug in one check")


def _options(timeout: float = 30.0) -> CheckOptions:
    return CheckOptions(limits=DEFAULT_LIMITS.with_overrides(timeout_s=timeout))


def test_entries_equal_check_file_and_pages_bring_their_links() -> None:
    docx = next(FIXTURES.glob("**/*.docx"))

    async def go() -> tuple[dict[str, Any], dict[str, Any]]:
        pool = AsyncCheckPool(_options(), 2)
        try:
            document = await pool.submit(str(docx), "https://k.se/a.docx")
            page = await pool.submit_page(PAGE, "https://k.se/", "text/html", "ab" * 32, "https://k.se/")
        finally:
            pool.close()
        return document, page

    document, page = asyncio.run(go())
    expected = check_file(docx, _options(), "https://k.se/a.docx")
    assert document == expected
    assert page["format"] == "html" and page["sha256"] == "ab" * 32
    links = links_of(page)
    assert links is not None and links.links == [("https://k.se/a", False)]


def test_time_limit_kills_the_worker_and_the_next_task_runs() -> None:
    async def go() -> list[dict[str, Any]]:
        pool = AsyncCheckPool(_options(timeout=0.5), 1)
        try:
            slow = pool.submit_call(_sleep, (30.0,), _failed)
            after = pool.submit_call(_sleep, (0.0,), _failed)
            return list(await asyncio.wait_for(asyncio.gather(slow, after), 20))
        finally:
            pool.close()

    started = time.monotonic()
    slow, after = asyncio.run(go())
    assert slow["error"]["code"] == "timeout"
    assert after == {"slept": 0.0}
    assert time.monotonic() - started < 15


def test_a_dying_worker_fails_only_its_task_and_is_replaced() -> None:
    async def go() -> list[dict[str, Any]]:
        pool = AsyncCheckPool(_options(), 1)
        try:
            return list(
                await asyncio.gather(
                    pool.submit_call(_die, (), _failed),
                    pool.submit_call(_raise, (), _failed),
                    pool.submit_call(_sleep, (0.0,), _failed),
                )
            )
        finally:
            pool.close()

    died, raised, fine = asyncio.run(go())
    assert died["error"]["code"] == "internal" and "exit code 3" in died["error"]["message"]
    assert raised["error"]["code"] == "internal" and "ValueError" in raised["error"]["message"]
    assert fine == {"slept": 0.0}


def test_workers_are_replaced_after_max_tasks_and_run_at_their_niceness() -> None:
    async def go() -> list[dict[str, Any]]:
        pool = AsyncCheckPool(_options(), 1, nice=4, max_tasks=2)
        try:
            return [await pool.submit_call(_pid_and_nice, (), _failed) for _ in range(5)]
        finally:
            pool.close()

    answers = asyncio.run(go())
    pids = [a["pid"] for a in answers]
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4]
    assert {a["nice"] for a in answers} == {min(os.nice(0) + 4, 19)}


def test_terminate_answers_everything_waiting() -> None:
    async def go() -> list[dict[str, Any]]:
        pool = AsyncCheckPool(_options(), 1)
        running = pool.submit_call(_sleep, (30.0,), _failed)
        waiting = pool.submit_call(_sleep, (0.0,), _failed)
        await asyncio.sleep(0.2)
        pool.terminate()
        late = pool.submit_call(_sleep, (0.0,), _failed)
        return list(await asyncio.wait_for(asyncio.gather(running, waiting, late), 10))

    answers = asyncio.run(go())
    assert all(a["error"]["code"] == "internal" for a in answers)
