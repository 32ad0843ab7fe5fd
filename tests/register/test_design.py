"""The register's look (issue 12): the stylesheet's colour contrast, tables that reflow at 320 px, print styles,
and the municipality's name and logo from the config (served safely). The browser checks the same pages with
axe-core in test_browser_walks.py."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import tinycss2
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from tillgang.colour import RGB, contrast_ratio
from tillgang.config import ConfigFile
from tillgang.register import branding

CSS = resources.files("tillgang.register") / "static" / "register" / "register.css"
TEMPLATES = Path(str(resources.files("tillgang.register") / "templates" / "register"))

# Text colour, background, what it is. Every text colour and every background of the stylesheet must be in a
# pair (checked below), so a new colour cannot skip this test. 4.5:1 (WCAG 1.4.3, normal text).
TEXT_PAIRS = [
    ("--text", "--bg", "body text"),
    ("--text", "--surface", "table heads, fieldsets, stacked cards"),
    ("--text-muted", "--bg", "help texts"),
    ("--text-muted", "--surface", "help texts in a fieldset or a card"),
    ("--link", "--bg", "links"),
    ("--link", "--surface", "links in a card or a table head"),
    ("--link-visited", "--bg", "visited links"),
    ("--link-visited", "--surface", "visited links in a card"),
    ("--brand-text", "--brand-bg", "the header band"),
    ("--button-text", "--button-bg", "buttons"),
    ("--text", "--error-bg", "error summaries"),
    ("--error-text", "--error-bg", "error headings and links"),
    ("--error-text", "--bg", "invalid fields' marks"),
    ("--text", "--ok-bg", "messages"),
    ("--ok-text", "--ok-bg", "message borders as text colour"),
    ("--critical", "--bg", "the Kritisk badge"),
    ("--text", "--level-low-bg", "heat map: low"),
    ("--text", "--level-medium-bg", "heat map: medium"),
    ("--text", "--level-critical-bg", "heat map: critical"),
]
# Borders of form fields and focus rings against what is next to them: 3:1 (WCAG 1.4.11).
UI_PAIRS = [
    ("--border", "--bg", "form fields' and tables' borders"),
    ("--border", "--surface", "form fields in a fieldset"),
    ("--focus", "--bg", "focus ring"),
    ("--focus", "--surface", "focus ring in a fieldset"),
    ("--brand-focus", "--brand-bg", "focus ring in the header"),
    ("--critical", "--level-critical-bg", "a critical heat map cell's border"),
]
# Variables that are no text or background of text: decorative rules and sizes.
NOT_COLOURS = {"--rule", "--measure"}


def _rgb(value: str) -> RGB:
    m = re.fullmatch(r"#([0-9a-f]{6})", value.strip().lower())
    assert m, f"colours in :root are #rrggbb: {value!r}"
    h = m.group(1)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _stylesheet() -> list[Any]:
    return tinycss2.parse_stylesheet(
        CSS.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True
    )


def _variables() -> dict[str, str]:
    """The custom properties of the first (screen) :root rule."""
    for rule in _stylesheet():
        if rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() == ":root":
            decls = tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)
            return {d.name: tinycss2.serialize(d.value).strip() for d in decls if d.type == "declaration"}
    raise AssertionError("no :root rule")


def _declarations() -> Iterator[tuple[str, str, str]]:
    """(selector, property, value) of every declaration, inside @media blocks too."""

    def walk(rules: list[Any]) -> Iterator[tuple[str, str, str]]:
        for rule in rules:
            if rule.type == "at-rule" and rule.content is not None:
                yield from walk(
                    tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
                )
            elif rule.type == "qualified-rule":
                selector = tinycss2.serialize(rule.prelude).strip()
                for d in tinycss2.parse_declaration_list(
                    rule.content, skip_comments=True, skip_whitespace=True
                ):
                    if d.type == "declaration":
                        yield selector, d.name, tinycss2.serialize(d.value).strip()

    return walk(_stylesheet())


def test_every_text_and_background_pair_meets_wcag_contrast() -> None:
    colours = {name: _rgb(v) for name, v in _variables().items() if name not in NOT_COLOURS}
    low = []
    for pairs, minimum in ((TEXT_PAIRS, 4.5), (UI_PAIRS, 3.0)):
        for fg, bg, what in pairs:
            ratio = contrast_ratio(colours[fg], colours[bg])
            if ratio < minimum:
                low.append(f"{what}: {fg} on {bg} is {ratio:.2f}:1, below {minimum}:1")
    assert low == []
    named = {name for fg, bg, _ in TEXT_PAIRS + UI_PAIRS for name in (fg, bg)}
    assert set(colours) - named == set(), "a colour of the stylesheet that no pair checks"


def test_colours_come_only_from_the_variables() -> None:
    """Outside :root, no colour is written out: every one is a var(--…), so the contrast test sees them all."""
    literal = re.compile(
        r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\(|\b(?:white|black|red|green|blue|gray|grey)\b"
    )
    raw = [
        f"{sel} {{ {prop}: {value} }}"
        for sel, prop, value in _declarations()
        if sel != ":root" and literal.search(value)
    ]
    assert raw == []
    uses = {m for _, _, value in _declarations() for m in re.findall(r"var\((--[\w-]+)\)", value)}
    assert uses <= set(_variables()), uses - set(_variables())


def test_focus_is_visible_everywhere() -> None:
    decls = list(_declarations())
    focus = [(s, p, v) for s, p, v in decls if ":focus" in s and p.startswith("outline")]
    selectors = " ".join(s for s, _, _ in focus)
    for element in (
        "a:focus",
        "button:focus",
        "input:focus",
        "select:focus",
        "textarea:focus",
        ":focus-visible",
    ):
        assert element in selectors, element
    assert any(p == "outline" and v.startswith("3px solid var(--focus)") for _, p, v in focus)
    assert not any(p in ("outline", "outline-style") and v.split()[0] in ("none", "0") for _, p, v in focus)


def _tables(html: str) -> list[str]:
    return re.findall(r"<table\b.*?</table>", html, flags=re.S)


def test_every_template_table_stacks_and_labels_its_cells() -> None:
    seen = 0
    for template in sorted(TEMPLATES.glob("*.html")):
        for table in _tables(template.read_text(encoding="utf-8")):
            seen += 1
            opening = table.split(">", 1)[0]
            assert re.search(r'class="[^"]*\bstack\b', opening), f"{template.name}: {opening}> is not a stack"
            assert "<tbody>" in table, f"{template.name}: a table without <tbody>"
            for td in re.findall(r"<td\b[^>]*>", table.split("<tbody>", 1)[1]):
                assert "data-label=" in td, f"{template.name}: {td} has no data-label"
    assert seen >= 20


def test_print_styles_hide_navigation_and_show_outside_addresses() -> None:
    text = CSS.read_text(encoding="utf-8")
    m = re.search(r"@media print \{(.*)\}\s*$", text, flags=re.S)
    assert m, "no @media print block at the end of the stylesheet"
    printed = m.group(1)
    hidden = re.search(r"([^{}]+)\{\s*display:\s*none", printed)
    assert hidden and {"header.site nav", ".skip", "form"} <= {s.strip() for s in hidden.group(1).split(",")}
    assert 'a[href^="http"]::after { content: " (" attr(href) ")"' in printed
    assert "thead { display: table-header-group; }" in printed
    assert "break-inside: avoid" in printed and "break-after: avoid" in printed


def test_stacked_tables_only_on_screen() -> None:
    text = CSS.read_text(encoding="utf-8")
    assert "@media screen and (max-width: 40rem)" in text  # printed tables stay tables
    assert "td[data-label]::before" in text and "content: attr(data-label)" in text


# ------------------------------------------------------------------ name and logo

SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" '
    b'viewBox="0 0 120 40"><rect width="120" height="40" fill="#17324d"/></svg>\n'
)


@pytest.fixture
def brand_settings() -> Iterator[Callable[..., None]]:
    overrides: list[Any] = []

    def configure(**values: str) -> None:
        o = override_settings(TILLGANG_BRAND=values)
        o.enable()
        overrides.append(o)
        branding.get_brand.cache_clear()

    yield configure
    for o in overrides:
        o.disable()
    branding.get_brand.cache_clear()


def test_logo_types_are_sniffed_from_the_bytes() -> None:
    assert branding.logo_type(SVG) == "image/svg+xml"
    assert branding.logo_type(b"\xef\xbb\xbf<svg xmlns='http://www.w3.org/2000/svg'/>") == "image/svg+xml"
    assert branding.logo_type(b"\x89PNG\r\n\x1a\n" + b"\0" * 20) == "image/png"
    assert branding.logo_type(b"\xff\xd8\xff\xe0" + b"\0" * 20) == "image/jpeg"
    assert branding.logo_type(b"RIFF\0\0\0\0WEBPVP8 ") == "image/webp"
    assert branding.logo_type(b"<html><body>logo</body></html>") is None
    assert branding.logo_type(b"GIF89a") is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (SVG.replace(b"<rect", b"<script>alert(1)</script><rect"), "<script>"),
        (SVG.replace(b"<rect", b'<rect onload="alert(1)"'), "händelseattribut"),
        (SVG.replace(b"<rect", b"<foreignObject/><rect"), "<foreignObject>"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg"/>',
            "DOCTYPE",
        ),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>", "XML"),
        (b"<?xml version='1.0'?><!-- <svg> --><html/>", "inte en SVG-bild"),
        (b"plain text", "SVG-, PNG-, JPEG- eller WebP-bild"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (branding.LOGO_MAX_BYTES + 1), "högst"),
    ],
)
def test_a_bad_logo_stops_the_start_with_a_clear_message(
    content: bytes, message: str, tmp_path: Path, brand_settings: Callable[..., None]
) -> None:
    path = tmp_path / "logo.bin"
    path.write_bytes(content)
    brand_settings(organisation="Knivsta kommun", logo=str(path))
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        branding.get_brand()


def test_a_missing_logo_or_one_without_a_name_is_refused(
    tmp_path: Path, brand_settings: Callable[..., None]
) -> None:
    brand_settings(organisation="Knivsta kommun", logo=str(tmp_path / "saknas.svg"))
    with pytest.raises(ImproperlyConfigured, match="kan inte läsas"):
        branding.get_brand()
    (tmp_path / "logo.svg").write_bytes(SVG)
    brand_settings(logo=str(tmp_path / "logo.svg"))
    with pytest.raises(ImproperlyConfigured, match="textbeskrivning"):
        branding.get_brand()


@pytest.mark.db
@pytest.mark.django_db
def test_the_header_shows_the_name_and_the_logo_is_served_sandboxed(
    tmp_path: Path, brand_settings: Callable[..., None], make_user: Callable[..., Any]
) -> None:
    anonymous = Client()
    assert anonymous.get("/logotyp/").status_code == 404  # no logo configured
    html = anonymous.get("/konto/logga-in/").content.decode()
    assert 'class="app">tillgang – internkontroll</span>' in html and "<img" not in html

    brand_settings(organisation="Knivsta  kommun")
    html = anonymous.get("/konto/logga-in/").content.decode()
    assert '<span class="org">Knivsta kommun</span><span class="app">Internkontroll</span>' in html
    assert "<title>Logga in – Knivsta kommun, tillgang</title>" in html

    (tmp_path / "logo.svg").write_bytes(SVG)
    brand_settings(organisation="Knivsta kommun", logo=str(tmp_path / "logo.svg"))
    html = anonymous.get("/konto/logga-in/").content.decode()
    assert '<img src="/logotyp/" alt="Knivsta kommun">' in html and 'class="org"' not in html
    response = anonymous.get("/logotyp/")  # public: the login page shows it
    assert response.status_code == 200 and response.content == SVG
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"] == branding.LOGO_CSP and "sandbox" in branding.LOGO_CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert anonymous.post("/logotyp/").status_code in (403, 405)  # GET and HEAD only

    brand_settings(
        organisation="Knivsta kommun", logo=str(tmp_path / "logo.svg"), logo_alt="Knivsta kommuns vapen"
    )
    client = Client()
    client.force_login(make_user("reader"))
    html = client.get("/planer/").content.decode()
    assert 'alt="Knivsta kommuns vapen"' in html


def test_settings_read_the_config_and_let_the_environment_win(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tillgang.web import settings as web_settings

    config = tmp_path / "conf" / "tillgang.toml"
    config.parent.mkdir()
    table = {"register": {"organisation": "Knivsta kommun", "logo": "logo.svg"}}
    monkeypatch.setattr(web_settings, "_CONFIG", ConfigFile(config, table))
    for env in ("TILLGANG_ORGANISATION", "TILLGANG_LOGO", "TILLGANG_LOGO_ALT"):
        monkeypatch.delenv(env, raising=False)
    assert web_settings._brand() == {
        "organisation": "Knivsta kommun",
        "logo": str(config.parent / "logo.svg"),  # relative to the config file
        "logo_alt": "",
    }
    monkeypatch.setenv("TILLGANG_ORGANISATION", "Uppsala kommun")
    monkeypatch.setenv("TILLGANG_LOGO", "/srv/logo.png")
    assert web_settings._brand() == {
        "organisation": "Uppsala kommun",
        "logo": "/srv/logo.png",
        "logo_alt": "",
    }


def test_the_statement_drafts_style_block_is_the_one_its_csp_allows() -> None:
    import base64
    import hashlib

    from tillgang.statement import (
        HTML_STYLE,
        StatementInput,
        build_statement,
        html_style_source,
        render_statement,
    )

    from ..test_statement import RUN

    html = render_statement(
        build_statement(RUN, StatementInput("Knivsta kommun", "knivsta.se")), "html"
    ).decode()
    blocks = re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    assert blocks == [HTML_STYLE] and "style=" not in html
    digest = base64.b64encode(hashlib.sha256(blocks[0].encode()).digest()).decode()
    assert html_style_source() == f"'sha256-{digest}'"
    assert '<table class="stack">' in html and re.findall(r"<td(?! data-label=)", html) == []
    assert "@media screen and (max-width:40rem)" in HTML_STYLE
