"""media-alternative (WCAG 1.2.1-1.2.5) and media-autoplay (WCAG 1.4.2): exact findings in static mode, every
fixture again in rendered mode (the same outcome), and what only the browser can tell (the duration of a clip
whose type the page does not say, ``muted`` or the volume set by a script)."""

from __future__ import annotations

import base64
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tillgang.browser.check import check_rendered
from tillgang.browser.session import Browser
from tillgang.checks.html_media import fragment_span, wav_seconds
from tillgang.engine import CheckOptions, check_document, check_file
from tillgang.limits import DEFAULT_LIMITS
from tillgang.readers.html import read_bytes

from .conftest import FIXTURES

sys.path.insert(0, str(FIXTURES / "_make"))
from make_html_media import LONG, SHORT, wav_url

RULES = ("media-alternative", "media-autoplay")
CASES = sorted(p for rule in RULES for p in (FIXTURES / rule).glob("*-html-*.html"))
# Rendered, the embedded player's frame would be fetched from the internet: checked statically only.
RENDER_CASES = [p for p in CASES if "embedded" not in p.name]
EXPECTED = {"pass": ("passed", "inapplicable"), "fail": ("failed",), "review": ("cantTell",)}
EXPECTED["inapplicable"] = ("inapplicable",)
PAGE = '<!DOCTYPE html><html lang="sv"><head><title>Prov</title></head><body><main>{}</main></body></html>'


def findings(body: str, rule: str, lang: str = "sv") -> list[tuple[str, str, str]]:
    doc = read_bytes(PAGE.format(body).encode("utf-8"), "prov.html", DEFAULT_LIMITS)
    try:
        entry = check_document(doc, CheckOptions(rules=frozenset({rule}), lang=lang))
    finally:
        doc.close()
    return [(f["outcome"], str(f["location"].get("selector")), f["message"]) for f in entry["findings"]]


def outcome(body: str, rule: str) -> str:
    doc = read_bytes(PAGE.format(body).encode("utf-8"), "prov.html", DEFAULT_LIMITS)
    try:
        return str(
            check_document(doc, CheckOptions(rules=frozenset({rule})))["rules"].get(rule, "inapplicable")
        )
    finally:
        doc.close()


# ---------------------------------------------------------------- helpers


def test_wav_length_is_read_from_the_header() -> None:
    assert wav_seconds(LONG) == pytest.approx(5.0)
    assert wav_seconds(SHORT) == pytest.approx(2.0)
    assert wav_seconds(wav_url(3.5, rate=8000)) == pytest.approx(3.5)
    assert wav_seconds("data:audio/mpeg;base64," + base64.b64encode(b"ID3\x03\x00").decode()) is None
    assert wav_seconds("media/ljud.wav") is None
    assert wav_seconds("data:audio/wav;base64,UklGRg==") is None  # a truncated header


def test_temporal_fragment_span() -> None:
    assert fragment_span("8,10") == 2
    assert fragment_span("npt:1:00,1:02.5") == pytest.approx(2.5)
    assert fragment_span(",3") == 3
    assert fragment_span("5") is None  # no end: as long as the rest of the clip
    assert fragment_span("5", duration=7) == 2
    assert fragment_span("0,60", duration=4) == 4
    assert fragment_span("smpte:00:00:01") is None


# ---------------------------------------------------------------- media-alternative (static)


def test_video_is_listed_with_what_the_page_offers() -> None:
    body = (
        '<figure><video controls src="/media/sortera.mp4"><track kind="captions" src="s.vtt">'
        '<track src="s.en.vtt"></video><figcaption><a href="t.html">Läs textversionen</a></figcaption></figure>'
    )
    assert findings(body, "media-alternative") == [
        (
            "cantTell",
            "body > main > figure > video",
            "Granska videon sortera.mp4: textning av allt som sägs och alla viktiga ljud (1.2.2), syntolkning "
            "eller en textversion av det som bara syns i bild (1.2.3, 1.2.5); saknar videon ljud behövs en "
            "textversion eller ett ljudspår som beskriver bilden (1.2.1). Om videon bara återger text som redan "
            'står på sidan ska det framgå intill den. På sidan finns: track kind="captions", track '
            'kind="subtitles"; länk eller knapp i närheten: "Läs textversionen".',
        )
    ]


def test_audio_without_offers_in_english() -> None:
    got = findings(
        '<audio controls src="podd.mp3"></audio><p><a href="/">Start</a></p>', "media-alternative", "en"
    )
    assert got == [
        (
            "cantTell",
            "body > main > audio",
            "Review the audio podd.mp3: it needs a transcript of everything said and heard (1.2.1), unless it "
            "only presents text that is already on the page and that is stated next to it. The page offers: no "
            "text tracks (track); link or button nearby: none mentioning a transcript, captions or audio "
            "description.",
        )
    ]


def test_an_offer_referenced_by_aria_describedby_counts_and_far_links_do_not() -> None:
    body = (
        '<div><div><div><video controls src="a.mp4" aria-describedby="alt"></video></div></div>'
        '<a href="/t">Textversion</a></div><p id="alt">Syntolkning finns på teckenspråkssidan.</p>'
    )
    (got,) = findings(body, "media-alternative")
    assert got[2].endswith('länk eller knapp i närheten: "Syntolkning finns på teckenspråkssidan".')
    far = '<div><div><div><video controls src="a.mp4"></video></div></div><a href="/t">Textversion</a></div>'
    (got,) = findings(far, "media-alternative")
    assert "ingen som nämner" in got[2]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<video src="a.mp4"></video>', "cantTell"),  # shown even without controls (a script may start it)
        ('<video controls src="a.mp4" aria-hidden="true"></video>', "cantTell"),  # still seen
        ('<video controls src="a.mp4" style="visibility: hidden"></video>', "inapplicable"),
        ('<video controls src="a.mp4" style="position: absolute; left: -9999px"></video>', "inapplicable"),
        ('<audio autoplay src="a.mp3" style="display: none"></audio>', "cantTell"),  # heard although hidden
        ('<audio controls src="a.mp3" hidden></audio>', "inapplicable"),
        ('<audio controls><source src="a.ogg"><source src="a.mp3"></audio>', "cantTell"),
        ('<iframe src="https://player.vimeo.com/video/1" title="Film"></iframe>', "cantTell"),
        ('<iframe src="https://www.youtube.com/embed/x" title="Film" hidden></iframe>', "inapplicable"),
        ('<iframe src="https://notyoutube.com/embed/x" title="Film"></iframe>', "inapplicable"),
    ],
)
def test_media_alternative_applicability(body: str, expected: str) -> None:
    assert outcome(body, "media-alternative") == expected


# ---------------------------------------------------------------- media-autoplay (static)


def test_long_autoplay_without_control_fails_with_its_length() -> None:
    assert findings(f'<audio autoplay src="{LONG}"></audio>', "media-autoplay", "en") == [
        (
            "failed",
            "body > main > audio",
            "audio (audio/wav) plays 5 seconds of audio automatically and the page has no control to pause, "
            "stop or mute it.",
        )
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (f'<video autoplay src="{LONG}"></video>', "failed"),  # a WAV source: certainly audio
        (f'<audio autoplay src="{LONG}#t=1,3"></audio>', "passed"),  # plays 2 s of it
        (f'<audio autoplay src="{LONG}#t=1"></audio>', "failed"),  # from 1 s to the end: 4 s
        (f'<audio autoplay controls src="{LONG}"></audio>', "passed"),
        (f'<audio autoplay controls class="sr-only" src="{LONG}" style="display: none"></audio>', "cantTell"),
        (f'<audio autoplay muted src="{LONG}"></audio>', "inapplicable"),
        (
            f'<audio autoplay src="{LONG}"></audio><a href="/">Start</a>',
            "cantTell",
        ),  # any control may stop it
        (f'<audio autoplay src="{LONG}"></audio><div onclick="x()">Tyst</div>', "cantTell"),
        (f'<audio autoplay src="{LONG}"></audio><script src="player.js"></script>', "cantTell"),
        (f'<audio autoplay src="{LONG}"></audio><script type="application/ld+json">[]</script>', "failed"),
        ('<audio autoplay src="https://radio.example.se/live"></audio>', "cantTell"),
        ('<video autoplay src="film.mp4#t=,3"></video>', "passed"),
        ('<video autoplay><source src="a.webm#t=0,2"><source src="a.mp4"></video>', "cantTell"),
        ('<video autoplay><source src="a.webm#t=0,2"><source src="a.mp4#t=4,6"></video>', "passed"),
    ],
)
def test_media_autoplay_static(body: str, expected: str) -> None:
    assert outcome(body, "media-autoplay") == expected


def test_unknown_length_names_the_reason() -> None:
    (got,) = findings('<video autoplay src="film.mp4"></video>', "media-autoplay")
    assert got == (
        "cantTell",
        "body > main > video",
        "video (film.mp4) spelas upp automatiskt utan muted (hur länge det spelar kan inte läsas ur sidan). "
        "Lyssna på sidan: hörs ljud längre än 3 sekunder måste det finnas en synlig knapp med namn som pausar, "
        "stoppar eller stänger av ljudet.",
    )


# ---------------------------------------------------------------- rendered mode


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Browser]:
    with Browser("sv", executable=chromium_path) as b:
        yield b


def rendered(browser: Browser, path: Path, rule: str) -> dict[str, Any]:
    entry = check_rendered(browser, str(path), str(path), CheckOptions(rules=frozenset({rule})))
    assert entry["error"] is None, entry["error"]
    return dict(entry)


@pytest.mark.parametrize("path", RENDER_CASES, ids=[f"{p.parent.name}/{p.name}" for p in RENDER_CASES])
def test_fixture_outcome_rendered_is_the_static_one(browser: Browser, path: Path) -> None:
    rule = path.parent.name
    entry = rendered(browser, path, rule)
    got = entry["rules"].get(rule, "inapplicable")
    assert got in EXPECTED[path.name.split("-", 1)[0]], entry["findings"]
    assert got == check_file(path, CheckOptions(rules=frozenset({rule})))["rules"].get(rule, "inapplicable")


def test_rendered_reads_the_length_the_page_does_not_say(browser: Browser, tmp_path: Path) -> None:
    """A WAV file in a percent-encoded data: URL: the header is not read statically (only base64 is), the
    browser loads it and says 5 s."""
    data = "data:audio/wav," + quote(base64.b64decode(LONG.split(",", 1)[1]), safe="")
    page = tmp_path / "octet.html"
    page.write_text(PAGE.format(f'<audio autoplay src="{data}"></audio>'), encoding="utf-8")
    assert check_file(page, CheckOptions(rules=frozenset({"media-autoplay"})))["rules"]["media-autoplay"] == (
        "cantTell"
    )
    entry = rendered(browser, page, "media-autoplay")
    assert [(f["outcome"], f["location"]["selector"]) for f in entry["findings"]] == [
        ("failed", "body > main > audio")
    ]


@pytest.mark.parametrize("script", ["a.muted = true", "a.volume = 0"])
def test_rendered_sees_a_script_mute_it(browser: Browser, tmp_path: Path, script: str) -> None:
    page = tmp_path / "muted.html"
    body = f'<audio id="a" autoplay src="{LONG}"></audio><script>const a = document.getElementById("a"); {script};</script>'
    page.write_text(PAGE.format(body), encoding="utf-8")
    assert check_file(page, CheckOptions(rules=frozenset({"media-autoplay"})))["rules"]["media-autoplay"] == (
        "cantTell"
    )
    assert rendered(browser, page, "media-autoplay")["rules"].get("media-autoplay", "inapplicable") == (
        "inapplicable"
    )


def test_rendered_hidden_video_is_not_listed(browser: Browser, tmp_path: Path) -> None:
    page = tmp_path / "hidden.html"
    body = '<style>.gomd { display: none }</style><video class="gomd" controls src="a.mp4"></video>'
    page.write_text(PAGE.format(body), encoding="utf-8")
    entry = rendered(browser, page, "media-alternative")
    assert entry["rules"].get("media-alternative", "inapplicable") == "inapplicable"
