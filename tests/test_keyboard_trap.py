"""keyboard-trap (WCAG 2.1.2, ACT 80af7b, a1b64e, ebe86a): how the key presses are judged, and exact findings in
the browser on the rule's fixtures (fixtures/_make/make_html_keytrap.py) and on pages written here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tillgang.browser import keytrap
from tillgang.browser.check import check_rendered
from tillgang.browser.keytrap import _cycled, keytrap_facts
from tillgang.browser.session import Browser
from tillgang.catalogue import load
from tillgang.checks.html_keytrap import KeyTrap, has_key_instructions, trap_outcome
from tillgang.engine import CheckOptions

from .conftest import FIXTURES

RULE = "keyboard-trap"
FOLDER = FIXTURES / RULE
PAGE = (
    '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Prov</title></head><body><main>'
    "{body}</main></body></html>"
)


def test_the_rule_is_in_the_default_set_and_needs_the_browser() -> None:
    rule = load()[RULE]
    assert rule.render and rule.in_set("en301549") and rule.wcag == ("2.1.2",)
    assert rule.refs["act"] == ("80af7b", "a1b64e", "ebe86a")


@pytest.mark.parametrize(
    ("walks", "outcome"),
    [
        (("out", "", ""), "passed"),
        (("cycle", "out", ""), "passed"),  # one direction is enough (ACT 80af7b)
        (("cycle", "cycle", "out"), "passed"),  # Escape, then Tab, gets out
        (("cycle", "cycle", "cycle"), "trapped"),
        (("cycle", "cycle", "cycle", True), "activate"),
        (("cycle", "cycle", ""), "far"),  # Escape not tried: not certain
        (("cycle", "far", ""), "far"),
        (("error", "cycle", ""), "error"),
    ],
)
def test_trap_outcome(walks: tuple[Any, ...], outcome: str) -> None:
    assert trap_outcome(KeyTrap("el", *walks)) == outcome


def test_a_cycle_is_gone_round_twice_or_focus_stays_put_three_times() -> None:
    assert _cycled([1, 2, 1], 2) and _cycled([5, 1], 1) and _cycled([1, 2, 3, 1, 2], 3)
    assert not _cycled([1], 1)  # stayed once: not yet certain
    assert not _cycled([1, 2], 1) and not _cycled([1, 2, 3], 4) and not _cycled([1, 2, 1, 3], 1)


def test_keyboard_instructions_in_swedish_and_english() -> None:
    assert has_key_instructions("Tryck på Esc för att stänga kartan")
    assert has_key_instructions("Press Ctrl+M to exit") and has_key_instructions("Använd tabbtangenten")
    assert not has_key_instructions("Välkommen till Knivsta kommun. Här hittar du nyheter och kontakt.")


def test_malformed_raw_facts_are_skipped() -> None:
    raw = {"listening": True, "results": [{"el": 1, "Tab": "out"}, {"el": 9, "Tab": "cycle"}], "text": "x"}
    facts = keytrap_facts(raw, {1: "el1"})
    assert facts is not None and facts.listening and facts.text == "x"
    assert facts.results == [KeyTrap("el1", "out", "", "", False)]
    assert keytrap_facts(None, {}) is None


@pytest.fixture(autouse=True)
def roomy_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """The time budget is a cost cap, not part of the judgement: on a loaded test machine it could cut a walk
    short (cantTell), so the exact findings below are asserted with room to finish."""
    monkeypatch.setattr(keytrap, "BUDGET_S", 60.0)


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Browser]:
    with Browser("sv", executable=chromium_path) as b:
        yield b


def rendered(browser: Browser, path: Path, lang: str = "sv") -> dict[str, Any]:
    entry = check_rendered(browser, str(path), path.name, CheckOptions(lang=lang, rules=frozenset({RULE})))
    assert entry["error"] is None, entry["error"]
    return dict(entry)


def findings(entry: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["outcome"], f["location"]["selector"]) for f in entry["findings"] if f["rule"] == RULE]


def page(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "sida.html"
    path.write_text(PAGE.format(body=body), encoding="utf-8")
    return path


def test_a_tab_blocking_field_fails_and_the_links_around_it_pass(browser: Browser) -> None:
    entry = rendered(browser, FOLDER / "fail-html-tab-blocked.html", lang="en")
    assert findings(entry) == [("failed", "#sok")]
    assert entry["passed_targets"][RULE] == 2  # Start (backward out), Hjälp (forward out)
    assert entry["findings"][0]["message"] == (
        "Focus is trapped: neither Tab, Shift+Tab nor Escape moves focus from the element to the rest of the "
        "page or the browser, and the page does not say how to get out."
    )
    assert entry["findings"][0]["wcag"] == ["2.1.2"]


def test_two_fields_that_hand_focus_to_each_other_fail(browser: Browser) -> None:
    entry = rendered(browser, FOLDER / "fail-html-blur-cycle.html")
    assert sorted(findings(entry)) == [("failed", "#efternamn"), ("failed", "#fornamn")]
    assert entry["passed_targets"][RULE] == 2


def test_a_cycle_through_buttons_is_for_a_person(browser: Browser) -> None:
    # Enter or Space on a button might lead out; the rule does not press them
    entry = rendered(browser, FOLDER / "review-html-button-cycle.html", lang="en")
    assert sorted(findings(entry)) == [("cantTell", "#ja"), ("cantTell", "#nej")]
    assert "Enter, Space or the arrow keys" in entry["findings"][0]["message"]


def test_a_trap_with_a_key_instruction_is_for_a_person(browser: Browser) -> None:
    entry = rendered(browser, FOLDER / "review-html-trap-with-instruction.html")
    assert findings(entry) == [("cantTell", "#karta")]
    assert "tangentinstruktion" in entry["findings"][0]["message"]


def test_a_dialog_that_closes_with_escape_passes(browser: Browser) -> None:
    entry = rendered(browser, FOLDER / "pass-html-modal-escape.html")
    assert entry["rules"][RULE] == "passed" and entry["passed_targets"][RULE] == 4


def test_a_page_without_key_or_focus_listeners_is_not_tried(browser: Browser) -> None:
    path = str(FOLDER / "inapplicable-html-no-script.html")
    with browser.open(path) as live:
        assert live.rendered.facts["keytrap"] == {"listening": False, "results": []}
    assert rendered(browser, Path(path))["rules"][RULE] == "inapplicable"


def test_keys_are_pressed_only_when_the_rule_runs(browser: Browser) -> None:
    path = str(FOLDER / "fail-html-tab-blocked.html")
    with browser.open(path, keys=False) as live:
        assert "keytrap" not in live.rendered.facts
    other = check_rendered(browser, path, path, CheckOptions(rules=frozenset({"focus-visible"})))
    assert RULE not in other["rules"]


def test_a_quiet_listener_page_is_decided_without_key_presses(browser: Browser) -> None:
    with browser.open(str(FOLDER / "pass-html-links.html")) as live:
        raw = live.rendered.facts["keytrap"]
    assert raw["mode"] == "rehearsed" and [r["Tab"] for r in raw["results"]] == ["out"] * 3
    with browser.open(str(FOLDER / "fail-html-tab-blocked.html")) as live:
        assert live.rendered.facts["keytrap"]["mode"] == "careful"  # a cancelled Tab: real keys decide


def test_a_keyup_handler_that_sends_focus_back_fails(browser: Browser, tmp_path: Path) -> None:
    body = (
        '<p><a href="#a">A</a></p><p><label>Sök <textarea id="text"></textarea></label></p><p><a href="#b">B</a>'
        '</p><script>const t = document.getElementById("text"); document.addEventListener("keyup", (e) => {'
        ' if (e.key === "Tab" && document.activeElement !== t && t.dataset.varit) t.focus(); });'
        ' t.addEventListener("focus", () => { t.dataset.varit = "1"; });</script>'
    )
    entry = rendered(browser, page(tmp_path, body))
    assert findings(entry) == [("failed", "#text")]


def test_a_single_element_page_that_listens_passes(browser: Browser, tmp_path: Path) -> None:
    # Tab from the only element wraps round to itself: past the end of the page, not a trap
    body = '<button type="button">Meny</button><script>document.onkeydown = () => {};</script>'
    entry = rendered(browser, page(tmp_path, body))
    assert entry["rules"][RULE] == "passed" and findings(entry) == []


def test_a_handler_calling_a_missing_script_cannot_be_told(browser: Browser, tmp_path: Path) -> None:
    body = (
        '<p><a href="#a">A</a></p><p><button type="button" id="b1" onblur="flyttaFokus(\'b2\')">Ett</button> '
        '<button type="button" id="b2" onblur="flyttaFokus(\'b1\')">Två</button></p>'
    )
    entry = rendered(browser, page(tmp_path, body), lang="en")
    assert ("cantTell", "#b1") in findings(entry)
    assert "failed" not in {o for o, _s in findings(entry)}
    assert "a script on the page failed" in entry["findings"][0]["message"]


def test_a_trap_by_timer_after_tab_is_found(browser: Browser, tmp_path: Path) -> None:
    # a field that takes focus back 10 ms after losing it, between two links (the trap the ACT rule describes)
    body = (
        '<p><a href="#a">A</a></p><p><label>Namn <input id="namn" '
        'onblur="setTimeout(() => this.focus(), 10)"></label></p><p><a href="#b">B</a></p>'
    )
    entry = rendered(browser, page(tmp_path, body))
    assert findings(entry) == [("failed", "#namn")]
