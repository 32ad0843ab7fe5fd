"""Helpers shared by the HTML checks (no checks registered here)."""

from __future__ import annotations

import re

from ..model import Document, Location
from ..readers.native import Info, Page, style_declarations

__all__ = ["at", "offscreen", "page_of", "short", "visually_hidden_class"]

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
