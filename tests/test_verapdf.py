"""Conformance against the veraPDF PDF/UA-1 corpus (the shared corpora's verapdf-pdfua1, README.md "Development").

A file is named ``<clause>-t<NN>-<pass|fail>-<variant>.pdf``: the veraPDF rule it tests and the expected outcome.
Every fail file of a covered veraPDF rule must fail the mapped tillgang rule(s); no pass file may fail a PDF/UA-1
rule, except the deliberate differences listed below (each explained in docs/pdf.md). Run with ``-s`` to see the
agreement per check.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tillgang.engine import check_file

from .conftest import SHARED, require

# veraPDF rule id -> the tillgang rules that must fail on its fail files (corpora/README.md).
MAPPING: dict[str, tuple[str, ...]] = {
    "7.1-t11": ("pdf-tagged",),
    "6.2-t01": ("pdf-tagged",),
    "7.1-t04": ("pdf-tagged",),
    "7.1-t08": ("document-title",),
    "7.1-t09": ("document-title",),
    "7.1-t10": ("pdf-display-doc-title",),
    **{f"7.2-t{n:02d}": ("document-lang",) for n in (2, 21, 22, 23, 24, 25, 29, 30, 31, 32, 33, 34)},
    "7.3-t01": ("image-alt",),
    "7.7-t01": ("image-alt",),
    "7.4.2-t01": ("heading-order",),
    "7.4.4-t01": ("heading-order",),
    "7.4.4-t02": ("heading-order",),
    "7.4.4-t03": ("heading-order",),
    "7.5-t01": ("table-header",),
    "7.5-t02": ("table-header",),
    **{f"7.2-t{n:02d}": ("table-header",) for n in (*range(3, 15), 36, 37, 38, 41, 42, 43)},
    **{f"7.2-t{n}": ("pdf-list-structure",) for n in (17, 18, 19, 20, 40)},
    "7.21.4.1-t01": ("pdf-fonts-embedded",),
    "7.21.7-t01": ("pdf-unicode",),
    "7.21.7-t02": ("pdf-unicode",),
    **{f"5-t0{n}": ("pdf-ua-identifier",) for n in range(1, 6)},
    "7.18.3-t01": ("pdf-tab-order",),
    "7.18.1-t01": ("pdf-annotations",),
    "7.18.1-t02": ("pdf-annotations",),
    "7.18.1-t03": ("pdf-annotations",),
    "7.18.2-t01": ("pdf-annotations",),
    "7.18.4-t01": ("pdf-annotations",),
    "7.18.8-t01": ("pdf-annotations",),
    "7.18.5-t01": ("pdf-annotations",),
    "7.18.5-t02": ("link-name",),
    "7.16-t01": ("pdf-accessibility-permission",),
    "7.1-t05": ("pdf-role-map",),
    "7.1-t06": ("pdf-role-map",),
    "7.1-t07": ("pdf-role-map",),
}

# The rules that are part of PDF/UA-1: a veraPDF pass file must not fail them. Not here: pdf-scanned,
# pdf-bookmarks, headings-present, image-alt-quality (quality and best-practice rules beyond PDF/UA-1).
PDF_UA_RULES = (
    "pdf-tagged",
    "pdf-display-doc-title",
    "document-title",
    "document-lang",
    "image-alt",
    "heading-order",
    "table-header",
    "link-name",
    "pdf-fonts-embedded",
    "pdf-unicode",
    "pdf-ua-identifier",
    "pdf-tab-order",
    "pdf-annotations",
    "pdf-accessibility-permission",
    "pdf-role-map",
    "pdf-list-structure",
)

# Deliberate differences: pass files that tillgang fails, and why (docs/pdf.md, "Deliberate differences").
DEVIATIONS: dict[str, set[str]] = {
    # The title is the file name or the word "Title": not descriptive (WCAG 2.4.2); veraPDF only asks for presence.
    "7.1-t01-pass-a.pdf": {"document-title"},
    "7.1-t02-pass-a.pdf": {"document-title"},
    "7.18.1-t02-pass-a.pdf": {"document-title"},
    "7.18.1-t02-pass-b.pdf": {"document-title"},
    "7.18.1-t03-pass-f.pdf": {"document-title"},
    # Catalog /Lang that is well formed for veraPDF but names no language ("p", "portugue", "nl-1234abcd"):
    # a screen reader cannot choose a voice from it, so tillgang's BCP 47 registry test fails it.
    "7.2-t29-pass-a.pdf": {"document-lang"},
    "7.2-t29-pass-b.pdf": {"document-lang"},
    "7.2-t29-pass-c.pdf": {"document-lang"},
    "7.2-t29-pass-d.pdf": {"document-lang"},
    "7.2-t29-pass-e.pdf": {"document-lang"},
    "7.2-t29-pass-f.pdf": {"document-lang"},
    "7.2-t29-pass-h.pdf": {"document-lang"},
}

# Fail files of covered rules that tillgang detects, per tillgang rule: (detected, fail files). Exact, so that
# agreement cannot silently fall.
EXPECTED_FAIL_AGREEMENT: dict[str, tuple[int, int]] = {
    "document-lang": (27, 27),
    "document-title": (2, 2),
    "heading-order": (7, 7),
    "image-alt": (4, 4),
    "link-name": (2, 2),
    "pdf-accessibility-permission": (1, 1),
    "pdf-annotations": (12, 12),
    "pdf-display-doc-title": (2, 2),
    "pdf-fonts-embedded": (1, 1),
    "pdf-list-structure": (7, 7),
    "pdf-role-map": (6, 6),
    "pdf-tab-order": (2, 2),
    "pdf-tagged": (2, 2),
    "pdf-ua-identifier": (5, 5),
    "pdf-unicode": (4, 4),
    "table-header": (25, 25),
}
PASS_FILES = 141

_NAME = re.compile(r"^(?P<id>.+-t\d\d)-(?P<kind>pass|fail)-[a-z]+\.pdf$")


def _rule_id(name: str) -> tuple[str, str]:
    m = _NAME.match(name.replace("7-18.3-", "7.18.3-"))  # one corpus file has a typo in its name
    assert m, name
    return m.group("id"), m.group("kind")


@pytest.fixture(scope="module")
def corpus() -> dict[str, dict[str, Any]]:
    root = require(SHARED / "corpora" / "verapdf-pdfua1", "the veraPDF PDF/UA-1 corpus")
    entries: dict[str, dict[str, Any]] = {}
    for path in sorted(root.rglob("*.pdf")):
        entries[path.name] = check_file(Path(path))
    return entries


def test_every_corpus_file_is_checked(corpus: dict[str, dict[str, Any]]) -> None:
    assert len(corpus) == 296
    assert [name for name, e in corpus.items() if e["error"] is not None] == []


def test_fail_files_fail_the_mapped_rules(corpus: dict[str, dict[str, Any]]) -> None:
    agree: Counter[str] = Counter()
    total: Counter[str] = Counter()
    missed: list[str] = []
    for name, entry in corpus.items():
        rule_id, kind = _rule_id(name)
        if kind != "fail" or rule_id not in MAPPING:
            continue
        for rule in MAPPING[rule_id]:
            total[rule] += 1
            if entry["rules"].get(rule) == "failed":
                agree[rule] += 1
            else:
                missed.append(f"{name}: {rule} {entry['rules'].get(rule, 'inapplicable')}")
    print("\nveraPDF fail files detected, per tillgang rule:")
    for rule in sorted(total):
        print(f"  {rule:30} {agree[rule]:3}/{total[rule]}")
    got = {rule: (agree[rule], total[rule]) for rule in total}
    assert missed == []
    assert got == EXPECTED_FAIL_AGREEMENT


def test_pass_files_fail_no_pdf_ua_rule(corpus: dict[str, dict[str, Any]]) -> None:
    unexpected: list[str] = []
    deviations: dict[str, set[str]] = {}
    clean: Counter[str] = Counter()
    passes = 0
    for name, entry in corpus.items():
        _rule, kind = _rule_id(name)
        if kind != "pass":
            continue
        passes += 1
        failed = {r for r in PDF_UA_RULES if entry["rules"].get(r) == "failed"}
        for r in PDF_UA_RULES:
            clean[r] += r not in failed
        if failed:
            deviations[name] = failed
        extra = failed - DEVIATIONS.get(name, set())
        if extra:
            unexpected.append(f"{name}: {sorted(extra)}")
    print("\nveraPDF pass files not failed, per PDF/UA rule:")
    for rule in PDF_UA_RULES:
        print(f"  {rule:30} {clean[rule]:3}/{passes}")
    assert passes == PASS_FILES
    assert unexpected == []
    assert (
        deviations == DEVIATIONS
    )  # a deviation that disappears must be removed from the list (and the docs)


def test_mutation_marked_false_fails_pdf_tagged(tmp_path: Path) -> None:
    """veraPDF 6.2-t01 (MarkInfo /Marked) has no corpus file: make one from a pass file."""
    import pikepdf

    root = require(SHARED / "corpora" / "verapdf-pdfua1", "the veraPDF PDF/UA-1 corpus")
    source = next(root.rglob("7.1-t10-pass-a.pdf"))
    target = tmp_path / "marked-false.pdf"
    with pikepdf.open(source) as pdf:
        pdf.Root.MarkInfo.Marked = False
        pdf.save(target, deterministic_id=True)
    assert check_file(source)["rules"]["pdf-tagged"] == "passed"
    assert check_file(target)["rules"]["pdf-tagged"] == "failed"
