"""ACT agreement over EVERY ACT rule with HTML cases, as issue 11 scores the published implementations.

    python bench/act_score.py                 # static mode and, with a system Chromium, rendered mode
    python bench/act_score.py --static-only
    python bench/act_score.py --show 4c31df   # also each case of these ACT rules that does not agree

Every case of ../shared/corpora/act/cases.jsonl counts (the published half in the shared folder). A case of an
ACT rule that no tillgang rule lists is scored as if the tool said nothing: an expected `failed` is a miss, an
expected `passed`/`inapplicable` agrees (the same for every tool). A case of a mapped rule is judged like
tests/test_act.py: failed -> agree, cantTell -> half (partial), a `failed` on a passed/inapplicable case is a false
failure. Printed: agreement over all rules and over the mapped rules, per mode, and the ACT rules with misses.
The rendered mode checks every case in Chromium with the static rules and the rules that need the browser.
Each mode is scored twice from one run: with the default rule set (EN 301 549, what `tillgang check` runs) and
with every rule set (`--rule-set wcag22,aaa,review`: also the WCAG AAA rules and the rules that list what a
person must judge, as the semi-automatic tools of issue 11's comparison do).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_act import act_rules, judge, worst  # noqa: E402
from tests.test_act import rule_outcomes as static_outcomes  # noqa: E402
from tillgang.catalogue import DEFAULT_RULE_SET, load  # noqa: E402

CASES = ROOT.parent / "shared" / "corpora" / "act" / "cases.jsonl"


def load_cases() -> list[dict[str, Any]]:
    with open(CASES, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def score(
    cases: list[dict[str, Any]],
    mapping: dict[str, list[str]],
    outcomes: Any,
    show: frozenset[str] = frozenset(),
) -> tuple[dict[str, Counter[str]], dict[str, Counter[str]]]:
    """ACT rule -> Counter of verdicts (agree, partial, miss, false-failure), with the default rule set and with
    every set, from one check of each case (``outcomes(case, rules)`` gives each rule's outcome)."""
    default_rules = {r.id for r in load() if r.rule_set == DEFAULT_RULE_SET}
    tables: tuple[dict[str, Counter[str]], dict[str, Counter[str]]] = ({}, {})
    for case in cases:
        rules = mapping.get(case["rule_id"])
        got = outcomes(case, rules) if rules else {}
        for table, keep in zip(tables, (default_rules, None), strict=True):
            chosen = {r: o for r, o in got.items() if keep is None or r in keep}
            if chosen:
                verdict = judge(case["expected"], worst(chosen))
            else:
                verdict = "miss" if case["expected"] == "failed" else "agree"
            table.setdefault(case["rule_id"], Counter())[verdict] += 1
        if case["rule_id"] in show and got and judge(case["expected"], worst(got)) != "agree":
            print(f"  {case['rule_id']} {case['testcase_id']} expected {case['expected']}: {got}")
    return tables


def summary(name: str, table: dict[str, Counter[str]], mapped: set[str]) -> None:
    def pct(rules: set[str]) -> tuple[float, int]:
        total = sum(sum(table[r].values()) for r in rules)
        points = sum(table[r]["agree"] + 0.5 * table[r]["partial"] for r in rules)
        return (100.0 * points / total if total else 0.0), total

    everything, n_all = pct(set(table))
    only_mapped, n_mapped = pct(set(table) & mapped)
    false = sum(c["false-failure"] for c in table.values())
    print(
        f"{name}: {everything:.1f} % over every ACT rule with HTML cases ({len(table)} rules, {n_all} cases)"
    )
    print(f"{name}: {only_mapped:.1f} % over the {len(set(table) & mapped)} mapped rules ({n_mapped} cases)")
    print(f"{name}: false failures {false}")
    misses = {r: c["miss"] for r, c in table.items() if c["miss"] and r in mapped}
    if misses:
        print(f"{name}: mapped rules with misses: {misses}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--static-only", action="store_true")
    parser.add_argument(
        "--show", nargs="*", default=[], metavar="ACT", help="print these ACT rules' disagreements"
    )
    parser.add_argument("--chromium", help="the browser (else $TILLGANG_CHROMIUM or chromium on PATH)")
    args = parser.parse_args()
    if not CASES.is_file():
        print(f"no ACT cases at {CASES}", file=sys.stderr)
        return 2
    cases = load_cases()
    show = frozenset(args.show)
    static = act_rules()
    for label, table in zip(
        ("static", "static, every rule set"), score(cases, static, static_outcomes, show), strict=True
    ):
        summary(label, table, set(static))
    if args.static_only:
        return 0
    from tests.conftest import _chromium_path
    from tests.test_act_render import rule_outcomes as rendered_outcomes
    from tillgang.browser.session import Browser

    executable = args.chromium or _chromium_path()
    if executable is None:
        print("no system Chromium: rendered mode not scored", file=sys.stderr)
        return 0
    mapping = {act: list(rules) for act, rules in static.items()}
    for act, rules in act_rules(render=True).items():
        mapping.setdefault(act, []).extend(rules)
    with Browser("en", executable=executable) as browser, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tables = score(
            cases, mapping, lambda case, rules: rendered_outcomes(browser, case, rules, folder), show
        )
    for label, table in zip(("rendered", "rendered, every rule set"), tables, strict=True):
        summary(label, table, set(mapping))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
