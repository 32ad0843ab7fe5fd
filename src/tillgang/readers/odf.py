"""OpenDocument reader (.odt, .odp, .ods; ODF 1.2/1.3 part 3): zipfile + lxml into the neutral ``Document``.

- Title and language: ``meta.xml`` ``dc:title``; the default style's ``fo:language``/``fo:country`` (or
  ``style:rfc-language-tag``) in ``styles.xml``, else ``meta.xml`` ``dc:language``.
- Headings: ``text:h`` with ``text:outline-level``, and ``text:p`` whose paragraph style (through its parents)
  has ``style:default-outline-level``.
- Images: ``draw:frame`` holding ``draw:image`` or ``draw:object`` (charts, OLE); the text alternative is the
  frame's ``svg:desc``, else ``svg:title``; LibreOffice's Decorative box is ``loext:decorative="true"``.
- Tables: ``table:table``; a header row is ``table:table-header-rows`` (Writer's "Repeat heading"), in Impress
  ``table:use-first-row-styles``; a Calc sheet is one table (see ``_sheet``).
- Links: ``text:a`` with its text, and Calc's ``HYPERLINK()`` formulas (text = the cell's result). Contrast: ``fo:color`` against ``fo:background-color`` through span,
  paragraph, cell, frame and page styles; automatic font colour (``style:use-window-font-color``) is left out,
  since LibreOffice picks black or white against the background.
- Slides (.odp): ``draw:page`` in order; the title is the ``presentation:class="title"`` frame; the shapes in
  document order are the reading order (``Document.native`` is a ``PresentationInfo``, as for PowerPoint).
- Sheets (.ods): names, merged cells, header rows and database ranges (``Document.native`` is a ``WorkbookInfo``).
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from ..colour import RGB, contrast_ratio, required_ratio
from ..errors import DocumentError
from ..limits import Limits
from ..model import ContrastSample, Document, Heading, Image, Link, Location, Table
from ._odf import NS, OdfPackage, StyleSheet, length_to_emu, odf_colour, odf_format, open_odf
from ._pptx_model import Box, PresentationInfo, ShapeInfo, SlideInfo
from ._sheet_model import CellRange, DataRegion, SheetInfo, WorkbookInfo, cell_ref, grow
from ._table_grid import MAX_GRID_COLS, blank_cells, place
from ._text_model import Para, TextInfo

__all__ = ["automatic_font_colour", "read"]


def _t(prefix: str, local: str) -> str:
    return f"{{{NS[prefix]}}}{local}"


OFFICE, TEXT, TABLE, DRAW, STYLE = (f"{{{NS[p]}}}" for p in ("office", "text", "table", "draw", "style"))
SVG, XLINK, PRES, FO = (f"{{{NS[p]}}}" for p in ("svg", "xlink", "presentation", "fo"))
T_P, T_H = TEXT + "p", TEXT + "h"
T_A, T_SPAN, T_S, T_TAB, T_BR = TEXT + "a", TEXT + "span", TEXT + "s", TEXT + "tab", TEXT + "line-break"
T_LIST, T_SOFT_BREAK = TEXT + "list", TEXT + "soft-page-break"
TBL = TABLE + "table"
D_FRAME, D_IMAGE, D_G = DRAW + "frame", DRAW + "image", DRAW + "g"
D_OBJECT, D_OLE, D_TEXTBOX = DRAW + "object", DRAW + "object-ole", DRAW + "text-box"
# Shapes that may hold text but are not pictures.
SHAPES = {DRAW + n for n in ("custom-shape", "rect", "ellipse", "circle", "polygon", "path", "caption")}
LINES = {DRAW + n for n in ("line", "connector", "polyline", "measure")}
# Paragraph children that are neither text nor content: an empty paragraph holding only these is empty.
NOT_OBJECTS = {
    TEXT + n
    for n in (
        "span",
        "s",
        "tab",
        "line-break",
        "soft-page-break",
        "bookmark",
        "bookmark-start",
        "bookmark-end",
        "reference-mark",
        "reference-mark-start",
        "reference-mark-end",
        "change",
        "change-start",
        "change-end",
        "a",
    )
}
# Subtrees that hold no body content of their own (or hold content read elsewhere, like deleted text).
SKIP = {
    TEXT + "tracked-changes",
    TEXT + "sequence-decls",
    TEXT + "variable-decls",
    TEXT + "user-field-decls",
    TEXT + "note",
    OFFICE + "annotation",
    OFFICE + "annotation-end",
    OFFICE + "forms",
    TABLE + "calculation-settings",
    TABLE + "content-validations",
    TABLE + "label-ranges",
    TABLE + "named-expressions",
    TABLE + "database-ranges",
    PRES + "notes",
    SVG + "title",
    SVG + "desc",
}
TOC = {TEXT + n for n in ("table-of-content", "illustration-index", "alphabetical-index", "bibliography")}
MAX_DEPTH = 200
MAX_ROWS = 1_048_576
MAX_COLS = 16_384
WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)
# OpenFormula's HYPERLINK(IRI; text) (ODF 1.2 part 2, 6.13.16) with a literal IRI, behind the formula's namespace
# prefix ("of:" as Calc writes it, "oooc:" in older files); a string doubles its quotes.
_HYPERLINK_FORMULA = re.compile(r'^\s*(?:[\w.-]+:)?=\s*HYPERLINK\s*\(\s*"((?:[^"]|"")*)"', re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Ctx:
    location: Location
    background: RGB | str  # an RGB, or a reason ("picture", "gradient") the background cannot be told
    levels: tuple[tuple[str, str], ...] = ()  # outer style levels (cell, frame) below the paragraph's
    body: bool = False  # counts as body text (headings, text length)
    toc: bool = False
    depth: int = 0
    textbox: bool = False  # inside a text frame or shape
    in_list: bool = False  # inside text:list

    def inner(self, in_list: bool) -> _Ctx:
        """One level deeper (a list, a section …): the hot path of the walk, cheaper than ``replace``."""
        return _Ctx(
            self.location,
            self.background,
            self.levels,
            self.body,
            self.toc,
            self.depth + 1,
            self.textbox,
            in_list,
        )


@dataclass(slots=True)
class _Block:
    """Where the walk is among a container's blocks: paragraphs are adjacent when they share ``container`` and
    their ``pos`` differs by one (tables, lists and sections count as blocks)."""

    container: int
    pos: int = 0
    after_table: bool = False


@dataclass(slots=True)
class _Seg:
    text: str
    spans: tuple[str, ...]  # text-family style names, innermost last


def automatic_font_colour(background: RGB) -> RGB:
    """The colour LibreOffice draws automatic text in (``style:use-window-font-color``): white when the background
    is dark, else black. Dark = LibreOffice's luminance (76 R + 151 G + 29 B) / 256 at most 62, measured in
    LibreOffice 7.4 (Writer, Impress and Calc PDF export): white text up to grey #3E3E3E, black from #404040
    on, so automatic text can have too little contrast (black on #404040 is 2.0:1)."""
    r, g, b = background
    return WHITE if (76 * r + 151 * g + 29 * b) >> 8 <= 62 else BLACK


def _spanned(cell: etree._Element) -> bool:
    """A table cell merged with its neighbours: it spans more than one column or row."""
    for attr in ("number-columns-spanned", "number-rows-spanned"):
        value = (cell.get(TABLE + attr) or "").strip()
        if value.isdigit() and int(value) > 1:
            return True
    return False


def _bool(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def _decorative(el: etree._Element) -> bool:
    return any(key.endswith("}decorative") and _bool(value) for key, value in el.attrib.items())


def _child_text(el: etree._Element, tag: str) -> str | None:
    child = el.find(tag)
    if child is None:
        return None
    text = "".join(child.itertext()).strip()
    return text or None


def _fill(style: StyleSheet, family: str, name: str | None, group: str) -> RGB | str | None:
    """A graphic or drawing-page fill: an RGB, "none", or a reason it is not one colour."""
    kind = style.lookup(family, name, group, "draw:fill", default=False)
    if kind is None:
        return None
    if kind == "none":
        return "none"
    if kind == "solid":
        colour = odf_colour(style.lookup(family, name, group, "draw:fill-color", default=False))
        if isinstance(colour, tuple):
            return colour
        return None
    return {"bitmap": "picture", "gradient": "gradient", "hatch": "pattern"}.get(kind, kind)


def _size(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.endswith("pt"):
        try:
            return float(value[:-2])
        except ValueError:
            return None
    return None


def _bold(value: str | None) -> bool | None:
    if value is None:
        return None
    v = value.strip().lower()
    if v in ("bold", "bolder"):
        return True
    if v.isdigit():
        return int(v) >= 600
    return False


class _OdfReader:
    def __init__(self, pkg: OdfPackage, fmt: str, source: str, filename: str, limits: Limits) -> None:
        self.pkg = pkg
        self.fmt = fmt
        self.limits = limits
        self.doc = Document(format=fmt, source=source, filename=filename)
        self.styles = StyleSheet()
        self.media_types: dict[str, str] = {}
        self.headings: list[Heading] = []
        self.images: list[Image] = []
        self.tables: list[Table] = []
        self.links: list[Link] = []
        self.contrast: list[ContrastSample] = []
        self._passing: set[tuple[object, ...]] = set()
        self.lang_chars: Counter[str] = Counter()
        self.text_chars = 0
        self.para_counter: Counter[str] = Counter()
        self.table_counter = 0
        self.content_seen = (
            0  # paragraphs with text or drawings, drawings and tables so far: tells blank cells
        )
        self.page_bg: RGB | str = WHITE
        self.default_size = 12.0
        # slide state (odp)
        self.shapes: list[ShapeInfo] | None = None
        # paragraph state (odt): the paragraph rules' model
        self.text_info: TextInfo | None = TextInfo() if fmt == "odt" else None
        self.container_seq = 0
        self.body_sizes: dict[float, int] = {}
        self.body_chars = 0
        self.body_bold_chars = 0
        self._size_bold_memo: dict[tuple[object, ...], tuple[float, bool]] = {}
        self._style_names: dict[str | None, str] = {}

    # ----------------------------------------------------------------- entry
    def run(self) -> Document:
        content = self.pkg.xml("content.xml")
        if content is None:
            raise DocumentError("corrupt", "the OpenDocument package has no content.xml")
        styles_root = self.pkg.xml("styles.xml")
        meta = self.pkg.xml("meta.xml")
        self.media_types = self.pkg.media_types()
        if styles_root is not None:
            for local in ("styles", "automatic-styles", "master-styles"):
                self.styles.add_container(styles_root.find(OFFICE + local))
        self.styles.add_container(content.find(OFFICE + "automatic-styles"))
        self.metadata(meta)
        body = content.find(OFFICE + "body")
        if body is None:
            raise DocumentError("corrupt", "content.xml has no office:body")
        if self.fmt == "odt":
            self.text_document(body.find(OFFICE + "text"))
        elif self.fmt == "odp":
            self.presentation(body.find(OFFICE + "presentation"))
        else:
            self.spreadsheet(body.find(OFFICE + "spreadsheet"))
        return self.finish()

    def finish(self) -> Document:
        doc = self.doc
        doc.images = self.images
        doc.tables = self.tables
        doc.links = self.links
        doc.contrast = self.contrast
        if self.fmt == "odt":
            doc.headings = self.headings
            doc.text_chars = self.text_chars
        if self.text_info is not None:
            if self.body_sizes:
                self.text_info.body_size = max(self.body_sizes, key=self.body_sizes.__getitem__)
            self.text_info.body_bold = self.body_chars > 0 and self.body_bold_chars * 2 > self.body_chars
            doc.native = self.text_info
        total = sum(self.lang_chars.values())
        if total:
            lang, count = self.lang_chars.most_common(1)[0]
            doc.content_lang = lang
            doc.content_lang_share = count / total
        return doc

    # ----------------------------------------------------------------- metadata
    def metadata(self, meta: etree._Element | None) -> None:
        title = dc_lang = None
        if meta is not None:
            m = meta.find(OFFICE + "meta")
            if m is not None:
                title = _child_text(m, _t("dc", "title"))
                dc_lang = _child_text(m, _t("dc", "language"))
        self.doc.title = title
        families = {
            "odt": ("paragraph",),
            "odp": ("graphic", "paragraph"),
            "ods": ("table-cell", "paragraph"),
        }
        lang = None
        for family in families[self.fmt]:
            lang = self._lang_of(family, None)
            if lang:
                break
        if not lang:
            for name in ("Standard", "Default", "default"):
                lang = self._lang_of("paragraph", name) or self._lang_of("table-cell", name)
                if lang:
                    break
        self.doc.lang = lang or dc_lang
        size = None
        for family in families[self.fmt]:
            size = _size(self.styles.lookup(family, None, "text-properties", "fo:font-size"))
            if size:
                break
        self.default_size = size or (18.0 if self.fmt == "odp" else 10.0 if self.fmt == "ods" else 12.0)

    def _lang_of(self, family: str, name: str | None) -> str | None:
        tag = self.styles.lookup(family, name, "text-properties", "style:rfc-language-tag")
        if tag:
            return tag
        language = self.styles.lookup(family, name, "text-properties", "fo:language")
        if not language:
            return None
        country = self.styles.lookup(family, name, "text-properties", "fo:country")
        if country and country.lower() != "none":
            return f"{language}-{country}"
        return language

    # ----------------------------------------------------------------- text documents
    def text_document(self, office_text: etree._Element | None) -> None:
        if office_text is None:
            raise DocumentError("corrupt", "content.xml has no office:text")
        self.page_bg = self._page_background()
        ctx = _Ctx(Location(part="body"), self.page_bg, body=True)
        self.walk(office_text, ctx)
        # Headers and footers of the page styles: their images and links (LibreOffice's checker looks there too).
        for master in self.styles.master_pages.values():
            for child in master:
                if not isinstance(child.tag, str) or not child.tag.startswith(STYLE):
                    continue
                local = child.tag[len(STYLE) :]
                part = (
                    "header"
                    if local.startswith("header")
                    else "footer"
                    if local.startswith("footer")
                    else None
                )
                if part is not None:
                    self.walk(child, _Ctx(Location(part=part), self.page_bg))

    def _page_background(self) -> RGB | str:
        master = self.styles.master_pages.get("Standard")
        if master is None:
            master = next(iter(self.styles.master_pages.values()), None)
        if master is None:
            return WHITE
        layout = self.styles.page_layouts.get(master.get(STYLE + "page-layout-name") or "")
        if layout is None:
            return WHITE
        props = layout.props.get("page-layout-properties", {})
        fill = props.get("draw:fill")
        if fill in ("bitmap", "gradient", "hatch"):
            return {"bitmap": "picture", "gradient": "gradient", "hatch": "pattern"}[fill]
        colour = odf_colour(
            props.get("draw:fill-color") if fill == "solid" else props.get("fo:background-color")
        )
        return colour if isinstance(colour, tuple) else WHITE

    def walk(self, container: etree._Element, ctx: _Ctx) -> None:
        if ctx.depth > MAX_DEPTH:
            self.doc.warnings.append("content nested too deeply; the rest of it was not read")
            return
        self.container_seq += 1
        block = _Block(self.container_seq)
        for child in container:
            tag = child.tag
            if not isinstance(tag, str) or tag in SKIP or tag == T_SOFT_BREAK:
                continue
            if tag in (T_P, T_H):
                block.pos += 1
                self.paragraph(child, ctx, block)
                block.after_table = False
                continue
            if tag in (D_FRAME, D_G) or tag in SHAPES:
                self.drawing(child, ctx)
                continue
            block.pos += 1
            block.after_table = tag == TBL
            if tag == TBL:
                self.table(child, ctx)
            elif tag in TOC:
                self.walk(child, replace(ctx, toc=True, depth=ctx.depth + 1))
            else:  # lists, list items, sections, index bodies, change marks …
                self.walk(child, ctx.inner(ctx.in_list or tag == T_LIST))

    def _para_location(self, ctx: _Ctx) -> Location:
        loc = ctx.location
        if self.fmt == "odt":
            part = loc.part or "body"
            self.para_counter[part] += 1
            # A .odt location only has these fields; the constructor is cheaper than ``replace`` (the hot path).
            return Location(
                part=loc.part, paragraph=self.para_counter[part], table=loc.table, row=loc.row, name=loc.name
            )
        return loc

    def paragraph(self, p: etree._Element, ctx: _Ctx, block: _Block | None = None) -> None:
        loc = self._para_location(ctx)
        pstyle = p.get(TEXT + "style-name")
        segs: list[_Seg] = []
        drawings: list[etree._Element] = []
        links: list[tuple[etree._Element, list[_Seg]]] = []
        self._collect(p, (), segs, drawings, links, 0)
        visible = "".join(
            [s.text for s in segs]
        )  # tabs and runs of spaces kept (the paragraph rules see them)
        text = " ".join(visible.split())
        level: int | None = None
        if p.tag == T_H:
            raw = p.get(TEXT + "outline-level")
            try:
                level = int(raw) if raw else self.styles.outline_level(pstyle) or 1
            except ValueError:
                level = 1
        else:
            level = self.styles.outline_level(pstyle)
        if text or drawings:
            self.content_seen += 1
        if self.text_info is not None and ctx.body and block is not None:
            self.text_para(p, visible, segs, bool(drawings), pstyle, level, ctx, block, loc)
        if ctx.body and self.fmt == "odt":
            self.text_chars += len(text)
            if level is not None and text:
                self.headings.append(Heading(level=min(max(level, 1), 10), text=text, location=loc))
        if text:
            lang = self._lang_of("paragraph", pstyle) or self.doc.lang
            if lang:
                self.lang_chars[lang] += len(text)
        for a, link_segs in links:
            if ctx.toc:
                continue
            link_text = " ".join("".join(s.text for s in link_segs).split())
            self.links.append(Link(loc, link_text, a.get(XLINK + "href")))
        self.paragraph_contrast(segs, pstyle, ctx, loc)
        for d in drawings:
            self.drawing(d, replace(ctx, location=loc, depth=ctx.depth + 1))

    def text_para(
        self,
        p: etree._Element,
        raw: str,
        segs: list[_Seg],
        drawings: bool,
        pstyle: str | None,
        level: int | None,
        ctx: _Ctx,
        block: _Block,
        loc: Location,
    ) -> None:
        """Record a Writer body paragraph for the paragraph rules (``TextInfo``)."""
        assert self.text_info is not None
        sizes: dict[float, int] = {}
        chars = bold_chars = 0
        for seg in segs:
            n = len(seg.text.strip())
            if not n:
                continue
            size, bold = self._size_bold(seg.spans, pstyle, ctx)
            sizes[size] = sizes.get(size, 0) + n
            chars += n
            if bold:
                bold_chars += n
        blank = not raw.strip()
        page_break = blank and any(
            self.styles.lookup("paragraph", pstyle, "paragraph-properties", attr) == "page"
            for attr in ("fo:break-before", "fo:break-after")
        )
        first = raw.lstrip()[:1]
        para = Para(
            part=loc.part or "body",
            index=loc.paragraph or 0,
            text=raw,
            style_name=self._style_name(pstyle),
            heading=level,
            list_item=ctx.in_list,
            in_table=ctx.location.table is not None,
            in_textbox=ctx.textbox,
            container=block.container,
            pos=block.pos,
            has_object=drawings or (blank and any(el.tag not in NOT_OBJECTS for el in p.iterdescendants())),
            page_break=page_break,
            after_table=block.after_table,
            bold=chars > 0 and bold_chars == chars,
            size=max(sizes, key=sizes.__getitem__) if sizes else None,
            sym_bullet=bool(first) and "\ue000" <= first <= "\uf8ff",
        )
        self.text_info.paragraphs.append(para)
        if level is None and not ctx.textbox:
            body_sizes = self.body_sizes
            for size, n in sizes.items():
                body_sizes[size] = body_sizes.get(size, 0) + n
            self.body_chars += chars
            self.body_bold_chars += bold_chars

    def _size_bold(self, spans: tuple[str, ...], pstyle: str | None, ctx: _Ctx) -> tuple[float, bool]:
        """A run's effective size (pt, one decimal) and boldness, memoised by its style levels."""
        key = (spans, pstyle, ctx.levels)
        found = self._size_bold_memo.get(key)
        if found is None:
            levels = self._levels(spans, pstyle, ctx)
            found = (
                round(self._font_size(levels), 1),
                bool(_bold(self._text_prop(levels, "fo:font-weight"))),
            )
            self._size_bold_memo[key] = found
        return found

    def _style_name(self, pstyle: str | None) -> str:
        name = self._style_names.get(pstyle)
        if name is None:
            name = self._style_names[pstyle] = self.styles.user_name("paragraph", pstyle).casefold()
        return name

    def _collect(
        self,
        el: etree._Element,
        spans: tuple[str, ...],
        segs: list[_Seg],
        drawings: list[etree._Element],
        links: list[tuple[etree._Element, list[_Seg]]],
        depth: int,
        link_segs: list[_Seg] | None = None,
    ) -> None:
        def add(text: str | None) -> None:
            if text:
                seg = _Seg(text, spans)
                segs.append(seg)
                if link_segs is not None:
                    link_segs.append(seg)

        add(el.text)
        for child in el:
            tag = child.tag
            if isinstance(tag, str) and depth < MAX_DEPTH and tag not in SKIP:
                if tag == T_S:
                    try:
                        count = int(child.get(TEXT + "c") or 1)
                    except ValueError:
                        count = 1
                    add(" " * min(max(count, 1), 1000))
                elif tag == T_TAB:
                    add("\t")
                elif tag == T_BR:
                    add("\n")
                elif tag in (D_FRAME, D_G) or tag in SHAPES:
                    drawings.append(child)
                elif tag == T_A:
                    own: list[_Seg] = []
                    links.append((child, own))
                    self._collect(child, spans, segs, drawings, links, depth + 1, own)
                    if link_segs is not None:
                        link_segs.extend(own)
                elif tag == T_SPAN:
                    name = child.get(TEXT + "style-name")
                    inner = (*spans, name) if name else spans
                    self._collect(child, inner, segs, drawings, links, depth + 1, link_segs)
                elif tag.startswith(TEXT) or tag.startswith(DRAW):
                    self._collect(child, spans, segs, drawings, links, depth + 1, link_segs)
            add(child.tail)

    # ----------------------------------------------------------------- contrast
    def _levels(self, spans: tuple[str, ...], pstyle: str | None, ctx: _Ctx) -> list[tuple[str, str | None]]:
        levels: list[tuple[str, str | None]] = [("text", s) for s in reversed(spans)]
        levels.append(("paragraph", pstyle))
        levels.extend(reversed(ctx.levels))
        return levels

    def _text_prop(self, levels: list[tuple[str, str | None]], attr: str) -> str | None:
        for family, name in levels:
            if name:
                value = self.styles.lookup(family, name, "text-properties", attr, default=False)
                if value is not None:
                    return value
        for family in dict.fromkeys(f for f, _ in levels):
            value = self.styles.lookup(family, None, "text-properties", attr)
            if value is not None:
                return value
        return None

    def _foreground(self, levels: list[tuple[str, str | None]]) -> RGB | None:
        """The font colour; None when it is automatic (``style:use-window-font-color``). With neither set
        anywhere LibreOffice draws the text black."""
        for family, name in levels:
            if not name:
                continue
            if _bool(
                self.styles.lookup(family, name, "text-properties", "style:use-window-font-color", False)
            ):
                return None
            colour = odf_colour(self.styles.lookup(family, name, "text-properties", "fo:color", False))
            if isinstance(colour, tuple):
                return colour
        for family in dict.fromkeys(f for f, _ in levels):
            if _bool(self.styles.lookup(family, None, "text-properties", "style:use-window-font-color")):
                return None
            colour = odf_colour(self.styles.lookup(family, None, "text-properties", "fo:color"))
            if isinstance(colour, tuple):
                return colour
        return BLACK

    def _background(self, spans: tuple[str, ...], pstyle: str | None, ctx: _Ctx) -> RGB | str:
        for name in reversed(spans):
            colour = odf_colour(
                self.styles.lookup("text", name, "text-properties", "fo:background-color", False)
            )
            if isinstance(colour, tuple):
                return colour
        for group in ("text-properties", "paragraph-properties"):
            colour = odf_colour(self.styles.lookup("paragraph", pstyle, group, "fo:background-color", False))
            if isinstance(colour, tuple):
                return colour
        return ctx.background

    def paragraph_contrast(self, segs: list[_Seg], pstyle: str | None, ctx: _Ctx, loc: Location) -> None:
        worst: tuple[float, ContrastSample] | None = None
        for seg in segs:
            if not seg.text.strip():
                continue
            levels = self._levels(seg.spans, pstyle, ctx)
            fg = self._foreground(levels)
            size = self._font_size(levels)
            bold = bool(_bold(self._text_prop(levels, "fo:font-weight")))
            bg = self._background(seg.spans, pstyle, ctx)
            text = " ".join(seg.text.split())
            if isinstance(bg, str):
                sample = ContrastSample(loc, text, fg, None, size, bold, reason=bg)
                score = 0.0
            else:
                fg = fg or automatic_font_colour(bg)
                sample = ContrastSample(loc, text, fg, bg, size, bold)
                score = contrast_ratio(fg, bg) / required_ratio(size, bold)
            if worst is None or score < worst[0]:
                worst = (score, sample)
        if worst is None:
            return
        score, sample = worst
        key: tuple[object, ...] = (
            sample.foreground,
            sample.background,
            sample.size_pt,
            sample.bold,
            sample.reason,
        )
        if score < 1.0 and self.fmt == "ods":
            # A sheet repeats a cell format over whole columns: one finding per combination and sheet.
            key = (*key, loc.sheet)
            if key in self._passing:
                return
            self._passing.add(key)
            self.contrast.append(sample)
            return
        if score < 1.0 or key not in self._passing:
            self.contrast.append(sample)
            if score >= 1.0:
                self._passing.add(key)

    def _font_size(self, levels: list[tuple[str, str | None]]) -> float:
        factor = 1.0
        for family, name in [*levels, *((f, None) for f in dict.fromkeys(f for f, _ in levels))]:
            raw = self.styles.lookup(family, name, "text-properties", "fo:font-size", default=name is None)
            if raw is None:
                continue
            raw = raw.strip()
            if raw.endswith("%"):
                with contextlib.suppress(ValueError):
                    factor *= float(raw[:-1]) / 100
                continue
            size = _size(raw)
            if size:
                return size * factor
        return self.default_size * factor

    # ----------------------------------------------------------------- tables
    def table(self, tbl: etree._Element, ctx: _Ctx) -> None:
        self.table_counter += 1
        self.content_seen += 1  # a table in a cell is content of that cell
        number = self.table_counter
        rows = 0
        header_rows = 0
        lead_header = 0  # the header rows at the top
        cols = 0
        for col in tbl.iter(TABLE + "table-column"):
            if col.getparent() is not None and self._owner_table(col) is tbl:
                cols += _repeat(col.get(TABLE + "number-columns-repeated"), MAX_COLS)
        loc = replace(ctx.location, table=number, paragraph=None)
        first_row_styles = _bool(tbl.get(TABLE + "use-first-row-styles"))
        merged = merged_body = 0  # merged cells; of them, those starting below the header rows
        row_no = 0
        table_rows = self._rows(tbl)
        col_styles = [c for c in self._column_styles(tbl) if c[2]]
        layout: list[list[bool | None]] = [[] for _ in table_rows]
        below: dict[int, tuple[int, bool]] = {}  # grid column -> (last row a row-spanning cell covers, blank)
        for row, in_header in table_rows:
            row_no += 1
            rows += 1
            if in_header:
                header_rows += 1
                lead_header += int(lead_header == row_no - 1)
            row_cols = 0
            row_loc = replace(ctx.location, table=number, row=row_no)
            right: tuple[int, bool] = (-1, False)  # (last column a column-spanning cell covers, blank)
            for cell in row:
                if cell.tag not in (TABLE + "table-cell", TABLE + "covered-table-cell"):
                    continue
                repeat = _repeat(cell.get(TABLE + "number-columns-repeated"), MAX_COLS)
                row_cols += repeat
                if cell.tag == TABLE + "covered-table-cell":
                    _covered(layout[row_no - 1], row_cols - repeat, repeat, row_no - 1, right, below)
                    continue
                if _spanned(cell):
                    merged += repeat  # counted, never expanded: a hostile repeat count costs nothing
                    if not (in_header or (first_row_styles and row_no == 1)):
                        merged_body += repeat
                cstyle = _cell_style(cell, row, col_styles, row_cols - repeat + 1)
                bg = self._cell_background(cstyle, ctx.background)
                cell_ctx = _Ctx(
                    row_loc,
                    bg,
                    (*ctx.levels, ("table-cell", cstyle)) if cstyle else ctx.levels,
                    ctx.body,
                    ctx.toc,
                    ctx.depth + 1,
                    ctx.textbox,
                    ctx.in_list,
                )
                seen = self.content_seen
                self.walk(cell, cell_ctx)
                right = _spanning(
                    cell,
                    layout[row_no - 1],
                    row_cols - repeat,
                    repeat,
                    row_no - 1,
                    self.content_seen == seen,
                    below,
                )
            cols = max(cols, row_cols)
        header: bool = header_rows > 0 or first_row_styles
        hdr = max(lead_header, int(first_row_styles))
        self.tables.append(
            Table(
                loc,
                rows=rows,
                cols=cols,
                header=header,
                merged=merged,
                merged_body=merged_body,
                nested=ctx.location.table is not None,
                blank=blank_cells(layout, hdr),
            )
        )

    @staticmethod
    def _owner_table(el: etree._Element) -> etree._Element | None:
        parent = el.getparent()
        while parent is not None and parent.tag != TBL:
            parent = parent.getparent()
        return parent

    def _rows(
        self, tbl: etree._Element, in_header: bool = False, depth: int = 0
    ) -> list[tuple[etree._Element, bool]]:
        out: list[tuple[etree._Element, bool]] = []
        for child in tbl:
            if child.tag == TABLE + "table-row":
                out.append((child, in_header))
            elif child.tag == TABLE + "table-header-rows" and depth < 8:
                out.extend(self._rows(child, True, depth + 1))
            elif child.tag in (TABLE + "table-rows", TABLE + "table-row-group") and depth < 8:
                out.extend(self._rows(child, in_header, depth + 1))
        return out

    def _cell_background(self, cstyle: str | None, outer: RGB | str) -> RGB | str:
        raw = self.styles.lookup("table-cell", cstyle, "table-cell-properties", "fo:background-color")
        colour = odf_colour(raw)
        if isinstance(colour, tuple):
            return colour
        fill = _fill(self.styles, "table-cell", cstyle, "graphic-properties")  # an Impress table cell's fill
        return outer if fill is None or fill == "none" else fill

    # ----------------------------------------------------------------- drawings
    def drawing(self, el: etree._Element, ctx: _Ctx) -> ShapeInfo | None:
        """A frame, group or shape: images and tables are recorded, text inside is walked."""
        if ctx.depth > MAX_DEPTH:
            return None
        self.content_seen += 1
        name = el.get(DRAW + "name") or ""
        alt = _child_text(el, SVG + "desc") or _child_text(el, SVG + "title")
        decorative = _decorative(el)
        pres_class = el.get(PRES + "class")
        is_placeholder = _bool(el.get(PRES + "placeholder"))
        loc = replace(ctx.location, name=name or None)
        bg = self._shape_background(el, ctx.background)
        style_level: tuple[tuple[str, str], ...] = ()
        if el.get(PRES + "style-name"):
            style_level = (("presentation", el.get(PRES + "style-name") or ""),)
        elif el.get(DRAW + "style-name"):
            style_level = (("graphic", el.get(DRAW + "style-name") or ""),)
        inner = replace(
            ctx, location=loc, background=bg, levels=ctx.levels + style_level, depth=ctx.depth + 1
        )
        kind = "sp"
        if el.tag == D_G:
            box = self._group(el, inner, alt, decorative)
            shape = self._shape(el, name, "grpSp", self._shape_text(el), pres_class, decorative, alt)
            if shape is not None:
                shape.box = box
            return shape
        if el.tag == D_FRAME:
            if is_placeholder:
                return self._shape(el, name, "sp", "", pres_class, decorative, alt)
            image_kind = None
            # A frame's children are alternative representations of one object (ODF draw:frame). A table's
            # frame holds a picture of the table after it (Impress writes one); that picture is no image.
            for child in () if el.find(TBL) is not None else el:
                if child.tag == D_IMAGE and image_kind is None:
                    image_kind = "picture"
                elif child.tag in (D_OBJECT, D_OLE) and image_kind is None:
                    href = (child.get(XLINK + "href") or "").lstrip("./").rstrip("/") + "/"
                    image_kind = "chart" if self.media_types.get(href, "").endswith(".chart") else "ole"
            if image_kind is not None:
                kind = "pic" if image_kind == "picture" else "graphicFrame"
                self.images.append(Image(loc, image_kind, alt, decorative=decorative, name=name or None))
            for child in el:
                if child.tag == D_TEXTBOX:
                    self.walk(child, replace(inner, textbox=True))
                elif child.tag == TBL:
                    kind = "graphicFrame"
                    self.table(child, inner)
        else:  # a shape with (maybe) text
            self.walk(el, replace(inner, textbox=True))
        text = self._shape_text(el)
        return self._shape(el, name, kind, text, pres_class, decorative, alt)

    def _group(self, el: etree._Element, ctx: _Ctx, alt: str | None, decorative: bool) -> Box | None:
        """A group (draw:g), as the PowerPoint and Word readers take one: with alt text (or decorative) it is
        one image covering its children; without, its pictures are the images when each is described (or
        decorative), else the group is reported once. Returns its box: draw:g has no svg:x, svg:width or
        svg:height of its own (ODF's group element), so it is the union of its children's boxes."""
        outer, self.images = self.images, []
        boxes: list[Box] = []
        try:
            for child in el:
                if isinstance(child.tag, str) and (child.tag in (D_FRAME, D_G) or child.tag in SHAPES):
                    info = self.drawing(child, ctx)
                    if info is not None and info.box is not None:
                        boxes.append(info.box)
        finally:
            children, self.images = self.images, outer
        name = ctx.location.name
        if alt or decorative:
            self.images.append(Image(ctx.location, "group", alt, decorative=decorative, name=name))
        elif children and all(i.decorative or (i.alt or "").strip() for i in children):
            self.images.extend(children)
        elif children:
            self.images.append(Image(ctx.location, "group", None, decorative=False, name=name))
        if not boxes:
            return None
        x, y = min(b.x for b in boxes), min(b.y for b in boxes)
        return Box(x, y, max(b.x + b.cx for b in boxes) - x, max(b.y + b.cy for b in boxes) - y)

    def _shape_text(self, el: etree._Element) -> str:
        parts = [" ".join("".join(p.itertext()).split()) for p in el.iter(T_P, T_H)]
        return "\n".join(p for p in parts if p)

    def _shape(
        self,
        el: etree._Element,
        name: str,
        kind: str,
        text: str,
        pres_class: str | None,
        decorative: bool,
        alt: str | None,
    ) -> ShapeInfo | None:
        if self.shapes is None:
            return None
        x, y = length_to_emu(el.get(SVG + "x")), length_to_emu(el.get(SVG + "y"))
        w, h = length_to_emu(el.get(SVG + "width")), length_to_emu(el.get(SVG + "height"))
        box = Box(x, y, w, h) if None not in (x, y, w, h) else None  # type: ignore[arg-type]
        placeholder = {"title": "title", "subtitle": "subTitle", "outline": "body"}.get(
            pres_class or "", pres_class
        )
        shape = ShapeInfo(
            name=name or pres_class or etree.QName(el).localname,
            kind="cxnSp" if el.tag in LINES else kind,
            box=box,
            text=text,
            placeholder=placeholder,
            decorative=decorative,
            alt=alt,
        )
        return shape

    def _shape_background(self, el: etree._Element, outer: RGB | str) -> RGB | str:
        for family, attr in (("presentation", PRES + "style-name"), ("graphic", DRAW + "style-name")):
            name = el.get(attr)
            if name:
                fill = _fill(self.styles, family, name, "graphic-properties")
                if isinstance(fill, tuple):
                    return fill
                if fill is not None and fill != "none":
                    return fill
                if fill == "none":
                    return outer
        return outer

    # ----------------------------------------------------------------- presentations
    def presentation(self, pres: etree._Element | None) -> None:
        if pres is None:
            raise DocumentError("corrupt", "content.xml has no office:presentation")
        info = PresentationInfo()
        for number, page in enumerate(pres.iter(DRAW + "page"), start=1):
            if page.getparent() is not pres:
                continue
            info.slides.append(self.slide(page, len(info.slides) + 1))
            del number
        self.doc.native = info

    def slide(self, page: etree._Element, number: int) -> SlideInfo:
        style_name = page.get(DRAW + "style-name")
        hidden = (
            self.styles.lookup(
                "drawing-page", style_name, "drawing-page-properties", "presentation:visibility"
            )
            == "hidden"
        )
        bg = self._slide_background(page)
        ctx = _Ctx(Location(slide=number), bg)
        shapes: list[ShapeInfo] = []
        self.shapes = shapes
        for child in page:
            tag = child.tag
            if not isinstance(tag, str) or tag in SKIP:
                continue
            if tag in (D_FRAME, D_G) or tag in SHAPES or tag in LINES:
                shape = self.drawing(child, ctx)
                if shape is not None:
                    shapes.append(shape)
        self.shapes = None
        titles = [s for s in shapes if s.placeholder == "title"]
        title = next((s.text for s in titles if s.text.strip()), None)
        layout = page.get(PRES + "presentation-page-layout-name") or page.get(DRAW + "master-page-name")
        return SlideInfo(
            number=number,
            part=page.get(DRAW + "name") or f"page{number}",
            hidden=hidden,
            title=title,
            title_placeholder=bool(titles),
            layout=layout,
            shapes=shapes,
        )

    def _slide_background(self, page: etree._Element) -> RGB | str:
        fill = _fill(self.styles, "drawing-page", page.get(DRAW + "style-name"), "drawing-page-properties")
        if fill is None or fill == "none":
            master = self.styles.master_pages.get(page.get(DRAW + "master-page-name") or "")
            if master is not None:
                mfill = _fill(
                    self.styles, "drawing-page", master.get(DRAW + "style-name"), "drawing-page-properties"
                )
                if mfill is not None and mfill != "none":
                    fill = mfill
        if fill is None or fill == "none":
            return WHITE
        return fill

    # ----------------------------------------------------------------- spreadsheets
    def spreadsheet(self, sheet_root: etree._Element | None) -> None:
        if sheet_root is None:
            raise DocumentError("corrupt", "content.xml has no office:spreadsheet")
        info = WorkbookInfo()
        ranges = _database_ranges(sheet_root)
        for tbl in sheet_root.findall(TBL):
            info.sheets.append(self.sheet(tbl, len(info.sheets) + 1, ranges))
        self.doc.native = info

    def sheet(self, tbl: etree._Element, number: int, ranges: dict[str, list[DataRegion]]) -> SheetInfo:
        name = tbl.get(TABLE + "name") or f"#{number}"
        style = tbl.get(TABLE + "style-name")
        hidden = self.styles.lookup("table", style, "table-properties", "table:display") == "false"
        info = SheetInfo(number=number, name=name, hidden=hidden)
        base = Location(sheet=name)
        col_styles = self._column_styles(tbl)
        for shapes in tbl.findall(TABLE + "shapes"):
            for child in shapes:
                if isinstance(child.tag, str) and (child.tag in (D_FRAME, D_G) or child.tag in SHAPES):
                    self.drawing(child, _Ctx(base, WHITE))
        used: list[int] = []  # r1, c1, r2, c2
        header: tuple[int, int] | None = None
        row = 0
        for row_el, in_header in self._rows(tbl):
            n_rows = _repeat(row_el.get(TABLE + "number-rows-repeated"), MAX_ROWS)
            first_row = row + 1
            row += n_rows
            if row > MAX_ROWS:
                break
            if in_header:
                header = (header[0] if header else first_row, row)
            row_style = row_el.get(TABLE + "default-cell-style-name")
            col = 0
            for cell in row_el:
                if cell.tag not in (TABLE + "table-cell", TABLE + "covered-table-cell"):
                    continue
                n_cols = _repeat(cell.get(TABLE + "number-columns-repeated"), MAX_COLS)
                first_col = col + 1
                col += n_cols
                if col > MAX_COLS:
                    break
                if cell.tag == TABLE + "covered-table-cell":
                    continue
                rs = _repeat(cell.get(TABLE + "number-rows-spanned"), MAX_ROWS)
                cs = _repeat(cell.get(TABLE + "number-columns-spanned"), MAX_COLS)
                if rs > 1 or cs > 1:
                    info.merges.append(
                        CellRange(first_row, first_col, first_row + rs - 1, first_col + cs - 1)
                    )
                if len(cell) == 0 and not cell.get(OFFICE + "value-type"):
                    continue
                has_text = any(
                    "".join(p.itertext()).strip() for p in cell if p.tag in (T_P, T_H)
                ) or cell.get(OFFICE + "value-type") not in (None, "string")
                if has_text:
                    used = grow(used, first_row, first_col, first_row + n_rows - 1, col)
                cstyle = cell.get(TABLE + "style-name") or row_style or _col_style(col_styles, first_col)
                ctx = _Ctx(
                    replace(base, cell=cell_ref(first_row, first_col)),
                    self._cell_background(cstyle, WHITE),
                    levels=(("table-cell", cstyle),) if cstyle else (("table-cell", "Default"),),
                )
                self.walk(cell, ctx)
                link = _formula_link(cell, ctx.location)
                if link is not None:
                    self.links.append(link)
        if used:
            info.used = CellRange(*used)
        self._sheet_table(info, header, ranges.get(name, []), base)
        return info

    def _column_styles(self, tbl: etree._Element) -> list[tuple[int, int, str | None]]:
        """The table's column default cell styles, as (first column, last column, style)."""
        col_styles: list[tuple[int, int, str | None]] = []
        col = 1
        for c in tbl.iter(TABLE + "table-column"):
            if self._owner_table(c) is not tbl:
                continue
            n = _repeat(c.get(TABLE + "number-columns-repeated"), MAX_COLS)
            col_styles.append((col, col + n - 1, c.get(TABLE + "default-cell-style-name")))
            col += n
        return col_styles

    def _sheet_table(
        self, info: SheetInfo, header: tuple[int, int] | None, ranges: list[DataRegion], base: Location
    ) -> None:
        """The sheet's data regions (repeated header rows, database ranges) and its used area as a Table."""
        if header is not None and info.used is not None:
            span = CellRange(header[0], info.used.c1, max(info.used.r2, header[1]), info.used.c2)
            info.regions.append(DataRegion(span, header[1] - header[0] + 1, "header-rows"))
        info.regions.extend(ranges)
        if info.used is None:
            return
        rows = info.used.r2 - info.used.r1 + 1
        cols = info.used.c2 - info.used.c1 + 1
        if header is not None:
            has_header: bool | None = True
        elif any(r.source == "database-range" for r in info.regions):
            has_header = any(r.header_rows > 0 for r in info.regions)
        else:
            has_header = None  # no header declared: a person must say whether the first row is one
        self.tables.append(Table(replace(base, cell=info.used.ref), rows=rows, cols=cols, header=has_header))


def _spanning(
    cell: etree._Element,
    row: list[bool | None],
    col: int,
    repeat: int,
    r: int,
    blank: bool,
    below: dict[int, tuple[int, bool]],
) -> tuple[int, bool]:
    """Lay out a table cell (``repeat`` copies from grid column ``col`` of row ``r``) and remember what its spans
    cover: the rows below in ``below``; the returned (last column, blank) for the covered cells to its right."""
    place(row, col, repeat, blank)
    cs = _repeat(cell.get(TABLE + "number-columns-spanned"), MAX_COLS)
    rs = _repeat(cell.get(TABLE + "number-rows-spanned"), MAX_ROWS)
    end = min(col + repeat * cs, MAX_GRID_COLS)
    if rs > 1:
        for c in range(col, end):
            below[c] = (r + rs - 1, blank)
    return end - 1, blank


def _covered(
    row: list[bool | None],
    col: int,
    repeat: int,
    r: int,
    right: tuple[int, bool],
    below: dict[int, tuple[int, bool]],
) -> None:
    """Lay out ``repeat`` covered cells from grid column ``col``: each takes the blankness of the cell spanning
    over it, from the left in this row or from a row above; a covered cell nothing spans is no cell (None)."""
    for c in range(col, min(col + repeat, MAX_GRID_COLS)):
        value: bool | None = None
        if c <= right[0]:
            value = right[1]
        elif c in below and below[c][0] >= r:
            value = below[c][1]
        place(row, c, 1, value)


def _formula_link(cell: etree._Element, loc: Location) -> Link | None:
    """A cell whose formula is HYPERLINK("…"; …) is a link; its text is what the cell shows (the result)."""
    formula = cell.get(TABLE + "formula")
    m = _HYPERLINK_FORMULA.match(formula) if formula else None
    if m is None:
        return None
    shown = " ".join("".join(p.itertext()) for p in cell if p.tag in (T_P, T_H))
    return Link(loc, " ".join(shown.split()), m.group(1).replace('""', '"'))


def _cell_style(
    cell: etree._Element, row: etree._Element, col_styles: list[tuple[int, int, str | None]], col: int
) -> str | None:
    """A cell's style: its own, else its row's, else its column's default cell style (Impress writes a table's
    cell styles on the rows)."""
    own = cell.get(TABLE + "style-name") or row.get(TABLE + "default-cell-style-name")
    return own or (_col_style(col_styles, col) if col_styles else None)


def _col_style(col_styles: list[tuple[int, int, str | None]], col: int) -> str | None:
    for first, last, style in col_styles:
        if first <= col <= last:
            return style
    return None


def _repeat(value: str | None, cap: int) -> int:
    try:
        n = int(value) if value else 1
    except ValueError:
        return 1
    return min(max(n, 1), cap)


def _range_address(address: str) -> tuple[str, CellRange] | None:
    """ "Blad1.A1:Blad1.C4", "$'Mitt blad'.$A$1:.$C$4" -> ("Blad1", A1:C4)."""
    parts = address.split(":")
    sheet = None
    refs = []
    for part in parts:
        if "." in part:
            left, ref = part.rsplit(".", 1)
            left = left.lstrip("$").strip("'")
            if left:
                sheet = sheet or left
        else:
            ref = part
        refs.append(ref)
    if not sheet or not refs:
        return None
    rng = CellRange.parse(":".join(refs))
    return (sheet, rng) if rng else None


def _database_ranges(root: etree._Element) -> dict[str, list[DataRegion]]:
    out: dict[str, list[DataRegion]] = {}
    container = root.find(TABLE + "database-ranges")
    if container is None:
        return out
    for dr in container.findall(TABLE + "database-range"):
        parsed = _range_address(dr.get(TABLE + "target-range-address") or "")
        if parsed is None:
            continue
        sheet, rng = parsed
        header = 0 if (dr.get(TABLE + "contains-header") or "true") == "false" else 1
        out.setdefault(sheet, []).append(DataRegion(rng, header, "database-range"))
    return out


def read(path: Path, source: str, limits: Limits) -> Document:
    pkg = open_odf(path, limits)
    try:
        fmt = odf_format(pkg)
        return _OdfReader(pkg, fmt, source, Path(source).name or path.name, limits).run()
    finally:
        pkg.close()
