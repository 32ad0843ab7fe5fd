"""The hostile corpus (the shared corpora's hostile/, README.md "Development"): every file gets a report or a clean error, as its README says.

The whole folder runs as one batch through the worker pool, as `tillgang check hostile/` would: one bad file
never stops the batch, and every file is accounted for.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tillgang.engine import CheckOptions, check_files, check_isolated
from tillgang.limits import DEFAULT_LIMITS

from .conftest import SHARED, require

CHECKED = None  # a report: no error, rules present

# file name (or prefix ending in "*") -> the accepted results: CHECKED and/or error codes
EXPECTED: dict[str, set[str | None]] = {
    "enc-R6-user-password.pdf": {"encrypted"},
    "enc-R2-user-password.pdf": {"encrypted"},
    "enc-R6-owner-only.pdf": {CHECKED},
    "bug53475-password-is-pass.docx": {"encrypted"},
    "encrypted_pptx.pptx": {"encrypted"},
    "truncated62886.docx": {"corrupt"},
    "testWORD_truncated.docx": {"corrupt"},
    "clusterfuzz-testcase-minimized-*": {CHECKED, "corrupt"},
    "Divino_Revelado.pptx": {"corrupt", "unsupported-format"},
    "stress025.docx": {"corrupt"},
    "strict-ooxml.docx": {CHECKED},
    "bug65649.docx": {CHECKED},
    "Bug64561.docx": {CHECKED},
    "issue6961.pdf": {CHECKED},
    "bug1669099.pdf": {CHECKED},
    "bug1978317.pdf": {CHECKED},
    "PDFBOX-3148-2-fuzzed.pdf": {CHECKED},
    "issue12823.pdf": {CHECKED, "corrupt"},
    "invalid_creationdate.pdf": {CHECKED},
}


def expected_for(name: str) -> set[str | None]:
    if name in EXPECTED:
        return EXPECTED[name]
    for pattern, accepted in EXPECTED.items():
        if pattern.endswith("*") and name.startswith(pattern[:-1]):
            return accepted
    raise AssertionError(f"{name} is in the hostile corpus but not in this test's table: add it")


@pytest.fixture(scope="module")
def hostile_results() -> dict[str, dict[str, Any]]:
    folder = require(SHARED / "corpora" / "hostile", "the hostile corpus (../shared/corpora/hostile)")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name != "README.md")
    # The default per-document limits, as `tillgang check` uses them, two workers.
    entries = check_files([(str(p), p.name) for p in files], CheckOptions(limits=DEFAULT_LIMITS), jobs=2)
    return {e["source"]: e for e in entries}


def test_every_file_is_accounted_for(hostile_results: dict[str, dict[str, Any]]) -> None:
    folder = SHARED / "corpora" / "hostile"
    names = {p.name for p in folder.iterdir() if p.is_file() and p.name != "README.md"}
    assert set(hostile_results) == names
    assert len(names) >= 20


@pytest.mark.parametrize("name", [*sorted(n for n in EXPECTED if not n.endswith("*")), "clusterfuzz"])
def test_hostile_file_gets_the_expected_result(name: str, hostile_results: dict[str, dict[str, Any]]) -> None:
    matches = [n for n in hostile_results if n == name or (name == "clusterfuzz" and n.startswith(name))]
    assert matches, f"{name} is missing from the corpus"
    for n in matches:
        entry = hostile_results[n]
        error = entry["error"]
        got = error["code"] if error else CHECKED
        assert got in expected_for(n), f"{n}: got {error or 'a report'}"
        if error is None:
            assert entry["rules"], f"{n}: checked but no rule ran"
        else:
            assert error["message"], f"{n}: an error needs a readable message"
            assert "rules" not in entry


def test_no_hostile_file_times_out_or_crashes_a_worker(hostile_results: dict[str, dict[str, Any]]) -> None:
    bad = {
        n: e["error"]
        for n, e in hostile_results.items()
        if e["error"] and e["error"]["code"] in ("timeout", "internal")
    }
    assert bad == {}


def test_a_broken_xmp_is_reported_not_fatal(hostile_results: dict[str, dict[str, Any]]) -> None:
    entry = hostile_results["PDFBOX-3148-2-fuzzed.pdf"]
    assert entry["error"] is None
    assert entry.get("warnings"), "the undecodable XMP stream should be mentioned in the report"


def test_headings_are_found_by_style_name_not_id(hostile_results: dict[str, dict[str, Any]]) -> None:
    # bug65649.docx: headings use style ids "11"/"20" named "heading 1/2". (Bug64561.docx defines German
    # ids "berschrift1-3" but applies none in its body: test_reader_docx checks that those ids resolve.)
    entry = hostile_results["bug65649.docx"]
    assert entry["error"] is None
    assert entry["rules"].get("heading-order") in ("passed", "failed"), entry["rules"]
    assert entry["rules"].get("headings-present") == "passed"


def test_the_hostile_batch_through_the_cli(tmp_path: Path) -> None:
    """`tillgang check` over the folder: exit status 1 or 3, and a JSON report naming every file."""
    import json
    import subprocess
    import sys

    folder = require(SHARED / "corpora" / "hostile", "the hostile corpus (../shared/corpora/hostile)")
    out = tmp_path / "report.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tillgang",
            "check",
            str(folder),
            "--format",
            "json",
            "--jobs",
            "2",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode in (1, 3), proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    names = {Path(d["source"]).name for d in data["documents"]}
    assert names == {p.name for p in folder.iterdir() if p.is_file() and p.name != "README.md"}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="check_isolated forks")
def test_one_file_alone_gets_the_same_entry_as_in_the_batch(
    hostile_results: dict[str, dict[str, Any]],
) -> None:
    """``tillgang check FILE`` (one document: ``check_isolated``, a forked child with the same limits, no pool)
    gives each hostile file the entry the worker pool gives it."""
    folder = SHARED / "corpora" / "hostile"
    differ = []
    for name, batch in sorted(hostile_results.items()):
        alone = check_isolated(str(folder / name), name, CheckOptions(limits=DEFAULT_LIMITS))
        if alone != batch:
            differ.append(name)
    assert differ == []
