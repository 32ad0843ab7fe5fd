"""The aaa rule set (WCAG level AAA, opt-in with --rule-set aaa): color-contrast-enhanced (1.4.6, ACT 09o5cg) and
meta-refresh-no-delay (2.2.4, 3.2.5, ACT bisz58). Exact findings, the judgement they share with their AA rules
(color-contrast-html, meta-refresh), and that the default rule set does not run them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tillgang.browser.check import check_rendered
from tillgang.browser.session import Browser
from tillgang.catalogue import load, validate
from tillgang.checks.contrast import decide
from tillgang.cli import main
from tillgang.colour import required_ratio
from tillgang.engine import CheckOptions, check_file
from tillgang.model import ContrastSample, Location

from .conftest import FIXTURES

CONTRAST = "color-contrast-enhanced"
REFRESH = "meta-refresh-no-delay"
AAA = (CONTRAST, REFRESH)


# ---------------------------------------------------------------- the rule set


def test_the_rules_are_in_the_aaa_set_only() -> None:
    cat = load()
    assert validate(cat) == []
    assert set(AAA) <= {r.id for r in cat if r.rule_set == "aaa"}
    for rule_id in AAA:
        rule = cat[rule_id]
        assert rule.in_set("aaa") and rule.in_set("wcag22,aaa") and not rule.in_set("en301549")
        assert not rule.refs.get("en301549")  # EN 301 549 requires A and AA only
        assert "--rule-set aaa" in rule.description["sv"] and "DOS-lagen" in rule.description["sv"]
        assert "--rule-set aaa" in rule.description["en"]
    assert (
        cat[CONTRAST].render and cat[CONTRAST].wcag == ("1.4.6",) and cat[CONTRAST].refs["act"] == ("09o5cg",)
    )
    assert not cat[REFRESH].render and cat[REFRESH].wcag == ("2.2.4", "3.2.5")
    assert cat[REFRESH].refs["act"] == ("bisz58",)


def test_rules_command_lists_them_in_the_aaa_set(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(AAA) <= {r["id"] for r in data["rules"] if r.get("rule_set") == "aaa"}
    assert not {r["id"] for r in data["rules"] if "rule_set" not in r} & set(AAA)


# ---------------------------------------------------------------- the enhanced thresholds


def test_enhanced_thresholds() -> None:
    assert required_ratio(12, False) == 4.5 and required_ratio(12, False, enhanced=True) == 7.0
    assert required_ratio(18, False) == 3.0 and required_ratio(18, False, enhanced=True) == 4.5
    assert required_ratio(14, True) == 3.0 and required_ratio(14, True, enhanced=True) == 4.5
    assert required_ratio(13.9, True, enhanced=True) == 7.0


def sample(*pairs: tuple[tuple[int, int, int], tuple[int, int, int]]) -> ContrastSample:
    """A sample of normal text: one known pair, or several possible ones (as the page probe gives them)."""
    if len(pairs) == 1:
        return ContrastSample(Location(), "Text", *pairs[0], 12, False)
    return ContrastSample(Location(), "Text", None, None, 12, False, "gradient", pairs)


BLACK, WHITE, GREY = (0, 0, 0), (255, 255, 255), (0x77, 0x77, 0x77)


def test_highest_possible_contrast_is_decided_with_each_rules_threshold() -> None:
    # black on white to #777: 21:1 and 4.69:1. The minimum (4.5) is met everywhere; 7:1 only at one end.
    gradient = sample((BLACK, WHITE), (BLACK, GREY))
    assert decide(gradient, 4.5) == (BLACK, GREY)  # passed, on the lowest pair
    assert decide(gradient, 7.0) is None  # cantTell
    # #777 text on a white to black-shadow background: 4.48:1 and 4.69:1, below 7:1 even at best
    shadow = sample((GREY, WHITE), (GREY, BLACK))
    assert decide(shadow, 7.0) == (GREY, BLACK)  # failed, on the highest pair
    assert decide(sample((GREY, WHITE)), 7.0) == (GREY, WHITE)
    assert decide(ContrastSample(Location(), "Text", GREY, None, 12, False, "picture"), 4.5) is None


# ---------------------------------------------------------------- meta-refresh-no-delay (static)


def static(path: Path, rule_set: str = "aaa", lang: str = "sv") -> dict[str, Any]:
    entry = check_file(
        path, CheckOptions(lang=lang, rules=frozenset({REFRESH, "meta-refresh"}), rule_set=rule_set)
    )
    assert entry["error"] is None, entry["error"]
    return dict(entry)


def findings(entry: dict[str, Any], rule: str) -> list[tuple[str, dict[str, Any], str]]:
    return [(f["outcome"], f["location"], f["message"]) for f in entry["findings"] if f["rule"] == rule]


def test_any_delay_fails_also_beyond_20_hours() -> None:
    entry = static(FIXTURES / REFRESH / "fail-html-reload-after-a-day.html", lang="en")
    assert entry["rules"] == {REFRESH: "failed", "meta-refresh": "passed"}  # the AA rule allows > 20 hours
    message = "The page refreshes or redirects after 86400 seconds; level AAA allows only an instant redirect (0 seconds)."
    assert findings(entry, REFRESH) == [("failed", {"selector": "head > meta"}, message)]
    assert [f["wcag"] for f in entry["findings"] if f["rule"] == REFRESH] == [["2.2.4", "3.2.5"]]


def test_the_first_valid_refresh_decides() -> None:
    entry = static(FIXTURES / REFRESH / "fail-html-first-invalid-second-delayed.html")
    message = (
        "Sidan uppdateras eller skickar vidare efter 60 sekunder; nivå AAA tillåter bara en omdirigering direkt "
        "(0 sekunder)."
    )
    assert findings(entry, REFRESH) == [("failed", {"selector": "head > meta:nth-of-type(2)"}, message)]
    passed = static(FIXTURES / REFRESH / "pass-html-first-valid-is-instant.html")
    assert passed["rules"][REFRESH] == "passed" and passed["passed_targets"][REFRESH] == 1


def test_an_invalid_content_is_inapplicable() -> None:
    entry = static(FIXTURES / REFRESH / "inapplicable-html-invalid-content.html")
    assert REFRESH not in entry["rules"] or entry["rules"][REFRESH] == "inapplicable"
    assert findings(entry, REFRESH) == []


def test_the_default_set_does_not_run_meta_refresh_no_delay() -> None:
    entry = static(FIXTURES / REFRESH / "fail-html-redirect-5.html", rule_set="en301549")
    assert entry["rules"] == {"meta-refresh": "failed"}


def test_cli_rule_set_aaa_runs_it(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["check", "--format", "json", "--jobs", "1", "--rules", f"meta-refresh,{REFRESH}"]
    path = str(FIXTURES / REFRESH / "fail-html-reload-after-a-day.html")
    assert main([*args, path]) == 0  # only the level A rule, which passes
    default = json.loads(capsys.readouterr().out)
    assert REFRESH not in default["documents"][0]["rules"] and "rule_set" not in default["tool"]
    assert main([*args, "--rule-set", "aaa", path]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["documents"][0]["rules"][REFRESH] == "failed" and data["tool"]["rule_set"] == "aaa"


# ---------------------------------------------------------------- color-contrast-enhanced (rendered)


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Browser]:
    with Browser("sv", executable=chromium_path) as b:
        yield b


def rendered(browser: Browser, name: str, rule_set: str = "aaa", lang: str = "sv") -> dict[str, Any]:
    path = FIXTURES / CONTRAST / name
    rules = frozenset({CONTRAST, "color-contrast-html"})
    entry = check_rendered(browser, str(path), name, CheckOptions(lang=lang, rules=rules, rule_set=rule_set))
    assert entry["error"] is None, entry["error"]
    return dict(entry)


def test_text_meeting_only_the_minimum_fails_with_its_ratio(browser: Browser) -> None:
    entry = rendered(browser, "fail-html-grey-meets-aa-only.html", lang="en")
    assert entry["rules"] == {CONTRAST: "failed", "color-contrast-html": "passed"}
    message = (
        'The text "Grå text som klarar 4,5:1 men inte 7:1." has a contrast of 4.54:1 (#767676 on #FFFFFF); '
        "level AAA requires at least 7:1."
    )
    assert findings(entry, CONTRAST) == [("failed", {"selector": "body > main > p"}, message)]
    assert [f["wcag"] for f in entry["findings"] if f["rule"] == CONTRAST] == [["1.4.6"]]


def test_large_text_needs_4_5(browser: Browser) -> None:
    entry = rendered(browser, "fail-html-large-text.html")
    message = 'Texten "Stor men för ljus text." har kontrasten 3.03:1 (#949494 mot #FFFFFF); nivå AAA kräver minst 4.5:1.'
    assert findings(entry, CONTRAST) == [("failed", {"selector": "body > main > p"}, message)]
    assert rendered(browser, "pass-html-large-text.html")["rules"][CONTRAST] == "passed"


def test_a_gradient_that_meets_the_minimum_everywhere_is_cant_tell_for_aaa(browser: Browser) -> None:
    entry = rendered(browser, "review-html-gradient-between.html")
    assert entry["rules"] == {CONTRAST: "cantTell", "color-contrast-html": "passed"}
    message = (
        'Kontrasten för texten "Svart text på en toning från vitt till grått." kan inte räknas ut '
        "(bakgrunden är en toning). Granska manuellt om den når nivå AAA."
    )
    assert findings(entry, CONTRAST) == [("cantTell", {"selector": "body > main > p"}, message)]


def test_the_default_set_does_not_run_it_in_the_browser(browser: Browser) -> None:
    entry = rendered(browser, "fail-html-grey-meets-aa-only.html", rule_set="en301549")
    assert entry["rules"] == {"color-contrast-html": "passed"}
    assert [f for f in entry["findings"] if f["rule"] == CONTRAST] == []
