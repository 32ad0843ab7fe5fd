"""HTML structure rules: list, listitem and avoid-inline-spacing."""

from __future__ import annotations

import re

from ..model import Document
from ..readers.native import Info, style_declarations
from ..registry import Results, check
from .html_common import at, offscreen, page_of, short

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


def _font_size_px(decls: tuple[tuple[str, str, bool], ...]) -> float | None:
    size = None
    for name, value, _ in decls:
        if name == "font-size":
            m = _LENGTH.match(value)
            if m and m.group(2) in ("px", "pt"):
                size = float(m.group(1)) * (4 / 3 if m.group(2) == "pt" else 1)
            else:
                size = None
    return size


def _ratio(prop: str, value: str, font_px: float | None) -> float | None:
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
    for info in page.having("style"):
        style = info.el.get("style")
        if not style or "important" not in style.lower() or not info.visible:
            continue
        decls = style_declarations(style)
        text = _own_text(info)
        if not text or offscreen(info):
            continue
        font_px = _font_size_px(decls)
        for prop, minimum in MINIMUM.items():
            chosen = None
            for name, value, important in decls:
                if name == prop and (important or chosen is None or not chosen[1]):
                    chosen = (value, important)
            if chosen is None or not chosen[1]:
                continue
            value = chosen[0]
            ratio = _ratio(prop, value, font_px)
            where = at(page, info)
            if ratio is None:
                out.cant_tell("unknown", where, property=prop, value=value)
            elif ratio >= minimum - 1e-9:
                out.passed(where)
            elif prop == "line-height" and len(text) < LONG_TEXT and not _narrow(decls, text, font_px):
                out.cant_tell("line-height-short", where, property=prop, value=value, minimum=minimum)
            else:
                out.failed("tight", where, property=prop, value=value, minimum=minimum)
