"""Word (.docx, .docm, .dotx, .dotm) reader: zipfile + lxml through the package layer, never python-docx.

One pass over each story (body, headers, footers, footnotes, endnotes, text boxes) in document order decides
every fact once: heading levels from the style chain, alt text and decorative flags of every drawing, table
header rows, links (``w:hyperlink`` and ``HYPERLINK`` fields), effective colours per run, the default and the
content language. ``Document.native`` is a ``DocxNative`` with the paragraph list and floating objects that the
``docx-*`` checks read.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree

from ..colour import contrast_ratio
from ..errors import DocumentError
from ..limits import Limits
from ..model import ContrastSample, Document, Heading, Image, Link, Location, Table
from ._docx_styles import AUTO, HIGHLIGHT, UNRESOLVED, ColorScheme, StyleMap, W, merge, parse_rpr, shd_spec
from ._drawingml import PRESET, RGB, alt_of, color_of, hex_to_rgb, is_decorative, theme_colors
from ._ooxml import NS, Package, is_on, open_package
from ._table_grid import blank_cells, place
from ._text_model import Para, TextInfo

__all__ = ["DocxNative", "FloatingObject", "Para", "read", "read_package"]

WP = "{%s}" % NS["wp"]
A = "{%s}" % NS["a"]
R = "{%s}" % NS["r"]
V = "{%s}" % NS["v"]
VO = "{%s}" % NS["o"]
MC = "{%s}" % NS["mc"]
WPS = "{%s}" % NS["wps"]
WPG = "{%s}" % NS["wpg"]
M = "{%s}" % NS["m"]
WPC = "{http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas}"

# Style sheets shared between documents with the same styles part (``_Reader._style_map``).
_STYLE_MAPS: OrderedDict[bytes, StyleMap] = OrderedDict()
_STYLE_CACHE_ENTRIES = 8
_STYLE_CACHE_MIN_BYTES = 32 * 1024

MAX_DEPTH = 48  # nested block containers (tables in text boxes in tables ...)
MAX_PARAGRAPHS = 2_000_000

_URI_KIND = {
    "http://schemas.openxmlformats.org/drawingml/2006/picture": "picture",
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "chart",
    "http://schemas.openxmlformats.org/drawingml/2006/diagram": "smartart",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingShape": "shape",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup": "group",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas": "group",
    "http://schemas.openxmlformats.org/presentationml/2006/ole": "ole",
}
_VML_SHAPES = {
    V + n for n in ("shape", "rect", "roundrect", "oval", "group", "image", "line", "polyline", "arc")
}
_WATERMARK = ("PowerPlusWaterMarkObject", "WordPictureWatermark")
_SKIP_FOOTNOTE_TYPES = {"separator", "continuationSeparator", "continuationNotice"}
_INLINE_WRAPPERS = {W + n for n in ("smartTag", "customXml", "ins", "moveTo", "dir", "bdo")}
_FIELD_URL = re.compile(r'^\s*HYPERLINK\s+(?:(\\l)\s+)?"?([^"\s]*)"?(.*)$', re.IGNORECASE | re.DOTALL)
_FIELD_ANCHOR = re.compile(r'\\l\s+"?([^"\s]+)"?', re.IGNORECASE)
_TOC_STYLE = re.compile(r"toc\s*\d|table of figures|innehållsförteckning|förteckning")


# --------------------------------------------------------------------------------------------------- native model


@dataclass(frozen=True, slots=True)
class FloatingObject:
    location: Location
    kind: str  # picture, chart, smartart, shape, group, textbox, frame, ole ...
    name: str | None
    text: str = ""  # a text box's text


@dataclass(slots=True)
class DocxNative(TextInfo):
    """The paragraphs (``TextInfo``) plus Word's floating and in-line objects."""

    floating: list[FloatingObject] = field(default_factory=list)
    inline_objects: list[Location] = field(default_factory=list)  # in-line drawings, for the floating rule
    strict: bool = False


# --------------------------------------------------------------------------------------------------- reading state


@dataclass(slots=True)
class _Ctx:
    part: str
    body: bool  # the main story (body and its text boxes)
    source: str = ""  # the package part whose relationships apply (word/document.xml, word/header1.xml ...)
    depth: int = 0
    in_table: bool = False
    in_textbox: bool = False
    bg: RGB | str | None = None  # cell or shape background: RGB, UNRESOLVED reason, or None (see below it)
    table_rpr: dict[str, Any] = field(default_factory=dict)
    box_font: RGB | None = None  # wps:style/a:fontRef colour of the text box
    table: int | None = None  # the innermost table's number in the part, inside a cell
    row: int | None = None  # 1-based row of that table


class _Field:
    __slots__ = ("instr", "kind", "result", "target", "text")

    def __init__(self, instr: str = "") -> None:
        self.instr: list[str] = [instr] if instr else []
        self.result = bool(instr)
        self.kind = ""
        self.target: str | None = None
        self.text: list[str] = []
        if instr:
            self.classify()

    def classify(self) -> None:
        instr = "".join(self.instr).strip()
        word = instr.split(None, 1)[0].upper() if instr else ""
        self.kind = word
        if word == "HYPERLINK":
            anchor = _FIELD_ANCHOR.search(instr)
            if anchor:
                self.target = "#" + anchor.group(1)
            else:
                m = _FIELD_URL.match(instr)
                self.target = m.group(2) if m and m.group(2) else None


class _LinkCollector:
    __slots__ = ("alt", "href", "text")

    def __init__(self, href: str | None) -> None:
        self.href = href
        self.text: list[str] = []
        self.alt: list[str] = []


class _ParaState:
    __slots__ = (
        "behind",
        "bold_chars",
        "chars",
        "contrast_bad",
        "contrast_worst",
        "has_object",
        "hidden",
        "page_break",
        "sizes",
        "sym_first",
        "text",
        "textboxes",
    )

    def __init__(self) -> None:
        self.text: list[str] = []
        self.chars = 0
        self.bold_chars = 0
        self.sizes: dict[float, int] = {}
        self.has_object = False
        self.behind = False  # a picture anchored behind the text
        self.hidden = False  # some text is hidden (w:vanish)
        self.page_break = False
        self.sym_first: bool | None = None
        self.textboxes: list[tuple[etree._Element, _Ctx]] = []
        self.contrast_worst: tuple[float, ContrastSample] | None = None
        self.contrast_bad: ContrastSample | None = None


def _norm(text: str) -> str:
    """Collapse whitespace (str.split knows Unicode spaces such as U+00A0); drop NULs. Fast path of _norm()."""
    return " ".join(text.replace("\x00", "").split())


class _Reader:
    def __init__(self, pkg: Package, main: str, source: str, filename: str, limits: Limits) -> None:
        self.pkg = pkg
        self.main = main
        self.limits = limits
        self.doc = Document(format="docx", source=source, filename=filename)
        self.native = DocxNative(strict=False)
        self.images: list[Image] = []
        self.tables: list[Table] = []
        self.links: list[Link] = []
        self.headings: list[Heading] = []
        self.contrast: list[ContrastSample] = []
        self.lang_chars: Counter[str] = Counter()
        self.body_sizes: Counter[float] = Counter()
        self.body_bold_chars = 0
        self.body_chars = 0
        self.text_chars = 0
        self.para_counter: Counter[str] = Counter()
        self.table_counter: Counter[str] = Counter()
        self.container_seq = 0
        self.content_seen = 0  # paragraphs with text or objects, and tables, so far: tells blank table cells
        self.fields: list[_Field] = []
        self.page_bg: RGB | str = (255, 255, 255)
        self.styles = StyleMap(None)
        self.scheme = ColorScheme()
        self.num_ids: set[str] | None = None
        self._eff: dict[tuple[int, str | None, str | None], dict[str, Any]] = {}
        self._table_rpr_ids: dict[int, dict[str, Any]] = {}
        self._passing: set[tuple[Any, ...]] = set()
        self._pfacts: dict[str | None, tuple[str, int | None, str | None, Any, bool]] = {}
        self.cur_pstyle: str | None = None
        self.cur_para_bg: RGB | str | None = None
        self.cur_ctx: _Ctx | None = None
        self.cur_toc = False
        self.cur_index = 0
        self._alt_chunk_warned = False

    # ----------------------------------------------------------------- parts
    def _related(self, type_local: str, default: str | None = None) -> str | None:
        rels = self.pkg.rel_targets(self.main, type_local)
        for rel in rels:
            if self.pkg.has(rel.target):
                return rel.target
        if rels:
            self.doc.warnings.append(f"the {type_local} part {rels[0].target} is missing")
        if default and self.pkg.has(default):
            return default
        return None

    def _xml(self, part: str | None) -> etree._Element | None:
        if not part:
            return None
        return self.pkg.xml(part)

    def _style_map(self, part: str | None) -> StyleMap:
        """The style sheet, shared with earlier documents whose styles part has the same bytes.

        Documents made from one template usually carry the same styles part, often hundreds of KB (Word's
        default one is 350 KB), and parsing it was most of the time spent on a short document. A StyleMap
        depends on nothing but that part and is only memoised into, so one per distinct part is kept, keyed
        by the part's sha256 (a few per worker process, least recently used dropped)."""
        if not part:
            return StyleMap(None)
        data = self.pkg.read_bytes(part)
        if len(data) < _STYLE_CACHE_MIN_BYTES:
            return StyleMap(self.pkg.parse_part(part, data))
        key = hashlib.sha256(data).digest()
        styles = _STYLE_MAPS.get(key)
        if styles is not None:
            _STYLE_MAPS.move_to_end(key)
            self.pkg.note_strict(data)
            return styles
        styles = StyleMap(self.pkg.parse_part(part, data))
        _STYLE_MAPS[key] = styles
        if len(_STYLE_MAPS) > _STYLE_CACHE_ENTRIES:
            _STYLE_MAPS.popitem(last=False)
        return styles

    def load_context(self) -> None:
        self.styles = self._style_map(self._related("styles", "word/styles.xml"))
        theme_root = self._xml(self._related("theme"))
        self.scheme = ColorScheme(theme=theme_colors(theme_root))
        settings = self._xml(self._related("settings"))
        self.display_bg = False
        self.even_odd = False
        self.theme_font_lang: str | None = None
        if settings is not None:
            mapping = settings.find(W + "clrSchemeMapping")
            if mapping is not None:
                for key in ("t1", "bg1", "t2", "bg2"):
                    val = mapping.get(W + key)
                    if val:
                        self.scheme.mapping[key] = val
            self.display_bg = settings.find(W + "displayBackgroundShape") is not None and is_on(
                settings.find(W + "displayBackgroundShape").get(W + "val")  # type: ignore[union-attr]
            )
            eo = settings.find(W + "evenAndOddHeaders")
            self.even_odd = eo is not None and is_on(eo.get(W + "val"))
            tfl = settings.find(W + "themeFontLang")
            if tfl is not None:
                self.theme_font_lang = (tfl.get(W + "val") or "").strip() or None
        numbering = self._xml(self._related("numbering"))
        if numbering is not None:
            self.num_ids = {n.get(W + "numId") or "" for n in numbering.iter(W + "num")}
        else:
            self.num_ids = set()

    # ----------------------------------------------------------------- metadata
    def metadata(self) -> None:
        props = self.pkg.core_properties()
        self.doc.title = props.get("title") or None
        lang = self.styles.defaults_rpr.get("lang")
        default_para_lang = self.styles.rpr(self.styles.default_para).get("lang")
        lang = default_para_lang or lang
        if not lang and self.theme_font_lang:
            lang = self.theme_font_lang
            self.doc.warnings.append(
                "no default language in the styles; the theme font language "
                f"({self.theme_font_lang}) was used instead"
            )
        if not lang and props.get("language"):
            lang = props["language"]
        self.doc.lang = lang or None
        app = None
        for rel in self.pkg.rels("").values():
            if rel.type.endswith("/extended-properties") and not rel.external:
                app = rel.target
        app = app or "docProps/app.xml"
        root = self.pkg.xml(app) if self.pkg.has(app) else None
        if root is not None:
            for el in root:
                if isinstance(el.tag, str) and etree.QName(el).localname == "Pages":
                    try:
                        pages = int((el.text or "").strip())
                    except ValueError:
                        pages = 0
                    self.doc.page_count = pages if pages > 0 else None

    def page_background(self, root: etree._Element) -> None:
        bg = root.find(W + "background")
        if bg is None or not self.display_bg:
            return
        fill = bg.find(f"{V}background/{V}fill")
        if fill is not None and (fill.get("type") or "solid") != "solid":
            self.page_bg = "picture"
            return
        color = self.scheme.resolve(
            bg.get(W + "color"), bg.get(W + "themeColor"), bg.get(W + "themeTint"), bg.get(W + "themeShade")
        )
        if isinstance(color, tuple):
            self.page_bg = color

    # ----------------------------------------------------------------- stories
    def run(self) -> Document:
        self.load_context()
        self.metadata()
        root = self._xml(self.main)
        if root is None or not isinstance(root.tag, str) or root.tag != W + "document":
            raise DocumentError("corrupt", f"{self.main} is not a WordprocessingML document")
        self.page_background(root)
        body = root.find(W + "body")
        if body is not None:
            self.walk_blocks(body, _Ctx(part="body", body=True, source=self.main))
        self.fields = []
        shown = self._shown_headers(root)
        for type_local, label in (("header", "header"), ("footer", "footer")):
            parts = sorted({r.target for r in self.pkg.rel_targets(self.main, type_local)})
            for part in parts:
                if shown is not None and part not in shown:
                    continue  # defined but never displayed (a first-page header without "Different First Page")
                proot = self._xml(part) if self.pkg.has(part) else None
                if proot is None:
                    self.doc.warnings.append(f"the {label} part {part} is missing")
                    continue
                name = part.rsplit("/", 1)[-1].rsplit(".", 1)[0] or label
                self.fields = []
                self.walk_blocks(proot, _Ctx(part=name, body=False, source=part))
        for type_local, tag in (("footnotes", "footnote"), ("endnotes", "endnote")):
            note_part = self._related(type_local)
            proot = self._xml(note_part)
            if proot is None:
                continue
            for note in proot.iter(W + tag):
                if (note.get(W + "type") or "") in _SKIP_FOOTNOTE_TYPES:
                    continue
                self.fields = []
                self.walk_blocks(note, _Ctx(part=type_local, body=False, source=note_part or ""))
        return self.finish()

    def _shown_headers(self, root: etree._Element) -> set[str] | None:
        """The header and footer parts some section displays; None when no section names any (read them all).

        Default headers always show; first-page ones only with ``w:titlePg``; even-page ones only with
        ``settings.xml w:evenAndOddHeaders``."""
        rels = self.pkg.rels(self.main)
        shown: set[str] = set()
        named = False
        for sect in root.iter(W + "sectPr"):
            title_pg = sect.find(W + "titlePg")
            first_on = title_pg is not None and is_on(title_pg.get(W + "val"))
            for ref in (*sect.iterchildren(W + "headerReference"), *sect.iterchildren(W + "footerReference")):
                named = True
                kind = ref.get(W + "type") or "default"
                if (kind == "first" and not first_on) or (kind == "even" and not self.even_odd):
                    continue
                rel = rels.get(ref.get(R + "id") or "")
                if rel is not None and not rel.external:
                    shown.add(rel.target)
        return shown if named else None

    def finish(self) -> Document:
        doc, native = self.doc, self.native
        doc.headings = self.headings
        doc.images = self.images
        doc.tables = self.tables
        doc.links = self.links
        doc.contrast = self.contrast
        doc.text_chars = self.text_chars
        if self.body_sizes:
            native.body_size = self.body_sizes.most_common(1)[0][0]
        native.body_bold = self.body_chars > 0 and self.body_bold_chars * 2 > self.body_chars
        native.strict = self.pkg.strict
        total = sum(self.lang_chars.values())
        if total:
            lang, count = self.lang_chars.most_common(1)[0]
            doc.content_lang = lang
            doc.content_lang_share = count / total
        doc.native = native
        return doc

    # ----------------------------------------------------------------- blocks
    def walk_blocks(self, container: etree._Element, ctx: _Ctx) -> None:
        if ctx.depth > MAX_DEPTH:
            message = f"content nested more than {MAX_DEPTH} levels deep (tables, text boxes) was skipped"
            if message not in self.doc.warnings:
                self.doc.warnings.append(message)
            return
        self.container_seq += 1
        cid = self.container_seq
        pos = 0
        prev_table = False
        last_para: Para | None = None
        for child in self._children(container):
            tag = child.tag
            if tag == W + "p":
                pos += 1
                last_para = self.paragraph(child, ctx, cid, pos, prev_table)
                prev_table = False
            elif tag == W + "tbl":
                pos += 1
                self.table(child, ctx)
                prev_table = True
                last_para = None
        if last_para is not None and ctx.in_table:
            last_para.last_in_cell = True

    def _children(self, container: etree._Element) -> Any:
        """Block-level children in order, unwrapping content controls, customXml and AlternateContent."""
        for child in container:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag in (W + "p", W + "tbl"):
                yield child
            elif tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    yield from self._children(content)
            elif tag in (W + "customXml", W + "ins", W + "moveTo"):
                yield from self._children(child)
            elif tag == MC + "AlternateContent":
                branch = _choose(child)
                if branch is not None:
                    yield from self._children(branch)
            elif tag == W + "altChunk" and not self._alt_chunk_warned:
                self._alt_chunk_warned = True
                self.doc.warnings.append(
                    "the document embeds other files (w:altChunk, e.g. HTML or RTF) whose content was not checked"
                )

    # ----------------------------------------------------------------- tables
    def _table_children(self, el: etree._Element, tag: str) -> list[etree._Element]:
        """The children of a table (rows) or a row (cells) with this tag, also inside the content controls
        (w:sdt) and custom XML that may wrap them."""
        found: list[etree._Element] = []

        def collect(parent: etree._Element) -> None:
            for child in parent:
                if child.tag == tag:
                    found.append(child)
                elif child.tag in (W + "sdt", W + "customXml"):
                    content = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
                    if content is not None:
                        collect(content)

        collect(el)
        return found

    def table(self, tbl: etree._Element, ctx: _Ctx) -> None:
        self.table_counter[ctx.part] += 1
        number = self.table_counter[ctx.part]
        tbl_pr = tbl.find(W + "tblPr")
        style_id = None
        look: dict[str, bool] = {"firstRow": True, "lastRow": False, "firstColumn": True, "lastColumn": False}
        look.update({"noHBand": False, "noVBand": True})
        tbl_shd = None
        if tbl_pr is not None:
            st = tbl_pr.find(W + "tblStyle")
            if st is not None:
                style_id = st.get(W + "val")
            lk = tbl_pr.find(W + "tblLook")
            if lk is not None:
                look = _tbl_look(lk)
            tbl_shd = shd_spec(tbl_pr.find(W + "shd"))
        if not self.styles.has(style_id):
            style_id = self.styles.default_table
        rows = self._table_children(tbl, W + "tr")
        grid = [self._table_children(tr, W + "tc") for tr in rows]
        header_rows = 0  # the leading rows marked "Repeat as header row" (later ones do not repeat in Word)
        for tr in rows:
            hdr = tr.find(f"{W}trPr/{W}tblHeader")
            if hdr is None or not is_on(hdr.get(W + "val")):
                break
            header_rows += 1
        todo, cols = self._cell_contexts(grid, ctx, number, style_id, look, self.scheme.shading(tbl_shd))
        self.content_seen += 1  # a table in a cell is content of that cell
        # The table is recorded before its cells' nested tables, so numbers follow document order; its merges
        # and blank cells are filled in once its cells have been read.
        index = len(self.tables)
        self.tables.append(
            Table(
                location=Location(part=ctx.part, table=number),
                rows=len(rows),
                cols=cols,
                header=header_rows > 0,
                nested=ctx.in_table,
            )
        )
        blank: list[bool] = []  # per cell, in the order of ``todo``
        for tc, cell_ctx in todo:
            seen = self.content_seen
            self.walk_blocks(tc, cell_ctx)
            blank.append(self.content_seen == seen)
        merged, merged_body, layout = _grid_layout(rows, grid, header_rows, blank)
        self.tables[index] = replace(
            self.tables[index],
            merged=merged,
            merged_body=merged_body,
            blank=blank_cells(layout, header_rows),
        )

    def _cell_contexts(
        self,
        grid: list[list[etree._Element]],
        ctx: _Ctx,
        number: int,
        style_id: str | None,
        look: dict[str, bool],
        tbl_bg: RGB | str | None,
    ) -> tuple[list[tuple[etree._Element, _Ctx]], int]:
        """Each cell with the context its paragraphs are read in (the table style's conditional formatting
        for its place, its background), and the number of grid columns."""
        style = self.styles.style(style_id)
        conditional = bool(style is not None and (style.conditional or style.based_on))
        band = self.styles.band_size(style_id)
        n_rows = len(grid)
        plain = self.styles.table_parts(style_id, ())
        v_band, h_band = not look.get("noVBand", True), not look.get("noHBand", False)
        first_row, last_row = look.get("firstRow", False), look.get("lastRow", False)
        first_col, last_col = look.get("firstColumn", False), look.get("lastColumn", False)
        offset = 1 if first_row else 0
        cols = 0
        todo: list[tuple[etree._Element, _Ctx]] = []
        for i, cells in enumerate(grid):
            width = 0
            for j, tc in enumerate(cells):
                tc_pr = tc.find(W + "tcPr")
                cell_shd = None
                if tc_pr is not None:
                    span = tc_pr.find(W + "gridSpan")
                    if span is not None:
                        value = span.get(W + "val") or "1"
                        width += max(1, min(int(value), 64)) - 1 if value.isdigit() else 0
                    cell_shd = shd_spec(tc_pr.find(W + "shd"))
                width += 1
                if conditional:
                    conds: list[str] = []
                    if v_band:
                        conds.append("band1Vert" if (j // band) % 2 == 0 else "band2Vert")
                    if h_band and i >= offset:
                        conds.append("band1Horz" if ((i - offset) // band) % 2 == 0 else "band2Horz")
                    if first_col and j == 0:
                        conds.append("firstCol")
                    if last_col and j == len(cells) - 1:
                        conds.append("lastCol")
                    if first_row and i == 0:
                        conds.append("firstRow")
                    if last_row and i == n_rows - 1 and n_rows > 1:
                        conds.append("lastRow")
                    t_rpr, t_shd = self.styles.table_parts(style_id, tuple(conds))
                else:
                    t_rpr, t_shd = plain
                bg = self.scheme.shading(cell_shd) if cell_shd else None
                if bg is None:
                    bg = self.scheme.shading(t_shd) if t_shd else None
                if bg is None:
                    bg = tbl_bg
                if bg is None:
                    bg = ctx.bg
                cell_ctx = _Ctx(
                    part=ctx.part,
                    body=ctx.body,
                    source=ctx.source,
                    depth=ctx.depth + 1,
                    in_table=True,
                    in_textbox=ctx.in_textbox,
                    bg=bg,
                    table_rpr=t_rpr,
                    box_font=ctx.box_font,
                    table=number,
                    row=i + 1,
                )
                todo.append((tc, cell_ctx))
            cols = max(cols, width)
        return todo, cols

    # ----------------------------------------------------------------- paragraphs
    def paragraph(self, p: etree._Element, ctx: _Ctx, cid: int, pos: int, after_table: bool) -> Para:
        self.para_counter[ctx.part] += 1
        index = self.para_counter[ctx.part]
        if index > MAX_PARAGRAPHS:
            raise DocumentError("too-large", f"more than {MAX_PARAGRAPHS} paragraphs")
        ppr = p.find(W + "pPr")
        style_id, outline, direct_num, ppr_shd, section, frame = _para_props(ppr)
        pstyle = self.styles.para_style(style_id)
        style_name, style_heading, style_num, style_bg, style_toc = self._para_style_facts(pstyle)
        heading = style_heading
        if outline is not None:  # a direct outline level wins; 9 (and nonsense) is body text
            heading = outline + 1 if 0 <= outline < 9 else None
        # A direct w:numPr without w:numId (only w:ilvl) keeps the style's list; numId 0 removes numbering.
        num = direct_num if direct_num is not None else style_num
        list_item = bool(num) and num != "0" and (self.num_ids is None or num in self.num_ids)
        para_bg = self.scheme.shading(ppr_shd) if ppr_shd else style_bg
        # State used by runs.
        self.cur_pstyle = pstyle
        self.cur_para_bg = para_bg
        self.cur_ctx = ctx
        self.cur_toc = style_toc
        self.cur_index = index
        state = _ParaState()
        self.inline(p, ctx, state, [])
        text = "".join(state.text)
        para = Para(
            part=ctx.part,
            index=index,
            text=text,
            style_name=style_name,
            heading=heading,
            list_item=list_item,
            in_table=ctx.in_table,
            in_textbox=ctx.in_textbox,
            container=cid,
            pos=pos,
            has_object=state.has_object or (state.hidden and not state.chars),
            page_break=state.page_break,
            section_break=section,
            after_table=after_table,
            bold=state.chars > 0 and state.bold_chars == state.chars,
            size=max(state.sizes, key=state.sizes.__getitem__) if state.sizes else None,
            sym_bullet=bool(state.sym_first),
            frame=frame,
        )
        self.native.paragraphs.append(para)
        if para.has_object or text.strip():
            self.content_seen += 1
        if frame:
            self.native.floating.append(FloatingObject(self._loc(ctx), "frame", None))
        if ctx.body:
            clean = _norm(text)
            self.text_chars += len(clean)
            if heading is not None:
                if clean:
                    self.headings.append(Heading(level=heading, text=clean, location=self._loc(ctx)))
            else:
                for size, n in state.sizes.items():
                    self.body_sizes[size] += n
                self.body_chars += state.chars
                self.body_bold_chars += state.bold_chars
        self._paragraph_contrast(state)
        if state.textboxes:
            saved, self.fields = self.fields, []
            for txbx, box_ctx in state.textboxes:
                self.walk_blocks(txbx, box_ctx)
            self.fields = saved
        return para

    def _para_style_facts(
        self, pstyle: str | None
    ) -> tuple[str, int | None, str | None, RGB | str | None, bool]:
        """(name, heading level, numbering id, background, is a TOC style) of a paragraph style, cached."""
        facts = self._pfacts.get(pstyle)
        if facts is None:
            facts = (
                self.styles.name(pstyle),
                self.styles.heading_level(pstyle),
                self.styles.num_id(pstyle),
                self.scheme.shading(self.styles.para_shd(pstyle)),
                bool(_TOC_STYLE.match(self.styles.name(pstyle))),
            )
            self._pfacts[pstyle] = facts
        return facts

    def _paragraph_contrast(self, state: _ParaState) -> None:
        """Report the paragraph's contrast: its worst run, unless a passing combination was seen before, and
        its first unresolvable run."""
        if state.behind and state.contrast_worst is not None:
            # A picture placed "Behind Text" lies under this paragraph's text at least: a person must judge.
            worst = state.contrast_worst[1]
            state.contrast_worst = None
            if state.contrast_bad is None:
                state.contrast_bad = ContrastSample(
                    worst.location,
                    worst.text,
                    None,
                    None,
                    worst.size_pt,
                    worst.bold,
                    reason="picture",
                )
        if state.contrast_worst is not None:
            score, sample = state.contrast_worst
            # A passing combination (colours, size, weight) is one target however often it recurs; every
            # failing paragraph is reported on its own.
            key = (sample.foreground, sample.background, sample.size_pt, sample.bold)
            if score < 1.0 or key not in self._passing:
                self.contrast.append(sample)
                if score >= 1.0:
                    self._passing.add(key)
        if state.contrast_bad is not None:
            self.contrast.append(state.contrast_bad)

    def inline(self, el: etree._Element, ctx: _Ctx, state: _ParaState, links: list[_LinkCollector]) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == W + "r":
                self.run_(child, ctx, state, links)
            elif tag == W + "hyperlink":
                rid = child.get(R + "id")
                anchor = child.get(W + "anchor")
                href: str | None = None
                if rid:
                    rel = self.pkg.rels(ctx.source or self.main).get(rid)
                    href = rel.target if rel is not None else None
                if anchor:
                    href = (href or "") + "#" + anchor
                collector = _LinkCollector(href)
                self.inline(child, ctx, state, [*links, collector])
                if (rid or anchor) and not self.cur_toc and not self._in_toc_field():
                    self._emit_link(collector, ctx)
            elif tag in _INLINE_WRAPPERS:
                self.inline(child, ctx, state, links)
            elif tag == W + "sdt":
                state.has_object = True
                content = child.find(W + "sdtContent")
                if content is not None:
                    self.inline(content, ctx, state, links)
            elif tag == W + "fldSimple":
                fld = _Field(child.get(W + "instr") or "")
                state.has_object = True
                self.fields.append(fld)
                self.inline(child, ctx, state, links)
                self.fields.pop()
                self._end_field(fld, ctx)
            elif tag == MC + "AlternateContent":
                branch = _choose(child)
                if branch is not None:
                    self.inline(branch, ctx, state, links)
            elif tag in (M + "oMath", M + "oMathPara"):
                state.has_object = True

    def _loc(self, ctx: _Ctx, name: str | None = None) -> Location:
        """Where the current paragraph is: part and paragraph, the table and row of a cell, an object's name."""
        return Location(
            part=ctx.part, paragraph=self.cur_index, table=ctx.table, row=ctx.row, name=name or None
        )

    def _in_toc_field(self) -> bool:
        return any(f.kind == "TOC" for f in self.fields)

    def _emit_link(self, collector: _LinkCollector, ctx: _Ctx) -> None:
        text = _norm("".join(collector.text))
        if not text and collector.alt:
            text = _norm(" ".join(collector.alt))
        self.links.append(Link(location=self._loc(ctx), text=text, href=collector.href))

    def _end_field(self, fld: _Field, ctx: _Ctx) -> None:
        if fld.kind == "HYPERLINK" and not self.cur_toc and not self._in_toc_field():
            collector = _LinkCollector(fld.target)
            collector.text = fld.text
            self._emit_link(collector, ctx)

    def _visible(self) -> bool:
        """Text is visible unless we are in a field's instruction part."""
        return all(f.result for f in self.fields)

    def _add_text(self, s: str, state: _ParaState, links: list[_LinkCollector]) -> None:
        state.text.append(s)
        for collector in links:
            collector.text.append(s)
        for fld in self.fields:
            if fld.kind == "HYPERLINK":
                fld.text.append(s)

    def run_(self, r: etree._Element, ctx: _Ctx, state: _ParaState, links: list[_LinkCollector]) -> None:
        rpr_el = r.find(W + "rPr")
        props: dict[str, Any] | None = None
        pieces: list[str] = []
        visible = not self.fields or self._visible()
        for child in _run_children(r):
            tag = child.tag
            if not isinstance(tag, str) or tag == W + "rPr":
                continue
            if tag == W + "t":
                if visible and child.text:
                    pieces.append(child.text)
            elif tag == W + "tab" or tag == W + "ptab":
                if visible:
                    pieces.append("\t")
            elif tag in (W + "br", W + "cr"):
                if child.get(W + "type") == "page":
                    state.page_break = True
                elif visible:
                    pieces.append("\n")
            elif tag == W + "noBreakHyphen":
                pieces.append("-")
            elif tag == W + "sym":
                _symbol(child, state, pieces)
            elif tag == W + "fldChar":
                self._field_char(child.get(W + "fldCharType"), ctx, state)
                visible = not self.fields or self._visible()
            elif tag == W + "instrText":
                if self.fields and not self.fields[-1].result:
                    self.fields[-1].instr.append(child.text or "")
            elif tag == W + "drawing":
                state.has_object = True
                self.drawing(child, ctx, state, links)
            elif tag in (W + "pict", W + "object"):
                state.has_object = True
                self.vml(child, ctx, state, links, ole=tag == W + "object")
            elif tag in (W + "footnoteReference", W + "endnoteReference", W + "object", W + "ruby"):
                state.has_object = True
        if not pieces:
            return
        s = "".join(pieces)
        key = (id(ctx.table_rpr), self.cur_pstyle, None)
        rstyle = None
        direct: dict[str, Any] = {}
        if rpr_el is not None:
            direct = parse_rpr(rpr_el)
            rstyle = direct.pop("rStyle", None)
            key = (id(ctx.table_rpr), self.cur_pstyle, rstyle)
        base = self._eff.get(key)
        if base is None:
            self._table_rpr_ids[id(ctx.table_rpr)] = ctx.table_rpr  # keep alive so ids stay unique
            base = self.styles.effective(ctx.table_rpr, self.cur_pstyle, rstyle)
            self._eff[key] = base
        props = merge(base, direct) if direct else base
        if props.get("vanish"):
            state.hidden = True
            return
        self._add_text(s, state, links)
        nchars = len(s.strip())
        if not nchars:
            return
        bold = bool(props.get("b"))
        size = float(props.get("sz") or 10.0)
        state.chars += nchars
        if bold:
            state.bold_chars += nchars
        state.sizes[size] = state.sizes.get(size, 0) + nchars
        if state.sym_first is None:
            first = s.lstrip()[:1]
            state.sym_first = bool(first) and "\ue000" <= first <= "\uf8ff"
        if ctx.body:
            lang = props.get("lang")
            if lang:
                self.lang_chars[lang] += nchars
        self.contrast_run(s, props, size, bold, ctx, state)

    def _field_char(self, kind: str | None, ctx: _Ctx, state: _ParaState) -> None:
        """A complex field's begin, separate (its instruction ends, its result starts) or end."""
        if kind == "begin":
            self.fields.append(_Field())
            state.has_object = True
        elif kind == "separate" and self.fields:
            self.fields[-1].result = True
            self.fields[-1].classify()
        elif kind == "end" and self.fields:
            fld = self.fields.pop()
            if not fld.result:
                fld.classify()
            self._end_field(fld, ctx)

    # ----------------------------------------------------------------- colour
    def contrast_run(
        self, s: str, props: dict[str, Any], size: float, bold: bool, ctx: _Ctx, state: _ParaState
    ) -> None:
        bg, reason = self.background(props, ctx)
        if props.get("gradient"):
            reason = "gradient-text"
        fg_spec = props.get("color")
        fg: RGB | str | None = self.scheme.color(fg_spec)
        if fg is None and ctx.box_font is not None:
            fg = ctx.box_font
        if reason is not None or bg is None:
            if state.contrast_bad is None:
                state.contrast_bad = ContrastSample(
                    self._loc(ctx),
                    _norm(s),
                    None,
                    None,
                    size,
                    bold,
                    reason=reason or "unknown",
                )
            return
        if fg is None or fg == AUTO:
            fg = (
                (0, 0, 0)
                if contrast_ratio((0, 0, 0), bg) >= contrast_ratio((255, 255, 255), bg)
                else (255, 255, 255)
            )
        assert isinstance(fg, tuple)
        ratio = contrast_ratio(fg, bg)
        large = size >= 18 or (bold and size >= 14)
        required = 3.0 if large else 4.5
        # Below 1.0 exactly when the check fails: it compares the ratio rounded down to two decimals.
        score = (int(ratio * 100) / 100) / required
        if state.contrast_worst is None or score < state.contrast_worst[0]:
            location = self._loc(ctx)
            state.contrast_worst = (score, ContrastSample(location, _norm(s), fg, bg, size, bold))

    def background(self, props: dict[str, Any], ctx: _Ctx) -> tuple[RGB | None, str | None]:
        hl = props.get("highlight")
        if hl and hl != "none" and hl in HIGHLIGHT:
            return HIGHLIGHT[hl], None
        for candidate in (self.scheme.shading(props.get("shd")), self.cur_para_bg, ctx.bg, self.page_bg):
            if candidate is None:
                continue
            if isinstance(candidate, tuple):
                return candidate, None
            return None, candidate if candidate != UNRESOLVED else "pattern"
        return (255, 255, 255), None

    # ----------------------------------------------------------------- drawings
    def _image(
        self,
        ctx: _Ctx,
        kind: str,
        alt: str | None,
        decorative: bool,
        name: str | None,
        links: list[_LinkCollector],
    ) -> None:
        location = self._loc(ctx, name)
        self.images.append(Image(location=location, kind=kind, alt=alt, decorative=decorative, name=name))
        if alt:
            for collector in links:
                collector.alt.append(alt)

    def drawing(
        self, drawing: etree._Element, ctx: _Ctx, state: _ParaState, links: list[_LinkCollector]
    ) -> None:
        for holder in drawing:
            if holder.tag not in (WP + "inline", WP + "anchor"):
                continue
            anchored = holder.tag == WP + "anchor"
            doc_pr = holder.find(WP + "docPr")
            hidden = doc_pr is not None and is_on(doc_pr.get("hidden"), default=False)
            if anchored and not hidden and is_on(holder.get("behindDoc"), default=False):
                state.behind = True
            decorative = is_decorative(doc_pr)
            alt = alt_of(doc_pr)
            name = doc_pr.get("name") if doc_pr is not None else None
            gdata = holder.find(f"{A}graphic/{A}graphicData")
            uri = gdata.get("uri") if gdata is not None else ""
            kind = _URI_KIND.get(uri or "", "graphic")
            is_textbox = False
            box_text = ""
            if gdata is not None and kind == "shape":
                wsp = gdata.find(WPS + "wsp")
                if wsp is not None:
                    is_textbox = self._shape_text(wsp, ctx, state)
                    if is_textbox:
                        box_text = _box_text(wsp)
                    elif wsp.find(WPS + "cNvCnPr") is not None:
                        kind = "connector"  # lines and connectors carry no information of their own
            elif gdata is not None and kind == "group":
                for wsp in gdata.iter(WPS + "wsp"):
                    self._shape_text(wsp, ctx, state)
                if not alt and not decorative:
                    alt = self._group_alt(gdata)
            location = self._loc(ctx, name)
            if hidden:
                continue
            click = doc_pr.find(A + "hlinkClick") if doc_pr is not None else None
            if click is not None and not self.cur_toc:
                # A linked picture: its name is its alt text (an empty name is link-name's "empty" failure).
                rel = self.pkg.rels(ctx.source or self.main).get(click.get(R + "id") or "")
                href = rel.target if rel is not None else None
                self.links.append(Link(location=location, text=_norm(alt or ""), href=href))
            if is_textbox:
                kind = "textbox"
            elif kind != "connector":
                self._image(ctx, kind, alt, decorative, name, links)
            if anchored and not decorative:
                self.native.floating.append(FloatingObject(location, kind, name, box_text))
            elif not anchored:
                self.native.inline_objects.append(location)

    def _group_alt(self, gdata: etree._Element) -> str | None:
        """A group without its own alt text is described when every picture in it is."""
        alts = []
        for cnv in gdata.iter("{%s}cNvPr" % NS["pic"]):
            a = alt_of(cnv)
            if not a and not is_decorative(cnv):
                return None
            if a:
                alts.append(a)
        return "; ".join(alts) if alts else None

    def _shape_text(self, wsp: etree._Element, ctx: _Ctx, state: _ParaState) -> bool:
        """Queue a wps shape's text box for reading; True when it holds text (then it is not an image)."""
        content = wsp.find(f"{WPS}txbx/{W}txbxContent")
        if content is None:
            return False
        has_text = any((t.text or "").strip() for t in content.iter(W + "t"))
        bg, font = self._shape_colors(wsp, ctx)
        box_ctx = _Ctx(
            part=ctx.part,
            body=ctx.body,
            source=ctx.source,
            depth=ctx.depth + 1,
            in_table=False,
            in_textbox=True,
            bg=bg,
            table_rpr={},
            box_font=font,
        )
        state.textboxes.append((content, box_ctx))
        return has_text

    def _shape_colors(self, wsp: etree._Element, ctx: _Ctx) -> tuple[RGB | str | None, RGB | None]:
        cmap = self.scheme.drawing_map()
        theme = self.scheme.theme
        bg: RGB | str | None = ctx.bg
        sppr = wsp.find(WPS + "spPr")
        fill_found = False
        if sppr is not None:
            for child in sppr:
                local = etree.QName(child).localname if isinstance(child.tag, str) else ""
                if local == "solidFill":
                    bg = color_of(child, theme, cmap) or "colour"
                    fill_found = True
                elif local == "noFill":
                    fill_found = True
                elif local == "gradFill":
                    bg, fill_found = "gradient", True
                elif local == "blipFill":
                    bg, fill_found = "picture", True
                elif local == "pattFill":
                    bg, fill_found = "pattern", True
        style = wsp.find(WPS + "style")
        font: RGB | None = None
        if style is not None:
            if not fill_found:
                ref = style.find(A + "fillRef")
                if ref is not None and (ref.get("idx") or "0") != "0":
                    colour = next((c for c in ref if isinstance(c.tag, str)), None)
                    bg = color_of(colour, theme, cmap) or "colour"
            fref = style.find(A + "fontRef")
            if fref is not None:
                colour = next((c for c in fref if isinstance(c.tag, str)), None)
                font = color_of(colour, theme, cmap)
        return bg, font

    def vml(
        self,
        holder: etree._Element,
        ctx: _Ctx,
        state: _ParaState,
        links: list[_LinkCollector],
        ole: bool,
    ) -> None:
        for child in holder:
            if child.tag == W + "drawing":
                self.drawing(child, ctx, state, links)
                continue
            if child.tag not in _VML_SHAPES:
                continue
            shape_id = child.get("id") or ""
            if shape_id.startswith(_WATERMARK):
                continue  # a watermark is background decoration
            style = (child.get("style") or "").replace(" ", "").lower()
            if "visibility:hidden" in style:
                continue
            imagedata = next(child.iter(V + "imagedata"), None)
            textbox = next(child.iter(W + "txbxContent"), None)
            absolute = "position:absolute" in style
            name = shape_id or None
            location = self._loc(ctx, name)
            if textbox is not None:
                state.textboxes.append(
                    (
                        textbox,
                        _Ctx(
                            part=ctx.part,
                            body=ctx.body,
                            source=ctx.source,
                            depth=ctx.depth + 1,
                            in_textbox=True,
                            bg=_vml_fill(child, ctx.bg),
                        ),
                    )
                )
            if imagedata is not None or ole:
                alt = (child.get("alt") or "").strip() or None
                if alt is None and imagedata is not None:
                    alt = (imagedata.get(VO + "title") or "").strip() or None
                kind = "ole" if ole else "picture"
                self._image(ctx, kind, alt, False, name, links)
            elif textbox is None:
                continue
            if absolute:
                kind = "ole" if ole else ("picture" if imagedata is not None else "textbox")
                text = _box_text(textbox) if textbox is not None and kind == "textbox" else ""
                self.native.floating.append(FloatingObject(location, kind, name, text))
            else:
                self.native.inline_objects.append(location)
            if ole:
                break  # one w:object is one object, whatever shapes it holds


def _para_props(
    ppr: etree._Element | None,
) -> tuple[str | None, int | None, str | None, tuple[str | None, ...] | None, bool, bool]:
    """From a w:pPr: (style id, outline level, direct numId, shading, has a section break, is a frame)."""
    style_id = outline = None
    direct_num: str | None = None
    ppr_shd = None
    section = frame = False
    if ppr is not None:
        for child in ppr:
            tag = child.tag
            if tag == W + "pStyle":
                style_id = child.get(W + "val")
            elif tag == W + "outlineLvl":
                try:
                    outline = int(child.get(W + "val") or "")
                except ValueError:
                    outline = None
            elif tag == W + "numPr":
                nid = child.find(W + "numId")
                if nid is not None:
                    direct_num = nid.get(W + "val")
            elif tag == W + "shd":
                ppr_shd = shd_spec(child)
            elif tag == W + "sectPr":
                section = True
            elif tag == W + "framePr":
                frame = child.get(W + "dropCap") in (None, "none")
    return style_id, outline, direct_num, ppr_shd, section, frame


def _symbol(sym: etree._Element, state: _ParaState, pieces: list[str]) -> None:
    """A w:sym character (a private-use code of a symbol font); first in its paragraph, it may be a bullet."""
    try:
        ch = chr(int(sym.get(W + "char") or "", 16))
    except ValueError:
        ch = "\uf0b7"
    if state.sym_first is None and not "".join(state.text).strip() and not "".join(pieces).strip():
        state.sym_first = True
    pieces.append(ch)


def _grid_count(el: etree._Element | None) -> int:
    """A w:gridSpan/w:gridBefore value: grid columns, 1..64 (0 when absent or nonsense)."""
    value = el.get(W + "val") if el is not None else None
    return max(0, min(int(value), 64)) if value and value.isdigit() else 0


def _grid_layout(
    rows: list[etree._Element], grid: list[list[etree._Element]], header_rows: int, blank: list[bool]
) -> tuple[int, int, list[list[bool | None]]]:
    """(merged cells, of them starting below the header rows, the grid layout) of a Word table.

    A cell is merged when it spans grid columns (``w:gridSpan`` > 1), or when it starts a vertical merge
    (``w:vMerge w:val="restart"``) continued in the row below at the same grid column, or starts a legacy horizontal
    merge (``w:hMerge``) continued by the next cell. Each merged cell counts once, by the row it starts in.

    The layout holds each grid position's blankness: ``blank`` gives each cell's own in row order, a cell continuing
    a merge takes the blankness of the cell that starts it, ``w:gridBefore`` leaves positions without a cell
    (``None``)."""
    merged = body = 0
    layout: list[list[bool | None]] = []
    flags = iter(blank)
    open_v: dict[int, list[int]] = {}  # grid column -> [origin row, counted, blank]
    for i, (tr, cells) in enumerate(zip(rows, grid, strict=True)):
        row: list[bool | None] = []
        col = _grid_count(tr.find(f"{W}trPr/{W}gridBefore"))
        open_h: list[int] | None = None
        prev = False
        for tc in cells:
            value = next(flags)
            tc_pr = tc.find(W + "tcPr")
            span, v_merge, h_merge = 1, None, None
            if tc_pr is not None:
                span = max(1, _grid_count(tc_pr.find(W + "gridSpan")))
                v = tc_pr.find(W + "vMerge")
                v_merge = (v.get(W + "val") or "continue") if v is not None else None
                h = tc_pr.find(W + "hMerge")
                h_merge = (h.get(W + "val") or "continue") if h is not None else None
            origins: list[list[int]] = []
            if v_merge == "continue" and col in open_v:
                origins.append(open_v[col])
                value = bool(open_v[col][2])
            elif v_merge == "restart":
                open_v[col] = [i, int(span > 1), int(value)]
            else:
                for c in range(col, col + span):
                    open_v.pop(c, None)
            if h_merge == "continue" and open_h is not None:
                origins.append(open_h)
                value = prev
            else:
                open_h = [i, int(span > 1)] if h_merge == "restart" else None
            if span > 1 and v_merge != "continue":
                origins.append([i, 0])
            for origin in origins:
                if not origin[1]:
                    origin[1] = 1
                    merged += 1
                    body += int(origin[0] >= header_rows)
            place(row, col, span, value)
            prev = value
            col += span
        layout.append(row)
    return merged, body, layout


def _tbl_look(lk: etree._Element) -> dict[str, bool]:
    look = {"firstRow": False, "lastRow": False, "firstColumn": False, "lastColumn": False}
    look.update({"noHBand": False, "noVBand": False})
    raw = lk.get(W + "val")
    if raw:
        try:
            bits = int(raw, 16)
        except ValueError:
            bits = 0
        look.update(
            firstRow=bool(bits & 0x20),
            lastRow=bool(bits & 0x40),
            firstColumn=bool(bits & 0x80),
            lastColumn=bool(bits & 0x100),
            noHBand=bool(bits & 0x200),
            noVBand=bool(bits & 0x400),
        )
    for key in look:
        val = lk.get(W + key)
        if val is not None:
            look[key] = is_on(val)
    return look


def _vml_fill(shape: etree._Element, behind: RGB | str | None) -> RGB | str | None:
    """A VML shape's fill: ``filled="f"`` shows what is behind; a ``v:fill`` of another type is unresolvable;
    ``fillcolor`` (hex, maybe followed by a palette index) or VML's default white otherwise."""
    if (shape.get("filled") or "t").strip().lower() in ("f", "false"):
        return behind
    fill = shape.find(V + "fill")
    if fill is not None and (fill.get("type") or "solid") != "solid":
        return "picture"
    raw = (shape.get("fillcolor") or "#ffffff").split("[", 1)[0].strip()
    return hex_to_rgb(raw) or PRESET.get(raw) or "colour"


def _box_text(el: etree._Element) -> str:
    return _norm("".join(t.text or "" for t in el.iter(W + "t")))[:200]


def _choose(alt: etree._Element) -> etree._Element | None:
    """The branch of mc:AlternateContent to read: the first mc:Choice, else mc:Fallback (never both)."""
    fallback = None
    for child in alt:
        if child.tag == MC + "Choice":
            return child
        if child.tag == MC + "Fallback" and fallback is None:
            fallback = child
    return fallback


def _run_children(r: etree._Element) -> Any:
    """A run's children, with mc:AlternateContent replaced by its chosen branch's children."""
    for child in r:
        if child.tag == MC + "AlternateContent":
            branch = _choose(child)
            if branch is not None:
                yield from branch
        else:
            yield child


def read_package(pkg: Package, source: str, filename: str, limits: Limits) -> Document:
    main = pkg.main_part()
    if not pkg.has(main):
        raise DocumentError("corrupt", f"the main part {main} is missing")
    return _Reader(pkg, main, source, filename, limits).run()


def read(path: Path, source: str, limits: Limits) -> Document:
    pkg = open_package(path, limits)
    try:
        return read_package(pkg, source, Path(source).name or path.name, limits)
    finally:
        pkg.close()
