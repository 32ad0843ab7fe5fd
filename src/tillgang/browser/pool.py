"""Rendered checks in worker processes, each with its own warm Chromium, under the hard per-page time limit: a
worker whose page overruns is killed (and its browser with it) and only that page gets a ``timeout`` error."""

from __future__ import annotations

import atexit
import contextlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from ..engine import CheckOptions, failed_entry
from ..report import DocumentEntry
from .check import check_rendered
from .session import Browser, BrowserMissing, chromium_path, missing_message

__all__ = ["ensure_available", "render_files", "render_worker_check", "render_worker_init", "worker_browser"]

_BROWSER: list[Browser] = []
GRACE_S = 15.0  # browser start-up and screenshots, on top of the page's own limit


def ensure_available(lang: str = "sv") -> None:
    """Raise ``BrowserMissing`` (exit status 2, a clear message) unless Chromium and Playwright are there."""
    if chromium_path() is None:
        raise BrowserMissing(missing_message("chromium not found", lang))
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        raise BrowserMissing(missing_message(f"playwright: {exc}", lang)) from exc


def worker_browser(lang: str) -> Browser:
    """This process's browser, started on first use and closed when the process ends."""
    if not _BROWSER:
        _BROWSER.append(Browser(lang))
        atexit.register(_BROWSER[0].close)
    return _BROWSER[0]


def render_worker_init(nice: int = 0) -> None:
    if nice > 0:
        with contextlib.suppress(OSError):
            os.nice(nice)


def render_worker_check(
    target: str, source: str, options: CheckOptions, allow_private: bool, shots: str | None
) -> DocumentEntry:
    """A worker's task: one page, in this worker's browser (started on its first page)."""
    return check_rendered(
        worker_browser(options.lang),
        target,
        source,
        options,
        allow_private=allow_private,
        shots=Path(shots) if shots else None,
    )


def render_files(
    items: Sequence[tuple[str, str]],
    options: CheckOptions,
    *,
    jobs: int = 1,
    allow_private: bool = False,
    shots: Path | None = None,
    on_result: Callable[[int, DocumentEntry], None] | None = None,
    nice: int = 0,
) -> list[DocumentEntry]:
    """Render and check (target, source) pairs; entries in input order. Raises ``BrowserMissing`` when the
    browser cannot be started at all."""
    from pebble import ProcessExpired, ProcessPool

    ensure_available(options.lang)
    if not items:
        return []
    limit = options.limits.timeout_s + GRACE_S
    results: list[DocumentEntry | None] = [None] * len(items)
    with ProcessPool(
        max_workers=max(1, min(jobs, len(items))), initializer=render_worker_init, initargs=(nice,)
    ) as pool:
        futures: list[Future[Any]] = [
            pool.schedule(
                render_worker_check,
                args=(target, source, options, allow_private, str(shots) if shots else None),
                timeout=limit,
            )
            for target, source in items
        ]
        for index, future in enumerate(futures):
            target, source = items[index]
            try:
                entry = future.result()
            except BrowserMissing:
                pool.stop()
                raise
            except FutureTimeout:
                entry = failed_entry("", source, "timeout", f"more than {limit:g} s", options.lang)
            except ProcessExpired as exc:
                detail = f"the browser process ended unexpectedly (exit code {exc.exitcode})"
                entry = failed_entry("", source, "internal", detail, options.lang)
            except Exception as exc:  # pickling or pool failure: this page only
                entry = failed_entry("", source, "internal", f"{type(exc).__name__}: {exc}", options.lang)
            if entry.get("format") is None and "://" not in target:
                entry["format"] = "html"
            results[index] = entry
            if on_result is not None:
                on_result(index, entry)
    return [entry for entry in results if entry is not None]
