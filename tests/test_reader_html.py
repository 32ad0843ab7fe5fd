"""The HTML reader and its page model: roles, hidden state, focus, accessible names, selectors, model items."""

from __future__ import annotations

import pytest

from tillgang import aria as _aria
from tillgang.errors import DocumentError
from tillgang.limits import DEFAULT_LIMITS, Limits
from tillgang.model import Document
from tillgang.readers._html_model import Info, Page, parse_int
from tillgang.readers.html import document_kind, read_bytes


def doc_of(body: str, head: str = "<title>T</title>", lang: str = ' lang="sv"') -> Document:
    html = f"<!DOCTYPE html><html{lang}><head>{head}</head><body>{body}</body></html>"
    return read_bytes(html.encode("utf-8"), "t.html", DEFAULT_LIMITS)


def page_of(body: str) -> Page:
    page = doc_of(body).native
    assert isinstance(page, Page)
    return page


def by_id(page: Page, ident: str) -> Info:
    info = page.by_id(ident)
    assert info is not None
    return info


def name(body: str, ident: str = "x") -> str:
    page = page_of(body)
    return page.name(by_id(page, ident).el)


# ---------------------------------------------------------------- accessible name


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<button id="x">Skicka</button>', "Skicka"),
        ('<button id="x" aria-label="Stäng">X</button>', "Stäng"),
        (
            '<button id="x" aria-labelledby="a b">X</button><span id="a">Stäng</span><span id="b">dialog</span>',
            "Stäng dialog",
        ),
        # a hidden node counts when referenced directly
        ('<button id="x" aria-labelledby="a"></button><span id="a" hidden>Stäng</span>', "Stäng"),
        # hidden children of a visible referenced node do not count
        (
            '<button id="x" aria-labelledby="a"></button><span id="a">Stäng <span hidden>dolt</span></span>',
            "Stäng",
        ),
        # labelledby to a missing id falls through to content
        ('<button id="x" aria-labelledby="nope">Skicka</button>', "Skicka"),
        # content skips aria-hidden and display:none, keeps sr-only text
        (
            '<a id="x" href="/">Läs <span aria-hidden="true">»</span><span style="display:none">x</span><span class="sr-only">om bygglov</span></a>',
            "Läs om bygglov",
        ),
        ('<a id="x" href="/"><img src="l.png" alt="Startsida"></a>', "Startsida"),
        ('<a id="x" href="/"><i class="icon-home"></i></a>', ""),
        ('<a id="x" href="/" title="Hem"><i class="icon-home"></i></a>', "Hem"),
        # block children get spaces, inline ones do not
        ('<a id="x" href="/"><div>Ett</div><div>Två</div></a>', "Ett Två"),
        ('<a id="x" href="/">Ett<b>Två</b></a>', "EttTvå"),
        # native labels
        ('<label for="x">Namn</label><input id="x">', "Namn"),
        ('<label>E-post <input id="x" type="email"></label>', "E-post"),
        ('<label for="x">Först</label><label>Sist <input id="x"></label>', "Först Sist"),
        ('<input id="x" placeholder="Sök">', "Sök"),
        ('<input id="x" title="Sök" placeholder="Skriv">', "Sök"),
        ('<input id="x" type="submit">', "Submit"),
        ('<input id="x" type="button">', ""),
        ('<input id="x" type="button" value="Öppna">', "Öppna"),
        ('<img id="x" src="a.png" alt="Karta">', "Karta"),
        ('<img id="x" src="a.png" alt="" title="Karta">', ""),
        ('<fieldset id="x"><legend>Adress</legend><input></fieldset>', "Adress"),
        ('<table id="x"><caption>Avgifter</caption><tr><td>1</td></tr></table>', "Avgifter"),
        ('<svg id="x" role="img"><title>Diagram</title></svg>', "Diagram"),
        # embedded control inside a label gives its value
        (
            '<div role="checkbox" id="x" aria-labelledby="l"></div><span id="l">Visa <select><option>5</option><option selected>10</option></select> rader</span>',
            "Visa 10 rader",
        ),
        # a labelledby cycle ends
        (
            '<div role="button" id="x" aria-labelledby="x y">A</div><span id="y" aria-labelledby="x">B</span>',
            "A B",
        ),
        # NBSP and runs of whitespace collapse
        ('<button id="x">\u00a0 Skicka\n\n  nu </button>', "Skicka nu"),
        # a div role=img has no name from content
        ('<div id="x" role="img">Text</div>', ""),
    ],
)
def test_accessible_name(body: str, expected: str) -> None:
    assert name(body) == expected


# ---------------------------------------------------------------- roles


@pytest.mark.parametrize(
    ("body", "implicit", "semantic"),
    [
        ('<a id="x" href="/">a</a>', "link", "link"),
        ('<a id="x">a</a>', "generic", "generic"),
        ('<img id="x" src="a" alt="">', "presentation", "presentation"),
        ('<img id="x" src="a" alt="" tabindex="0">', "presentation", "img"),  # conflict resolution
        ('<img id="x" src="a" alt="" aria-label="x">', "presentation", "img"),
        ('<img id="x" src="a">', "img", "img"),
        ('<h3 id="x">R</h3>', "heading", "heading"),
        ('<header id="x"></header>', "banner", "banner"),
        ('<article><header id="x"></header></article>', "generic", "generic"),
        ('<section id="x"></section>', "generic", "generic"),
        ('<section id="x" aria-label="Nyheter"></section>', "region", "region"),
        ('<select id="x"></select>', "combobox", "combobox"),
        ('<select id="x" multiple></select>', "listbox", "listbox"),
        ('<input id="x" type="search">', "searchbox", "searchbox"),
        ('<input id="x" list="l">', "combobox", "combobox"),
        ('<input id="x" type="range">', "slider", "slider"),
        ('<input id="x" type="checkbox" role="switch">', "checkbox", "switch"),
        ('<div id="x" role="foo button">b</div>', "generic", "button"),  # first valid token
        ('<div id="x" role="widget">b</div>', "generic", "generic"),  # abstract roles do not count
        ('<table><tr><th id="x">A</th><td>1</td></tr></table>', "rowheader", "rowheader"),
        ('<table><tr><th id="x">A</th><th>B</th></tr></table>', "columnheader", "columnheader"),
        ('<table role="grid"><tr><td id="x">1</td></tr></table>', "gridcell", "gridcell"),
        ('<table role="presentation"><tr><td id="x">1</td></tr></table>', "cell", "none"),
        ('<ul role="none"><li id="x">1</li></ul>', "listitem", "none"),
    ],
)
def test_roles(body: str, implicit: str, semantic: str) -> None:
    info = by_id(page_of(body), "x")
    assert (info.implicit_role, info.role) == (implicit, semantic)


def test_role_data_spot_checks() -> None:
    assert _aria.required_attrs("checkbox") == ("aria-checked",)
    assert "aria-valuenow" in _aria.required_attrs("slider")
    assert {"widget", "landmark", "input", "section", "roletype"} <= _aria.ABSTRACT_ROLES
    assert not _aria.is_valid_role("command") and _aria.is_valid_role("doc-noteref")
    assert "generic" in _aria.NAME_PROHIBITED and "paragraph" in _aria.NAME_PROHIBITED
    assert "aria-checked" in _aria.supported_attrs("switch")  # inherited from checkbox
    assert "aria-pressed" not in _aria.supported_attrs("link")
    assert _aria.value_ok("aria-current", "PAGE") and not _aria.value_ok("aria-expanded", "ja")
    assert _aria.value_ok("aria-relevant", "additions text") and not _aria.value_ok(
        "aria-relevant", "all none"
    )
    assert _aria.value_ok("aria-level", "3") and not _aria.value_ok("aria-level", "3.5")


# ---------------------------------------------------------------- hidden and focus


@pytest.mark.parametrize(
    ("body", "prog_hidden", "visible"),
    [
        ('<p id="x">t</p>', False, True),
        ('<p id="x" hidden>t</p>', True, False),
        ('<p id="x" hidden style="display:block">t</p>', False, True),
        ('<div style="display: none"><p id="x">t</p></div>', True, False),
        ('<div style="visibility:hidden"><p id="x">t</p></div>', True, False),
        ('<div style="visibility:hidden"><p id="x" style="visibility:visible">t</p></div>', False, True),
        ('<div aria-hidden="true"><p id="x">t</p></div>', True, True),
        ('<div aria-hidden="false"><p id="x">t</p></div>', False, True),
        ('<div inert><p id="x">t</p></div>', True, True),
        ('<details><summary id="s">S</summary><p id="x">t</p></details>', True, False),
        ('<details open><summary>S</summary><p id="x">t</p></details>', False, True),
        ('<template><p id="x">t</p></template>', True, False),
        ('<noscript><p id="x">t</p></noscript>', True, False),
        ('<p id="x" class="sr-only">t</p>', False, True),
    ],
)
def test_hidden(body: str, prog_hidden: bool, visible: bool) -> None:
    info = by_id(page_of(body), "x")
    assert (info.prog_hidden, info.visible) == (prog_hidden, visible)


@pytest.mark.parametrize(
    ("body", "focusable", "tabbable"),
    [
        ('<a id="x" href="/">a</a>', True, True),
        ('<a id="x">a</a>', False, False),
        ('<div id="x" tabindex="-1">d</div>', True, False),
        ('<div id="x" tabindex="0x">d</div>', True, True),  # HTML integer parsing reads the leading 0
        ('<button id="x" disabled>b</button>', False, False),
        ('<fieldset disabled><input id="x"></fieldset>', False, False),
        ('<fieldset disabled><legend><input id="x"></legend></fieldset>', True, True),
        ('<input id="x" type="hidden">', False, False),
        ('<div id="x" contenteditable="true">t</div>', True, True),
        ('<div id="x" contenteditable="false">t</div>', False, False),
        ('<details><summary id="x">S</summary></details>', True, True),
        ('<div style="display:none"><a id="x" href="/">a</a></div>', False, False),
        ('<div inert><a id="x" href="/">a</a></div>', False, False),
        (
            '<div aria-hidden="true"><a id="x" href="/">a</a></div>',
            True,
            True,
        ),  # aria-hidden does not stop focus
    ],
)
def test_focus(body: str, focusable: bool, tabbable: bool) -> None:
    info = by_id(page_of(body), "x")
    assert (info.focusable, info.tabbable) == (focusable, tabbable)


def test_parse_int_follows_html() -> None:
    assert [parse_int(v) for v in (" 5", "-1", "+2", "3abc", "abc", "", None)] == [
        5,
        -1,
        2,
        3,
        None,
        None,
        None,
    ]


# ---------------------------------------------------------------- selectors


def test_selectors_use_stable_unique_ids_and_paths() -> None:
    page = page_of(
        '<main id="innehall"><p>a</p><p><a href="/">x</a></p></main>'
        '<div id="dup"><span>1</span></div><div id="dup"><span>2</span></div>'
        '<div id="ember12345"><b>g</b></div>'
    )
    sel = {page.text(i.el): page.selector(i.el) for i in page.iter("a", "span", "b")}
    assert sel == {
        "x": "#innehall > p:nth-of-type(2) > a",
        "1": "body > div:nth-of-type(1) > span",
        "2": "body > div:nth-of-type(2) > span",
        "g": "body > div:nth-of-type(3) > b",
    }
    assert page.selector(by_id(page, "innehall").el) == "#innehall"


# ---------------------------------------------------------------- the Document


def test_document_items() -> None:
    doc = doc_of(
        "<h1>Bygglov</h1><h2 hidden>Dold</h2><div role=heading aria-level=3>Tre</div>"
        '<img src="a.png" alt="Karta"><img src="b.png" alt=""><img src="c.png" aria-hidden="true">'
        '<input type="image" alt="Sök"><a href="/a">Ansök</a><a>ingen länk</a>'
        "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>"
        '<table role="presentation"><tr><td>x</td><td>y</td></tr></table>',
        head="<title>Bygglov – Kommunen</title><svg><title>inte sidans</title></svg>",
    )
    assert doc.format == "html" and doc.title == "Bygglov – Kommunen" and doc.lang == "sv"
    assert [(h.level, h.text) for h in doc.headings or ()] == [(1, "Bygglov"), (3, "Tre")]
    assert [(i.alt, i.decorative) for i in doc.images or ()] == [("Karta", False), (None, True)]
    assert [(link.text, link.href) for link in doc.links or ()] == [("Ansök", "/a")]
    assert [(t.rows, t.cols, t.header, t.layout) for t in doc.tables or ()] == [
        (2, 2, True, False),
        (1, 2, False, True),
    ]


def test_title_ignores_svg_title_and_lang_is_as_written() -> None:
    doc = doc_of("<svg><title>Ikon</title></svg>", head="", lang=' lang=" en-GB "')
    assert doc.title is None and doc.lang == " en-GB "


def test_encoding_utf8_without_meta_and_latin1_with_meta() -> None:
    utf8 = "<!DOCTYPE html><html><head><title>Åäö</title></head></html>".encode()
    assert read_bytes(utf8, "u.html", DEFAULT_LIMITS).title == "Åäö"
    latin = "<!DOCTYPE html><html><head><meta charset=iso-8859-1><title>Åäö</title></head></html>".encode(
        "latin-1"
    )
    assert read_bytes(latin, "l.html", DEFAULT_LIMITS).title == "Åäö"
    http = "<!DOCTYPE html><html><head><title>Åäö</title></head></html>".encode("latin-1")
    doc = read_bytes(http, "h.html", DEFAULT_LIMITS, content_type="text/html; charset=ISO-8859-1")
    assert doc.title == "Åäö"


def test_svg_and_xml_documents_are_not_pages() -> None:
    assert document_kind(b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>') == "svg"
    assert document_kind(b'<math lang="en">x</math>') == "xml"
    assert document_kind(b"<!DOCTYPE html><html></html>") == "html"
    assert document_kind(b"<div>x</div>", "image/svg+xml") == "svg"
    doc = read_bytes(
        b'<svg xmlns="http://www.w3.org/2000/svg"><title>T</title></svg>', "a.svg", DEFAULT_LIMITS
    )
    assert doc.format == "svg" and doc.title is None


def test_limits() -> None:
    with pytest.raises(DocumentError) as err:
        read_bytes(b"<p>" * 100, "big.html", Limits(max_html_bytes=50))
    assert err.value.code == "too-large"
    with pytest.raises(DocumentError) as err:
        read_bytes(b"   ", "empty.html", DEFAULT_LIMITS)
    assert err.value.code == "corrupt"


def test_no_entities_or_network() -> None:
    html = b'<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]><html><body><p id="p">&x;</p></body></html>'
    page = read_bytes(html, "e.html", DEFAULT_LIMITS).native
    assert isinstance(page, Page)
    assert "root:" not in page.text(page.root)


def test_indexes_subtree_roles_and_attributes() -> None:
    page = page_of(
        '<div id="a" role="list"><p id="b" style="color:red">x<span id="c">y</span></p></div><p id="d">z</p>'
    )
    a, c, d = by_id(page, "a"), by_id(page, "c"), by_id(page, "d")
    assert [i.el.get("id") for i in page.subtree(a)] == ["a", "b", "c"]
    assert page.subtree(c) == [c] and d not in page.subtree(a)
    assert page.with_role("list") == [a]
    assert [i.el.get("id") for i in page.having("style")] == ["b"]
    assert [i.tag for i in page.iter("span", "div")] == ["div", "span"]


def test_labelledby_is_not_followed_twice() -> None:
    # accname 2B: inside an aria-labelledby traversal, a descendant's own aria-labelledby is ignored
    body = '<button id="x" aria-labelledby="a"></button><div id="a">Spara <span aria-labelledby="b">utkast</span></div><p id="b">FEL</p>'
    assert name(body) == "Spara utkast"


def test_very_deep_nesting_is_reported_not_fatal() -> None:
    doc = doc_of("<div>" * 1000 + "x" + "</div>" * 1000)
    assert any("levels deep" in w for w in doc.warnings)
    assert not doc_of("<div><p>x</p></div>").warnings


def test_element_limit() -> None:
    from tillgang.readers.html import parse

    root = parse(b"<!DOCTYPE html><html><body>" + b"<p>x</p>" * 20 + b"</body></html>")
    with pytest.raises(DocumentError) as err:
        Page(root, max_elements=10)
    assert err.value.code == "too-large"


def test_fast_text_name_matches_the_full_computation() -> None:
    page = page_of(
        '<a id="a" href="/">Ansök</a><a id="b" href="/" hidden>Dold</a><h2 id="c" title="T"> </h2>'
    )
    assert [page.name(by_id(page, i).el) for i in "abc"] == ["Ansök", "", "T"]
    for info in page.infos:
        full = " ".join(
            page._name(info.el, set(), root=True, allow_hidden=False, in_labelledby=False).split()
        )
        assert page.name(info.el) == full
