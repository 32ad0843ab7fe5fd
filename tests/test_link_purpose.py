"""The link-purpose rules (WCAG 2.4.4, 2.4.9) and iframe-identical-name (4.1.2): exact outcomes, findings and
messages, the link context and the resource comparison."""

from __future__ import annotations

from typing import Any

import pytest

from tillgang.catalogue import RULE_SETS, load
from tillgang.checks.html_links import generic_key, link_context, resource
from tillgang.engine import CheckOptions, check_document
from tillgang.limits import DEFAULT_LIMITS
from tillgang.readers.html import read_bytes
from tillgang.readers.native import Page

ALL_SETS = ",".join(RULE_SETS[1:])


def page_html(body: str, head: str = "<title>T</title>") -> str:
    return f'<!DOCTYPE html><html lang="sv"><head>{head}</head><body>{body}</body></html>'


def run(
    rule: str, body: str, lang: str = "sv", rule_set: str = ALL_SETS, head: str = "<title>T</title>"
) -> Any:
    doc = read_bytes(page_html(body, head).encode("utf-8"), "t.html", DEFAULT_LIMITS)
    try:
        return check_document(doc, CheckOptions(rules=frozenset({rule}), rule_set=rule_set, lang=lang))
    finally:
        doc.close()


def results(rule: str, body: str, **kw: Any) -> list[tuple[str, str]]:
    """(outcome, message) per finding; passed targets are not findings."""
    entry = run(rule, body, **kw)
    return [(f["outcome"], f["message"]) for f in entry["findings"] if f["rule"] == rule]


def outcome(rule: str, body: str, **kw: Any) -> str:
    return str(run(rule, body, **kw)["rules"].get(rule, "inapplicable"))


def parse(body: str) -> Page:
    doc = read_bytes(page_html(body).encode("utf-8"), "t.html", DEFAULT_LIMITS)
    assert isinstance(doc.native, Page)
    return doc.native


# ------------------------------------------------------------------ link-purpose-generic


def test_generic_key_trims_punctuation_and_case() -> None:
    assert generic_key("  Läs  MER » ") == "läs mer"
    assert generic_key("Read more...") == "read more"
    assert generic_key("›› Klicka här!") == "klicka här"
    assert generic_key("Läs mer om bygglov") == "läs mer om bygglov"


def test_the_generic_list_is_the_rules_data() -> None:
    names = load()["link-purpose-generic"].data["generic-names"]
    assert "läs mer" in names and "read more" in names and "klicka här" in names
    assert all(name == generic_key(name) for name in names)


GENERIC = [
    ('<p><a href="/bygglov">Ansök om bygglov</a></p>', "passed"),
    ('<p><a href="/a" aria-label="Läs mer om badhuset">Läs mer</a></p>', "passed"),
    ('<p><a href="/a">Läs mer<span class="sr-only"> om badhuset</span></a></p>', "passed"),
    ('<p><a href="/a"><img src="x.png" alt="Läs mer"></a></p>', "cantTell"),  # the name, from alt
    ('<p><a href="/a" title="Läs mer om badhuset">Läs mer</a></p>', "cantTell"),  # a title is no name
    ('<p><a href="/a" aria-describedby="d">Läs mer</a></p><p id="d">Badhuset</p>', "cantTell"),
    ('<p><a href="/a">LÄS MER ›</a></p>', "cantTell"),
    ('<p><a href="/a">Här</a></p>', "cantTell"),
    ('<p><a href="/a">Härnösand</a></p>', "passed"),  # the whole name is compared, not a prefix
    ('<p><a href="/a" aria-hidden="true" tabindex="-1">Läs mer</a></p>', "inapplicable"),
    ('<p><a href="/a"></a></p>', "inapplicable"),  # no name: link-name's concern
    ("<p><a>Läs mer</a></p>", "inapplicable"),  # not a link without href
    ('<p><span role="link" tabindex="0">Klicka här</span></p>', "cantTell"),
]


@pytest.mark.parametrize(("body", "expected"), GENERIC)
def test_generic_outcomes(body: str, expected: str) -> None:
    assert outcome("link-purpose-generic", body, rule_set="en301549") == expected


def test_generic_runs_in_the_default_set() -> None:
    assert load()["link-purpose-generic"].rule_set == "en301549"
    assert (
        outcome("link-purpose-generic", '<p><a href="/a">Läs mer</a></p>', rule_set="en301549") == "cantTell"
    )


def test_generic_alone_says_so_with_the_target() -> None:
    body = (
        '<h2>Nytt badhus</h2><p>Kommunen bygger ett badhus.</p><p><a href="/nyheter/badhus">Läs mer »</a></p>'
    )
    assert results("link-purpose-generic", body) == [
        (
            "cantTell",
            'Länktexten "Läs mer »" säger inte vart länken leder (/nyheter/badhus), och länken står ensam: ingen '
            "text i samma stycke, listpunkt eller tabellcell förklarar den. I en skärmläsares länklista hörs "
            'bara "Läs mer »". Skriv vart länken leder i länktexten, om inte syftet är oklart för alla besökare.',
        )
    ]


def test_generic_in_context_quotes_the_context() -> None:
    body = '<p>Kommunen bygger ett nytt badhus. <a href="/nyheter/badhus">Läs mer</a></p>'
    assert results("link-purpose-generic", body, lang="en") == [
        (
            "cantTell",
            'The link text "Läs mer" does not by itself say where the link goes (/nyheter/badhus). The text '
            'around the link: "Kommunen bygger ett nytt badhus.". Check that together with the link text it says '
            "where the link goes; safest is to write it in the link text.",
        )
    ]


def test_generic_scripted_link_has_no_target_in_the_markup() -> None:
    [(_, message)] = results(
        "link-purpose-generic", '<p><span role="link" tabindex="0">Klicka här</span></p>'
    )
    assert "(målet står inte i koden)" in message


def test_generic_context_from_a_table_cell_and_its_header() -> None:
    body = (
        "<table><tr><th>Blankett</th><th>Fil</th></tr>"
        '<tr><td>Bygglov</td><td><a href="/b.pdf">Ladda ner</a> (PDF)</td></tr></table>'
    )
    [(_, message)] = results("link-purpose-generic", body, lang="en")
    assert 'The text around the link: "Fil (PDF)"' in message  # its column header, then the cell


# ------------------------------------------------------------------ the context


def test_link_context_is_list_items_block_cell_and_headers() -> None:
    page = parse(
        "<ul><li>Bygglov<ul><li><p>Blankett <a href='/x'>här</a></p></li></ul></li></ul>"
        "<table><tr><th id='h'>Avgift</th></tr><tr><td><span><a href='/y'>Läs</a></span></td></tr></table>"
    )
    first, second = page.iter("a")
    assert [i.tag for i in link_context(page, first)] == ["li", "li", "p"]
    assert [i.tag for i in link_context(page, second)] == ["th", "td"]


def test_link_context_skips_hidden_elements() -> None:
    page = parse("<div aria-hidden='true'><p><a href='/x'>Här</a></p></div>")
    (link,) = page.iter("a")
    assert link_context(page, link) == []


# ------------------------------------------------------------------ resources


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/a/../kontakt", "https://tillgang.invalid/kontakt"),
        ("HTTPS://Example.SE", "https://example.se/"),
        ("https://example.se/a#", "https://example.se/a"),
        ("https://example.se/a#b", "https://example.se/a#b"),
        ("javascript:go()", None),
        ("#", None),
        ("", None),
    ],
)
def test_resource_is_the_parsed_url(href: str, expected: str | None) -> None:
    page = parse(f'<a href="{href}">x</a>')
    (link,) = page.iter("a")
    assert resource(page, link, "https://tillgang.invalid/") == expected


# ------------------------------------------------------------------ the review rules


def test_review_lists_each_link_with_its_context() -> None:
    body = '<p>Kommunen bygger ett badhus. <a href="/nyheter/badhus">Läs mer</a></p><p><a href="/b">Bygglov</a></p>'
    assert results("link-purpose-review", body) == [
        (
            "cantTell",
            'Bedöm om länktexten "Läs mer" tillsammans med texten runt länken ("Kommunen bygger ett badhus.") '
            "säger vart länken leder (/nyheter/badhus).",
        ),
        (
            "cantTell",
            'Bedöm om länktexten "Bygglov" ensam säger vart länken leder (/b): ingen text i samma stycke, '
            "listpunkt eller tabellcell förklarar länken.",
        ),
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<a href="mailto:info@example.se">info@example.se</a>', "passed"),
        ('<a href="mailto:info@example.se?subject=Hej">INFO@example.se</a>', "passed"),
        ('<a href="mailto:info@example.se">Mejla oss</a>', "cantTell"),
        ('<a href="tel:010-123 45 67">010-123 45 67</a>', "passed"),
        ('<a href="tel:+46101234567">010-123 45 67</a>', "cantTell"),  # the same number? a person knows
    ],
)
def test_link_only_passes_a_link_named_by_its_address(body: str, expected: str) -> None:
    assert outcome("link-purpose-link-only", body) == expected
    assert outcome("link-purpose-review", body) == expected


def test_review_and_aaa_rules_run_only_in_their_sets() -> None:
    body = '<p><a href="/a">Bygglov</a></p><p><a href="/b">Bygglov</a></p>'
    for rule in ("link-purpose-review", "link-purpose-link-only", "link-identical-name"):
        assert outcome(rule, body, rule_set="en301549") == "inapplicable"
    assert outcome("link-purpose-review", body, rule_set="review") == "cantTell"
    assert outcome("link-purpose-link-only", body, rule_set="review") == "inapplicable"
    assert outcome("link-identical-name", body, rule_set="aaa") == "cantTell"


# ------------------------------------------------------------------ identical names


def test_identical_names_to_different_urls_name_the_targets() -> None:
    body = (
        '<p><a href="/bygglov/kontakt">Kontakta oss</a></p><p><a href="/miljo/kontakt">kontakta  OSS</a></p>'
    )
    assert results("link-identical-name", body) == [
        (
            "cantTell",
            '2 länkar heter "Kontakta oss" men leder till olika adresser (/bygglov/kontakt, /miljo/kontakt). '
            "Kontrollera att de fyller samma syfte; annars ge dem olika länktexter.",
        ),
        (
            "cantTell",
            '2 länkar heter "kontakta OSS" men leder till olika adresser (/bygglov/kontakt, /miljo/kontakt). '
            "Kontrollera att de fyller samma syfte; annars ge dem olika länktexter.",
        ),
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<a href="/k">Kontakt</a><a href="/k">Kontakt</a>', "passed"),
        ('<a href="k">Kontakt</a><a href="./k">Kontakt</a>', "passed"),
        ('<a href="/k">Kontakt</a><a href="./k">Kontakt</a>', "cantTell"),  # depends on the page's folder
        ('<a href="/k">Kontakt</a><a href="/k/">Kontakt</a>', "cantTell"),  # a redirect? not in the markup
        ('<a href="/k#a">Kontakt</a><a href="/k#b">Kontakt</a>', "cantTell"),  # different parts of a page
        ('<a href="http://e.se/">Kontakt</a><a href="https://e.se/">Kontakt</a>', "cantTell"),
        (
            '<span role="link" tabindex="0">Kontakt</span><span role="link" tabindex="0">Kontakt</span>',
            "cantTell",
        ),
        ('<a href="#">Kontakt</a><a href="#">Kontakt</a>', "cantTell"),  # scripts decide where they go
        ('<a href="/k" onclick="go(1)">Kontakt</a><a href="/k" onclick="go(2)">Kontakt</a>', "cantTell"),
        ('<a href="/k">Kontakt</a><a href="/j">Kontakta</a>', "inapplicable"),
        ('<a href="/k">Kontakt</a><a href="/j" aria-hidden="true" tabindex="-1">Kontakt</a>', "inapplicable"),
        ('<a href="/k">Kontakt</a>', "inapplicable"),
    ],
)
def test_identical_name_outcomes(body: str, expected: str) -> None:
    assert outcome("link-identical-name", body) == expected


def test_base_element_resolves_relative_urls() -> None:
    body = '<a href="kontakt">Kontakt</a><a href="https://e.se/a/kontakt">Kontakt</a>'
    assert (
        outcome("link-identical-name", body, head='<title>T</title><base href="https://e.se/a/">') == "passed"
    )
    assert outcome("link-identical-name", body) == "cantTell"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<p><a href="/a">Kontakt</a> eller <a href="/b">Kontakt</a></p>', "cantTell"),
        ('<p><a href="/a">Kontakt</a> eller <a href="/a">Kontakt</a></p>', "passed"),
        ('<p>Bygglov: <a href="/a">Kontakt</a></p><p>Miljö: <a href="/b">Kontakt</a></p>', "inapplicable"),
        (
            "<ul><li>Bygglov <a href='/a'>Kontakt</a></li><li>Miljö <a href='/b'>Kontakt</a></li></ul>",
            "inapplicable",
        ),
        (
            '<p><a href="/a">Kontakt</a></p><p><a href="/b">Kontakt</a></p>',
            "cantTell",
        ),  # nothing tells them apart
        ('<p>Bygglov: <a href="/a">Kontakt</a></p><p><a href="/b">Kontakt</a></p>', "inapplicable"),
    ],
)
def test_identical_name_in_context_outcomes(body: str, expected: str) -> None:
    assert outcome("link-identical-name-context", body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<iframe title="Karta" src="/k"></iframe><iframe title="karta" src="/k"></iframe>', "passed"),
        ('<iframe title="Karta" src="/k"></iframe><iframe title="Karta" src="/h"></iframe>', "cantTell"),
        ('<iframe title="Karta"></iframe><iframe title="Karta"></iframe>', "passed"),  # both about:blank
        ('<iframe title="Karta" srcdoc="a"></iframe><iframe title="Karta" srcdoc="a"></iframe>', "passed"),
        ('<iframe title="Karta" srcdoc="a"></iframe><iframe title="Karta" srcdoc="b"></iframe>', "cantTell"),
        (
            '<iframe title="Karta" src="/k"></iframe><iframe title="Karta 2" src="/h"></iframe>',
            "inapplicable",
        ),
        (
            '<iframe title="Karta" src="/k"></iframe><iframe title="Karta" src="/h" hidden></iframe>',
            "inapplicable",
        ),
        ('<iframe src="/k"></iframe><iframe src="/h"></iframe>', "inapplicable"),
    ],
)
def test_iframe_identical_name_outcomes(body: str, expected: str) -> None:
    assert outcome("iframe-identical-name", body) == expected


def test_iframe_message_in_english() -> None:
    body = '<iframe title="Karta" src="/k"></iframe><iframe title="Karta" srcdoc="x"></iframe>'
    assert results("iframe-identical-name", body, lang="en")[0] == (
        "cantTell",
        '2 embedded frames are called "Karta" but show different addresses (/k, srcdoc). Check that they serve '
        "the same purpose; otherwise give them different titles.",
    )
