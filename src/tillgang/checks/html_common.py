"""Helpers shared by the HTML checks (no checks registered here)."""

from __future__ import annotations

import re
import unicodedata

import tinycss2

from ..model import Document, Location
from ..readers.native import Info, Page, style_declarations

__all__ = [
    "Compound",
    "CompoundIndex",
    "GeneratedTarget",
    "at",
    "compound_matches",
    "generated_text_elements",
    "generated_text_targets",
    "may_get_generated_text",
    "offscreen",
    "page_of",
    "sheet_hidden_classes",
    "short",
    "simple_compound",
    "visually_hidden_class",
]

_FAR = re.compile(r"^-(\d+\.?\d*)(px|em|rem|vw|vh|%)?$")
# The class names of the common "visually hidden" idiom (Bootstrap, WordPress, Drupal, ...): the element stays
# in the accessibility tree but is not seen.
_VISUALLY_HIDDEN = frozenset(
    {
        "sr-only",
        "visually-hidden",
        "visuallyhidden",
        "screen-reader-text",
        "element-invisible",
        "off-screen",
        "offscreen",
    }
)


def page_of(doc: Document) -> Page | None:
    """The parsed HTML page, or None for other formats (and for standalone SVG/XML documents)."""
    native = doc.native
    if doc.format == "html" and isinstance(native, Page):
        return native
    return None


def at(page: Page, info: Info) -> Location:
    return page.location(info.el)


def short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def visually_hidden_class(info: Info) -> bool:
    """The element has a "visually hidden" class of its own (sr-only, visually-hidden, ...)."""
    return not _VISUALLY_HIDDEN.isdisjoint((info.attrs.get("class") or "").lower().split())


def _far_negative(value: str) -> bool:
    m = _FAR.match(value)
    if not m:
        return False
    number, unit = float(m.group(1)), m.group(2) or "px"
    limit = {"px": 500.0, "em": 30.0, "rem": 30.0, "vw": 90.0, "vh": 90.0, "%": 90.0}[unit]
    return number >= limit


def offscreen(info: Info) -> bool:
    """Positioned far outside the viewport by an inline style on it or an ancestor (the "sr-only" and
    focus-sentinel patterns): in the accessibility tree, but not visible."""
    node: Info | None = info
    while node is not None:
        style = node.el.get("style")
        if style and ("top" in style or "left" in style):
            decls = {name: value for name, value, _ in style_declarations(style)}
            if decls.get("position") in ("absolute", "fixed") and (
                _far_negative(decls.get("top", "")) or _far_negative(decls.get("left", ""))
            ):
                return True
        node = node.parent
    return False


_COMPOUND = re.compile(r"^(\*|[a-z][a-z0-9-]*)?((?:[.#][\w-]+)*)$", re.I)
_PSEUDO_TEXT = re.compile(r"::?(before|after)\s*$", re.I)
# A compound selector of a type and classes/ids only: (tag or None for any, classes, id or None)
Compound = tuple[str | None, frozenset[str], str | None]
# the last compound selector of a ::before/::after rule; None matches any element
GeneratedTarget = Compound | None


def simple_compound(selector: str) -> Compound | None:
    """Parse a compound selector made only of a type (or ``*``), classes and ids; None for anything else
    (combinators, attributes, pseudo-classes) and for an empty selector."""
    selector = selector.strip()
    m = _COMPOUND.match(selector)
    if not m or not selector:
        return None
    tag = (m.group(1) or "*").lower()
    parts = re.findall(r"[.#][\w-]+", m.group(2))
    ids = [p[1:] for p in parts if p[0] == "#"]
    return (
        None if tag == "*" else tag,
        frozenset(p[1:] for p in parts if p[0] == "."),
        ids[0] if ids else None,
    )


def compound_matches(compound: Compound, info: Info) -> bool:
    tag, classes, ident = compound
    return (
        (tag is None or tag == info.tag)
        and classes <= frozenset((info.attrs.get("class") or "").split())
        and (ident is None or ident == info.attrs.get("id"))
    )


def _textual(value: list[object]) -> bool:
    """A ``content`` value with a string holding a letter or digit (icon-font glyphs are private-use
    characters, not text)."""
    return any(
        getattr(token, "type", None) == "string"
        and any(unicodedata.category(c)[0] in "LN" for c in getattr(token, "value", ""))
        for token in value
    )


def generated_text_targets(page: Page) -> list[GeneratedTarget]:
    """The elements the page's ``<style>`` sheets give generated text (``::before``/``::after`` with a textual
    ``content``), which accname adds to names from content (step 2F.ii). Only the last compound selector is
    read, so a target may match more elements than the rule does; never fewer."""
    found: list[GeneratedTarget] = []
    for style in page.iter("style"):
        text = style.el.text or ""
        if "content" not in text or ("before" not in text and "after" not in text):
            continue
        for rule in tinycss2.parse_stylesheet(text, skip_whitespace=True, skip_comments=True):
            if rule.type != "qualified-rule":
                continue
            decls = tinycss2.parse_declaration_list(rule.content, skip_whitespace=True, skip_comments=True)
            if not any(
                d.type == "declaration" and d.lower_name == "content" and _textual(d.value) for d in decls
            ):
                continue
            for selector in tinycss2.serialize(rule.prelude).split(","):
                m = _PSEUDO_TEXT.search(selector)
                if m is None:
                    continue
                last = re.split(r"[\s>+~]+", selector[: m.start()].strip())[-1]
                found.append(simple_compound(last))  # None (any element) when not a simple compound
    return found


class CompoundIndex:
    """Compound selectors indexed by id, class and tag, so that finding the ones an element matches does not
    scan them all (pages with thousands of style rules)."""

    def __init__(self, compounds: list[tuple[Compound, object]]) -> None:
        self.by_id: dict[str, list[tuple[Compound, object]]] = {}
        self.by_class: dict[str, list[tuple[Compound, object]]] = {}
        self.by_tag: dict[str | None, list[tuple[Compound, object]]] = {}
        for item in compounds:
            tag, classes, ident = item[0]
            if ident is not None:
                self.by_id.setdefault(ident, []).append(item)
            elif classes:
                self.by_class.setdefault(min(classes), []).append(item)
            else:
                self.by_tag.setdefault(tag, []).append(item)

    def matching(self, info: Info) -> list[object]:
        """The payloads of the compounds that match ``info``."""
        attrs = info.attrs
        candidates = list(self.by_tag.get(None, ())) + list(self.by_tag.get(info.tag, ()))
        ident = attrs.get("id")
        if ident:
            candidates.extend(self.by_id.get(ident, ()))
        for cls in set((attrs.get("class") or "").split()):
            candidates.extend(self.by_class.get(cls, ()))
        return [payload for compound, payload in candidates if compound_matches(compound, info)]


def generated_text_elements(page: Page, targets: list[GeneratedTarget]) -> set[int] | None:
    """Indexes of the rendered elements that some target may give generated text; None when a target matches
    any element."""
    if None in targets:
        return None
    index = CompoundIndex([(t, True) for t in targets if t is not None])
    return {i.index for i in page.infos if not i.prog_hidden and index.matching(i)}


def may_get_generated_text(page: Page, info: Info, elements: set[int] | None) -> bool:
    """Some rendered element of ``info``'s subtree may get generated text (``elements`` from
    ``generated_text_elements``; None: any element may)."""
    if elements is None:
        return True
    return bool(elements) and any(node.index in elements for node in page.subtree(info))


_CLASS_SELECTOR = re.compile(r"^[a-z0-9-]*\.([\w-]+)$", re.I)


def _hides_visually(decls: dict[str, str]) -> bool:
    """Declarations of the "visually hidden" idiom: taken out of the flow and clipped to nothing, shrunk to a
    pixel, or moved far off-screen. The element stays in the accessibility tree but is not seen."""
    if decls.get("position") not in ("absolute", "fixed"):
        return False
    clip = decls.get("clip", "") + " " + decls.get("clip-path", "")
    if "rect(0" in clip.replace(" ", "") or "inset(50%" in clip.replace(" ", ""):
        return True
    tiny = all(decls.get(side, "").replace(" ", "") in ("1px", "0", "0px") for side in ("width", "height"))
    if tiny and decls.get("overflow") == "hidden":
        return True
    return _far_negative(decls.get("left", "")) or _far_negative(decls.get("top", ""))


def sheet_hidden_classes(page: Page) -> frozenset[str]:
    """Class names that a ``<style>`` rule of the page (a single class selector, optionally with a tag) hides
    visually with the "visually hidden" idiom."""
    found: set[str] = set()
    for style in page.iter("style"):
        text = style.el.text or ""
        if "position" not in text:
            continue
        for rule in tinycss2.parse_stylesheet(text, skip_whitespace=True, skip_comments=True):
            if rule.type != "qualified-rule":
                continue
            decls = {
                d.lower_name: tinycss2.serialize(d.value).strip().lower()
                for d in tinycss2.parse_declaration_list(
                    rule.content, skip_whitespace=True, skip_comments=True
                )
                if d.type == "declaration"
            }
            if not _hides_visually(decls):
                continue
            for selector in tinycss2.serialize(rule.prelude).split(","):
                m = _CLASS_SELECTOR.match(selector.strip())
                if m:
                    found.add(m.group(1))
    return frozenset(found)
