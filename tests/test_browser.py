"""The rendered mode (``--render``): the browser layer, the rules that need it (their fixtures), screenshots,
the guard on what a page may load, and the message when there is no browser."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tillgang.browser.check import check_rendered
from tillgang.browser.facts import _resolve, parse_colour
from tillgang.browser.session import Browser
from tillgang.catalogue import RULE_SETS, load
from tillgang.cli import main
from tillgang.engine import CheckOptions, check_file

from .conftest import FIXTURES, ROOT

EXPECTED = {"pass": "passed", "fail": "failed", "review": "cantTell", "inapplicable": "inapplicable"}
ALL_SETS = ",".join(RULE_SETS[1:])  # --rule-set wcag22,aaa,review
RENDER_RULES = sorted(r.id for r in load() if r.render)
CASES = sorted(p for rule in RENDER_RULES for p in (FIXTURES / rule).glob("*-html-*.html"))


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Browser]:
    with Browser("sv", executable=chromium_path) as b:
        yield b


def rendered(
    browser: Browser,
    path: Path,
    rules: frozenset[str] | None = None,
    rule_set: str = "wcag22",
    **kwargs: Any,
) -> dict[str, Any]:
    options = CheckOptions(rules=rules, rule_set=rule_set)
    entry = check_rendered(browser, str(path), str(path), options, **kwargs)
    return dict(entry)


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_render_fixture_outcome(browser: Browser, path: Path) -> None:
    rule = path.parent.name
    expected = EXPECTED[path.name.split("-", 1)[0]]
    entry = rendered(browser, path, frozenset({rule}), rule_set=ALL_SETS)  # the opt-in sets' fixtures too
    assert entry["error"] is None, entry["error"]
    assert entry["rendered"] is True
    got = entry["rules"].get(rule, "inapplicable")
    assert got == expected, entry["findings"]
    if expected in ("failed", "cantTell"):
        messages = [f["message"] for f in entry["findings"] if f["rule"] == rule]
        assert messages and all(messages)


def test_every_render_rule_has_fixtures() -> None:
    assert RENDER_RULES == [
        "color-contrast-enhanced",
        "color-contrast-html",
        "css-orientation-lock",
        "focus-visible",
        "frame-focusable-content",
        "keyboard-trap",
        "scrollable-region-focusable",
        "target-size",
        "zoom-text-clipped",
    ]
    assert {p.name.split("-", 1)[0] for p in CASES} == set(EXPECTED)


def test_the_finding_names_the_colours_and_a_css_selector(browser: Browser) -> None:
    entry = rendered(browser, FIXTURES / "color-contrast-html" / "fail-html-grey.html")
    [finding] = [f for f in entry["findings"] if f["rule"] == "color-contrast-html"]
    assert finding["location"] == {"selector": "body > main > p"}
    assert "2.85:1" in finding["message"] and "#999999 mot #FFFFFF" in finding["message"]


def test_static_mode_does_not_run_render_rules_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIXTURES / "color-contrast-html" / "fail-html-grey.html"
    entry = check_file(path, CheckOptions())
    assert "color-contrast-html" not in entry["rules"]
    assert "rendered" not in entry
    main(["check", "--format", "json", "--jobs", "1", "--lang", "en", str(path)])
    tool = json.loads(capsys.readouterr().out)["tool"]
    assert tool["notices"] == [
        "The rules color-contrast-html, css-orientation-lock, focus-visible, frame-focusable-content, "
        "keyboard-trap, scrollable-region-focusable, zoom-text-clipped need a "
        "browser and were not run on the web pages; check with --render for them."
    ]


def test_a_report_without_web_pages_has_no_render_notice(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--format", "json", "--jobs", "1", str(ROOT / "examples" / "rapport-tillganglig.docx")])
    assert "notices" not in json.loads(capsys.readouterr().out)["tool"]


def test_scripts_run_before_the_rules(browser: Browser, tmp_path: Path) -> None:
    page = tmp_path / "skript.html"
    page.write_text(
        '<!DOCTYPE html><html lang="sv"><head><title>Skript</title></head><body><main id="m"></main><script>'
        'setTimeout(() => { const h = document.createElement("h1"); h.textContent = "Bygglov";'
        ' document.getElementById("m").append(h); }, 50);</script></body></html>',
        encoding="utf-8",
    )
    static = check_file(page, CheckOptions(rules=frozenset({"page-has-heading-one"})))
    assert static["rules"]["page-has-heading-one"] == "failed"
    entry = rendered(browser, page, frozenset({"page-has-heading-one"}))
    assert entry["rules"]["page-has-heading-one"] == "passed"


def test_dialogs_do_not_stop_the_page(browser: Browser, tmp_path: Path) -> None:
    page = tmp_path / "dialog.html"
    page.write_text(
        '<!DOCTYPE html><html lang="sv"><head><title>Dialog</title></head><body>'
        '<script>alert("Hej"); confirm("Säker?");</script><main><h1>Klart</h1></main></body></html>',
        encoding="utf-8",
    )
    entry = rendered(browser, page, frozenset({"page-has-heading-one"}))
    assert entry["error"] is None and entry["rules"]["page-has-heading-one"] == "passed"


def test_a_file_can_load_only_itself(browser: Browser, tmp_path: Path) -> None:
    (tmp_path / "hemlig.txt").write_text("hemligt", encoding="utf-8")
    page = tmp_path / "sida.html"
    page.write_text(
        '<!DOCTYPE html><html lang="sv"><head><title>Fil</title></head><body><main><h1 id="r">väntar</h1></main>'
        "<script>fetch('hemlig.txt').then(r => r.text()).then(t => { document.getElementById('r').textContent = t; })"
        ".catch(() => { document.getElementById('r').textContent = 'stoppad'; });</script></body></html>",
        encoding="utf-8",
    )
    with browser.open(str(page)) as live:
        html = live.rendered.html
    assert "stoppad" in html and "hemligt" not in html


def test_screenshots_of_elements_to_review(browser: Browser, tmp_path: Path) -> None:
    entry = rendered(browser, FIXTURES / "color-contrast-html" / "review-html-gradient.html", shots=tmp_path)
    [finding] = [f for f in entry["findings"] if f["outcome"] == "cantTell"]
    shot = tmp_path / finding["screenshot"]
    assert shot.read_bytes().startswith(b"\x89PNG")
    failed = rendered(browser, FIXTURES / "color-contrast-html" / "fail-html-grey.html", shots=tmp_path)
    assert all("screenshot" not in f for f in failed["findings"])  # only what a person must judge


def test_check_render_out_dir_writes_report_and_screenshots(chromium_path: str, tmp_path: Path) -> None:
    path = FIXTURES / "color-contrast-html" / "review-html-shadow.html"
    status = main(["check", "--render", "--format", "json", "--out", str(tmp_path), str(path)])
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    [doc] = data["documents"]
    assert status == 1  # the fixture has no h1 (page-has-heading-one); the shadow itself is cantTell
    assert doc["rendered"] is True and doc["rules"]["color-contrast-html"] == "cantTell"
    shots = [f["screenshot"] for f in doc["findings"] if "screenshot" in f]
    assert shots and all((tmp_path / s).is_file() for s in shots)
    assert "notices" not in data["tool"]


@pytest.mark.parametrize(
    ("lang", "words"),
    [("sv", "Installera Debian-paketet `chromium`"), ("en", "Install the Debian package `chromium`")],
)
def test_no_browser_is_a_clear_message_and_status_2(lang: str, words: str, tmp_path: Path) -> None:
    env = dict(os.environ, TILLGANG_CHROMIUM=str(tmp_path / "ingen-chromium"))
    page = FIXTURES / "color-contrast-html" / "fail-html-grey.html"
    out = subprocess.run(
        [sys.executable, "-m", "tillgang", "check", "--render", "--lang", lang, str(page)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=ROOT,
    )
    assert out.returncode == 2
    assert words in out.stderr and "pip install 'tillgang[render]'" in out.stderr
    assert "Traceback" not in out.stderr


def test_parse_colour() -> None:
    assert parse_colour("rgb(1, 2, 3)") == (1.0, 2.0, 3.0, 1.0)
    assert parse_colour("rgba(255, 0, 0, 0.5)") == (255.0, 0.0, 0.0, 0.5)
    assert parse_colour("color(srgb 1 0 0)") is None


def layer(color: str, *, ancestor: bool = True, opacity: float = 1.0, **extra: Any) -> dict[str, Any]:
    return {"color": color, "image": "", "opacity": opacity, "ancestor": ancestor, "covers": True, **extra}


def test_backgrounds_are_composited_from_the_stack() -> None:
    text = {"fg": "rgb(0, 0, 0)", "layers": [layer("rgba(0, 0, 0, 0.5)"), layer("rgb(255, 255, 255)")]}
    got = _resolve(text)
    assert got.bg == (128, 128, 128) and got.fg == (0, 0, 0)
    # transparent text over that: half way between
    half = _resolve({**text, "fg": "rgba(255, 255, 255, 0.5)"})
    assert half.fg == (191, 191, 191)  # 0.5 * 255 + 0.5 * 127.5


def test_opacity_fades_text_and_its_own_background_over_the_backdrop() -> None:
    text = {
        "fg": "rgb(0, 0, 0)",
        "opacity": 0.5,
        "layers": [layer("rgb(0, 0, 0)", opacity=0.5), layer("rgb(255, 255, 255)")],
    }
    got = _resolve(text)
    assert got.bg == (128, 128, 128)  # the black panel at half opacity over white
    assert got.fg == (128, 128, 128)  # black text on it, faded the same: invisible, like the browser shows it


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"layers": [layer("rgb(255, 255, 255)", image="linear-gradient(red, blue)")]}, "gradient"),
        ({"layers": [layer("rgb(255, 255, 255)", image='url("a.png")')]}, "picture"),
        ({"layers": [layer("rgba(0, 0, 0, 0)", replaced=True, ancestor=False)]}, "picture"),
        ({"shadow": True}, "shadow"),
        ({"varies": True}, "overlap"),
        ({"layers": [layer("rgb(0, 0, 0)", ancestor=False, above=True)]}, "overlap"),
        ({"layers": [layer("rgb(0, 0, 0)", ancestor=False, covers=False)]}, "overlap"),
        ({"layers": [layer("rgb(0, 0, 0)", blend=True)]}, "blend"),
        ({"fg": "oklch(0.5 0.1 200)"}, "colour"),
    ],
)
def test_what_the_rule_cannot_tell(extra: dict[str, Any], reason: str) -> None:
    got = _resolve({"fg": "rgb(0, 0, 0)", "layers": [], **extra})
    assert (got.fg, got.bg, got.reason) == (None, None, reason)


def test_popups_are_closed_and_the_page_is_checked(browser: Browser, tmp_path: Path) -> None:
    page = tmp_path / "popup.html"
    page.write_text(
        '<!DOCTYPE html><html lang="sv"><head><title>Popup</title></head><body>'
        '<script>window.open("about:blank#annons");</script><main><h1>Sidan</h1></main></body></html>',
        encoding="utf-8",
    )
    entry = rendered(browser, page, frozenset({"page-has-heading-one"}))
    assert entry["error"] is None and entry["rules"]["page-has-heading-one"] == "passed"
    again = rendered(browser, FIXTURES / "color-contrast-html" / "fail-html-grey.html")  # the tab is reused
    assert again["rules"]["color-contrast-html"] == "failed"


def test_check_render_checks_other_documents_statically(
    chromium_path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    docx = ROOT / "examples" / "rapport-tillganglig.docx"
    page = FIXTURES / "color-contrast-html" / "pass-html-black-on-white.html"
    main(["check", "--render", "--format", "json", "--jobs", "1", str(docx), str(page)])
    data = json.loads(capsys.readouterr().out)
    first, second = data["documents"]
    assert first["format"] == "docx" and "rendered" not in first and first["error"] is None
    assert second["rendered"] is True and second["rules"]["color-contrast-html"] == "passed"
    assert "notices" not in data["tool"]


def test_content_hidden_or_shown_by_style_sheets_counts_as_the_browser_shows_it(
    browser: Browser, tmp_path: Path
) -> None:
    page = tmp_path / "dolt.html"
    page.write_text(
        '<!DOCTYPE html><html lang="sv"><head><title>Dolt</title><style>.dold { display: none }'
        " .syns[hidden] { display: block } .osynlig { visibility: hidden } .osynlig em { visibility: visible }"
        '</style></head><body><main><h1>Rubrik</h1><div class="dold"><img src="a.png"></div>'
        '<p class="syns" hidden><img src="b.png" alt="Karta"></p>'
        '<p class="osynlig"><img src="c.png"><em><img src="d.png" alt="Bild"></em></p></main></body></html>',
        encoding="utf-8",
    )
    static = check_file(page, CheckOptions(rules=frozenset({"image-alt"})))
    assert static["rules"]["image-alt"] == "failed"  # a.png and c.png look visible without the style sheet
    entry = rendered(browser, page, frozenset({"image-alt"}))
    assert entry["rules"]["image-alt"] == "passed" and entry["passed_targets"]["image-alt"] == 2
