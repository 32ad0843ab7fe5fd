"""Word checks: fake headings, typed lists, empty paragraphs and blanks for layout, floating objects.

The paragraph rules read ``doc.native`` as a ``TextInfo`` (the paragraph list with effective style, heading level,
list membership, bold and size decided by the reader): a Word ``DocxNative``, or the Writer model the OpenDocument
reader builds, so the Writer rules (``checks/odt_text.py``) share this logic. The floating-object rule is Word's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Document, Location
from ..readers.docx import DocxNative
from ..readers.native import Para, TextInfo
from ..registry import Results, check

__all__ = ["empty_paragraphs", "fake_heading", "list_marker", "manual_list"]

BODY = Location(part="body")
MAX_FAKE_WORDS = 12
MAX_FAKE_CHARS = 100
SIZE_STEP = 2.0  # pt above body text that makes a line look like a heading

# Word's and LibreOffice's (English internal) names of styles that are not headings, and of index entries.
_NOT_HEADING_STYLES = re.compile(
    r"^(title|subtitle|caption|toc\s*\d|toc heading|table of figures|header|footer|footnote text|endnote text|"
    r"rubrik|underrubrik|beskrivning|innehållsförteckning.*|quote|intense quote|citat|starkt citat|"
    r"contents\s*\d+|contents heading|(user |alphabetical |illustration |object |table |bibliography )?index "
    r"heading|quotations|figure|illustration|drawing|signature|(header|footer)( left| right)?|endnote|footnote)$"
)
_TOC_STYLE = re.compile(r"^(toc\s*\d|table of figures|innehåll\s*\d|contents\s*\d+|(user )?index\s*\d+)$")

_BULLETS = "-–—•·*▪■►◦○●◆◇✓✔➢➤→o\uf0b7\uf0a7\uf0d8\uf076\uf0fc\uf06e\uf0a8"
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bullet", re.compile(r"^[%s]\s" % re.escape(_BULLETS))),
    ("bullet", re.compile(r"^[\ue000-\uf8ff]\s?")),
    ("number", re.compile(r"^(\d{1,3}[.)]|\(\d{1,3}\))\s")),
    ("letter", re.compile(r"^([a-zA-Z]|[ivxIVX]{2,4})[.)]\s|^\(([a-zA-Z]|[ivxIVX]{2,4})\)\s")),
)
_SPACES = re.compile(r"\S([ \u00a0]{3,})(?=\S)")
_TABS = re.compile(r"\S((?:[ \u00a0]*\t){2,})[ \u00a0]*(?=\S)")


def _native(doc: Document) -> TextInfo | None:
    return doc.native if isinstance(doc.native, TextInfo) else None


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _adjacent(a: Para, b: Para) -> bool:
    return a.part == b.part and a.container == b.container and b.pos == a.pos + 1


def _runs(paras: list[Para], member: object) -> Iterator[list[Para]]:
    """Maximal runs of adjacent paragraphs for which ``member(p)`` gives the same non-None key."""
    run: list[Para] = []
    key = None
    for p in paras:
        k = member(p)  # type: ignore[operator]
        if k is not None and run and k == key and _adjacent(run[-1], p):
            run.append(p)
            continue
        if len(run) >= 2:
            yield run
        run, key = ([p], k) if k is not None else ([], None)
    if len(run) >= 2:
        yield run


# ------------------------------------------------------------------------------------------------ fake heading


def _looks_like_heading(p: Para, native: TextInfo) -> str | None:
    """'bold', 'large' or 'bold-large' (the message key) when the paragraph is formatted like a heading; else None."""
    if p.in_table or p.in_textbox or p.heading is not None or p.list_item or p.frame:
        return None
    if _NOT_HEADING_STYLES.match(p.style_name):
        return None
    text = " ".join(p.text.split())
    if not text or len(text) > MAX_FAKE_CHARS or len(text.split()) > MAX_FAKE_WORDS:
        return None
    if text.endswith((".", ",", ";")) or not any(c.isalpha() for c in text):
        return None
    how = []
    if p.bold and not native.body_bold:
        how.append("bold")
    if p.size is not None and native.body_size is not None and p.size >= native.body_size + SIZE_STEP:
        how.append("large")
    return "-".join(how) or None


@check("docx-fake-heading")
def fake_heading(doc: Document, out: Results) -> None:
    native = _native(doc)
    if native is None:
        return
    body = [p for p in native.body() if not p.in_textbox]
    found = False
    nonempty = [p for p in body if p.text.strip()]
    for i, p in enumerate(nonempty):
        how = _looks_like_heading(p, native)
        if how is None or i + 1 >= len(nonempty):
            continue
        nxt = nonempty[i + 1]
        if nxt.heading is not None or nxt.container != p.container:
            continue
        found = True
        out.failed(how, p.location, paragraph=p.index, text=_short(p.text), style=p.style_name or "normal")
    if not found and nonempty:
        out.passed(BODY)


# ------------------------------------------------------------------------------------------------ manual list


def list_marker(text: str, sym_bullet: bool = False) -> str | None:
    """The marker family a typed list item starts with: 'bullet', 'number', 'letter'; None for ordinary text."""
    stripped = text.lstrip()
    if not stripped:
        return None
    if sym_bullet:
        return "bullet"
    for family, pattern in _MARKERS:
        if pattern.match(stripped):
            return family
    return None


@check("docx-manual-list")
def manual_list(doc: Document, out: Results) -> None:
    native = _native(doc)
    if native is None:
        return
    body = native.body()

    def member(p: Para) -> str | None:
        if p.list_item or p.heading is not None or _TOC_STYLE.match(p.style_name):
            return None
        return list_marker(p.text, p.sym_bullet)

    found = False
    for run in _runs(body, member):
        found = True
        out.failed(
            "manual",
            run[0].location,
            paragraph=run[0].index,
            last=run[-1].index,
            count=len(run),
            text=_short(run[0].text),
        )
    if not found and any(p.text.strip() for p in body):
        out.passed(BODY)


# ------------------------------------------------------------------------------------------------ empty paragraphs


def _is_layout_empty(p: Para) -> bool:
    return (
        not p.in_table
        and not p.in_textbox
        and not p.text.strip()
        and not p.has_object
        and not p.page_break
        and not p.section_break
        and not p.after_table
        and not p.frame
    )


@check("docx-empty-paragraphs")
def empty_paragraphs(doc: Document, out: Results) -> None:
    native = _native(doc)
    if native is None:
        return
    body = native.body()
    found = False
    for run in _runs(body, lambda p: True if _is_layout_empty(p) else None):
        found = True
        out.failed("empty", run[0].location, paragraph=run[0].index, count=len(run))
    for p in body:
        if not p.text.strip() or _TOC_STYLE.match(p.style_name):
            continue
        tabs = _TABS.search(p.text)
        spaces = _SPACES.search(p.text)
        if tabs:
            found = True
            count = tabs.group(1).count("\t")
            out.failed("tabs", p.location, paragraph=p.index, count=count, text=_short(p.text))
        elif spaces:
            found = True
            out.failed(
                "spaces", p.location, paragraph=p.index, count=len(spaces.group(1)), text=_short(p.text)
            )
    if not found and body:
        out.passed(BODY)


# ------------------------------------------------------------------------------------------------ floating objects

_FLOAT_KEY = {"picture": "picture", "textbox": "textbox", "frame": "frame"}


@check("docx-floating-object")
def floating_object(doc: Document, out: Results) -> None:
    native = doc.native
    if not isinstance(native, DocxNative):
        return
    for obj in native.floating:
        if (obj.location.part or "").startswith(("header", "footer")):
            # A text box with text in a header or footer is outside the reading order altogether: screen
            # readers skip headers and footers, and Word's PDF export makes them artifacts. Logos and other
            # pictures there are image-alt's business.
            if obj.kind == "textbox" and obj.text:
                out.failed("in-header", obj.location, name=obj.name or "", text=_short(obj.text))
            continue
        if obj.location.part != "body":
            continue
        out.cant_tell(
            _FLOAT_KEY.get(obj.kind, "object"),
            obj.location,
            name=obj.name or "",
            paragraph=obj.location.paragraph or "",
        )
    for location in native.inline_objects:
        if location.part == "body":
            out.passed(location)
