"""The statement's feedback link (issue 14, item 15): only http(s) and mailto become links.

``feedback_url`` comes from ``[statement]`` in tillgang.toml. A ``javascript:`` (or ``data:``, ``vbscript:``)
address there must never become a live link in the published statement: the command refuses the config, and
the renderers write any other address as text.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tillgang.statement import StatementError, StatementInput, build_statement, render_statement

from .test_statement import RUN

HOSTILE = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/form",
    "https://kommun.se/\x1b[2J",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_a_hostile_feedback_url_in_the_config_is_a_clear_config_error(url: str, tmp_path: Path) -> None:
    config = tmp_path / "tillgang.toml"
    escaped = url.replace("\\", "\\\\").replace('"', '\\"').replace("\x01", "\\u0001").replace("\t", "\\t")
    escaped = escaped.replace("\x1b", "\\u001b")
    config.write_text(
        f'[statement]\norganisation = "Knivsta kommun"\nservice = "knivsta.se"\nfeedback_url = "{escaped}"\n',
        encoding="utf-8",
    )
    with pytest.raises(StatementError) as caught:
        StatementInput.from_toml(config)
    message = str(caught.value)
    assert "feedback_url" in message and "https://" in message and "mailto:" in message


@pytest.mark.parametrize("url", HOSTILE)
def test_a_hostile_feedback_url_given_directly_is_never_a_link(url: str) -> None:
    info = StatementInput("Knivsta kommun", "knivsta.se", contact="x", feedback_url=url)
    model = build_statement(RUN, info)
    html = render_statement(model, "html").decode("utf-8")
    assert "javascript:" not in html.lower().replace("\t", "") and 'href="data:' not in html
    assert 'href="vbscript:' not in html and 'href="//evil' not in html and "\x1b" not in html
    docx = render_statement(model, "docx")
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        rels = z.read("word/_rels/document.xml.rels").decode("utf-8")
    targets = [part.split('"')[0] for part in rels.split('Target="')[1:]]
    assert all(not t.lower().lstrip().startswith(("javascript", "data:", "vbscript", "//")) for t in targets)


@pytest.mark.parametrize(
    "url", ["https://kommun.se/synpunkter", "http://kommun.se/a", "mailto:webb@kommun.se"]
)
def test_http_https_and_mailto_stay_links(url: str, tmp_path: Path) -> None:
    config = tmp_path / "tillgang.toml"
    config.write_text(f'[statement]\nfeedback_url = "{url}"\n', encoding="utf-8")
    assert StatementInput.from_toml(config).feedback_url == url
    model = build_statement(
        RUN, StatementInput("Knivsta kommun", "knivsta.se", contact="x", feedback_url=url)
    )
    assert f'<a href="{url}">' in render_statement(model, "html").decode("utf-8")
