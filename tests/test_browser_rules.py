"""The rendered rules that interact with the page (checks/html_rendered.py, browser/interaction.py,
probes/interaction.js): exact findings beyond the fixtures' outcomes (tests/test_browser.py), the judging of the
probe's facts, and that the probe leaves the tab as it found it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tillgang.browser.check import check_rendered
from tillgang.browser.interaction import interaction_facts, measure
from tillgang.browser.session import VIEWPORT, Browser
from tillgang.checks.html_rendered import Rotation, relative_rotation
from tillgang.engine import CheckOptions, check_file

from .conftest import FIXTURES

NEW_RULES = ("scrollable-region-focusable", "css-orientation-lock", "focus-visible")


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Browser]:
    with Browser("sv", executable=chromium_path) as b:
        yield b


def findings(browser: Browser, path: Path, rule: str, lang: str = "sv") -> list[dict[str, Any]]:
    """The rule's findings (failed and cantTell), after checking that the passed targets are counted."""
    return judged(browser, path, rule, lang)[1]


def judged(browser: Browser, path: Path, rule: str, lang: str = "sv") -> tuple[int, list[dict[str, Any]]]:
    """How many targets passed, and the findings."""
    entry = check_rendered(browser, str(path), path.name, CheckOptions(lang=lang, rules=frozenset({rule})))
    assert entry["error"] is None, entry["error"]
    passed = entry["passed_targets"].get(rule, 0)
    return passed, [dict(f) for f in entry["findings"] if f["rule"] == rule]


def page(tmp_path: Path, body: str, name: str = "sida.html") -> Path:
    path = tmp_path / name
    path.write_text(
        f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Prov</title></head><body><main>{body}'
        "</main></body></html>",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("portrait", "landscape", "expected"),
    [
        (0.0, 90.0, 90.0),
        (90.0, 0.0, 90.0),
        (-90.0, 0.0, 90.0),
        (0.0, 270.0, 90.0),
        (10.0, 190.0, 180.0),
        (45.0, 45.0, 0.0),
        (None, 90.0, None),
    ],
)
def test_relative_rotation(portrait: float | None, landscape: float | None, expected: float | None) -> None:
    assert relative_rotation(Rotation(None, portrait, landscape)) == expected


def test_malformed_probe_output_gives_no_facts_or_skips_what_is_unknown() -> None:
    assert interaction_facts(None, {}) is None
    facts = interaction_facts({"scrollable": [{"el": 7, "reachable": False}], "rotating": [3]}, {3: "el3"})
    assert facts is not None
    assert facts.scrollable == []  # element 7 is not in the page model
    assert [(r.element, r.portrait, r.landscape) for r in facts.rotations] == [("el3", None, None)]
    assert facts.focusable == 0 and facts.focus == []


def test_static_mode_does_not_run_the_interaction_rules() -> None:
    path = FIXTURES / "focus-visible" / "fail-html-outline-none.html"
    entry = check_file(path, CheckOptions())
    assert not set(NEW_RULES) & set(entry["rules"])


def test_scrollable_region_finding_names_the_element(browser: Browser) -> None:
    [finding] = findings(
        browser,
        FIXTURES / "scrollable-region-focusable" / "fail-html-text-only.html",
        "scrollable-region-focusable",
        "en",
    )
    assert finding["outcome"] == "failed"
    assert finding["location"] == {"selector": "body > main > div"}
    assert "Tab key" in finding["message"]


def test_a_region_with_a_link_far_down_passes_and_a_nested_region_is_judged_alone(
    browser: Browser, tmp_path: Path
) -> None:
    text = "<p>" + "Lång text om avfallstaxan. " * 60 + "</p>"
    path = page(
        tmp_path,
        f'<div id="yttre" style="height: 80px; overflow: auto">{text}<a href="#slut">Till slutet</a>'
        f'<div id="inre" style="height: 40px; overflow: auto">{text}</div></div>',
    )
    passed, got = judged(browser, path, "scrollable-region-focusable")
    assert passed == 1
    assert [(f["outcome"], f["location"]["selector"]) for f in got] == [("failed", "#inre")]


def test_orientation_lock_message_and_viewport_restored(browser: Browser) -> None:
    [finding] = findings(
        browser, FIXTURES / "css-orientation-lock" / "fail-html-portrait-rotate.html", "css-orientation-lock"
    )
    assert finding["outcome"] == "failed" and "90 grader" in finding["message"]
    with browser.open(str(FIXTURES / "css-orientation-lock" / "pass-html-small-tilt.html")) as live:
        root = live.rendered.facts["elements"][0]
    assert root["box"][2] == VIEWPORT["width"]  # the tab is back in its own viewport after the probe


def test_focus_visible_fails_every_element_without_indication(browser: Browser) -> None:
    got = findings(browser, FIXTURES / "focus-visible" / "fail-html-outline-none.html", "focus-visible")
    assert [(f["outcome"], f["location"]["selector"]) for f in got] == [
        ("failed", "body > main > p:nth-of-type(1) > a"),
        ("failed", "body > main > p:nth-of-type(2) > a"),
        ("failed", "body > main > button"),
    ]
    assert got[0]["message"] == "Ingenting i elementets utseende ändras när det får fokus."


def test_focus_visible_only_the_element_without_indication_fails(browser: Browser, tmp_path: Path) -> None:
    path = page(
        tmp_path,
        "<style>.tyst { outline: none; } .ram { border: 2px solid #fff; } .ram:focus { outline: none; border-color: #000; }"
        "</style>"
        '<a href="#a">Standard</a> <a class="tyst" href="#b">Utan markering</a> '
        '<button class="ram">Ram</button> '
        '<span class="tyst" tabindex="0">Eget</span>',
    )
    passed, got = judged(browser, path, "focus-visible")
    assert passed == 2  # the link with the browser's own ring, the button whose border turns black
    assert [(f["outcome"], f["location"]["selector"]) for f in got] == [
        ("failed", "body > main > a:nth-of-type(2)"),
        ("failed", "body > main > span"),
    ]


def test_focus_visible_says_why_it_cannot_tell(browser: Browser) -> None:
    got = findings(
        browser, FIXTURES / "focus-visible" / "review-html-script-changes-page.html", "focus-visible", "en"
    )
    assert {f["outcome"] for f in got} == {"cantTell"}
    assert "a script changes the page when the element gets focus" in got[0]["message"]


def test_interaction_rules_leave_the_other_rules_as_they_were(browser: Browser) -> None:
    path = FIXTURES / "color-contrast-html" / "fail-html-grey.html"
    with_new = check_rendered(browser, str(path), "p", CheckOptions())
    alone = check_rendered(browser, str(path), "p", CheckOptions(rules=frozenset({"color-contrast-html"})))
    assert with_new["rules"]["color-contrast-html"] == alone["rules"]["color-contrast-html"] == "failed"


def test_frame_finding_counts_the_elements_inside(browser: Browser) -> None:
    [finding] = findings(
        browser,
        FIXTURES / "frame-focusable-content" / "fail-html-form-in-frame.html",
        "frame-focusable-content",
    )
    assert finding["location"] == {"selector": "body > main > iframe"}
    assert "innehåller 2 element" in finding["message"]  # the field and the button


def test_a_frame_inert_behind_a_modal_dialog_is_not_judged(browser: Browser, tmp_path: Path) -> None:
    path = page(
        tmp_path,
        '<iframe title="Länkar" tabindex="-1" srcdoc="<a href=\'#a\'>Hem</a>"></iframe>'
        '<dialog id="d"><p>Villkor</p><button>Stäng</button></dialog>'
        '<script>document.getElementById("d").showModal();</script>',
    )
    assert judged(browser, path, "frame-focusable-content") == (0, [])


def test_zoom_finding_names_the_text_and_the_direction(browser: Browser) -> None:
    [finding] = findings(
        browser, FIXTURES / "zoom-text-clipped" / "fail-html-fixed-height.html", "zoom-text-clipped"
    )
    assert finding["location"] == {"selector": "body > main > div > p"}
    assert finding["message"].startswith('Texten "Kommunen ansvarar för skola')
    assert "skärs av i höjdled" in finding["message"]


def test_zoom_clip_added_by_a_narrow_media_query_is_found(browser: Browser, tmp_path: Path) -> None:
    path = page(
        tmp_path,
        "<style>@media (max-width: 700px) { .puff { height: 2em; overflow: hidden; } }</style>"
        '<div class="puff"><p>'
        + "Anmäl dig till vuxenutbildningen före den sista april. " * 6
        + "</p></div>",
    )
    passed, got = judged(browser, path, "zoom-text-clipped", "en")
    assert passed == 0 and [f["outcome"] for f in got] == ["failed"]
    assert "cut off vertically" in got[0]["message"]


class _FailingPage:
    """A stand-in page whose script evaluation fails the way Playwright's does (a navigation mid-probe)."""

    class Failure(Exception):
        pass

    def __init__(self) -> None:
        self.viewports: list[Any] = []

    def evaluate(self, _source: str, args: dict[str, Any]) -> Any:
        if args["phase"] == "scan":
            return {"scrollable": [], "rotating": [1], "needsZoom": False}
        raise self.Failure("Execution context was destroyed")

    def set_viewport_size(self, size: Any) -> None:
        self.viewports.append(size)


def test_a_failing_probe_gives_no_facts_and_restores_the_viewport() -> None:
    stub = _FailingPage()
    assert measure(stub, VIEWPORT, _FailingPage.Failure) is None
    assert stub.viewports[-1] == VIEWPORT


def test_a_failing_probe_is_a_warning_on_the_page(browser: Browser, tmp_path: Path) -> None:
    path = page(
        tmp_path,
        '<p><a href="#a">Boka</a></p><p><a href="#b">Kontakt</a></p>'
        "<script>HTMLElement.prototype.focus = null;</script>",  # the page breaks what the focus phase needs
    )
    entry = check_rendered(browser, str(path), "p", CheckOptions(rules=frozenset({"focus-visible"})))
    assert entry["error"] is None
    assert entry["rules"]["focus-visible"] == "inapplicable"  # not judged, and said so:
    assert any("interaction probe failed" in w for w in entry.get("warnings", []))
