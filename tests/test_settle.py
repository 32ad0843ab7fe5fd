"""How the browser decides a page has settled (browser/probes/page.js): a page that runs no script of its own
cannot change its DOM after loading, so the probe does not wait for a quiet period; any script, inline event
handler, frame or plug-in makes it wait. The probe says which way it settled (``facts["settled"]``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tillgang.browser.session import Browser

HEAD = '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>t</title>'


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Browser]:
    with Browser("sv", executable=chromium_path) as b:
        yield b


@pytest.mark.parametrize(
    ("head", "body", "settled"),
    [
        ("", "<p>Text</p>", "no-script"),
        ('<script type="application/ld+json">{"@type": "Organization"}</script>', "<p>Text</p>", "no-script"),
        ('<script type="importmap">{"imports": {}}</script>', "<p>Text</p>", "no-script"),
        ("<script>document.title = 'x';</script>", "<p>Text</p>", "quiet"),
        ('<script type="module">document.title = "x";</script>', "<p>Text</p>", "quiet"),
        ('<script type="text/javascript">1</script>', "<p>Text</p>", "quiet"),
        ("", '<p onclick="this.remove()">Text</p>', "quiet"),
        ("", '<svg><circle r="4" onload="1"/></svg>', "quiet"),
        ("", "<svg><script>1</script></svg>", "quiet"),
        ("", '<iframe srcdoc="&lt;p&gt;x" title="x"></iframe>', "quiet"),
        ("", '<object data="x.svg" type="image/svg+xml"></object>', "quiet"),
    ],
)
def test_page_settles_without_waiting_only_when_it_runs_no_script(
    browser: Browser, tmp_path: Path, head: str, body: str, settled: str
) -> None:
    page = tmp_path / "page.html"
    page.write_text(f"{HEAD}{head}</head><body>{body}</body></html>", encoding="utf-8")
    assert browser.render(str(page)).facts["settled"] == settled


def test_a_script_that_keeps_changing_the_page_is_cut_off_at_the_cap(
    browser: Browser, tmp_path: Path
) -> None:
    page = tmp_path / "page.html"
    script = "<script>setInterval(() => { document.body.dataset.n = Date.now(); }, 20);</script>"
    page.write_text(f"{HEAD}</head><body><p>Text</p>{script}</body></html>", encoding="utf-8")
    assert browser.render(str(page)).facts["settled"] == "cap"
