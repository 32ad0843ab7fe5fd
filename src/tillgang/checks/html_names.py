"""HTML rules about accessible names: images, buttons, form fields, frames, headings, menu items."""

from __future__ import annotations

import re
import unicodedata

from ..model import Document
from ..readers.native import BLOCK_TAGS, Info, Page, style_declarations
from ..registry import Results, check
from .html_common import (
    at,
    generated_text_elements,
    generated_text_targets,
    may_get_generated_text,
    page_of,
    sheet_hidden_classes,
    short,
    visually_hidden_class,
)

IMAGE_ROLES = frozenset({"img", "graphics-document", "graphics-symbol"})
_IMAGE_EXT = frozenset(
    ["png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "tif", "tiff", "avif", "ico", "apng"]
)
_AUDIO_EXT = frozenset(["mp3", "wav", "ogg", "oga", "m4a", "aac", "flac", "opus", "weba"])
_VIDEO_EXT = frozenset(["mp4", "webm", "ogv", "mov", "avi", "mkv", "m4v", "mpg", "mpeg", "wmv"])


def _input_type(info: Info) -> str:
    return (info.el.get("type") or "text").strip().lower()


def _describe(page: Page, info: Info) -> str:
    el = info.el
    for attr in ("id", "name", "src", "href", "data"):
        value = el.get(attr)
        if value:
            return short(f"{info.tag} {attr}={value}", 60)
    return info.tag


def _judge_name(
    page: Page, info: Info, out: Results, name: str, code: str = "missing", **params: str
) -> None:
    """An element that needs an accessible name: passed with one, else failed with ``code``, naming it."""
    if name:
        out.passed(at(page, info))
    else:
        out.failed(code, at(page, info), element=_describe(page, info), **params)


@check("input-image-alt", formats=("html",))
def input_image_alt(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in page.iter("input"):
        if _input_type(info) != "image" or info.prog_hidden:
            continue
        el = info.el
        name = page.labelledby_name(el) or (el.get("aria-label") or "").strip()
        name = name or (el.get("alt") or "").strip() or (el.get("title") or "").strip()
        _judge_name(page, info, out, name)


@check("area-alt", formats=("html",))
def area_alt(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in page.iter("area"):
        if info.el.get("href") is None or info.aria_hidden or info.inert:
            continue
        if info.ancestor("map") is None:
            continue
        _judge_name(page, info, out, page.name(info.el))


@check("svg-img-alt", formats=("html",))
def svg_img_alt(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in page.having("role"):
        if not info.in_svg or info.explicit_role not in IMAGE_ROLES or info.prog_hidden:
            continue
        if info.role != info.explicit_role:
            continue
        _judge_name(page, info, out, page.name(info.el))


@check("role-img-alt", formats=("html",))
def role_img_alt(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in page.having("role"):
        if info.explicit_role != "img" or info.in_svg or info.tag in ("img", "area", "input", "object"):
            continue
        if info.prog_hidden:
            continue
        _judge_name(page, info, out, page.name(info.el))


def _object_kind(info: Info) -> str | None:
    """'media' (image, audio, video), 'other' (PDF, HTML ...) or None (cannot tell statically)."""
    mime = (info.el.get("type") or "").strip().lower()
    if mime:
        if mime.split("/")[0] in ("image", "audio", "video"):
            return "media"
        return "other"
    data = (info.el.get("data") or "").split("?")[0].split("#")[0]
    ext = data.rsplit(".", 1)[-1].lower() if "." in data.rsplit("/", 1)[-1] else ""
    if ext in _IMAGE_EXT or ext in _AUDIO_EXT or ext in _VIDEO_EXT:
        return "media"
    if ext:
        return "other"
    return None


@check("object-alt", formats=("html",))
def object_alt(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in page.iter("object"):
        el = info.el
        if el.get("data") is None or info.explicit_role is not None or info.prog_hidden:
            continue
        if info.ancestor("object") is not None:
            continue
        kind = _object_kind(info)
        if kind == "other":
            continue
        name = (
            page.labelledby_name(el)
            or (el.get("aria-label") or "").strip()
            or (el.get("title") or "").strip()
        )
        if name:
            out.passed(at(page, info))
        elif kind is None:
            out.cant_tell("unknown-type", at(page, info), element=_describe(page, info))
        else:
            out.failed("missing", at(page, info), element=_describe(page, info))


@check("button-name", formats=("html",))
def button_name(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in page.with_role("button"):
        if not info.in_at:
            continue
        if info.tag == "input" and _input_type(info) == "image":
            continue  # input-image-alt
        _judge_name(page, info, out, page.name(info.el))


@check("aria-command-name", formats=("html",))
def aria_command_name(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in page.with_role("menuitem"):
        if not info.in_at:
            continue
        _judge_name(page, info, out, page.name(info.el))


_NOT_FIELDS = frozenset({"hidden", "image", "button", "submit", "reset"})
FIELD_ROLES = frozenset(
    [
        "checkbox",
        "combobox",
        "listbox",
        "menuitemcheckbox",
        "menuitemradio",
        "radio",
        "searchbox",
        "slider",
        "spinbutton",
        "switch",
        "textbox",
    ]
)


@check("label", formats=("html",))
def label(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in page.iter("input", "textarea"):
        if info.tag == "input" and _input_type(info) in _NOT_FIELDS:
            continue
        if info.prog_hidden or info.role in ("none", "presentation"):
            continue
        _judge_name(page, info, out, page.name(info.el))


@check("select-name", formats=("html",))
def select_name(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in page.iter("select"):
        if info.prog_hidden or info.role in ("none", "presentation"):
            continue  # not in the accessibility tree (a disabled select with role=none keeps role none)
        el = info.el
        name = page.labelledby_name(el) or (el.get("aria-label") or "").strip()
        name = name or page.native_name(info, {el}, False).strip() or (el.get("title") or "").strip()
        _judge_name(page, info, out, name)


@check("aria-input-field-name", formats=("html",))
def aria_input_field_name(doc: Document, out: Results) -> None:
    """Fields made with ARIA roles (the native input, textarea and select are label and select-name)."""
    page = page_of(doc)
    if page is None:
        return
    for info in page.with_role(*FIELD_ROLES):
        if not info.in_at or info.tag in ("input", "textarea", "select"):
            continue
        _judge_name(page, info, out, page.name(info.el), role=info.role or "")


@check("frame-title", formats=("html",))
def frame_title(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in page.iter("iframe", "frame"):
        if not info.in_at or info.explicit_role in ("none", "presentation"):
            continue
        tabindex = info.el.get("tabindex")
        if tabindex is not None and tabindex.strip().startswith("-") and tabindex.strip()[1:2].isdigit():
            continue
        _judge_name(page, info, out, page.name(info.el))


@check("empty-heading", formats=("html",))
def empty_heading(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    generated: list[set[int] | None] = []  # computed once, for the first empty heading
    for info in page.with_role("heading"):
        if not info.in_at:
            continue
        name = page.name(info.el)
        if not name:
            if not generated:
                generated.append(generated_text_elements(page, generated_text_targets(page)))
            if may_get_generated_text(page, info, generated[0]):
                # accname adds CSS generated text (::before/::after content) to a name from content
                out.cant_tell("generated", at(page, info), element=_describe(page, info))
                continue
        _judge_name(page, info, out, name, "empty")


# ---------------------------------------------------------------- label-content-name-mismatch

NAME_FROM_CONTENT_WIDGETS = frozenset(
    [
        "button",
        "checkbox",
        "gridcell",
        "link",
        "menuitem",
        "menuitemcheckbox",
        "menuitemradio",
        "option",
        "radio",
        "switch",
        "tab",
        "treeitem",
    ]
)
_PARENTHESES = re.compile(r"\([^()]*\)")
_ICON_CLASS = re.compile(r"(^|[-_])(icon|icons|material|glyph|glyphicon|fa|fas|far|fab|symbol)([-_]|$)")


def _inline(info: Info) -> bool:
    style = info.attrs.get("style")
    if not style or "display" not in style:
        return info.tag not in BLOCK_TAGS
    value = next((v for n, v, _ in style_declarations(style) if n == "display"), "")
    return value.startswith("inline") or (not value and info.tag not in BLOCK_TAGS)


def visible_text(page: Page, info: Info, hidden_classes: frozenset[str] = frozenset()) -> str:
    """The text a sighted user sees in the element (ACT "visible inner text"): rendered, not in an "sr-only"
    style class nor in a class that the page's style sheet hides visually (``hidden_classes``)."""
    parts: list[str] = []

    def walk(node: Info) -> None:
        el = node.el
        if el.text:
            parts.append(el.text)
        for child in el:
            if isinstance(child.tag, str):
                c = page.info(child)
                if (
                    c.visible
                    and not visually_hidden_class(c)
                    and (
                        not hidden_classes or hidden_classes.isdisjoint((c.attrs.get("class") or "").split())
                    )
                    and c.tag not in ("script", "style", "template")
                ):
                    block = not _inline(c)
                    parts.append(" " if block else "")
                    walk(c)
                    parts.append(" " if block else "")
                elif not c.not_rendered and c.tag not in ("script", "style", "template"):
                    parts.append(" ")  # rendered but not visible: a space (ACT "visible inner text")
            if child.tail:
                parts.append(child.tail)

    walk(info)
    return "".join(parts)


def _words(text: str, join_dashes: bool = False) -> list[str]:
    """ACT's label in name tokenizer: drop round-bracketed text, case-fold, NFKD, keep only Unicode letters (L)
    and numbers (N), split on the rest. ``join_dashes`` removes dashes (Pd) instead of splitting on them, to
    find words that differ only in hyphenation (which the rule's applicability leaves out)."""
    while True:
        stripped = _PARENTHESES.sub(" ", text)
        if stripped == text:
            break
        text = stripped
    if join_dashes:
        text = "".join(c for c in text if unicodedata.category(c) != "Pd")
    folded = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(c if unicodedata.category(c)[0] in "LN" else " " for c in folded)
    return kept.split()


def _icon_font(page: Page, info: Info) -> bool:
    """The text may be drawn as an icon by a symbol font: an icon-font class on the element, an ancestor or a
    descendant, or a style sheet on the page that loads or names an icon font."""
    nodes = page.subtree(info)
    p = info.parent
    while p is not None:
        nodes = [*nodes, p]
        p = p.parent
    for node in nodes:
        for token in (node.attrs.get("class") or "").lower().split():
            if _ICON_CLASS.search(token):
                return True
        style = (node.attrs.get("style") or "").lower()
        if "font-family" in style and ("icon" in style or "symbol" in style):
            return True
    for link in page.iter("link"):
        href = (link.attrs.get("href") or "").lower()
        if "icon" in href or "awesome" in href or "symbol" in href:
            return True
    for sheet in page.iter("style"):
        css = "".join(sheet.el.itertext()).lower()
        if "font-family" in css and ("icon" in css or "symbol" in css or "awesome" in css):
            return True
    return False


def _contains(label: list[str], words: list[str]) -> bool:
    n = len(words)
    return any(label[i : i + n] == words for i in range(len(label) - n + 1))


@check("label-content-name-mismatch", formats=("html",))
def label_content_name_mismatch(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    hidden_classes: frozenset[str] | None = None
    for info in page.with_role(*NAME_FROM_CONTENT_WIDGETS):
        attrs = info.attrs
        if not info.in_at or not (attrs.get("aria-label") or attrs.get("aria-labelledby")):
            continue
        if hidden_classes is None:
            hidden_classes = sheet_hidden_classes(page)
        text = visible_text(page, info, hidden_classes)
        words = _words(text)
        if not words:
            if text.strip():
                out.passed(at(page, info))  # only symbols: the empty label is contained in any name
            continue
        name = page.name(info.el)
        if _contains(_words(name), words):
            out.passed(at(page, info))
        elif _contains(_words(name, join_dashes=True), _words(text, join_dashes=True)):
            continue  # a word hyphenated differently in the label and the name: out of the rule's scope
        elif (len(words) == 1 and len(words[0]) == 1 and words[0].isalpha()) or (
            len(words) == 1 and _icon_font(page, info)
        ):
            # a single letter ("X", "i") is usually an icon, and a word in a symbol font ("search" in Material
            # Icons) is drawn as one: non-text content, which need not be in the name. A person decides.
            out.cant_tell("symbol", at(page, info), text=short(text, 60), name=short(name, 60))
        elif re.search(r"\w\.(\s|$)", text):
            out.cant_tell("abbreviation", at(page, info), text=short(text, 60), name=short(name, 60))
        else:
            out.failed("mismatch", at(page, info), text=short(text, 60), name=short(name, 60))
