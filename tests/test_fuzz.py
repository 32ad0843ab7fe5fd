"""Fuzz the readers: mutated documents of every format end in a report or a clean error, never a crash.

Hypothesis mutates the example documents (and the fixtures) in ways that get past the first line of defence:
for OOXML it mutates the XML *inside* the zip (a flipped byte in the zip itself only trips the CRC check); for
PDF it flips, deletes and duplicates bytes in the object bodies (qpdf repairs a lot, so the reader sees odd
objects); for HTML it splices tags. Bounded: a fixed number of examples per format, each under a time guard.

A reader that lets an unexpected exception escape is a bug even though the engine turns it into a `corrupt`
error: the engine logs it, and this test fails on that log record.
"""

from __future__ import annotations

import io
import logging
import signal
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tillgang.engine import CheckOptions, check_file
from tillgang.limits import DEFAULT_LIMITS

from .conftest import FIXTURES, ROOT

EXAMPLES = ROOT / "examples"
ALLOWED_ERRORS = {"corrupt", "too-large", "unsupported-format", "encrypted"}
GUARD_S = 20
OPTIONS = CheckOptions(limits=DEFAULT_LIMITS.with_overrides(timeout_s=GUARD_S))
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same cases on every run: CI must not turn red at random
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def seeds(suffix: str) -> list[Path]:
    found = sorted(EXAMPLES.glob(f"*{suffix}")) + sorted(FIXTURES.glob(f"*/*{suffix}"))
    return found[:12]


@contextmanager
def time_guard(seconds: int) -> Iterator[None]:
    """Fail (rather than hang) when one document takes longer than the per-document limit."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"a mutated document took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_clean(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="tillgang"), time_guard(GUARD_S):
        entry = check_file(path, OPTIONS)
    unexpected = [
        r.getMessage()[:2000]
        for r in caplog.records
        if r.levelno >= logging.ERROR and r.name.startswith("tillgang")  # not qpdf's repair warnings
    ]
    assert unexpected == [], "an exception escaped a reader or a check"
    if entry["error"] is None:
        assert isinstance(entry["rules"], dict)
    else:
        assert entry["error"]["code"] in ALLOWED_ERRORS, entry["error"]
        assert entry["error"]["message"]


def mutate(data: bytes, ops: list[tuple[int, int, int]]) -> bytes:
    buf = bytearray(data)
    for kind, pos, value in ops:
        if not buf:
            break
        at = pos % len(buf)
        if kind == 0:
            buf[at] = value
        elif kind == 1:
            del buf[at : at + 1 + value % 64]
        elif kind == 2:
            buf[at:at] = buf[at : at + 1 + value % 64]
        else:
            buf[at:at] = bytes([value]) * (1 + value % 8)
    return bytes(buf)


OPS = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 1 << 30), st.integers(0, 255)), min_size=1, max_size=6
)


def mutate_ooxml(data: bytes, part_index: int, ops: list[tuple[int, int, int]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        infos = src.infolist()
        xml = [i for i in infos if i.filename.endswith((".xml", ".rels"))]
        target = xml[part_index % len(xml)].filename if xml else None
        for info in infos:
            body = src.read(info)
            if info.filename == target:
                body = mutate(body, ops)
            dst.writestr(info.filename, body)
    return out.getvalue()


@pytest.mark.parametrize("suffix", [".docx", ".pptx"])
def test_mutated_ooxml_parts(suffix: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    files = seeds(suffix)
    if not files:
        pytest.skip(f"no {suffix} seed documents")
    blobs = [f.read_bytes() for f in files]

    @FUZZ
    @given(st.integers(0, 1000), st.integers(0, 1000), OPS)
    def run(which: int, part: int, ops: list[tuple[int, int, int]]) -> None:
        target = tmp_path / f"fuzz{suffix}"
        target.write_bytes(mutate_ooxml(blobs[which % len(blobs)], part, ops))
        assert_clean(target, caplog)

    run()


@pytest.mark.parametrize("suffix", [".pdf", ".html", ".docx", ".pptx"])
def test_mutated_bytes(suffix: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    files = seeds(suffix)
    if not files:
        pytest.skip(f"no {suffix} seed documents")
    blobs = [f.read_bytes() for f in files]

    @FUZZ
    @given(st.integers(0, 1000), OPS, st.integers(0, 100))
    def run(which: int, ops: list[tuple[int, int, int]], cut: int) -> None:
        data = mutate(blobs[which % len(blobs)], ops)
        if cut > 90:  # sometimes truncate as well
            data = data[: len(data) * (cut - 90) // 10]
        target = tmp_path / f"fuzz{suffix}"
        target.write_bytes(data)
        assert_clean(target, caplog)

    run()


def test_entity_bomb_and_external_entity_are_refused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A billion-laughs DTD and an external entity in document.xml: refused, nothing expanded or fetched."""
    seed = EXAMPLES / "rapport-tillganglig.docx"
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
        b"<w:t>&c;&x;</w:t></w:r></w:p></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(seed) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, bomb if info.filename == "word/document.xml" else src.read(info))
    target = tmp_path / "bomb.docx"
    target.write_bytes(out.getvalue())
    entry = check_file(target, OPTIONS)
    assert entry["error"] is not None and entry["error"]["code"] in ("corrupt", "too-large")
    assert "root:" not in str(entry)


@pytest.mark.parametrize("seed_name", ["rapport-tillganglig.docx", "lagesrapport.pptx"])
def test_zip_bomb_is_refused(seed_name: str, tmp_path: Path) -> None:
    seed = EXAMPLES / seed_name
    out = io.BytesIO()
    with zipfile.ZipFile(seed) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("word/media/padding.xml", b"<a>" + b" " * (140 * 1024 * 1024) + b"</a>")
    target = tmp_path / f"zipbomb{seed.suffix}"
    target.write_bytes(out.getvalue())
    assert target.stat().st_size < 2 * 1024 * 1024
    entry = check_file(target, OPTIONS)
    assert entry["error"] is not None and entry["error"]["code"] == "too-large", entry["error"]


def test_path_traversal_names_in_a_zip_are_harmless(tmp_path: Path) -> None:
    seed = EXAMPLES / "rapport-tillganglig.docx"
    out = io.BytesIO()
    with zipfile.ZipFile(seed) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("../../evil.txt", b"owned")
        dst.writestr("/abs/evil.txt", b"owned")
    target = tmp_path / "sub" / "traversal.docx"
    target.parent.mkdir()
    target.write_bytes(out.getvalue())
    entry = check_file(target, OPTIONS)
    assert entry["error"] is None or entry["error"]["code"] == "corrupt"
    assert not (tmp_path / "evil.txt").exists() and not Path("/abs/evil.txt").exists()


def test_mutated_documents_in_workers_stay_within_memory_and_time(tmp_path: Path) -> None:
    """The same kind of mutations, checked as `tillgang check` does: in the worker pool with a 1 GB
    address-space limit and the hard time limit. No document may need more (no `internal`, no `timeout`)."""
    import random

    from tillgang.engine import check_files

    rng = random.Random(20261201)
    items = []
    for suffix in (".docx", ".pptx", ".pdf", ".html"):
        for i, seed in enumerate(seeds(suffix)[:6]):
            data = seed.read_bytes()
            ops = [
                (rng.randrange(4), rng.randrange(1 << 30), rng.randrange(256))
                for _ in range(rng.randint(1, 6))
            ]
            if suffix in (".docx", ".pptx") and i % 2:
                data = mutate_ooxml(data, rng.randrange(1000), ops)
            else:
                data = mutate(data, ops)
            path = tmp_path / f"m{len(items)}{suffix}"
            path.write_bytes(data)
            items.append((str(path), path.name))
    limits = DEFAULT_LIMITS.with_overrides(memory_bytes=1024 * 1024 * 1024, timeout_s=GUARD_S)
    entries = check_files(items, CheckOptions(limits=limits), jobs=2)
    assert len(entries) == len(items)
    bad = {
        e["source"]: e["error"] for e in entries if e["error"] and e["error"]["code"] not in ALLOWED_ERRORS
    }
    assert bad == {}
