"""W3C ACT Rules conformance: every case of the shared corpora's act/cases.jsonl (README.md, "Development") for the ACT rules our catalogue lists.

Per ACT rule R, every tillgang rule whose ``refs.act`` lists R runs on each of R's cases; the worst outcome over
those rules is compared with the case's expected outcome:

    expected failed            -> failed: agree, cantTell: partial, passed/inapplicable: miss
    expected passed/inapplic.  -> failed: false failure, anything else: agree

Every rule set runs (``ALL_SETS``: the rules for WCAG AAA and for manual review too). The figures reached are
asserted exactly, so they cannot fall silently (raise them when they improve).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tillgang.catalogue import RULE_SETS, load
from tillgang.engine import CheckOptions, check_document
from tillgang.errors import DocumentError
from tillgang.limits import DEFAULT_LIMITS
from tillgang.readers.html import read_bytes

from .conftest import SHARED, require

_RANK = {"failed": 3, "cantTell": 2, "passed": 1, "inapplicable": 0}
ALL_SETS = ",".join(RULE_SETS[1:])  # every rule set on top of the default one (--rule-set wcag22,aaa,review)

# ACT rule -> (agree, partial, miss, false failure). Agree counts expected-failed cases we fail plus the
# passed/inapplicable cases we do not fail.
EXPECTED: dict[str, tuple[int, int, int, int]] = {
    "047fe0": (5, 0, 0, 0),
    "0va7u6": (5, 1, 0, 0),
    "1a02b0": (2, 2, 0, 0),
    "1ea59c": (2, 1, 0, 0),
    "1ec09b": (2, 2, 0, 0),
    "23a2a8": (14, 0, 0, 0),
    "24afc2": (11, 0, 0, 0),
    "2779a5": (5, 0, 0, 0),
    "2eb176": (1, 2, 0, 0),
    "2ee8b8": (20, 0, 0, 0),
    "2t702h": (4, 0, 0, 0),
    "307n5z": (10, 0, 0, 0),
    "3e12e1": (4, 1, 0, 0),
    "46ca7f": (5, 0, 0, 0),
    "4b1c6c": (11, 2, 0, 0),
    "4c31df": (3, 5, 0, 0),
    "4e8ab6": (9, 0, 0, 0),
    "59796f": (10, 0, 0, 0),
    "5c01ea": (9, 0, 0, 0),
    "5effbb": (4, 3, 0, 0),
    "5f99a7": (4, 0, 0, 0),
    "674b10": (8, 0, 0, 0),
    "6a7281": (8, 0, 0, 0),
    "6cfa84": (8, 0, 0, 0),
    "73f2c2": (15, 0, 0, 0),
    "78fd32": (13, 0, 0, 0),
    "7d6734": (4, 0, 0, 0),
    "80f0bf": (2, 2, 0, 0),
    "8fc3b6": (7, 0, 0, 0),
    "97a4e1": (8, 0, 0, 0),
    "9e45ec": (10, 0, 0, 0),
    "a25f45": (12, 0, 0, 0),
    "aaa1bf": (2, 1, 0, 0),
    "ab4d13": (2, 2, 0, 0),
    "afb423": (1, 0, 0, 0),
    "aizyf1": (3, 1, 0, 0),
    "b20e66": (1, 3, 0, 0),
    "b40fd1": (2, 0, 0, 0),
    "b49b2e": (4, 0, 0, 0),
    "b4f0c3": (11, 0, 0, 0),
    "b5c3f8": (4, 0, 0, 0),
    "bc4a75": (14, 0, 0, 0),
    "bc659a": (10, 0, 0, 0),
    "bf051a": (5, 0, 0, 0),
    "bisz58": (7, 0, 0, 0),
    "c3232f": (2, 3, 0, 0),
    "c487ae": (14, 0, 0, 0),
    "c4a8a4": (1, 1, 0, 0),
    "c5a4ea": (2, 2, 0, 0),
    "cae760": (6, 0, 0, 0),
    "cc0f0a": (2, 1, 0, 0),
    "cf77f2": (5, 0, 0, 0),
    "d0f69e": (7, 0, 0, 0),
    "d7ba54": (1, 1, 0, 0),
    "de46e4": (9, 0, 0, 0),
    "e086e5": (11, 0, 0, 0),
    "e7aa44": (1, 1, 0, 0),
    "e88epe": (5, 2, 0, 0),
    "eac66b": (3, 1, 0, 0),
    "ee13b5": (2, 2, 0, 0),
    "f51b46": (2, 3, 0, 0),
    "fd26cf": (1, 2, 0, 0),
    "fd3a94": (8, 4, 0, 0),
    "ff89c9": (5, 0, 0, 0),
    "ffd0e9": (9, 0, 0, 0),
    "kb1m8s": (2, 0, 0, 0),
    "m6b1q3": (5, 0, 0, 0),
    "off6ek": (3, 3, 0, 0),
    "qt1vmo": (7, 2, 0, 0),
    "ucwvc8": (5, 2, 0, 0),
    "ye5d6e": (8, 0, 0, 0),
}


def act_rules(render: bool = False) -> dict[str, list[str]]:
    """ACT rule id -> the tillgang rule ids that list it (HTML rules only): the static rules, or with ``render``
    the rules that need the browser (``render = true``, scored by tests/test_act_render.py)."""
    out: dict[str, list[str]] = {}
    for rule in load():
        if "html" not in rule.formats or rule.render != render:
            continue
        for act in rule.refs.get("act", ()):
            out.setdefault(act, []).append(rule.id)
    return out


def rule_outcomes(case: dict[str, Any], rules: list[str]) -> dict[str, str]:
    """Each of ``rules``' outcome on the case (static HTML, every rule set)."""
    content_type = {"svg": "image/svg+xml", "xml": "application/xml"}.get(
        case.get("lang", "html"), "text/html"
    )
    try:
        doc = read_bytes(
            case["html"].encode("utf-8"), case["testcase_id"], DEFAULT_LIMITS, content_type=content_type
        )
    except DocumentError:
        return {r: "inapplicable" for r in rules}
    try:
        result = check_document(doc, CheckOptions(rules=frozenset(rules), rule_set=ALL_SETS))
    finally:
        doc.close()
    return {r: result["rules"].get(r, "inapplicable") for r in rules}


def worst(outcomes: dict[str, str]) -> str:
    return max(outcomes.values(), key=lambda o: _RANK[o], default="inapplicable")


def outcome_for(case: dict[str, Any], rules: list[str]) -> str:
    return worst(rule_outcomes(case, rules))


def judge(expected: str, got: str) -> str:
    if expected == "failed":
        return {"failed": "agree", "cantTell": "partial"}.get(got, "miss")
    return "false-failure" if got == "failed" else "agree"


def run_corpus(path: Path) -> tuple[dict[str, Counter[str]], list[dict[str, Any]]]:
    mapping = act_rules()
    table: dict[str, Counter[str]] = {act: Counter() for act in mapping}
    wrong: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            case = json.loads(line)
            rules = mapping.get(case["rule_id"])
            if not rules:
                continue
            got = outcome_for(case, rules)
            verdict = judge(case["expected"], got)
            table[case["rule_id"]][verdict] += 1
            if verdict not in ("agree",):
                wrong.append({**case, "got": got, "verdict": verdict})
    return table, wrong


def format_table(table: dict[str, Counter[str]]) -> str:
    mapping = act_rules()
    lines = [f"{'ACT':7} {'cases':>5} {'agree':>5} {'part':>5} {'miss':>5} {'false':>5}  tillgang rules"]
    totals: Counter[str] = Counter()
    for act in sorted(table):
        c = table[act]
        n = sum(c.values())
        totals.update(c)
        lines.append(
            f"{act:7} {n:5} {c['agree']:5} {c['partial']:5} {c['miss']:5} {c['false-failure']:5}  "
            + ", ".join(mapping[act])
        )
    n = sum(totals.values())
    lines.append(
        f"{'total':7} {n:5} {totals['agree']:5} {totals['partial']:5} {totals['miss']:5} {totals['false-failure']:5}"
    )
    return "\n".join(lines)


@pytest.fixture(scope="module")
def act_results() -> tuple[dict[str, Counter[str]], list[dict[str, Any]]]:
    path = require(SHARED / "corpora" / "act" / "cases.jsonl", "the ACT test cases (../shared/corpora/act)")
    return run_corpus(path)


def test_act_agreement(act_results: tuple[dict[str, Counter[str]], list[dict[str, Any]]]) -> None:
    table, _ = act_results
    print("\n" + format_table(table))
    got = {
        act: (c["agree"], c["partial"], c["miss"], c["false-failure"])
        for act, c in sorted(table.items())
        if c
    }
    assert got == EXPECTED


def test_no_false_failures(act_results: tuple[dict[str, Counter[str]], list[dict[str, Any]]]) -> None:
    """A false failure makes the rule inconsistent with ACT: failing a page that passes is the worst error."""
    _, wrong = act_results
    false = [(c["rule_id"], c["title"]) for c in wrong if c["verdict"] == "false-failure"]
    assert false == []


if __name__ == "__main__":  # python -m tests.test_act [ACT-ID ...]: the table and the disagreements
    import sys

    table, wrong = run_corpus(SHARED / "corpora" / "act" / "cases.jsonl")
    print(format_table(table))
    wanted = set(sys.argv[1:])
    for case in wrong:
        if wanted and case["rule_id"] not in wanted:
            continue
        print(f"\n--- {case['rule_id']} {case['title']}: expected {case['expected']}, got {case['got']}")
        print(case["html"][:1500])
