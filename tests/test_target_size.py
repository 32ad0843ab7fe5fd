"""target-size (WCAG 2.2 2.5.8) and the rule sets: the geometry of the size and spacing test, exact findings in the
browser, and that the wcag22 rule set is opt-in (the default reports do not change)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tillgang.browser.check import check_rendered
from tillgang.browser.interaction import interaction_facts
from tillgang.browser.session import Browser
from tillgang.catalogue import load, validate
from tillgang.checks.html_rendered import PointerTarget, target_outcomes
from tillgang.cli import main
from tillgang.engine import CheckOptions, report

from .conftest import FIXTURES

RULE = "target-size"


def box(x: float, y: float, w: float = 16, h: float = 16, **kw: Any) -> PointerTarget:
    return PointerTarget(kw.pop("element", f"t{x},{y}"), (x, y, w, h), **kw)


def outcomes(*targets: PointerTarget) -> list[str]:
    return [outcome for _t, outcome in target_outcomes(list(targets))]


def test_size_24_by_24_passes_and_23_is_undersized() -> None:
    assert outcomes(box(0, 0, 24, 24), box(24, 0, 24, 24)) == ["passed", "passed"]
    assert outcomes(box(0, 0, 23, 24), box(23, 0, 24, 24)) == ["failed", "passed"]


def test_spacing_circles_may_touch_but_not_intersect() -> None:
    # centres 24 apart: the two 24 px circles touch; 23.9 apart: they intersect
    assert outcomes(box(0, 0), box(24, 0)) == ["passed", "passed"]
    assert outcomes(box(0, 0), box(23.9, 0)) == ["failed", "failed"]


def test_the_circle_must_not_reach_a_large_neighbour_box() -> None:
    # small target centre at x=8; a large target 3 px to its right (edge at x=19, 11 px from the centre)
    assert outcomes(box(0, 0), box(19, 0, 40, 40)) == ["failed", "passed"]
    # edge at x=20: exactly 12 px, the circle touches the box without intersecting it
    assert outcomes(box(0, 0), box(20, 0, 40, 40)) == ["passed", "passed"]


def test_diagonal_neighbour_uses_the_distance_to_the_corner() -> None:
    # centre (8, 8); a large box whose corner is at (17, 17): distance 12.7 > 12
    assert outcomes(box(0, 0), box(17, 17, 40, 40)) == ["passed", "passed"]
    assert outcomes(box(0, 0), box(16, 16, 40, 40)) == ["failed", "passed"]


def test_exceptions_and_nesting() -> None:
    inline = box(0, 0, inline=True)
    agent = box(10, 0, 13, 13, agent=True)
    assert outcomes(inline, agent) == ["inline", "agent"]
    # a small icon inside the large button that holds it is not its neighbour
    assert outcomes(box(0, 0, 100, 40), box(4, 4)) == ["passed", "passed"]


def test_equivalent_target_meeting_the_criterion_makes_it_cant_tell() -> None:
    small = [box(0, 0, href="https://x.se/fb"), box(18, 0, name="Instagram")]
    large = [box(0, 100, 200, 40, href="https://x.se/fb"), box(0, 200, 200, 40, name="instagram")]
    assert outcomes(*small, *large) == ["equivalent", "equivalent", "passed", "passed"]
    assert outcomes(*small) == ["failed", "failed"]


def test_a_target_outside_the_page_model_is_a_neighbour_but_not_reported() -> None:
    got = target_outcomes([box(0, 0), box(18, 0, element=None)])
    assert [(t.element, o) for t, o in got] == [("t0,0", "failed")]


def test_malformed_probe_targets_are_skipped() -> None:
    raw = {"targets": {"targets": [{"el": 1, "box": [0, 0, "x", 2]}, {"el": 1, "box": [0, 0, 10, 10]}]}}
    facts = interaction_facts(raw, {1: "el1"})
    assert facts is not None
    assert [(t.element, t.box) for t in facts.targets] == [("el1", (0.0, 0.0, 10.0, 10.0))]
    empty = interaction_facts({"targets": "nonsense"}, {})
    assert empty is not None and empty.targets == []


def test_the_rule_is_in_the_wcag22_set_only() -> None:
    cat = load()
    rule = cat[RULE]
    assert rule.rule_set == "wcag22" and rule.render and rule.wcag == ("2.5.8",)
    assert not rule.in_set("en301549") and rule.in_set("wcag22")
    assert cat["image-alt"].in_set("en301549") and cat["image-alt"].in_set("wcag22")
    assert rule.as_dict()["rule_set"] == "wcag22" and "rule_set" not in cat["image-alt"].as_dict()
    assert validate(cat) == []


def test_the_report_names_only_a_rule_set_other_than_the_default() -> None:
    html = {"source": "a.html", "format": "html", "sha256": None, "size": 1, "error": None}
    default = report([html], lang="en")  # type: ignore[list-item]
    assert "rule_set" not in default["tool"]
    assert RULE not in " ".join(default["tool"].get("notices", []))
    wcag22 = report([html], lang="en", rule_set="wcag22")  # type: ignore[list-item]
    assert wcag22["tool"]["rule_set"] == "wcag22"
    assert RULE in " ".join(wcag22["tool"].get("notices", []))


def test_rules_command_lists_the_set_of_each_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--for", "html"]) == 0
    lines = {
        line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line and line[0] != " "
    }
    assert "wcag22" in lines[RULE].split() and "en301549" in lines["image-alt"].split()
    assert main(["rules", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in data["rules"] if r.get("rule_set") == "wcag22"] == [RULE]
    assert main(["rule", RULE, "--lang", "en"]) == 0
    assert "Rule set: wcag22 (--rule-set wcag22)" in capsys.readouterr().out
    assert main(["rule", "image-alt"]) == 0
    assert "Regeluppsättning" not in capsys.readouterr().out


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Browser]:
    with Browser("sv", executable=chromium_path) as b:
        yield b


def rendered(browser: Browser, path: Path, rule_set: str = "wcag22", lang: str = "sv") -> dict[str, Any]:
    options = CheckOptions(lang=lang, rules=frozenset({RULE}), rule_set=rule_set)
    entry = check_rendered(browser, str(path), path.name, options)
    assert entry["error"] is None, entry["error"]
    return dict(entry)


def test_default_rule_set_does_not_run_target_size_in_the_browser(browser: Browser) -> None:
    entry = rendered(browser, FIXTURES / RULE / "fail-html-small-icons-close.html", rule_set="en301549")
    assert RULE not in entry["rules"] and entry["findings"] == []


def test_close_icons_fail_with_their_size_and_selector(browser: Browser) -> None:
    entry = rendered(browser, FIXTURES / RULE / "fail-html-small-icons-close.html", lang="en")
    got = [(f["outcome"], f["location"]["selector"], f["message"]) for f in entry["findings"]]
    message = "The target is 16×16 pixels, smaller than 24 × 24, and too close to another target."
    assert got == [("failed", f"body > main > div > button:nth-of-type({n})", message) for n in (1, 2, 3)]
    assert entry["findings"][0]["wcag"] == ["2.5.8"]


def test_spaced_icons_pass_each_target(browser: Browser) -> None:
    entry = rendered(browser, FIXTURES / RULE / "pass-html-small-spaced.html")
    assert entry["rules"][RULE] == "passed" and entry["passed_targets"][RULE] == 3


def test_only_the_crowded_pair_fails(browser: Browser, tmp_path: Path) -> None:
    icon = "display: block; width: 20px; height: 20px; padding: 0; border: 0"
    path = tmp_path / "sida.html"
    path.write_text(
        '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Prov</title></head><body><main>'
        f'<div style="position: relative; height: 200px">'
        f'<button id="a" aria-label="A" style="{icon}; position: absolute; left: 0; top: 0"></button>'
        f'<button id="b" aria-label="B" style="{icon}; position: absolute; left: 22px; top: 0"></button>'
        f'<button id="c" aria-label="C" style="{icon}; position: absolute; left: 100px; top: 100px"></button>'
        '<p style="position: absolute; top: 150px">Läs <a id="d" href="#x">mer</a> om detta.</p>'
        "</div></main></body></html>",
        encoding="utf-8",
    )
    entry = rendered(browser, path)
    assert [(f["outcome"], f["location"]["selector"]) for f in entry["findings"]] == [
        ("failed", "#a"),
        ("failed", "#b"),
    ]
    assert entry["passed_targets"][RULE] == 1  # #c; the inline link #d is exempt, not counted


def test_crawl_passes_the_rule_set_to_its_checks() -> None:
    from tillgang.crawl.config import ConfigError, CrawlConfig
    from tillgang.crawl.run import check_options

    default = CrawlConfig(start_urls=("https://example.se/",))
    assert check_options(default).rule_set == "en301549" and "rule_set" not in default.as_dict()
    wcag22 = default.with_overrides(rule_set="wcag22")
    assert check_options(wcag22).rule_set == "wcag22" and wcag22.as_dict()["rule_set"] == "wcag22"
    with pytest.raises(ConfigError, match="rule_set"):
        default.with_overrides(rule_set="wcag30").validate()


def test_an_unknown_rule_set_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--rule-set", "wcag30", "x.html"])
    assert exit_info.value.code == 2 and "wcag22" in capsys.readouterr().err


def test_targets_are_measured_only_when_asked(browser: Browser) -> None:
    path = str(FIXTURES / RULE / "fail-html-small-icons-close.html")
    with browser.open(path) as live:
        assert "targets" not in live.rendered.facts["interaction"]
    with browser.open(path, targets=True) as live:
        measured = live.rendered.facts["interaction"]["targets"]
    assert [t["box"][2:] for t in measured["targets"]] == [[16, 16]] * 3 and measured["truncated"] is False
