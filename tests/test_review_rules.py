"""The manual-review rules (rule_set = "review", checks/html_review.py): exact findings, the rule set, the language
names and the language hint."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tillgang.catalogue import load
from tillgang.checks.html_review import likely_language
from tillgang.cli import main
from tillgang.engine import CheckOptions, check_document
from tillgang.lang import language_name
from tillgang.limits import DEFAULT_LIMITS
from tillgang.readers.html import read_bytes

from .conftest import FIXTURES, ROOT

REVIEW_RULES = frozenset(
    {
        "image-alt-descriptive",
        "image-decorative-review",
        "image-text-review",
        "lang-content-review",
        "title-descriptive",
        "label-descriptive",
        "heading-descriptive",
    }
)


def check(html: str, rules: frozenset[str] = REVIEW_RULES, lang: str = "sv") -> dict[str, Any]:
    doc = read_bytes(html.encode("utf-8"), "sida.html", DEFAULT_LIMITS, content_type="text/html")
    try:
        return dict(check_document(doc, CheckOptions(rules=rules, rule_set="review", lang=lang)))
    finally:
        doc.close()


def findings(html: str, rule: str, lang: str = "sv") -> list[tuple[str, str, str]]:
    result = check(html, frozenset({rule}), lang)
    return [
        (f["outcome"], f["location"].get("selector", ""), f["message"])
        for f in result["findings"]
        if f["rule"] == rule
    ]


def page(body: str, head: str = "", lang: str = ' lang="sv"') -> str:
    return f"<!DOCTYPE html><html{lang}><head>{head}</head><body>{body}</body></html>"


def test_the_review_rules_are_the_review_set() -> None:
    review = {r.id for r in load() if r.rule_set == "review"}
    assert review >= REVIEW_RULES
    for rule in load():
        if rule.id in REVIEW_RULES:
            # only image-alt-descriptive ever fails (a file name or placeholder word as the whole text)
            expected = "needs-review" if rule.id == "image-alt-descriptive" else "manual"
            assert (rule.automation, rule.formats, rule.render) == (expected, ("html",), False), rule.id


def test_the_default_set_never_runs_them_and_rule_set_review_does(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(FIXTURES / "image-alt-descriptive" / "review-html-alt.html")
    main(["check", "--format", "json", "--jobs", "1", path])
    default = json.loads(capsys.readouterr().out)["documents"][0]["rules"]
    assert REVIEW_RULES.isdisjoint(default)
    main(["check", "--format", "json", "--jobs", "1", "--rule-set", "review", path])
    data = json.loads(capsys.readouterr().out)
    assert data["tool"]["rule_set"] == "review"
    rules = data["documents"][0]["rules"]
    assert {r: rules.get(r, "inapplicable") for r in REVIEW_RULES} == {
        "image-alt-descriptive": "cantTell",
        "image-decorative-review": "inapplicable",
        "image-text-review": "cantTell",
        "lang-content-review": "cantTell",
        "title-descriptive": "cantTell",
        "label-descriptive": "inapplicable",
        "heading-descriptive": "inapplicable",
    }


def test_image_alt_descriptive_fails_only_what_is_certain() -> None:
    body = (
        '<img src="a/IMG_2041.jpg" alt="IMG_2041.jpg"><img src="b.png" alt="Bild 3"><img src="c.png" alt="bild">'
        '<img src="d.png" alt="Karta över centrum"><img src="e.png" alt="Logotyp"><img src="f.png" alt="24/7">'
        '<img src="g.png" alt="Diagram 2"><img src="h.png" alt="Dekorativ bild">'
    )
    got = findings(page(body), "image-alt-descriptive")
    img = "body > img:nth-of-type({})".format
    assert got == [
        (
            "failed",
            img(1),
            'Bilden "IMG_2041.jpg" läses upp som "IMG_2041.jpg", ett filnamn. Det beskriver inte bilden.',
        ),
        (
            "failed",
            img(2),
            'Bilden "b.png" läses upp som "Bild 3", ett standardnamn. Det beskriver inte bilden.',
        ),
        ("failed", img(3), 'Bilden "c.png" läses upp som "bild", ett ord som inte säger vad bilden visar.'),
        (
            "cantTell",
            img(4),
            'Bilden "d.png" läses upp som "Karta över centrum". Säger texten samma sak som bilden (vad den visar, '
            "eller vad den gör i en länk eller knapp)?",
        ),
        (
            "cantTell",
            img(5),
            'Bilden "e.png" läses upp som bara "Logotyp". Räcker det för att förstå bilden, eller ska texten säga '
            "mer (vilken logotyp, vad diagrammet visar)?",
        ),
        (
            "cantTell",
            img(6),
            'Bilden "f.png" läses upp som "24/7". Säger texten samma sak som bilden (vad den visar, eller vad den '
            "gör i en länk eller knapp)?",
        ),
        (
            "cantTell",
            img(7),
            'Bilden "g.png" läses upp som "Diagram 2". Säger texten samma sak som bilden (vad den visar, eller vad '
            "den gör i en länk eller knapp)?",
        ),
        (
            "cantTell",
            img(8),
            'Bilden "h.png" läses upp som "Dekorativ bild". Är bilden bara dekoration, ge den tom alternativtext '
            '(alt=""); annars beskriv vad den visar.',
        ),
    ]


def test_image_alt_descriptive_in_english() -> None:
    got = findings(page('<img src="/x/karta.png?v=2" alt="Karta">'), "image-alt-descriptive", lang="en")
    assert got == [
        (
            "cantTell",
            "body > img",
            'The image "karta.png" is read out as "Karta". Does the text say what the image says (what it shows, or '
            "what it does in a link or button)?",
        )
    ]


def test_images_named_by_an_ancestor_hidden_or_without_source_are_not_listed() -> None:
    body = (
        '<a href="/" aria-label="Startsida"><img src="hus.png" alt="Hus"></a>'
        '<img src="a.png" alt="A" style="display: none"><img alt="Ingen källa">'
        '<div style="visibility: hidden"><img src="b.png" alt="B"></div>'
        '<img class="sr-only" src="c.png" alt="C"><img src="d.png" alt="D" aria-hidden="true">'
    )
    assert check(page(body), frozenset({"image-alt-descriptive"}))["rules"] == {
        "image-alt-descriptive": "inapplicable"
    }


def test_image_decorative_review_lists_each_hidden_visible_image() -> None:
    body = (
        '<img src="a.png" alt=""><img src="b.png" role="presentation" alt="B"><img src="c.png" alt="C" '
        'aria-hidden="true"><svg width="9" height="9"><circle r="4"></circle></svg><canvas width="9"></canvas>'
        '<img src="d.png" alt="" tabindex="0"><img src="e.png" alt="" style="display: none">'
        '<button aria-label="Sök"><img src="f.png" alt=""></button><canvas role="img"></canvas>'
    )
    got = [
        (o, s, m.split(" döljs")[0] + " | " + m.split("(")[1].split(")")[0])
        for o, s, m in findings(page(body), "image-decorative-review")
    ]
    assert got == [
        ("cantTell", "body > img:nth-of-type(1)", 'Bilden "a.png" | tom alternativtext, alt=""'),
        ("cantTell", "body > img:nth-of-type(2)", 'Bilden "b.png" | role="presentation" eller "none"'),
        ("cantTell", "body > img:nth-of-type(3)", 'Bilden "c.png" | aria-hidden="true"'),
        ("cantTell", "body > svg", "Bilden <svg> | ingen text alls"),
        ("cantTell", "body > canvas:nth-of-type(1)", "Bilden <canvas> | ingen text alls"),
    ]
    (message,) = [
        m for _, s, m in findings(page('<img src="a.png" alt="">'), "image-decorative-review", "en")
    ]
    assert message == (
        'The image "a.png" is hidden from screen readers (empty text alternative, alt=""). Is it only decoration? '
        "If it shows something important, or is a link or button, it needs a text alternative."
    )


def test_image_text_review_lists_visible_images_and_image_buttons() -> None:
    body = (
        '<img src="a.png" alt="A"><img src="b.png" alt=""><input type="image" src="c.png" alt="Skicka">'
        '<input type="submit" value="Skicka"><img src="p.gif" width="1" height="1" alt="">'
        '<img src="d.png" alt="D" hidden><svg><text x="0" y="9">Hej</text></svg>'
    )
    got = findings(page(body), "image-text-review")
    assert [(o, s) for o, s, _ in got] == [
        ("cantTell", "body > img:nth-of-type(1)"),
        ("cantTell", "body > img:nth-of-type(2)"),
        ("cantTell", "body > input:nth-of-type(1)"),
    ]
    assert got[0][2] == (
        'Innehåller bilden "a.png" text? Text ska vara riktig text på sidan, inte i bilden (utom i logotyper och när '
        "texten bara är en liten del av bilden)."
    )


def test_title_descriptive_names_the_first_title() -> None:
    html = page("<p>Text</p>", head="<title>Bygglov</title><title>Andra</title>")
    assert findings(html, "title-descriptive") == [
        (
            "cantTell",
            "head > title:nth-of-type(1)",
            'Sidans titel är "Bygglov". Säger den vad just den här sidan handlar om eller är till för?',
        )
    ]
    no_title = page('<svg><title>Stjärna</title><circle r="4"></circle></svg>')
    assert check(no_title, frozenset({"title-descriptive"}))["rules"] == {"title-descriptive": "inapplicable"}


def test_label_descriptive_lists_each_visible_label_once_without_the_options() -> None:
    body = (
        '<label for="a">Förnamn</label><input id="a">'
        "<label>Land <select><option>Sverige</option><option>Norge</option></select></label>"
        '<p id="c">E-post</p><input type="email" aria-labelledby="c"><input aria-labelledby="c">'
        '<label for="d" style="position: absolute; left: -9999px">Dold</label><input id="d">'
        '<label>Gömt fält <input type="hidden"></label>'
        '<span id="e" style="display: none">Sök</span><input aria-labelledby="f e"><button id="f">Kör</button>'
    )
    got = findings(page(body), "label-descriptive")
    assert [(s, m.split('"')[1]) for _, s, m in got] == [
        ("body > label:nth-of-type(1)", "Förnamn"),
        ("body > label:nth-of-type(2)", "Land"),
        ("#c", "E-post"),
        ("#f", "Kör"),
    ]
    assert got[0][2] == (
        'Etiketten "Förnamn" hör till ett formulärfält. Säger den, med rubriken eller texten runt fältet, vad som '
        "ska fyllas i?"
    )


def test_heading_descriptive_quotes_the_text_after_the_heading() -> None:
    body = (
        '<h1>Öppettider</h1><div><p>Vi har <a href="#">öppet</a> måndag till fredag.</p><p>Andra</p></div>'
        '<h2>Tom</h2><h3 hidden>Dold</h3><div role="heading" aria-level="3">Karta</div><img src="k.png" alt="Karta '
        'över centrum"><h2></h2><h2>Sist</h2>'
    )
    assert findings(page(body), "heading-descriptive") == [
        (
            "cantTell",
            "body > h1",
            'Rubriken "Öppettider" följs av "Vi har öppet måndag till fredag.". Beskriver rubriken det innehållet?',
        ),
        (
            "cantTell",
            "body > h2:nth-of-type(1)",
            'Rubriken "Tom": beskriver den innehållet som följer efter den?',
        ),
        (
            "cantTell",
            "body > div:nth-of-type(2)",
            'Rubriken "Karta" följs av "Karta över centrum". Beskriver rubriken det innehållet?',
        ),
        (
            "cantTell",
            "body > h2:nth-of-type(3)",
            'Rubriken "Sist": beskriver den innehållet som följer efter den?',
        ),
    ]


ENGLISH = (
    "The council has decided that the new library will open in the spring, and the opening hours are longer than "
    "those of the old one. If you have questions about the library, you can contact us by e-mail or phone."
)
SWEDISH = (
    "Kommunen har beslutat att det nya biblioteket ska öppna till våren och att öppettiderna blir längre än i det "
    "gamla. Har du frågor om biblioteket kan du kontakta oss på e-post eller telefon."
)
NORWEGIAN = (
    "Kommunen har bestemt at det nye biblioteket skal åpne til våren, og at åpningstidene blir lengre enn i det "
    "gamle. Har du spørsmål om biblioteket, kan du kontakte oss på e-post eller telefon."
)


def test_the_language_hint_is_only_a_clear_signal() -> None:
    assert likely_language(ENGLISH, "sv") == "en"
    assert likely_language(ENGLISH, "da") == "en"
    assert likely_language(ENGLISH, "en") is None
    assert likely_language(SWEDISH, "en") == "sv"
    assert likely_language(SWEDISH, "sv") is None
    assert likely_language(NORWEGIAN, "nb") is None  # close to Swedish, but not Swedish
    assert likely_language("The library is open.", "sv") is None  # too few words to tell


def test_lang_content_review_lists_the_page_and_each_part() -> None:
    body = (
        f"<p>{ENGLISH}</p><p lang='fi'>Hyvää päivää</p><p lang='en'>{SWEDISH}</p><p lang='xx'>foo</p>"
        '<p lang="de"></p><p lang="se" hidden>Buorre beaivi</p><div lang="en"><img src="k.png" alt="Map"></div>'
    )
    got = findings(page(body), "lang-content-review")
    assert got == [
        (
            "cantTell",
            "html",
            'Sidans text ser ut att vara på engelska, men sidans språk är angivet som svenska (lang="sv"). '
            "Kontrollera och rätta lang.",
        ),
        (
            "cantTell",
            "body > p:nth-of-type(2)",
            'Texten "Hyvää päivää" är märkt som finska (lang="fi"). Kontrollera att den är på finska.',
        ),
        (
            "cantTell",
            "body > p:nth-of-type(3)",
            'Texten "Kommunen har beslutat att det nya biblioteket ska öppna til…" ser ut att vara på svenska, men '
            'är märkt som engelska (lang="en"). Kontrollera och rätta lang.',
        ),
        (
            "cantTell",
            "body > div",
            'Texten "Map" är märkt som engelska (lang="en"). Kontrollera att den är på engelska.',
        ),
    ]
    english = findings(page("<p>Hej</p>", lang=' lang="sv-SE"'), "lang-content-review", lang="en")
    assert english == [
        (
            "cantTell",
            "html",
            "The page's language is declared as Swedish (lang=\"sv-SE\"). Check that the page's text is mainly in "
            "Swedish.",
        )
    ]


def test_lang_content_review_needs_text_in_the_declared_language() -> None:
    # all the text is in a part with a language of its own, and there is no title: no default page language
    html = page('<p lang="en">Hello</p>', lang="")
    assert [s for _, s, _ in findings(html, "lang-content-review")] == ["body > p"]
    # an unlisted language is named in Swedish in both languages
    (message,) = [
        m for _, _, m in findings(page("<p>Molweni</p>", lang=' lang="xh"'), "lang-content-review", "en")
    ]
    assert message.startswith('The page\'s language is declared as xhosa (lang="xh").')


def test_the_language_names_are_the_lang_modules() -> None:
    from tillgang.checks import html_review

    data = tomllib.loads((ROOT / "rules" / "lang-content-review.toml").read_text(encoding="utf-8"))
    table = data["terms"]["language"]
    assert set(table) == html_review._LISTED_LANGUAGES
    for code, names in table.items():
        assert names == {"sv": language_name(code, "sv"), "en": language_name(code, "en")}, code
    assert language_name("sv-SE") == "svenska" and language_name("en", "en") == "English"
    assert language_name("qqq") == "qqq" and language_name("xx-yy") == "xx-yy"


def test_fixture_script_is_the_committed_fixtures(tmp_path: Path) -> None:
    """The review rules' fixtures are all written by fixtures/_make/make_html_review.py."""
    import sys

    sys.path.insert(0, str(ROOT / "fixtures" / "_make"))
    try:
        import make_html_review
    finally:
        sys.path.pop(0)
    for rule, cases in make_html_review.FIXTURES.items():
        written = {f"{key.split('-', 1)[0]}-html-{key.split('-', 1)[1]}.html" for key in cases}
        assert {p.name for p in (FIXTURES / rule).iterdir()} == written, rule
