"""The manual-review rules (``rule_set = "review"``): what only a person can judge, listed element by element.

Each rule reports cantTell for every element a person must look at, with a message naming what to judge (the
image's text, the title, the label, the heading and the text after it, the declared language). A page with nothing
to look at under a rule gets no result: the rule is inapplicable there (nothing to review; a "passed" would claim
a person's judgement that nobody made). Only image-alt-descriptive ever fails, where the rule text
is certain: a text alternative that is a file name, an Office default name or a placeholder word (WCAG failure
F30) does not describe its image.

ACT rules: qt1vmo, e88epe, 0va7u6, ucwvc8, off6ek, c4a8a4, cc0f0a, b49b2e (docs/html.md, "Manual review").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from lxml import etree

from ..lang import LangStatus, act_lang_status, language_name, primary_subtag
from ..model import Document
from ..readers.native import Info, Page
from ..registry import Results, check
from ..textutil import alt_text_problem, collapse
from .html_common import at, offscreen, page_of, sheet_hidden_classes, short, visually_hidden_class
from .html_names import FIELD_ROLES  # the form field roles (ACT e086e5, cc0f0a)

IMAGE_TAGS = ("img", "svg", "canvas")
_UNNAMED_ROLES = frozenset({None, "generic", "none", "presentation"})

# What certainly is no description (F30: file names and placeholder text as the whole text alternative).
_FILE_NAME = re.compile(r"^\S+\.(png|jpe?g|gif|bmp|tiff?|svg|webp|avif|heic|ico|emf|wmf)$")
_CAMERA_NAME = re.compile(r"^(img|dsc|dscn|dscf|pxl|pict|screenshot|skärmbild|skärmavbild)[_-]?\d+$")
_DEFAULT_NAME = re.compile(
    r"^(picture|bild|bildobjekt|image|img|grafik|graphic|object|objekt|grupp|group|rektangel|rectangle|shape)"
    r"\s*\d+$"
)
_PLACEHOLDER = frozenset(
    {
        "bild",
        "bilden",
        "image",
        "picture",
        "pic",
        "img",
        "foto",
        "photo",
        "grafik",
        "graphic",
        "alt",
        "alttext",
        "alt text",
        "alternativtext",
        "text",
        "placeholder",
        "platshållare",
        "spacer",
        "image of",
        "bild av",
    }
)


# ------------------------------------------------------------------ shared helpers


def _seen(info: Info, hidden_classes: frozenset[str]) -> bool:
    """Visible as far as the static page tells: rendered, not visibility-hidden, not moved off-screen and not
    in a "visually hidden" class (its own name or one the page's style sheet hides with)."""
    if not info.visible or offscreen(info):
        return False
    if info.attrs.get("width", "").strip() == "0" or info.attrs.get("height", "").strip() == "0":
        return False
    node: Info | None = info
    while node is not None:
        if visually_hidden_class(node):
            return False
        if hidden_classes and not hidden_classes.isdisjoint((node.attrs.get("class") or "").split()):
            return False
        node = node.parent
    return True


def _image_available(info: Info) -> bool:
    """An img or image button has a source to show (without one no image is ever completely available)."""
    if info.tag in ("img", "input"):
        return bool((info.attrs.get("src") or "").strip() or (info.attrs.get("srcset") or "").strip())
    return True


def _top_image(info: Info) -> bool:
    """An img, canvas or the outermost svg (not an element inside an svg)."""
    if info.tag == "svg":
        return info.parent is None or not info.parent.in_svg
    return not info.in_svg


def _image_label(info: Info) -> str:
    """How a message names the image: its file name in quotes, or the element (<svg>, <canvas>)."""
    src = (info.attrs.get("src") or "").strip()
    if info.tag in ("img", "input") and src:
        if src.lower().startswith("data:"):
            return '"' + short(src, 30) + '"'
        name = src.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        return '"' + short(name or src, 60) + '"'
    return f"<{info.tag}>"


def _named_by_author_ancestor(page: Page, info: Info) -> bool:
    """An ancestor takes its accessible name from the author (aria-label or aria-labelledby), so the image's own
    name is not what users hear (ACT: "named from author")."""
    node = info.parent
    while node is not None:
        attrs = node.attrs
        if node.role not in _UNNAMED_ROLES and (
            (attrs.get("aria-label") or "").strip()
            or ("aria-labelledby" in attrs and page.labelledby_name(node.el))
        ):
            return True
        node = node.parent
    return False


def _images(page: Page) -> Iterable[tuple[Info, frozenset[str]]]:
    hidden = sheet_hidden_classes(page)
    for info in page.iter(*IMAGE_TAGS):
        if _top_image(info) and _image_available(info):
            yield info, hidden


# ------------------------------------------------------------------ image-alt-descriptive (qt1vmo)


def _certain_problem(name: str) -> str | None:
    """The message key when the name certainly does not describe the image, else None."""
    folded = collapse(name).casefold()
    if _FILE_NAME.match(folded) or _CAMERA_NAME.match(folded):
        return "filename"
    if _DEFAULT_NAME.match(folded):
        return "default-name"
    if folded.strip(" .:-") in _PLACEHOLDER or not any(c.isalnum() for c in folded):
        return "placeholder"
    return None


@check("image-alt-descriptive", formats=("html",))
def image_alt_descriptive(doc: Document, out: Results) -> None:
    """ACT qt1vmo: a visible img, svg or canvas in the accessibility tree with a non-empty accessible name."""
    page = page_of(doc)
    if page is None:
        return
    for info, hidden in _images(page):
        if not info.in_at or not _seen(info, hidden):
            continue
        name = page.name(info.el)
        if not name or _named_by_author_ancestor(page, info):
            continue
        params: dict[str, Any] = {"image": _image_label(info), "name": short(name, 80), "length": len(name)}
        certain = _certain_problem(name)
        if certain is not None:
            out.failed(certain, at(page, info), **params)
            continue
        problem = alt_text_problem(name)
        key = problem if problem in ("generic", "generated", "decorative-words", "too-long") else "review"
        out.cant_tell(key, at(page, info), **params)


# ------------------------------------------------------------------ image-decorative-review (e88epe)


def _ignored_because(page: Page, info: Info) -> str | None:
    """Why assistive technologies skip the image (a key of the rule's [terms.how]), or None when they do not."""
    if info.aria_hidden:
        return "aria-hidden"
    if info.marked_decorative and not info.conflict:
        return "presentation" if info.explicit_role in ("none", "presentation") else "empty-alt"
    if info.prog_hidden:
        return None  # inert: not visible to anybody either
    if info.tag == "svg" and info.role == "graphics-document" and not page.name(info.el):
        return "no-name"
    if info.tag == "canvas" and info.explicit_role is None and not page.name(info.el):
        return "no-name"
    return None


@check("image-decorative-review", formats=("html",))
def image_decorative_review(doc: Document, out: Results) -> None:
    """ACT e88epe: a visible img, svg or canvas that assistive technologies ignore: is it purely decorative?"""
    page = page_of(doc)
    if page is None:
        return
    for info, hidden in _images(page):
        how = _ignored_because(page, info)
        if how is None or not _seen(info, hidden) or _named_by_author_ancestor(page, info):
            continue
        out.cant_tell("review", at(page, info), image=_image_label(info), how=how)


# ------------------------------------------------------------------ image-text-review (0va7u6)


def _tiny(info: Info) -> bool:
    """A width or height attribute of at most one pixel: a tracking pixel, no room for text."""
    for attr in ("width", "height"):
        value = (info.attrs.get(attr) or "").strip().lower().removesuffix("px")
        if value.isdigit() and int(value) <= 1:
            return True
    return False


@check("image-text-review", formats=("html",))
def image_text_review(doc: Document, out: Results) -> None:
    """ACT 0va7u6 for img elements and image buttons: does the visible image hold text?"""
    page = page_of(doc)
    if page is None:
        return
    hidden = sheet_hidden_classes(page)
    for info in page.iter("img", "input"):
        if info.in_svg or not _image_available(info):
            continue
        if info.tag == "input" and (info.attrs.get("type") or "").strip().lower() != "image":
            continue
        if not _seen(info, hidden) or _tiny(info):
            continue
        out.cant_tell("review", at(page, info), image=_image_label(info))


# ------------------------------------------------------------------ title-descriptive (c4a8a4)


@check("title-descriptive", formats=("html",))
def title_descriptive(doc: Document, out: Results) -> None:
    """ACT c4a8a4: the page's first title element (not an svg's), when it has text."""
    page = page_of(doc)
    if page is None:
        return
    first = next((i for i in page.iter("title") if not i.in_svg), None)
    text = page.text(first.el) if first is not None else ""
    if first is not None and text:
        out.cant_tell("review", at(page, first), title=short(text, 100))


# ------------------------------------------------------------------ label-descriptive (cc0f0a)

_NO_LABEL_TEXT = frozenset(
    {"select", "textarea", "datalist", "script", "style", "template", "input", "button"}
)


def _label_text(page: Page, label: Info) -> str:
    """The label's visible text, without the text of a control inside it (a select's options)."""
    parts: list[str] = []
    skip: Any = None  # the element whose subtree is being skipped
    for event, el in etree.iterwalk(label.el, events=("start", "end")):
        if skip is not None:
            if event == "end" and el is skip:
                skip = None
                parts.append(el.tail or "")
            continue
        if event == "start":
            tag = el.tag.lower() if isinstance(el.tag, str) else ""
            info = page.by_el.get(el)
            if el is not label.el and (tag in _NO_LABEL_TEXT or (info is not None and info.not_rendered)):
                skip = el
                continue
            if isinstance(el.tag, str):
                parts.append(el.text or "")
        elif el is not label.el:
            parts.append(el.tail or "")
    return collapse("".join(parts))


def _programmatic_labels(page: Page, info: Info) -> list[Info]:
    """The field's label elements and the elements its aria-labelledby points to."""
    found = list(page.labels_of(info))
    for ident in (info.attrs.get("aria-labelledby") or "").split():
        target = page.by_id(ident)
        if target is not None and target is not info:
            found.append(target)
    return found


@check("label-descriptive", formats=("html",))
def label_descriptive(doc: Document, out: Results) -> None:
    """ACT cc0f0a: every visible programmatic label of a visible form field, once per label."""
    page = page_of(doc)
    if page is None:
        return
    hidden = sheet_hidden_classes(page)
    done: set[int] = set()
    for info in page.with_role(*FIELD_ROLES):
        if not _seen(info, hidden):
            continue
        for label in _programmatic_labels(page, info):
            if label.index in done or not _seen(label, hidden):
                continue
            text = _label_text(page, label)
            if not any(c.isalnum() for c in text):
                continue
            done.add(label.index)
            out.cant_tell("review", at(page, label), label=short(text, 80))


# ------------------------------------------------------------------ heading-descriptive (b49b2e)

_SNIPPET = 60
_LOOK_AHEAD = 400  # elements scanned for the content after a heading


def _text_after(page: Page, heading: Info) -> str:
    """The first perceivable text after the heading in tree order (the text right after it, or the first element
    with text, up to its end), before the next heading; at most ``_SNIPPET`` characters."""
    tail = collapse(heading.el.tail)
    if _has_letters(tail):
        return tail
    parts: list[str] = []
    pending: list[tuple[int, str]] = []  # (last descendant's index, tail) of elements with children
    first_end: int | None = None  # the end of the first element that gave text
    first = -1  # that element's index
    stop = min(len(page.infos), heading.end + 1 + _LOOK_AHEAD)
    for node in page.infos[heading.end + 1 : stop]:
        while pending and pending[-1][0] < node.index:
            parts.append(pending.pop()[1])
        if node.role == "heading" or (first_end is not None and node.index > first_end):
            break
        if len(collapse("".join(parts))) >= _SNIPPET:
            break
        if node.prog_hidden and not node.visible:
            continue  # its tail is text of its parent, which came before it
        own = " " + page.name(node.el) + " " if node.tag in ("img", "input") and node.in_at else node.el.text
        parts.append(own or "")
        if first_end is None and _has_letters(own or ""):
            first_end, first = node.end, node.index
        if node.end > node.index:
            pending.append((node.end, node.el.tail or ""))
        elif first_end is None or (node.index <= first_end and node.index != first):
            parts.append(node.el.tail or "")  # a leaf's tail, unless it follows the first element
    text = collapse("".join(parts))
    return text if _has_letters(text) else ""


@check("heading-descriptive", formats=("html",))
def heading_descriptive(doc: Document, out: Results) -> None:
    """ACT b49b2e: every heading in the accessibility tree with a non-empty accessible name."""
    page = page_of(doc)
    if page is None:
        return
    for info in page.with_role("heading"):
        if not info.in_at:
            continue
        name = page.name(info.el)
        if not name:
            continue
        after = _text_after(page, info)
        if after:
            out.cant_tell("review", at(page, info), heading=short(name, 80), next=short(after, _SNIPPET))
        else:
            out.cant_tell("review-alone", at(page, info), heading=short(name, 80))


# ------------------------------------------------------------------ lang-content-review (ucwvc8, off6ek)

# Function words that are common in running text of one language and rare in the other and in the languages
# close to it (Norwegian and Danish for Swedish; Dutch, German and French for English). Only a hint that puts a
# likely mismatch first in the message; never a verdict.
_SWEDISH_WORDS = frozenset(
    [
        "och",
        "att",
        "är",
        "för",
        "inte",
        "ett",
        "jag",
        "också",
        "från",
        "när",
        "vad",
        "detta",
        "här",
        "där",
        "måste",
        "finns",
        "även",
        "till",
        "hur",
        "ska",
        "mycket",
        "bara",
        "våra",
        "dessa",
        "utan",
    ]
)
_ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "to",
        "that",
        "it",
        "with",
        "are",
        "this",
        "from",
        "or",
        "have",
        "not",
        "but",
        "which",
        "you",
        "they",
        "their",
        "has",
        "were",
        "been",
        "would",
        "there",
        "what",
        "if",
        "more",
        "when",
        "should",
        "your",
        "our",
        "these",
        "those",
        "about",
        "into",
        "only",
        "other",
        "than",
        "who",
    ]
)
_MIN_WORDS = 20  # fewer words give no hint
_SHARE = 0.08  # the function words of the other language make at least this share of the words
_LETTERS = re.compile(r"[^\W\d_]+")


def likely_language(text: str, declared: str) -> str | None:
    """ "sv" or "en" when ``text`` clearly looks Swedish or English and ``declared`` (a primary subtag) is
    another language; None when the text is short or the signal is weak."""
    words = _LETTERS.findall(text.casefold())
    if len(words) < _MIN_WORDS:
        return None
    swedish = sum(1 for w in words if w in _SWEDISH_WORDS)
    english = sum(1 for w in words if w in _ENGLISH_WORDS)
    for code, hits, other in (("en", english, swedish), ("sv", swedish, english)):
        if code != declared and hits >= 3 and hits >= _SHARE * len(words) and other * 5 <= hits:
            return code
    return None


def _has_letters(text: str) -> bool:
    return any(unicodedata.category(c)[0] == "L" for c in text)


def _named_not_from_content(info: Info) -> bool:
    """An element whose accessible name is not its own text: an image, an image button, or one named by
    aria-label or aria-labelledby."""
    attrs = info.attrs
    if "aria-label" in attrs or "aria-labelledby" in attrs:
        return True
    if info.tag in ("img", "area", "svg", "canvas"):
        return True
    return info.tag == "input" and (attrs.get("type") or "").strip().lower() == "image"


def _language_texts(page: Page) -> dict[int, list[str]]:
    """The text that inherits its language from each element with a lang attribute (by the element's index;
    -1 for text under no lang attribute): visible or accessible text nodes, the accessible names that are not
    the element's own text (an image's alt, an aria-label), and the document title."""
    texts: dict[int, list[str]] = {}

    def add(info: Info, text: str) -> None:
        owner = info.lang_el
        key = page.info(owner).index if owner is not None else -1
        texts.setdefault(key, []).append(text)

    for info in page.infos:
        if info.in_at and _named_not_from_content(info):
            add(info, " " + page.name(info.el) + " ")
        if info.not_rendered or info.vis_hidden:
            continue
        el = info.el
        own = [el.text or ""] + [child.tail or "" for child in el]
        add(info, "".join(own))
    title = next((i for i in page.iter("title") if not i.in_svg), None)
    if title is not None:
        add(title, " " + page.text(title.el) + " ")
    return texts


def _language_params(tag: str, text: str) -> tuple[str, dict[str, Any]]:
    """The message's suffix ("" or "-likely") and its parameters for a declared ``tag`` and its text."""
    primary = primary_subtag(tag)
    # a language the rule's [terms.language] lists is named in the reader's language; another in Swedish
    params: dict[str, Any] = {"tag": tag.strip(), "language": primary}
    if primary not in _LISTED_LANGUAGES:
        params["language"] = language_name(primary, "sv")
    likely = likely_language(text, primary)
    if likely is None:
        return "", params
    params["likely"] = likely
    return "-likely", params


# the languages the rule's [terms.language] names in Swedish and English (tests/test_review_rules.py)
_LISTED_LANGUAGES = frozenset(
    [
        "sv",
        "en",
        "fi",
        "se",
        "smj",
        "sma",
        "smn",
        "sms",
        "yi",
        "rom",
        "fit",
        "no",
        "nb",
        "nn",
        "da",
        "is",
        "de",
        "fr",
        "es",
        "it",
        "nl",
        "pt",
        "pl",
        "ru",
        "uk",
        "et",
        "lv",
        "lt",
        "ar",
        "fa",
        "prs",
        "so",
        "ti",
        "am",
        "tr",
        "ku",
        "bs",
        "hr",
        "sr",
        "sq",
        "el",
        "hu",
        "ro",
        "bg",
        "cs",
        "sk",
        "sl",
        "zh",
        "ja",
        "ko",
        "th",
        "vi",
        "hi",
        "ur",
        "la",
    ]
)


def _in_body(info: Info) -> bool:
    return info.tag == "body" or info.ancestor("body") is not None


@check("lang-content-review", formats=("html",))
def lang_content_review(doc: Document, out: Results) -> None:
    """ACT ucwvc8 (the html element's lang and the page's default language) and off6ek (each element in the
    body with a lang attribute and text that inherits its language from it)."""
    page = page_of(doc)
    if page is None:
        return
    texts = _language_texts(page)
    root = page.infos[0] if page.infos else None
    candidates = [i for i in page.having("lang") if i is root or _in_body(i)]
    for info in candidates:
        tag = info.attrs.get("lang") or ""
        if act_lang_status(tag) != LangStatus.OK or (info is root and info.tag != "html"):
            continue
        text = collapse("".join(texts.get(info.index, ())))
        if not _has_letters(text):
            continue
        suffix, params = _language_params(tag, text)
        if info is root:
            out.cant_tell("page" + suffix, at(page, info), **params)
        else:
            out.cant_tell("part" + suffix, at(page, info), text=short(text, 60), **params)
