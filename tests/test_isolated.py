"""``engine.check_isolated``: one document in a forked child, with the pool's time and memory guarantees."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from tillgang import engine
from tillgang.engine import CheckOptions, check_file, check_isolated
from tillgang.limits import DEFAULT_LIMITS

from .conftest import FIXTURES

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")

PDF = next(iter(sorted((FIXTURES / "pdf-tagged").glob("fail-pdf-*.pdf"))))


@pytest.fixture(autouse=True)
def forked_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the forked child, the path of a command line that checks one file. In the whole
    suite earlier tests leave idle threads behind, and check_isolated would take its one-worker-pool fallback
    instead (a pool's start-up has no time limit of its own, so the hang tests would never end there)."""
    import threading

    monkeypatch.setattr(threading, "active_count", lambda: 1)


def test_the_fallback_is_a_one_worker_pool_with_the_same_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.setattr(threading, "active_count", lambda: 2)  # as in a process that runs other threads
    entry = check_isolated(str(PDF), "doc.pdf")
    assert entry == check_file(PDF, CheckOptions(), "doc.pdf")


def test_the_entry_is_the_one_check_file_gives() -> None:
    entry = check_isolated(str(PDF), "doc.pdf")
    assert entry == check_file(PDF, CheckOptions(), "doc.pdf")
    assert entry["error"] is None and entry["rules"]["pdf-tagged"] == "failed"


def test_an_unreadable_file_is_that_documents_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\nnot a pdf at all")
    assert check_isolated(str(bad))["error"]["code"] == "corrupt"


def test_a_document_that_never_finishes_is_stopped_at_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    def hang(*_args: object) -> None:
        time.sleep(600)  # the forked child inherits this replacement

    monkeypatch.setattr(engine, "check_file", hang)
    options = CheckOptions(limits=DEFAULT_LIMITS.with_overrides(timeout_s=0.3))
    start = time.monotonic()
    entry = check_isolated(str(PDF), "doc.pdf", options)
    assert entry["error"]["code"] == "timeout"
    assert entry["source"] == "doc.pdf" and entry["sha256"] is not None
    assert time.monotonic() - start < 60


def test_a_child_that_hangs_before_the_document_is_stopped_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "load_checks", lambda *_args: time.sleep(600))
    options = CheckOptions(limits=DEFAULT_LIMITS.with_overrides(timeout_s=0.3))
    assert check_isolated(str(PDF), "doc.pdf", options)["error"]["code"] == "timeout"


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGKILL, "too-large"), (signal.SIGTERM, "internal")])
def test_a_child_that_dies_gives_an_error_entry(monkeypatch: pytest.MonkeyPatch, sig: int, code: str) -> None:
    def die(*_args: object) -> None:
        os.kill(os.getpid(), sig)  # SIGKILL is what the kernel's OOM killer sends

    monkeypatch.setattr(engine, "check_file", die)
    entry = check_isolated(str(PDF), "doc.pdf")
    assert entry["error"]["code"] == code


def test_the_memory_limit_applies_in_the_child(monkeypatch: pytest.MonkeyPatch) -> None:
    def grab(*_args: object) -> object:
        return bytearray(512 * 1024 * 1024)  # more than the limit below allows

    monkeypatch.setattr(engine, "check_file", grab)
    options = CheckOptions(limits=DEFAULT_LIMITS.with_overrides(memory_bytes=_vm_size() + 256 * 1024 * 1024))
    entry = check_isolated(str(PDF), "doc.pdf", options)
    assert entry["error"]["code"] == "internal"  # the child's MemoryError, outside check_file's own handling


def _vm_size() -> int:
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc/self/status")
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmSize")
