"""HTML structure rules: list, listitem and avoid-inline-spacing."""

from __future__ import annotations

import re
from typing import cast

import tinycss2

from ..model import Document
from ..readers.native import Info, Page, style_declarations
from ..registry import Results, check
from .html_common import Compound, CompoundIndex, at, offscreen, page_of, short, simple_compound

_LIST_CHILD_OK = frozenset({"li", "script", "template"})


@check("list", formats=("html",))
def list_rule(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in page.iter("ul", "ol"):
        el = info.el
        if el.get("role") is not None or info.prog_hidden or info.in_svg:
            continue
        problem = None
        if el.text and el.text.strip():
            problem = short(el.text, 30)
        items = 0
        items_with_role = 0
        for child in el:
            if child.tail and child.tail.strip() and problem is None:
                problem = short(child.tail, 30)
            if not isinstance(child.tag, str):
                continue
            cinfo = page.info(child)
            if cinfo.not_rendered or cinfo.aria_hidden:
                continue
            if cinfo.tag not in _LIST_CHILD_OK and problem is None:
                problem = f"<{cinfo.tag}>"
            if cinfo.tag == "li":
                items += 1
                if cinfo.explicit_role not in (None, "listitem"):
                    items_with_role += 1
        if problem is None and items and items == items_with_role:
            problem = "role"
        if problem is None:
            out.passed(at(page, info))
        elif problem == "role":
            out.failed("item-roles", at(page, info), element=info.tag)
        else:
            out.failed("content", at(page, info), element=info.tag, child=problem)


@check("listitem", formats=("html",))
def listitem(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in page.iter("li"):
        if info.el.get("role") is not None or info.prog_hidden or info.in_svg:
            continue
        parent = info.parent
        ok = parent is not None and (
            parent.role == "list"
            or (parent.tag in ("ul", "ol", "menu") and parent.explicit_role in (None, "none", "presentation"))
        )
        if ok:
            out.passed(at(page, info))
        else:
            out.failed("orphan", at(page, info), parent=parent.tag if parent is not None else "")


# ---------------------------------------------------------------- avoid-inline-spacing

_LENGTH = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(em|rem|px|pt|%|ex|ch)?$")
MINIMUM = {"letter-spacing": 0.12, "word-spacing": 0.16, "line-height": 1.5}
LONG_TEXT = 120  # characters: text this long certainly wraps on a phone-sized viewport


_KEYWORD_PX = {
    "xx-small": 9.0,
    "x-small": 10.0,
    "small": 13.0,
    "medium": 16.0,
    "large": 18.0,
    "x-large": 24.0,
    "xx-large": 32.0,
    "xxx-large": 48.0,
}
# The user agent style sheet's font sizes (HTML rendering section) in em of the parent. Elements whose size
# depends on the font family (monospace, form controls) or on relative keywords are unknown.
_UA_EM = {"h1": 2.0, "h2": 1.5, "h3": 1.17, "h4": 1.0, "h5": 0.83, "h6": 0.67}
_UA_UNKNOWN = frozenset(
    [
        "small",
        "big",
        "sub",
        "sup",
        "code",
        "kbd",
        "samp",
        "pre",
        "tt",
        "input",
        "select",
        "textarea",
        "button",
    ]
)
_SheetRule = tuple[Compound, str, bool, tuple[int, int, int], int]


def _sheet_font_rules(page: Page) -> list[_SheetRule] | None:
    """The ``font-size`` declarations of the page's ``<style>`` sheets, as (tag, classes, id, value, important,
    specificity, order); None when a style sheet could set font sizes in a way not followed here (an
    external sheet, a ``font`` shorthand, a selector with combinators or pseudo-classes, an @media block)."""
    if any("stylesheet" in (i.attrs.get("rel") or "").lower().split() for i in page.iter("link")) or any(
        "@import" in (i.el.text or "") for i in page.iter("style")
    ):
        return None
    rules: list[_SheetRule] = []
    order = 0
    for style in page.iter("style"):
        text = style.el.text or ""
        if "font" not in text or style.ancestor("template") is not None:
            continue
        if (style.attrs.get("media") or "all").strip().lower() not in ("all", "screen"):
            return None
        for rule in tinycss2.parse_stylesheet(text, skip_whitespace=True, skip_comments=True):
            if rule.type == "at-rule":
                if "font" in tinycss2.serialize(rule.content or []):
                    return None
                continue
            if rule.type != "qualified-rule":
                continue
            decls = [
                d
                for d in tinycss2.parse_declaration_list(
                    rule.content, skip_whitespace=True, skip_comments=True
                )
                if d.type == "declaration" and d.lower_name in ("font-size", "font")
            ]
            if not decls:
                continue
            if any(d.lower_name == "font" for d in decls):
                return None
            for selector in tinycss2.serialize(rule.prelude).split(","):
                compound = simple_compound(selector)
                if compound is None:
                    return None
                tag, classes, ident = compound
                spec = (0 if ident is None else 1, len(classes), 0 if tag is None else 1)
                for d in decls:
                    order += 1
                    value = tinycss2.serialize(d.value).strip().lower()
                    rules.append((compound, value, d.important, spec, order))
    return rules


class FontSizes:
    """Computed ``font-size`` in px from inline styles, the page's simple ``<style>`` rules and the user agent
    defaults (16 px, the heading sizes); None where it cannot be known statically."""

    def __init__(self, page: Page) -> None:
        self.page = page
        rules = _sheet_font_rules(page)
        self.known = rules is not None
        self.index = CompoundIndex([(rule[0], rule) for rule in rules or ()])
        self.cache: dict[int, float | None] = {}

    def root(self) -> float | None:
        html = next(iter(self.page.iter("html")), None)
        return self.of(html) if html is not None else 16.0

    def of(self, info: Info) -> float | None:
        if info.index in self.cache:
            return self.cache[info.index]
        parent = self.of(info.parent) if info.parent is not None else 16.0
        value = self._declared(info)
        size: float | None
        if value is None:
            if info.tag in _UA_EM and not (
                info.tag == "h1" and info.ancestor("article", "aside", "nav", "section")
            ):
                size = parent * _UA_EM[info.tag] if parent is not None else None
            elif info.tag in _UA_UNKNOWN or info.tag == "h1":
                size = None
            else:
                size = parent
        else:
            size = self._resolve(value, parent)
        self.cache[info.index] = size
        return size

    def _declared(self, info: Info) -> str | None:
        """The cascaded font-size value; "?" when unknown."""
        if not self.known:
            return "?"
        best: tuple[bool, int, tuple[int, int, int], int] | None = None
        value = None
        for rule in self.index.matching(info):
            _, val, important, spec, order = cast(_SheetRule, rule)
            key = (important, 0, spec, order)
            if best is None or key > best:
                best, value = key, val
        style = info.attrs.get("style")
        if style and "font" in style.lower():
            for name, val, important in style_declarations(style):
                if name == "font":
                    return "?"
                if name == "font-size":
                    key = (important, 1, (0, 0, 0), 0)
                    if best is None or key > best:
                        best, value = key, val
        return value

    def _resolve(self, value: str, parent: float | None) -> float | None:
        if value in _KEYWORD_PX:
            return _KEYWORD_PX[value]
        if value == "inherit":
            return parent
        if value == "initial":
            return 16.0
        m = _LENGTH.match(value)
        if not m:
            return None
        number, unit = float(m.group(1)), m.group(2)
        if unit == "px":
            return number
        if unit == "pt":
            return number * 4 / 3
        if unit in ("em", "%"):
            return None if parent is None else parent * (number / 100 if unit == "%" else number)
        if unit == "rem":
            root = self.root()
            return None if root is None else root * number
        return None


def _ratio(prop: str, value: str, font_px: float | None, root_px: float | None = None) -> float | None:
    """The value as a multiple of the font size; None when it cannot be known statically."""
    if value in ("normal", "initial"):
        return 0.0 if prop != "line-height" else 1.2
    m = _LENGTH.match(value)
    if not m:
        return None
    number, unit = float(m.group(1)), m.group(2)
    if unit == "em":
        return number
    if unit is None:
        return number if prop == "line-height" or number == 0 else None
    if unit == "%":
        return number / 100 if prop == "line-height" else None
    if unit in ("px", "pt") and font_px:
        return number * (4 / 3 if unit == "pt" else 1) / font_px
    if unit == "rem" and font_px and root_px:
        return number * root_px / font_px
    return None


def _narrow(decls: tuple[tuple[str, str, bool], ...], text: str, font_px: float | None) -> bool:
    """The element's inline width is clearly smaller than its text, so the text wraps (about 0.45 em per
    character, 16 px when the font size is not given)."""
    size = font_px or 16.0
    for name, value, _ in decls:
        if name in ("width", "max-width"):
            m = _LENGTH.match(value)
            if not m or m.group(2) not in ("px", "em", "rem"):
                continue
            width = float(m.group(1)) * (size if m.group(2) in ("em", "rem") else 1)
            if width < len(text) * 0.45 * size:
                return True
    return False


def _own_text(info: Info) -> str:
    el = info.el
    parts = [el.text or ""] + [c.tail or "" for c in el]
    return " ".join(" ".join(parts).split())


@check("avoid-inline-spacing", formats=("html",))
def avoid_inline_spacing(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    fonts = FontSizes(page)
    for info in page.having("style"):
        style = info.el.get("style")
        if not style or "important" not in style.lower() or not info.visible:
            continue
        decls = style_declarations(style)
        text = _own_text(info)
        if not text or offscreen(info):
            continue
        font_px = fonts.of(info)
        for prop, minimum in MINIMUM.items():
            chosen = None
            for name, value, important in decls:
                if name == prop and (important or chosen is None or not chosen[1]):
                    chosen = (value, important)
            if chosen is None or not chosen[1]:
                continue
            value = chosen[0]
            if value in ("inherit", "unset"):
                continue  # the computed value is the parent's, which is not important (these properties inherit)
            ratio = _ratio(prop, value, font_px, fonts.root() if "rem" in value else None)
            where = at(page, info)
            if ratio is None:
                out.cant_tell("unknown", where, property=prop, value=value)
            elif ratio >= minimum - 1e-9:
                out.passed(where)
            elif prop == "line-height" and len(text) < LONG_TEXT and not _narrow(decls, text, font_px):
                out.cant_tell("line-height-short", where, property=prop, value=value, minimum=minimum)
            else:
                out.failed("tight", where, property=prop, value=value, minimum=minimum)
