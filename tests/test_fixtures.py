"""Every fixture's outcome: fixtures/<rule-id>/<pass|fail|review|inapplicable>-<format>-<what>.<ext>."""

from __future__ import annotations

from pathlib import Path

import pytest

from tillgang.catalogue import load
from tillgang.engine import CheckOptions, check_file

from .conftest import FIXTURES

EXPECTED = {"pass": "passed", "fail": "failed", "review": "cantTell", "inapplicable": "inapplicable"}
RENDER_RULES = frozenset(r.id for r in load() if r.render)  # their fixtures: tests/test_browser.py
RULE_SETS = {r.id: r.rule_set for r in load()}  # a rule of another set runs in its own set
# A rule that lists what a person must judge (a manual rule, the review set) passes a page only where it can tell
# without a person: its pass fixture is a page where it lists nothing (passed or inapplicable).
LISTING_RULES = frozenset(r.id for r in load() if r.automation == "manual" or r.rule_set == "review")
CASES = sorted(
    p
    for p in FIXTURES.glob("*/*")
    if p.is_file()
    and not p.parent.name.startswith("_")
    and "-" in p.name
    and p.parent.name not in RENDER_RULES
)


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_fixture_outcome(path: Path) -> None:
    rule = path.parent.name
    expected = EXPECTED[path.name.split("-", 1)[0]]
    entry = check_file(path, CheckOptions(rules=frozenset({rule}), rule_set=RULE_SETS[rule]))
    assert entry["error"] is None, entry["error"]
    got = entry["rules"].get(rule, "inapplicable")
    if expected == "passed" and rule in LISTING_RULES and got == "inapplicable":
        expected = "inapplicable"
    assert got == expected, [f for f in entry["findings"] if f["rule"] == rule]
    if expected in ("failed", "cantTell"):
        messages = [f["message"] for f in entry["findings"] if f["rule"] == rule]
        assert messages and all(messages), "a failing fixture must produce a readable message"
