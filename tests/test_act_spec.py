"""ACT rules re-derived from their text: one small page per clause of a rule's Applicability, Expectations,
Assumptions and Accessibility Support notes, and of the specifications they cite (WAI-ARIA 1.2, HTML-AAM,
ARIA in HTML, accname 1.2). Written from the rule texts, not copied from the published test cases: they pin
down what each rule decides statically, and in particular that a passed or inapplicable page is never failed.
"""

from __future__ import annotations

import pytest

from tillgang.engine import CheckOptions, check_document
from tillgang.limits import DEFAULT_LIMITS
from tillgang.readers.html import read_bytes


def outcome(rule: str, body: str, head: str = "<title>Sida</title>") -> str:
    html = f'<!DOCTYPE html><html lang="sv"><head>{head}</head><body>{body}</body></html>'
    doc = read_bytes(html.encode("utf-8"), "t.html", DEFAULT_LIMITS)
    try:
        result = check_document(doc, CheckOptions(rules=frozenset({rule})))
    finally:
        doc.close()
    return str(result["rules"].get(rule, "inapplicable"))


NAV = '<nav><ul><li><a href="/a">Alfa</a></li><li><a href="/b">Beta</a></li></ul></nav>'
TEXT = "<p>Sidans eget innehåll, som inte upprepas på andra sidor.</p>"

CASES: list[tuple[str, str, str, str]] = [
    # ---- bypass (composite cf77f2 of 047fe0 heading, b40fd1 landmark, ye5d6e instrument, 3e12e1 collapsible).
    # Repeated content needs an instrument to another page (ACT "block of repeated content", distance 1).
    ("bypass", "no link at all: nothing is repeated", "<nav><p>Meny</p></nav>" + TEXT, "inapplicable"),
    (
        "bypass",
        "047fe0: heading in the content after the nav",
        NAV + "<div><h2>Rubrik</h2>" + TEXT + "</div>",
        "passed",
    ),
    (
        "bypass",
        "047fe0: role=heading counts",
        NAV + '<div role="heading" aria-level="1">R</div>' + TEXT,
        "passed",
    ),
    (
        "bypass",
        "047fe0: a heading only inside the nav is repeated",
        "<nav><h2>Meny</h2>" + NAV[5:] + TEXT,
        "failed",
    ),
    (
        "bypass",
        "047fe0: an aria-hidden heading is not in the tree",
        NAV + '<h1 aria-hidden="true">R</h1>' + TEXT,
        "failed",
    ),
    (
        "bypass",
        "047fe0: a heading in the banner is repeated",
        "<header><h1>Kommunen</h1>" + NAV + "</header>" + TEXT,
        "failed",
    ),
    (
        "bypass",
        "047fe0: visually hidden heading needs a person",
        NAV + '<h1 class="sr-only">R</h1>' + TEXT,
        "cantTell",
    ),
    (
        "bypass",
        "047fe0: the Drupal visually-hidden class too",
        NAV + '<h1 class="element-invisible">R</h1>' + TEXT,
        "cantTell",
    ),
    (
        "bypass",
        "047fe0: a heading-looking strong is no heading",
        NAV + '<strong style="font-size:2em">R</strong>' + TEXT,
        "failed",
    ),
    ("bypass", "b40fd1: content in main", NAV + "<main>" + TEXT + "</main>", "passed"),
    ("bypass", "b40fd1: role=main counts", NAV + '<div role="main">' + TEXT + "</div>", "passed"),
    (
        "bypass",
        "b40fd1: an aria-hidden main is not in the tree",
        NAV + '<main aria-hidden="true">' + TEXT + "</main>",
        "failed",
    ),
    (
        "bypass",
        "b40fd1: one main in the tree is enough",
        NAV + '<main aria-hidden="true"><p>a</p></main><main>' + TEXT + "</main>",
        "passed",
    ),
    (
        "bypass",
        "b40fd1: a named region after the nav",
        NAV + '<section aria-label="Nyheter">' + TEXT + "</section>",
        "passed",
    ),
    (
        "bypass",
        "a div of links without landmark is a repeated block",
        '<div><ol><li><a href="/a">Ett</a></li><li><a href="/b">Två</a></li></ol></div>' + TEXT,
        "failed",
    ),
    (
        "bypass",
        "a link inside a paragraph is no menu",
        '<p>Läs <a href="/x">mer här</a> om bygglov och annat.</p>' + TEXT,
        "cantTell",
    ),
    ("bypass", "no content after the repeated block", "<main><p>Text</p></main>" + NAV, "passed"),
    (
        "bypass",
        "ye5d6e: a skip link to the content",
        '<a href="#c">Till innehållet</a>' + NAV + '<div id="c">' + TEXT + "</div>",
        "cantTell",
    ),
    (
        "bypass",
        "ye5d6e: an empty target just before the content",
        '<a href="#c">Till innehållet</a><aside><p>Om boken</p><span id="c"></span></aside>' + NAV + TEXT,
        "failed",  # the nav comes after the target: the link does not skip it
    ),
    (
        "bypass",
        "ye5d6e: an empty target at the end of the repeated block",
        '<a href="#c">Till innehållet</a>'
        + "<nav><a href='/a'>A</a><a href='/b'>B</a><span id='c'></span></nav>"
        + TEXT,
        "cantTell",
    ),
    (
        "bypass",
        "ye5d6e: a link into the repeated block skips nothing",
        '<a href="#m">Meny</a><nav id="m"><a href="/a">A</a></nav>' + TEXT,
        "failed",
    ),
    (
        "bypass",
        "3e12e1: a button may collapse the menu",
        "<button>Dölj menyn</button>" + NAV + TEXT,
        "cantTell",
    ),
    (
        "bypass",
        "3e12e1: a details element collapses",
        "<details open><summary>Meny</summary>" + NAV + "</details>" + TEXT,
        "cantTell",
    ),
    # ---- aria-allowed-attr: 5c01ea (permitted) and kb1m8s (prohibited globals)
    (
        "aria-allowed-attr",
        "5c01ea: supported on the implicit role",
        '<button aria-pressed="true">B</button>',
        "passed",
    ),
    (
        "aria-allowed-attr",
        "5c01ea: not supported on button",
        '<button aria-valuenow="3">B</button>',
        "failed",
    ),
    (
        "aria-allowed-attr",
        "5c01ea: required counts as supported",
        '<div role="slider" aria-valuenow="3">S</div>',
        "passed",
    ),
    (
        "aria-allowed-attr",
        "5c01ea: inherited from a superclass",
        '<div role="treeitem" aria-level="2">T</div>',
        "passed",
    ),
    (
        "aria-allowed-attr",
        "5c01ea: empty values are still attributes",
        '<div role="link" aria-checked="">L</div>',
        "failed",
    ),
    (
        "aria-allowed-attr",
        "5c01ea: conflict resolution gives button back",
        '<button role="none" aria-pressed="false">B</button>',
        "passed",
    ),
    (
        "aria-allowed-attr",
        "5c01ea: not in the tree",
        '<div role="link" aria-checked="true" style="display:none">L</div>',
        "inapplicable",
    ),
    (
        "aria-allowed-attr",
        "ARIA in HTML: audio takes application's",
        '<audio controls aria-expanded="false"></audio>',
        "passed",
    ),
    (
        "aria-allowed-attr",
        "ARIA in HTML: audio has no orientation",
        '<audio controls aria-orientation="vertical"></audio>',
        "failed",
    ),
    (
        "aria-allowed-attr",
        "ARIA in HTML: label has no role",
        '<label aria-checked="true">E</label>',
        "failed",
    ),
    (
        "aria-allowed-attr",
        "ARIA in HTML: input takes aria-required",
        '<input type="date" aria-required="true">',
        "passed",
    ),
    (
        "aria-allowed-attr",
        "kb1m8s: a global on a generic div",
        '<div aria-live="polite">Text</div>',
        "passed",
    ),
    (
        "aria-allowed-attr",
        "kb1m8s: aria-label prohibited on generic",
        '<div aria-label="Namn">Text</div>',
        "failed",
    ),
    (
        "aria-allowed-attr",
        "kb1m8s: labelledby prohibited on paragraph",
        '<p aria-labelledby="x">T</p><i id="x">x</i>',
        "failed",
    ),
    (
        "aria-allowed-attr",
        "kb1m8s: braille label follows aria-label",
        '<p aria-braillelabel="t">T</p>',
        "failed",
    ),
    (
        "aria-allowed-attr",
        "kb1m8s: roledescription prohibited on generic",
        '<span aria-roledescription="sak">T</span>',
        "failed",
    ),
    (
        "aria-allowed-attr",
        "kb1m8s: roledescription fine on a region",
        '<section aria-label="N" aria-roledescription="sak">T</section>',
        "passed",
    ),
    (
        "aria-allowed-attr",
        "kb1m8s: braille label fine on a heading",
        '<div role="heading" aria-level="2" aria-braillelabel="r">R</div>',
        "passed",
    ),
    (
        "aria-allowed-attr",
        "kb1m8s: hidden generic is not in the tree",
        '<div aria-label="x" hidden></div>',
        "inapplicable",
    ),
    (
        "aria-allowed-attr",
        "kb1m8s: an aria-hidden generic is not in the tree",
        '<div aria-hidden="true" aria-label="x">t</div>',
        "inapplicable",
    ),
]


CASES += [
    # ---- label-content-name-mismatch (2ee8b8): the label in name algorithm on the visible inner text
    (
        "label-content-name-mismatch",
        "same words",
        '<a href="/" aria-label="Bygglov och tillstånd">Bygglov</a>',
        "passed",
    ),
    (
        "label-content-name-mismatch",
        "case and whitespace",
        '<button aria-label="  SÖK  på sidan">sök</button>',
        "passed",
    ),
    (
        "label-content-name-mismatch",
        "punctuation is not a letter",
        '<button aria-label="Nästa sida">Nästa sida »</button>',
        "passed",
    ),
    (
        "label-content-name-mismatch",
        "hyphen splits words on both sides",
        '<a href="/" aria-label="e-tjänster för dig">e-tjänster</a>',
        "passed",
    ),
    (
        "label-content-name-mismatch",
        "round brackets are dropped",
        '<button aria-label="Sök">Sök (Ctrl K)</button>',
        "passed",
    ),
    (
        "label-content-name-mismatch",
        "compatibility forms (NFKD)",
        '<a href="/" aria-label="ﬁnd it">find it</a>',
        "passed",
    ),
    (
        "label-content-name-mismatch",
        "emoji are not letters",
        '<button aria-label="Jag gillar bananer">Jag gillar 🍌</button>',
        "passed",
    ),
    (
        "label-content-name-mismatch",
        "only emoji: an empty label",
        '<button aria-label="Gilla">👍</button>',
        "passed",
    ),
    (
        "label-content-name-mismatch",
        "math symbols written out",
        '<a href="/" aria-label="två gånger två">2×2</a>',
        "failed",
    ),
    (
        "label-content-name-mismatch",
        "words must be contiguous",
        '<button aria-label="Nästa blanka sida">Nästa sida</button>',
        "failed",
    ),
    (
        "label-content-name-mismatch",
        "whole words, not substrings",
        '<a href="/" aria-label="Förskoleplats">Skola</a>',
        "failed",
    ),
    (
        "label-content-name-mismatch",
        "an icon-font word is non-text",
        '<button class="material-icons" aria-label="Sök">search</button>',
        "cantTell",
    ),
    (
        "label-content-name-mismatch",
        "a single letter may be a symbol",
        '<button aria-label="Stäng">x</button>',
        "cantTell",
    ),
    (
        "label-content-name-mismatch",
        "sr-only text is not visible",
        '<a href="/" aria-label="Läs mer">Läs mer<span class="sr-only"> om bygglov</span></a>',
        "passed",
    ),
    (
        "label-content-name-mismatch",
        "display:none text is not visible",
        '<button aria-label="Skicka">Skicka<span style="display:none">x y</span></button>',
        "passed",
    ),
    ("label-content-name-mismatch", "not a widget", '<nav aria-label="Huvudmeny">Meny</nav>', "inapplicable"),
    ("label-content-name-mismatch", "no aria-label or labelledby", "<button>Skicka</button>", "inapplicable"),
    (
        "label-content-name-mismatch",
        "no visible text",
        '<a href="/" aria-label="Start"><img src="l.png" alt="Logga"></a>',
        "inapplicable",
    ),
    (
        "label-content-name-mismatch",
        "aria-labelledby with the element itself",
        '<a id="l" href="/" aria-labelledby="l x">Läs mer</a><span id="x">om avgifter</span>',
        "passed",
    ),
]


CASES += [
    # ---- aria-required-attr (4e8ab6): explicit roles need WAI-ARIA 1.2's required states and properties
    (
        "aria-required-attr",
        "checkbox with aria-checked",
        '<div role="checkbox" aria-checked="false" tabindex="0">K</div>',
        "passed",
    ),
    (
        "aria-required-attr",
        "checkbox without aria-checked",
        '<div role="checkbox" tabindex="0">K</div>',
        "failed",
    ),
    (
        "aria-required-attr",
        "an empty value is not set",
        '<div role="radio" aria-checked="" tabindex="0">R</div>',
        "failed",
    ),
    (
        "aria-required-attr",
        "heading: no default level in ARIA 1.2",
        '<div role="heading">Rubrik</div>',
        "failed",
    ),
    (
        "aria-required-attr",
        "heading with aria-level",
        '<span role="heading" aria-level="3">Rubrik</span>',
        "passed",
    ),
    (
        "aria-required-attr",
        "native heading: same implicit role",
        '<h2 role="heading">Rubrik</h2>',
        "inapplicable",
    ),
    (
        "aria-required-attr",
        "native checkbox as switch: checked state is native",
        '<input type="checkbox" role="switch">',
        "passed",
    ),
    (
        "aria-required-attr",
        "switch on a div needs aria-checked",
        '<div role="switch" tabindex="0">På</div>',
        "failed",
    ),
    (
        "aria-required-attr",
        "native checkbox, same role",
        '<input type="checkbox" role="checkbox">',
        "inapplicable",
    ),
    ("aria-required-attr", "separator not focusable: structure", '<div role="separator"></div>', "passed"),
    (
        "aria-required-attr",
        "focusable separator is a widget",
        '<div role="separator" tabindex="0"></div>',
        "failed",
    ),
    (
        "aria-required-attr",
        "focusable separator with a value",
        '<div role="separator" tabindex="0" aria-valuenow="50"></div>',
        "passed",
    ),
    (
        "aria-required-attr",
        "option: aria-selected has a default",
        '<ul role="listbox"><li role="option">A</li></ul>',
        "passed",
    ),
    (
        "aria-required-attr",
        "tab: aria-selected has a default",
        '<div role="tablist"><span role="tab">A</span></div>',
        "passed",
    ),
    (
        "aria-required-attr",
        "combobox with expanded and controls",
        '<input role="combobox" aria-expanded="true" aria-controls="l" aria-label="S"><ul id="l" role="listbox"></ul>',
        "passed",
    ),
    (
        "aria-required-attr",
        "combobox without aria-expanded",
        '<input role="combobox" aria-controls="l" aria-label="S"><ul id="l"></ul>',
        "failed",
    ),
    (
        "aria-required-attr",
        "expanded combobox with aria-owns only",
        '<input role="combobox" aria-expanded="true" aria-owns="l" aria-label="S"><ul id="l"></ul>',
        "failed",
    ),
    (
        "aria-required-attr",
        "collapsed combobox without controls",
        '<input role="combobox" aria-expanded="false" aria-label="S">',
        "cantTell",
    ),
    (
        "aria-required-attr",
        "slider needs aria-valuenow",
        '<div role="slider" tabindex="0" aria-label="V"></div>',
        "failed",
    ),
    (
        "aria-required-attr",
        "native range as slider has a value",
        '<input type="range" role="slider">',
        "inapplicable",
    ),
    (
        "aria-required-attr",
        "not in the tree",
        '<div role="checkbox" style="display:none"></div>',
        "inapplicable",
    ),
    ("aria-required-attr", "an element without a role", "<div>Text</div>", "inapplicable"),
]


CASES += [
    # ---- th-has-data-cells (d0f69e): each header is assigned to a cell by HTML's table algorithm
    (
        "th-has-data-cells",
        "column headers over data",
        "<table><tr><th>År</th><th>Antal</th></tr><tr><td>2024</td><td>3</td></tr></table>",
        "passed",
    ),
    (
        "th-has-data-cells",
        "an empty cell is still a cell",
        "<table><tr><th>År</th><th>Antal</th></tr><tr><td>2024</td><td></td></tr></table>",
        "passed",
    ),
    (
        "th-has-data-cells",
        "a header over a missing column",
        "<table><tr><th>År</th><th>Antal</th></tr><tr><td>2024</td></tr></table>",
        "failed",
    ),
    (
        "th-has-data-cells",
        "a spanning data cell covers both columns",
        '<table><tr><th>A</th><th>B</th></tr><tr><td colspan="2">x</td></tr></table>',
        "passed",
    ),
    (
        "th-has-data-cells",
        "a spanning header covers both columns",
        '<table><tr><th colspan="2">A</th></tr><tr><td>1</td><td>2</td></tr></table>',
        "passed",
    ),
    (
        "th-has-data-cells",
        "row headers at the start of rows",
        "<table><tr><th>Mån</th><td>8</td></tr><tr><th>Tis</th><td>9</td></tr></table>",
        "passed",
    ),
    (
        "th-has-data-cells",
        "a row header is a cell under a column header",
        '<table><tr><th scope="col">Skola</th><th scope="col">Elever</th></tr><tr><th scope="row">Ekeby</th><td>120</td></tr></table>',
        "passed",
    ),
    (
        "th-has-data-cells",
        "headers attribute names the header",
        '<table><tr><th id="a">A</th><th id="b">B</th></tr><tr><td headers="b">1</td></tr><tr><td>2</td></tr></table>',
        "passed",
    ),
    (
        "th-has-data-cells",
        "a headers attribute replaces the implicit headers",
        '<table><tr><th id="a">A</th><th id="b">B</th></tr><tr><td headers="b">1</td><td headers="b">2</td></tr></table>',
        "failed",
    ),
    (
        "th-has-data-cells",
        "a th with role cell is no header",
        '<table><tr><th role="cell">A</th></tr><tr><td>1</td></tr></table>',
        "inapplicable",
    ),
    (
        "th-has-data-cells",
        "a td with role columnheader is one",
        '<table><tr><td role="columnheader">A</td><td role="columnheader">B</td></tr><tr><td>1</td></tr></table>',
        "failed",
    ),
    (
        "th-has-data-cells",
        "a layout table has no headers",
        '<table role="presentation"><tr><th>A</th></tr></table>',
        "inapplicable",
    ),
    (
        "th-has-data-cells",
        "a hidden header",
        '<table><tr><th style="display:none">A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>',
        "passed",
    ),
    (
        "th-has-data-cells",
        "an aria-hidden header is not in the tree",
        '<table><tr><th aria-hidden="true">A</th></tr><tr><td>1</td></tr></table>',
        "inapplicable",
    ),
]


CASES += [
    # ---- aria-required-parent (ff89c9): the parent in the accessibility tree has a required context role
    (
        "aria-required-parent",
        "explicit list",
        '<div role="list"><div role="listitem">A</div></div>',
        "passed",
    ),
    ("aria-required-parent", "implicit list", '<ul><div role="listitem">A</div></ul>', "passed"),
    (
        "aria-required-parent",
        "through role=none",
        '<div role="list"><div role="none"><div role="listitem">A</div></div></div>',
        "passed",
    ),
    (
        "aria-required-parent",
        "through a plain generic div",
        '<div role="list"><div><div role="listitem">A</div></div></div>',
        "passed",
    ),
    (
        "aria-required-parent",
        "a generic with aria-label is in the tree",
        '<div role="list"><div aria-label="x"><div role="listitem">A</div></div></div>',
        "failed",
    ),
    (
        "aria-required-parent",
        "a focusable generic is in the tree",
        '<div role="list"><div tabindex="0"><div role="listitem">A</div></div></div>',
        "failed",
    ),
    (
        "aria-required-parent",
        "wrong parent role",
        '<div role="list"><div role="tabpanel"><div role="listitem">A</div></div></div>',
        "failed",
    ),
    ("aria-required-parent", "no parent at all", '<div role="listitem">A</div>', "failed"),
    (
        "aria-required-parent",
        "owned through aria-owns",
        '<div role="list" aria-owns="i"></div><div id="i" role="listitem">A</div>',
        "passed",
    ),
    (
        "aria-required-parent",
        "a subclass is not the context (feed)",
        '<div role="feed"><div role="listitem">A</div></div>',
        "failed",
    ),
    (
        "aria-required-parent",
        "row in a native table",
        '<table><tr role="row"><td>1</td></tr></table>',
        "inapplicable",
    ),
    (
        "aria-required-parent",
        "cell needs a row",
        '<div role="table"><div role="cell">1</div></div>',
        "failed",
    ),
    (
        "aria-required-parent",
        "menuitem in a group in a menu",
        '<div role="menu"><div role="group"><div role="menuitem">A</div></div></div>',
        "passed",
    ),
    ("aria-required-parent", "same implicit role", '<ul><li role="listitem">A</li></ul>', "inapplicable"),
    ("aria-required-parent", "hidden", '<div role="listitem" style="display:none">A</div>', "inapplicable"),
    # ---- aria-required-children (bc4a75): the children in the accessibility tree have allowed roles
    (
        "aria-required-children",
        "list of listitems",
        '<div role="list"><div role="listitem">A</div></div>',
        "passed",
    ),
    (
        "aria-required-children",
        "through role=none",
        '<div role="list"><span role="none"><div role="listitem">A</div></span></div>',
        "passed",
    ),
    (
        "aria-required-children",
        "a wrong child",
        '<div role="list"><div role="button" tabindex="0">A</div></div>',
        "failed",
    ),
    (
        "aria-required-children",
        "a generic with aria-label is a child",
        '<div role="list"><div aria-label="x"><div role="listitem">A</div></div></div>',
        "failed",
    ),
    (
        "aria-required-children",
        "owned through aria-owns",
        '<div role="list" aria-owns="i"></div><div id="i" role="listitem">A</div>',
        "passed",
    ),
    (
        "aria-required-children",
        "a wrong child through aria-owns",
        '<div role="tablist" aria-owns="i"></div><div id="i" role="listitem">A</div>',
        "failed",
    ),
    (
        "aria-required-children",
        "aria-busy: being built",
        '<div role="list" aria-busy="true"><div role="button" tabindex="0">A</div></div>',
        "inapplicable",
    ),
    (
        "aria-required-children",
        "aria-busy on an ancestor: still being built",
        '<div aria-busy="true"><div role="list"><span>Laddar</span></div></div>',
        "inapplicable",
    ),
    (
        "aria-required-children",
        "a group of listitems in a list (WAI-ARIA 1.2: a list owns listitems only)",
        '<div role="list"><div role="group"><span role="listitem">A</span></div></div>',
        "failed",
    ),
    (
        "aria-required-children",
        "text in a generic child is a wrong child",
        '<div role="list"><span>A</span></div>',
        "failed",
    ),
    (
        "aria-required-children",
        "owning nothing is not owning a wrong role",
        '<div role="list"></div>',
        "passed",
    ),
    (
        "aria-required-children",
        "a hidden wrong child is not in the tree",
        '<div role="tablist"><div role="tab">A</div><p hidden>x</p></div>',
        "passed",
    ),
    (
        "aria-required-children",
        "a separator in a menu",
        '<div role="menu"><div role="menuitem">A</div><div role="separator"></div></div>',
        "passed",
    ),
    (
        "aria-required-children",
        "a group of options in a listbox",
        '<div role="listbox"><div role="group"><div role="option">A</div></div></div>',
        "passed",
    ),
]


CASES += [
    # ---- aria-hidden-focus (6cfa84): no aria-hidden="true" element is or contains an element in sequential
    # focus navigation (the flat tree; tabindex < 0, disabled, not rendered and inert are not in it).
    (
        "aria-hidden-focus",
        "a link inside",
        '<div aria-hidden="true"><a href="/">Länk</a></div>',
        "failed",
    ),
    (
        "aria-hidden-focus",
        "the hidden element is itself focusable",
        '<button aria-hidden="true">Stäng</button>',
        "failed",
    ),
    (
        "aria-hidden-focus",
        "aria-hidden=false below does not undo it",
        '<div aria-hidden="true"><div aria-hidden="false"><a href="/">L</a></div></div>',
        "failed",
    ),
    (
        "aria-hidden-focus",
        "tabindex=-1",
        '<div aria-hidden="true"><a href="/" tabindex="-1">L</a></div>',
        "passed",
    ),
    ("aria-hidden-focus", "no href: not focusable", '<div aria-hidden="true"><a>L</a></div>', "passed"),
    (
        "aria-hidden-focus",
        "a disabled fieldset",
        '<div aria-hidden="true"><fieldset disabled><input></fieldset></div>',
        "passed",
    ),
    ("aria-hidden-focus", "inert", '<div aria-hidden="true" inert><button>B</button></div>', "passed"),
    (
        "aria-hidden-focus",
        "visibility:hidden is not focusable",
        '<div aria-hidden="true" style="visibility:hidden"><button>B</button></div>',
        "passed",
    ),
    (
        "aria-hidden-focus",
        "a child made visible again is focusable",
        '<div aria-hidden="true" style="visibility:hidden"><button style="visibility:visible">B</button></div>',
        "failed",
    ),
    (
        "aria-hidden-focus",
        "a dialog without open is not rendered",
        '<div aria-hidden="true"><dialog><button>B</button></dialog></div>',
        "passed",
    ),
    (
        "aria-hidden-focus",
        "an area in a map no image uses is not focusable",
        '<div aria-hidden="true"><map name="m"><area href="/a" alt="A"></map></div>',
        "passed",
    ),
    (
        "aria-hidden-focus",
        "an area in a used map is focusable",
        '<img src="k.png" alt="Karta" usemap="#m"><div aria-hidden="true"><map name="m"><area href="/a" alt="A">'
        "</map></div>",
        "failed",
    ),
    (
        "aria-hidden-focus",
        "the first summary of a details is focusable",
        '<details aria-hidden="true"><summary>Mer</summary><p>Text</p></details>',
        "failed",
    ),
    (
        "aria-hidden-focus",
        "an iframe: its own page decides",
        '<div aria-hidden="true"><iframe src="/ram" title="Ram"></iframe></div>',
        "cantTell",
    ),
    (
        "aria-hidden-focus",
        "contenteditable is focusable",
        '<div aria-hidden="true"><div contenteditable="true">Text</div></div>',
        "failed",
    ),
    (
        "aria-hidden-focus",
        "an off-screen link on a page without scripts is simply focusable",
        '<div aria-hidden="true"><a href="/" style="position:absolute; top:-999em">Länk</a></div>',
        "failed",
    ),
    (
        "aria-hidden-focus",
        "an off-screen link on a page with a script may be a focus sentinel",
        '<div aria-hidden="true"><a href="#" style="position:absolute; top:-999em">Till början</a></div>'
        "<script>/* moves focus */</script>",
        "cantTell",
    ),
    (
        "aria-hidden-focus",
        "aria-hidden=yes is not true",
        '<div aria-hidden="yes"><a href="/">L</a></div>',
        "inapplicable",
    ),
    (
        "aria-hidden-focus",
        "template content is not in the flat tree",
        '<div aria-hidden="true"><template><a href="/">L</a></template></div>',
        "passed",
    ),
    # ---- valid-lang (de46e4): a non-empty lang on an inclusive descendant of body that some non-blank text
    # inherits its programmatic language from (visible or exposed text nodes, accessible names and
    # descriptions); lang="" does not stop the inheritance.
    ("valid-lang", "text of its own", '<p lang="xyz">Text</p>', "failed"),
    ("valid-lang", "a known primary subtag", '<p lang="en-GB">Text</p>', "passed"),
    ("valid-lang", "an unknown region is fine", '<p lang="en-hello">Text</p>', "passed"),
    ("valid-lang", "an ISO 639-2 code", '<p lang="eng">Text</p>', "failed"),
    ("valid-lang", "a grandfathered tag", '<p lang="i-klingon">Text</p>', "failed"),
    ("valid-lang", "whitespace is not empty", '<p lang=" ">Text</p>', "failed"),
    ("valid-lang", "lang='' passes the language on", '<div lang="xyz"><p lang="">Text</p></div>', "failed"),
    ("valid-lang", "only whitespace text", '<p lang="xyz"> </p>', "inapplicable"),
    ("valid-lang", "not rendered", '<p lang="xyz" style="display:none">Text</p>', "inapplicable"),
    ("valid-lang", "visible though aria-hidden", '<p lang="xyz" aria-hidden="true">Text</p>', "failed"),
    (
        "valid-lang",
        "neither visible nor exposed",
        '<p lang="xyz" aria-hidden="true" style="visibility:hidden">Text</p>',
        "inapplicable",
    ),
    (
        "valid-lang",
        "off-screen text is in the accessibility tree",
        '<p lang="xyz" style="position:absolute;left:-9999px">Text</p>',
        "failed",
    ),
    ("valid-lang", "an image's accessible name", '<img lang="xyz" src="k.png" alt="En katt">', "failed"),
    ("valid-lang", "a decorative image has no text", '<img lang="xyz" src="k.png" alt="">', "inapplicable"),
    ("valid-lang", "an aria-label", '<button lang="xyz" aria-label="Stäng"></button>', "failed"),
    (
        "valid-lang",
        "a field's title (its name) inherits from the div",
        '<div lang="xyz"><input type="text" title="Namn"></div>',
        "failed",
    ),
    (
        "valid-lang",
        "a button's name inherits the language of the button, not of its span",
        '<div lang="xyz"><button><span lang="en">OK</span></button></div>',
        "failed",
    ),
    (
        "valid-lang",
        "a paragraph has no name: all its text is the span's",
        '<div lang="xyz"><p><span lang="en">OK</span></p></div>',
        "passed",
    ),
    ("valid-lang", "template content", '<template lang="xyz"><p>Text</p></template>', "inapplicable"),
    # ---- summary-name (2t702h): the summary that is its details' button, in the accessibility tree, with no
    # explicit role or one ignored by presentational role conflict resolution.
    ("summary-name", "text content", "<details><summary>Öppettider</summary><p>x</p></details>", "passed"),
    ("summary-name", "empty", "<details><summary></summary><p>x</p></details>", "failed"),
    ("summary-name", "only NBSP", "<details><summary> &nbsp; </summary><p>x</p></details>", "failed"),
    ("summary-name", "aria-label", '<details><summary aria-label="Mer"></summary></details>', "passed"),
    ("summary-name", "title", '<details><summary title="Mer"></summary></details>', "passed"),
    (
        "summary-name",
        "an image's alt",
        '<details><summary><img src="i.png" alt="Mer"></summary></details>',
        "passed",
    ),
    (
        "summary-name",
        "a decorative image",
        '<details><summary><img src="i.png" alt=""></summary></details>',
        "failed",
    ),
    (
        "summary-name",
        "aria-hidden content",
        '<details><summary><span aria-hidden="true">+</span></summary></details>',
        "failed",
    ),
    (
        "summary-name",
        "an explicit role",
        '<details><summary role="button"></summary></details>',
        "inapplicable",
    ),
    (
        "summary-name",
        "role=none on a focusable summary is ignored",
        '<details><summary role="none"></summary></details>',
        "failed",
    ),
    (
        "summary-name",
        "an invalid role is no role",
        '<details><summary role="xyz"></summary></details>',
        "failed",
    ),
    ("summary-name", "no details parent", "<summary></summary>", "inapplicable"),
    (
        "summary-name",
        "only the first summary",
        "<details><summary>A</summary><summary></summary></details>",
        "passed",
    ),
    (
        "summary-name",
        "first, though not first child",
        "<details><p>x</p><summary>Mer</summary></details>",
        "passed",
    ),
    (
        "summary-name",
        "not in the tree",
        '<details aria-hidden="true"><summary></summary></details>',
        "inapplicable",
    ),
    (
        "summary-name",
        "inside a closed details",
        "<details><summary>A</summary><details><summary></summary></details></details>",
        "passed",
    ),
    (
        "summary-name",
        "aria-labelledby to a hidden element",
        '<details><summary aria-labelledby="l"></summary></details><span id="l" hidden>Mer</span>',
        "passed",
    ),
]


LONG = "Leksaken väckte minnen av att gå vilse i regnskogen en varm och fuktig dag i juli."
CASES += [
    # ---- avoid-inline-spacing (24afc2, 9e45ec, 78fd32): an !important letter-/word-spacing or line-height in a
    # style attribute, on an element with visible text node children, must be at least 0.12 / 0.16 / 1.5 times
    # the computed font size (inline styles, simple <style> rules and the user agent's 16 px and heading sizes).
    (
        "avoid-inline-spacing",
        "0.1em is too small",
        f'<p style="letter-spacing: 0.1em !important">{LONG}</p>',
        "failed",
    ),
    (
        "avoid-inline-spacing",
        "2px of the default 16px",
        f'<p style="letter-spacing: 2px !important">{LONG}</p>',
        "passed",
    ),
    (
        "avoid-inline-spacing",
        "1px of 16px",
        f'<p style="letter-spacing: 1px !important">{LONG}</p>',
        "failed",
    ),
    (
        "avoid-inline-spacing",
        "the font size inherited from an inline style",
        f'<div style="font-size: 20px"><p style="letter-spacing: 2px !important">{LONG}</p></div>',
        "failed",
    ),
    (
        "avoid-inline-spacing",
        "an h1 is 2em by default",
        f'<h1 style="letter-spacing: 3px !important">{LONG}</h1>',
        "failed",
    ),
    (
        "avoid-inline-spacing",
        "an h2 is 1.5em by default",
        f'<h2 style="letter-spacing: 3px !important">{LONG}</h2>',
        "passed",
    ),
    (
        "avoid-inline-spacing",
        "monospace text: the default size depends on the font",
        f'<code style="letter-spacing: 2px !important">{LONG}</code>',
        "cantTell",
    ),
    (
        "avoid-inline-spacing",
        "rem of the root",
        f'<p style="letter-spacing: 0.15rem !important">{LONG}</p>',
        "passed",
    ),
    (
        "avoid-inline-spacing",
        "word spacing 2px",
        f'<p style="word-spacing: 2px !important">{LONG}</p>',
        "failed",
    ),
    (
        "avoid-inline-spacing",
        "word spacing 3px",
        f'<p style="word-spacing: 3px !important">{LONG}</p>',
        "passed",
    ),
    ("avoid-inline-spacing", "not important", f'<p style="letter-spacing: 1px">{LONG}</p>', "inapplicable"),
    (
        "avoid-inline-spacing",
        "inherit !important: the computed value is the parent's, not important",
        f'<p style="line-height: 1.2em"><span style="line-height: inherit !important; display: block">{LONG}</span></p>',
        "inapplicable",
    ),
    (
        "avoid-inline-spacing",
        "unset !important on an inherited property is inherit",
        f'<p style="word-spacing: 0"><span style="word-spacing: unset !important">{LONG}</span></p>',
        "inapplicable",
    ),
    (
        "avoid-inline-spacing",
        "the important declaration wins over a later normal one",
        f'<p style="letter-spacing: 2px !important; letter-spacing: 1px">{LONG}</p>',
        "passed",
    ),
    (
        "avoid-inline-spacing",
        "no text node child of its own",
        f'<p style="letter-spacing: 1px !important"><span>{LONG}</span></p>',
        "inapplicable",
    ),
    (
        "avoid-inline-spacing",
        "not visible",
        f'<p style="letter-spacing: 1px !important; display: none">{LONG}</p>',
        "inapplicable",
    ),
    (
        "avoid-inline-spacing",
        "line height 1.5 is enough",
        f'<p style="line-height: 1.5 !important">{LONG}</p>',
        "passed",
    ),
    (
        "avoid-inline-spacing",
        "line height 20px of 16px",
        f'<p style="line-height: 20px !important">{LONG * 2}</p>',
        "failed",
    ),
    (
        "avoid-inline-spacing",
        "a short line may never wrap (no soft wrap break: inapplicable)",
        '<p style="line-height: 1 !important">Kort</p>',
        "cantTell",
    ),
]


CASES += [
    # ---- empty-heading (ffd0e9): a semantic heading in the accessibility tree has a non-empty accessible name.
    ("empty-heading", "only NBSP", "<h1>&nbsp;</h1>", "failed"),
    ("empty-heading", "only a line break", "<h2><br></h2>", "failed"),
    ("empty-heading", "aria-hidden content", '<h1><span aria-hidden="true">Rubrik</span></h1>', "failed"),
    (
        "empty-heading",
        "visibility:hidden content",
        '<h1><span style="visibility:hidden">R</span></h1>',
        "failed",
    ),
    (
        "empty-heading",
        "off-screen text is in the tree",
        '<h1><span style="position:absolute;left:-999em">R</span></h1>',
        "passed",
    ),
    ("empty-heading", "an image's alt", '<h1><img src="l.png" alt="Kommunen"></h1>', "passed"),
    ("empty-heading", "an image's title", '<h1><img src="l.png" title="Kommunen"></h1>', "passed"),
    ("empty-heading", "a decorative image", '<h1><img src="l.png" alt=""></h1>', "failed"),
    (
        "empty-heading",
        "an image with role=presentation gives no name, alt or not (alt triggers no conflict resolution)",
        '<h1><img src="l.png" alt="Kommunen" role="presentation"></h1>',
        "failed",
    ),
    (
        "empty-heading",
        "aria-label on the image brings its role back",
        '<h1><img src="l.png" alt="Kommunen" role="none" aria-label="Kommunen"></h1>',
        "passed",
    ),
    (
        "empty-heading",
        "role=none with a global aria attribute is a heading, and aria-label='' is no name",
        '<h1 aria-label="" role="none"><span aria-hidden="true">R</span></h1>',
        "failed",
    ),
    ("empty-heading", "an SVG title", "<h1><svg><title>Logga</title></svg></h1>", "passed"),
    (
        "empty-heading",
        "aria-labelledby to a hidden element",
        '<span id="l" hidden>R</span><h1 aria-labelledby="l"></h1>',
        "passed",
    ),
    ("empty-heading", "role=heading", '<div role="heading" aria-level="2"></div>', "failed"),
    ("empty-heading", "role=none removes it", '<h1 role="none"></h1>', "inapplicable"),
    ("empty-heading", "role=none ignored when focusable", '<h1 role="none" tabindex="0"></h1>', "failed"),
    ("empty-heading", "not in the tree", '<h1 aria-hidden="true"></h1>', "inapplicable"),
    (
        "empty-heading",
        "a link with an image",
        '<h2><a href="/"><img src="h.png" alt="Start"></a></h2>',
        "passed",
    ),
    ("empty-heading", "an embedded field's value", '<h2><input value="Sök"></h2>', "passed"),
]


CASES += [
    # ---- aria-allowed-attr, prohibited globals (kb1m8s): no global state or property on an element in the
    # accessibility tree whose semantic role prohibits it (WAI-ARIA 1.2 "Prohibited States and Properties").
    ("aria-allowed-attr", "a global allowed everywhere", '<div aria-live="polite">Text</div>', "passed"),
    ("aria-allowed-attr", "aria-label on generic", '<div aria-label="Text"></div>', "failed"),
    ("aria-allowed-attr", "aria-label on span (generic)", '<span aria-label="Text">T</span>', "failed"),
    (
        "aria-allowed-attr",
        "aria-labelledby on paragraph",
        '<h2 id="h">R</h2><p aria-labelledby="h">T</p>',
        "failed",
    ),
    ("aria-allowed-attr", "aria-braillelabel on paragraph", '<p aria-braillelabel="T">T</p>', "failed"),
    (
        "aria-allowed-attr",
        "aria-roledescription on generic",
        '<div aria-roledescription="Kort">T</div>',
        "failed",
    ),
    ("aria-allowed-attr", "aria-label on strong", "<strong aria-label='T'>T</strong>", "failed"),
    ("aria-allowed-attr", "aria-label on a link", '<a href="/" aria-label="T">T</a>', "passed"),
    ("aria-allowed-attr", "an a without href is generic", '<a aria-label="T">T</a>', "failed"),
    ("aria-allowed-attr", "a named section is a region", '<section aria-label="T">T</section>', "passed"),
    (
        "aria-allowed-attr",
        "braille label on a heading",
        '<div role="heading" aria-level="2" aria-braillelabel="T">T</div>',
        "passed",
    ),
    (
        "aria-allowed-attr",
        "aria-label ignores role=none (conflict resolution): the h1 is a heading",
        '<h1 role="none" aria-label="T">T</h1>',
        "passed",
    ),
    (
        "aria-allowed-attr",
        "conflict resolution brings back generic",
        '<div role="none" aria-label="T">T</div>',
        "failed",
    ),
    (
        "aria-allowed-attr",
        "an ARIA 1.3 braille attribute does not trigger conflict resolution: none prohibits it",
        '<h1 role="none" aria-brailleroledescription="Text">T</h1>',
        "failed",
    ),
    ("aria-allowed-attr", "hidden", '<div aria-label="T" hidden></div>', "inapplicable"),
    ("aria-allowed-attr", "aria-hidden", '<div aria-label="T" aria-hidden="true">T</div>', "inapplicable"),
    (
        "aria-allowed-attr",
        "off-screen is in the tree",
        '<div aria-label="T" style="position:absolute;left:-999em">T</div>',
        "failed",
    ),
]


CASES += [
    # ---- th-has-data-cells (d0f69e): every visible column/row header in the tree, whose closest table or grid
    # is in the tree, is assigned to a cell: HTML's table model, or rows and columns of ARIA roles.
    (
        "th-has-data-cells",
        "ARIA table: each column header has cells below",
        '<div role="table" aria-label="T"><div role="rowgroup"><div role="row"><span role="columnheader">Månad</span>'
        '<span role="columnheader">Grader</span></div></div><div role="rowgroup"><div role="row">'
        '<span role="cell">Juli</span><span role="cell">20</span></div></div></div>',
        "passed",
    ),
    (
        "th-has-data-cells",
        "ARIA grid: the second column has no cell",
        '<div role="grid"><div role="row"><div role="columnheader">Rum</div><div role="columnheader">Namn</div></div>'
        '<div role="row"><div role="gridcell">1A</div></div></div>',
        "failed",
    ),
    (
        "th-has-data-cells",
        "ARIA row header with a cell after it",
        '<div role="table"><div role="row"><span role="rowheader">Mån</span><span role="cell">8-17</span></div></div>',
        "passed",
    ),
    (
        "th-has-data-cells",
        "ARIA row header alone in its row",
        '<div role="table"><div role="row"><span role="rowheader">Mån</span></div></div>',
        "failed",
    ),
    (
        "th-has-data-cells",
        "a row outside any table",
        '<div><div role="row"><span role="columnheader">A</span></div></div>',
        "inapplicable",
    ),
    (
        "th-has-data-cells",
        "the table is not in the tree",
        '<div role="table" aria-hidden="true"><div role="row"><span role="columnheader">A</span></div></div>',
        "inapplicable",
    ),
    (
        "th-has-data-cells",
        "a presentational table",
        '<table role="presentation"><tr><th>A</th></tr><tr><td>1</td></tr></table>',
        "inapplicable",
    ),
    (
        "th-has-data-cells",
        "th with role=cell",
        '<table><tr><th role="cell">A</th></tr><tr><td>1</td></tr></table>',
        "inapplicable",
    ),
    (
        "th-has-data-cells",
        "a column without cells",
        "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td></tr></table>",
        "failed",
    ),
    (
        "th-has-data-cells",
        "headers= takes the cell out of its column",
        '<table><tr><th id="a">A</th><th id="b">B</th></tr><tr><td>1</td><td headers="a">2</td></tr></table>',
        "failed",
    ),
    (
        "th-has-data-cells",
        "a hidden header",
        '<table><tr><th style="display:none">A</th></tr><tr><td>1</td></tr></table>',
        "inapplicable",
    ),
]


CASES += [
    # ---- label-content-name-mismatch (2ee8b8): the visible inner text is contained in the accessible name by
    # the label in name algorithm; words hyphenated differently in label and name are out of scope.
    (
        "label-content-name-mismatch",
        "aria-hidden text is still visible",
        '<a href="/" aria-label="Ladda ner blankett">Ladda ner <span aria-hidden="true">ny</span> blankett</a>',
        "failed",
    ),
    (
        "label-content-name-mismatch",
        "visibility:hidden and display:none text is not",
        '<a href="/" aria-label="Ladda ner blankett">Ladda ner <span style="visibility:hidden">ny</span> '
        '<span style="display:none">x</span> blankett</a>',
        "passed",
    ),
    (
        "label-content-name-mismatch",
        "different hyphenation only",
        '<a href="/" aria-label="e-post">epost</a>',
        "inapplicable",
    ),
    (
        "label-content-name-mismatch",
        "a space is not hyphenation",
        '<a href="/" aria-label="fot boll">fotboll</a>',
        "failed",
    ),
    (
        "label-content-name-mismatch",
        "spelled-out letters",
        '<a href="/" aria-label="SVT">S V T</a>',
        "failed",
    ),
    (
        "label-content-name-mismatch",
        "blocks separate words",
        '<button aria-label="Hej värld"><p>Hej</p><p>värld</p></button>',
        "passed",
    ),
    (
        "label-content-name-mismatch",
        "inline blocks join letters",
        '<a href="/" aria-label="ABC"><div style="display:inline">A</div><div style="display:inline">B</div>'
        '<div style="display:inline">C</div></a>',
        "passed",
    ),
    (
        "label-content-name-mismatch",
        "symbols are not words",
        '<button aria-label="tre gånger två">3×2</button>',
        "failed",
    ),
    (
        "label-content-name-mismatch",
        "the words must keep their order",
        '<button aria-label="hur mår du"><span>du</span><span>hur</span><span>mår</span></button>',
        "failed",
    ),
    (
        "label-content-name-mismatch",
        "a textbox is not named from content",
        '<input type="email" aria-label="E-post" value="hej">',
        "inapplicable",
    ),
]


CASES += [
    # ---- bypass, landmark part (b40fd1): a landmark in the tree whose first perceivable content is non-repeated
    # content after the repeated content.
    ("bypass", "b40fd1: a main after the nav", NAV + "<main>" + TEXT + "</main>", "passed"),
    ("bypass", "b40fd1: role=main", NAV + '<div role="main">' + TEXT + "</div>", "passed"),
    (
        "bypass",
        "b40fd1: a hidden main is not in the tree",
        NAV + '<main aria-hidden="true">' + TEXT + "</main>",
        "failed",
    ),
    (
        "bypass",
        "b40fd1: a named region is a landmark",
        NAV + '<section aria-label="Artikel">' + TEXT + "</section>",
        "passed",
    ),
    (
        "bypass",
        "b40fd1: a main that opens with the navigation does not start the content",
        "<main>" + NAV + TEXT + "</main>",
        "failed",
    ),
    ("bypass", "b40fd1: an article is not a landmark", NAV + "<article>" + TEXT + "</article>", "failed"),
]


CASES += [
    # ---- label / select-name / aria-input-field-name (e086e5): every form field role in the accessibility tree
    # has a non-empty accessible name; disabled fields too.
    ("label", "a wrapping label", "<label>Förnamn <input></label>", "passed"),
    ("label", "disabled fields count", "<input disabled>", "failed"),
    ("label", "aria-label of a space is empty", '<input aria-label=" ">', "failed"),
    ("label", "placeholder names it", '<input placeholder="Sök">', "passed"),
    ("label", "a hidden field", '<input aria-label="Namn" style="display:none">', "inapplicable"),
    ("label", "role=none on a focusable input is ignored", "<input role='none'>", "failed"),
    (
        "select-name",
        "aria-labelledby to an empty element",
        '<div id="l"></div><select aria-labelledby="l"><option>A</option></select>',
        "failed",
    ),
    ("select-name", "options do not name it", "<select><option>Sverige</option></select>", "failed"),
    (
        "select-name",
        "a disabled select with role=none is not in the tree",
        '<select role="none" disabled><option>A</option></select>',
        "inapplicable",
    ),
    (
        "aria-input-field-name",
        "label for does not name a div",
        '<label for="t">Namn</label><div role="textbox" id="t"></div>',
        "failed",
    ),
    (
        "aria-input-field-name",
        "a wrapping label does not name a div",
        '<label>Namn <div role="textbox"></div></label>',
        "failed",
    ),
    (
        "aria-input-field-name",
        "aria-label on a combobox",
        '<div role="combobox" aria-label="Land" aria-expanded="false">Sverige</div>',
        "passed",
    ),
    (
        "aria-input-field-name",
        "a slider's value is no name",
        '<div role="slider" aria-valuenow="5"></div>',
        "failed",
    ),
]


CASES += [
    # ---- aria-required-parent (ff89c9 reads WAI-ARIA 1.1's required context roles)
    (
        "aria-required-parent",
        "a listitem in a group (WAI-ARIA 1.1: group or list)",
        '<div role="list"><div role="group"><div role="listitem">A</div></div></div>',
        "passed",
    ),
    (
        "aria-required-parent",
        "a listitem in a tabpanel",
        '<div role="list"><div role="tabpanel"><div role="listitem">A</div></div></div>',
        "failed",
    ),
    (
        "aria-required-parent",
        "aria-owns puts the items in the list",
        '<div role="list" aria-owns="a b"><div role="navigation"><div id="a" role="listitem">A</div>'
        '<div id="b" role="listitem">B</div></div></div>',
        "passed",
    ),
    (
        "aria-required-parent",
        "an li with role listitem keeps its implicit role",
        '<ul><li role="listitem">A</li></ul>',
        "inapplicable",
    ),
]


def page_outcome(rule: str, html: str) -> str:
    doc = read_bytes(html.encode("utf-8"), "t.html", DEFAULT_LIMITS)
    try:
        result = check_document(doc, CheckOptions(rules=frozenset({rule})))
    finally:
        doc.close()
    return str(result["rules"].get(rule, "inapplicable"))


# Whole pages, for the rules about the document element.
PAGE_CASES: list[tuple[str, str, str, str]] = [
    # ---- document-title (2779a5): the first HTML title descendant of the document element has text that is
    # not only whitespace.
    ("document-title", "a title in body counts", "<html><body><title>Sida</title></body></html>", "passed"),
    ("document-title", "no title", "<html><body><h1>Sida</h1></body></html>", "failed"),
    ("document-title", "NBSP is whitespace", "<html><head><title>&nbsp;</title></head></html>", "failed"),
    (
        "document-title",
        "the first title decides",
        "<html><head><title></title><title>Sida</title></head></html>",
        "failed",
    ),
    (
        "document-title",
        "an SVG title is not an HTML title",
        "<html><body><svg><title>Logga</title></svg></body></html>",
        "failed",
    ),
    (
        "document-title",
        "template content is not a descendant",
        "<html><head><template><title>Sida</title></template></head><body></body></html>",
        "failed",
    ),
    (
        "document-title",
        "noscript content is text when scripts run",
        "<html><body><noscript><title>Sida</title></noscript></body></html>",
        "failed",
    ),
    (
        "document-title",
        "a MathML title is skipped, the HTML one after it counts",
        "<html><body><math><title>x</title></math><title>Sida</title></body></html>",
        "passed",
    ),
    (
        "document-title",
        "title content is text: a comment in it is not markup",
        "<html><head><title><!-- x --></title></head></html>",
        "passed",
    ),
    (
        "avoid-inline-spacing",
        "a font size from a simple <style> rule",
        "<html><head><title>x</title><style>p { font-size: 20px }</style></head>"
        f'<body><p style="letter-spacing: 2px !important">{LONG}</p></body></html>',
        "failed",
    ),
    (
        "avoid-inline-spacing",
        "a font size from a selector not followed here",
        "<html><head><title>x</title><style>div > p { font-size: 20px }</style></head>"
        f'<body><p style="letter-spacing: 2px !important">{LONG}</p></body></html>',
        "cantTell",
    ),
    (
        "avoid-inline-spacing",
        "an external style sheet may set the font size",
        '<html><head><title>x</title><link rel="stylesheet" href="s.css"></head>'
        f'<body><p style="letter-spacing: 2px !important">{LONG}</p></body></html>',
        "cantTell",
    ),
    (
        "avoid-inline-spacing",
        "a print style sheet does not apply",
        '<html><head><title>x</title><style media="print">p { font-size: 10px }</style></head>'
        f'<body><p style="letter-spacing: 2px !important">{LONG}</p></body></html>',
        "cantTell",
    ),
    (
        "empty-heading",
        "CSS generated text names it (accname 2F.ii): a person checks",
        '<html><head><title>x</title><style>.logo::before { content: "Kommunen" }</style></head>'
        '<body><h1 class="logo"></h1></body></html>',
        "cantTell",
    ),
    (
        "empty-heading",
        "generated text on a descendant",
        '<html><head><title>x</title><style>header span.t:after { content: "Kommunen" }</style></head>'
        '<body><h1><span class="t"></span></h1></body></html>',
        "cantTell",
    ),
    (
        "empty-heading",
        "an icon-font glyph is not text",
        '<html><head><title>x</title><style>.icon::before { content: "\\f015" }</style></head>'
        '<body><h1 class="icon"></h1></body></html>',
        "failed",
    ),
    (
        "empty-heading",
        "generated text for other elements",
        '<html><head><title>x</title><style>.note::before { content: "Obs" }</style></head>'
        '<body><h1 class="logo"></h1></body></html>',
        "failed",
    ),
    (
        "label-content-name-mismatch",
        "a class the page's style sheet hides visually is not visible inner text",
        "<html><head><title>x</title><style>.dolj { position: absolute; clip: rect(0 0 0 0); width: 1px; "
        "height: 1px; overflow: hidden }</style></head><body>"
        '<a href="/" aria-label="Ladda ner blankett">Ladda ner <span class="dolj">ny</span> blankett</a></body></html>',
        "passed",
    ),
    (
        "summary-name",
        "CSS generated text may name it: a person checks",
        '<html><head><title>x</title><style>summary.mer::after { content: "Visa mer" }</style></head>'
        '<body><details><summary class="mer"></summary><p>Text</p></details></body></html>',
        "cantTell",
    ),
    (
        "valid-lang",
        "body is an inclusive descendant of body",
        '<html lang="sv"><body lang="xyz"><p>Text</p></body></html>',
        "failed",
    ),
]


@pytest.mark.parametrize(
    ("rule", "why", "html", "expected"), PAGE_CASES, ids=[f"{c[0]}:{c[1]}" for c in PAGE_CASES]
)
def test_spec_page_case(rule: str, why: str, html: str, expected: str) -> None:
    assert page_outcome(rule, html) == expected, why


@pytest.mark.parametrize(("rule", "why", "body", "expected"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_spec_case(rule: str, why: str, body: str, expected: str) -> None:
    assert outcome(rule, body) == expected, why
