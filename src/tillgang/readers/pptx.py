"""PowerPoint (.pptx, .ppsx, .potx, macro-enabled variants, Strict) -> ``Document``.

zipfile + lxml through ``_ooxml`` (limited part reads, safe parsing, Strict namespaces mapped), never python-pptx.
Slides are read in ``p:sldIdLst`` order; hidden slides are read too (and named in ``warnings``). Every slide's
shapes are walked once in ``p:spTree`` order (= screen-reader order), groups recursively with a depth cap.
Masters, layouts and themes are parsed once (``_pptx_style.Styles``). See docs/pptx.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..colour import contrast_ratio, required_ratio
from ..errors import DocumentError
from ..limits import Limits
from ..model import ContrastSample, Document, Image, Link, Location, Table
from ._drawingml import RGB, alt_of, color_of, is_decorative
from ._ooxml import NS, Package, is_on, open_package
from ._pptx_model import Box, PresentationInfo, ShapeInfo, SlideInfo
from ._pptx_style import (
    NO_FILL,
    A,
    Fill,
    LayoutCtx,
    MasterCtx,
    P,
    Styles,
    cnvpr_of,
    effective_ph_type,
    emu,
    fill_of,
    first_fill_child,
    local,
    match_placeholder,
    ph_of,
    shape_children,
    tx_category,
    xfrm_box,
    xfrm_box_p,
)
from ._pptx_tables import CellStyle, TableStyles, cell_parts, table_cell_style
from ._table_grid import blank_cells, place

__all__ = ["MAX_GROUP_DEPTH", "read"]

R_ID = "{%s}id" % NS["r"]
MAX_GROUP_DEPTH = 32
MAX_UNDER = 500  # shapes searched behind a text shape
DEFAULT_SIZE_PT = 18.0
WHITE: RGB = (255, 255, 255)

URI_TABLE = "http://schemas.openxmlformats.org/drawingml/2006/table"
_GRAPHIC_KINDS = {
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "chart",
    "http://schemas.microsoft.com/office/drawing/2014/chartex": "chart",
    "http://schemas.openxmlformats.org/drawingml/2006/diagram": "smartart",
    "http://schemas.openxmlformats.org/presentationml/2006/ole": "ole",
}

Transform = Callable[[Box], Box]
_R, _FLD, _BR = A + "r", A + "fld", A + "br"


def _identity(box: Box) -> Box:
    return box


# ------------------------------------------------------------------ contrast arithmetic (as checks/contrast.py)


# ------------------------------------------------------------------ text properties


@dataclass(slots=True)
class _RunProps:
    # a fill element (solidFill …) or a bare colour element (from fontRef / tcTxStyle)
    fill: etree._Element | None
    size_pt: float
    bold: bool
    lang: str | None


@dataclass(slots=True)
class _TextCtx:
    """Everything a shape's text inherits from: list styles by priority, and the colour context."""

    # lstStyle-like elements (children lvlNpPr / defPPr), highest priority first
    containers: list[etree._Element]
    # p:style/a:fontRef colour (non-placeholder shapes) or the table style's text colour
    font_colour: etree._Element | None
    font_colour_at: int  # insert the font colour before containers[font_colour_at]
    font_bold: bool | None
    theme: dict[str, RGB]
    clr_map: dict[str, str]
    font_scale: float = 1.0
    _cache: dict[int, list[etree._Element]] = field(default_factory=dict)

    def chain(self, level: int) -> list[etree._Element]:
        cached = self._cache.get(level)
        if cached is not None:
            return cached
        chain: list[etree._Element] = []
        for i, container in enumerate(self.containers):
            if i == self.font_colour_at and self.font_colour is not None:
                chain.append(self.font_colour)
            for tag in (f"lvl{level}pPr", "defPPr"):
                ppr = container.find(A + tag)
                if ppr is not None:
                    d = ppr.find(A + "defRPr")
                    if d is not None:
                        chain.append(d)
        if self.font_colour_at >= len(self.containers) and self.font_colour is not None:
            chain.append(self.font_colour)
        self._cache[level] = chain
        return chain


def _props(rpr: etree._Element | None, ppr: etree._Element | None, ctx: _TextCtx) -> _RunProps:
    level = 1
    chain: list[etree._Element] = []
    if ppr is not None:
        try:
            level = min(max(int(ppr.get("lvl") or 0), 0), 8) + 1
        except ValueError:
            level = 1
        d = ppr.find(A + "defRPr")
        if d is not None:
            chain.append(d)
    if rpr is not None:
        chain.insert(0, rpr)
    chain.extend(ctx.chain(level))
    fill: etree._Element | None = None
    size: float | None = None
    bold: bool | None = None
    lang: str | None = None
    for el in chain:
        if local(el) not in ("rPr", "defRPr", "endParaRPr", "tcTxStyle"):  # a bare colour (fontRef)
            if fill is None:
                fill = el
            continue
        if fill is None:
            fill = first_fill_child(el)
        if size is None and el.get("sz"):
            try:
                size = int(el.get("sz") or "") / 100
            except ValueError:
                size = None
        if bold is None and el.get("b") is not None:
            bold = is_on(el.get("b"), default=False)
        if lang is None and el.get("lang"):
            lang = el.get("lang")
        if fill is not None and size is not None and bold is not None and lang is not None:
            break
    if bold is None:
        bold = bool(ctx.font_bold)
    return _RunProps(fill, (size or DEFAULT_SIZE_PT) * ctx.font_scale, bold, lang)


# ------------------------------------------------------------------ the reader state


@dataclass(slots=True)
class _Out:
    images: list[Image] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    contrast: list[ContrastSample] = field(default_factory=list)
    text_chars: int = 0
    lang_chars: Counter[str] = field(default_factory=Counter)
    unmarked_chars: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Under:
    box: Box
    fill: Fill


def _table_merges(rows: list[etree._Element], header_rows: int) -> tuple[int, int]:
    """(merged cells, of them starting below the header rows) of a DrawingML table: the cells spanning more than
    one column or row (``gridSpan``/``rowSpan`` > 1); the cells they cover carry ``hMerge``/``vMerge``."""
    merged = body = 0
    for r, tr in enumerate(rows):
        for tc in tr.findall(A + "tc"):
            if is_on(tc.get("hMerge"), default=False) or is_on(tc.get("vMerge"), default=False):
                continue
            spans = [(tc.get(attr) or "").strip() for attr in ("gridSpan", "rowSpan")]
            if any(v.isdigit() and int(v) > 1 for v in spans):
                merged += 1
                body += int(r >= header_rows)
    return merged, body


def _covered(layout: list[list[bool | None]], tc: etree._Element, r: int, c: int) -> bool | None:
    """The blankness of a cell covered by a merge (``hMerge``: the cell to its left, ``vMerge``: the cell above,
    both already laid out); None when there is nothing there."""
    if is_on(tc.get("hMerge"), default=False):
        row = layout[r]
        return row[c - 1] if 0 < c <= len(row) else None
    above = layout[r - 1] if r > 0 else []
    return above[c] if c < len(above) else None


class _SlideReader:
    """Walks one slide (or notes slide) once, filling ``_Out`` and the slide's ``SlideInfo``."""

    def __init__(
        self,
        pkg: Package,
        styles: Styles,
        part: str,
        root: etree._Element,
        layout: LayoutCtx,
        out: _Out,
        number: int,
        slide_numbers: dict[str, int],
        table_styles: TableStyles,
        notes: bool = False,
    ) -> None:
        self.table_styles = table_styles
        self.pkg = pkg
        self.styles = styles
        self.part = part
        self.root = root
        self.layout = layout
        self.master: MasterCtx = layout.master
        self.out = out
        self.number = number
        self.slide_numbers = slide_numbers
        self.notes = notes
        self.rels = pkg.rels(part)
        override = root.find(f"{P}clrMapOvr/{A}overrideClrMapping")
        self.clr_map: dict[str, str] = (
            {k: v for k, v in override.attrib.items() if isinstance(k, str)}
            if override is not None
            else layout.clr_map
        )
        self.theme = self.master.theme
        self.under: list[_Under] = []
        self.info = SlideInfo(number=number, part=part, layout=layout.name)
        self.table_count = 0
        self._background: Fill | None = None
        self.depth_warned = False
        self._colours: dict[int, RGB | None] = {}
        self.hidden_groups = 0  # > 0 while walking inside a hidden group

    # -------------------------------------------------------------- locations
    def loc(self, name: str | None, table: int | None = None, row: int | None = None) -> Location:
        part = "notes" if self.notes else None
        return Location(slide=self.number, name=name or None, part=part, table=table, row=row)

    # -------------------------------------------------------------- walk
    def read(self) -> SlideInfo:
        tree = self.root.find(f"{P}cSld/{P}spTree")
        if tree is None:
            return self.info
        for shape in shape_children(tree):
            info = self.shape(shape, 0, _identity, None, self.out.images)
            if info is not None:
                self.info.shapes.append(info)
        return self.info

    def shape(
        self,
        el: etree._Element,
        depth: int,
        to_slide: Transform,
        group_fill: Fill | None,
        images: list[Image],
    ) -> ShapeInfo | None:
        kind = local(el)
        if kind not in ("sp", "pic", "graphicFrame", "grpSp", "cxnSp", "contentPart"):
            return None
        cnvpr = cnvpr_of(el)
        name = (cnvpr.get("name") if cnvpr is not None else None) or kind
        hidden = self.hidden_groups > 0 or (cnvpr is not None and is_on(cnvpr.get("hidden"), default=False))
        decorative = is_decorative(cnvpr)
        alt = alt_of(cnvpr)
        ph = ph_of(el)
        lay_ph = mas_ph = None
        ph_type = None
        if ph is not None:
            lay_ph, mas_ph = match_placeholder(ph, self.layout)
            ph_type = effective_ph_type(ph, self.layout)
        box = self.box_of(el, kind, lay_ph, mas_ph)
        slide_box = to_slide(box) if box is not None else None
        info = ShapeInfo(
            name=name,
            kind=kind,
            box=slide_box,
            placeholder=ph_type,
            hidden=hidden,
            decorative=decorative,
            alt=alt,
        )
        if kind == "sp":
            info.text = self.text_shape(el, name, ph_type, lay_ph, mas_ph, slide_box, group_fill, hidden)
            if not hidden and ph is None and not info.text.strip():
                fill = first_fill_child(el.find(P + "spPr"))
                if fill is not None and local(fill) == "blipFill":
                    images.append(Image(self.loc(name), "picture", alt, decorative, name))
        elif kind == "pic":
            if not hidden:
                nvpr = el.find(f"{P}nvPicPr/{P}nvPr")
                media = nvpr is not None and (
                    nvpr.find(A + "videoFile") is not None or nvpr.find(A + "audioFile") is not None
                )
                images.append(Image(self.loc(name), "media" if media else "picture", alt, decorative, name))
                if slide_box is not None:
                    self.under.append(_Under(slide_box, Fill("unresolved", reason="picture")))
        elif kind == "graphicFrame":
            info.text = self.graphic_frame(el, name, hidden, alt, decorative, slide_box, images)
        elif kind == "grpSp":
            info.text = self.group(el, name, depth, to_slide, group_fill, hidden, alt, decorative, images)
        self.shape_link(cnvpr, name, alt or info.text)
        return info

    def box_of(
        self,
        el: etree._Element,
        kind: str,
        lay_ph: etree._Element | None,
        mas_ph: etree._Element | None,
    ) -> Box | None:
        if kind == "graphicFrame":
            return xfrm_box_p(el.find(P + "xfrm"))
        if kind == "grpSp":
            return xfrm_box(el.find(P + "grpSpPr"))
        for candidate in (el, lay_ph, mas_ph):
            if candidate is None:
                continue
            box = xfrm_box(candidate.find(P + "spPr"))
            if box is not None:
                return box
        return None

    # -------------------------------------------------------------- groups
    def group(
        self,
        el: etree._Element,
        name: str,
        depth: int,
        to_slide: Transform,
        group_fill: Fill | None,
        hidden: bool,
        alt: str | None,
        decorative: bool,
        images: list[Image],
    ) -> str:
        if depth >= MAX_GROUP_DEPTH:
            if not self.depth_warned:
                self.out.warnings.append(
                    f"slide {self.number}: groups nested deeper than {MAX_GROUP_DEPTH} levels were not read"
                )
                self.depth_warned = True
            return ""
        gsppr = el.find(P + "grpSpPr")
        inner = _group_transform(gsppr, to_slide)
        own_fill_el = first_fill_child(gsppr)
        own_fill = fill_of(own_fill_el, self.theme, self.clr_map) if own_fill_el is not None else None
        child_images: list[Image] = []
        texts: list[str] = []
        self.hidden_groups += 1 if hidden else 0
        try:
            for child in shape_children(el):
                if child.tag in (P + "nvGrpSpPr", P + "grpSpPr"):
                    continue
                info = self.shape(child, depth + 1, inner, own_fill or group_fill, child_images)
                if info is not None and info.text:
                    texts.append(info.text)
        finally:
            self.hidden_groups -= 1 if hidden else 0
        if hidden:
            return "\n".join(texts)
        if alt or decorative:
            images.append(Image(self.loc(name), "group", alt, decorative, name))
        elif child_images:
            if all(i.decorative or (i.alt or "").strip() for i in child_images):
                images.extend(child_images)
            else:
                # A group without alt text whose pictures are not all described: one finding for the group.
                images.append(Image(self.loc(name), "group", None, False, name))
        return "\n".join(texts)

    # -------------------------------------------------------------- graphic frames
    def graphic_frame(
        self,
        el: etree._Element,
        name: str,
        hidden: bool,
        alt: str | None,
        decorative: bool,
        box: Box | None,
        images: list[Image],
    ) -> str:
        data = el.find(f"{A}graphic/{A}graphicData")
        uri = data.get("uri") if data is not None else None
        if uri == URI_TABLE and data is not None:
            tbl = data.find(A + "tbl")
            if tbl is not None:
                return self.table(tbl, name, hidden, box)
            return ""
        if hidden:
            return ""
        images.append(Image(self.loc(name), _GRAPHIC_KINDS.get(uri or "", "graphic"), alt, decorative, name))
        return ""

    def table(self, tbl: etree._Element, name: str, hidden: bool, box: Box | None) -> str:
        rows = tbl.findall(A + "tr")
        grid = tbl.find(A + "tblGrid")
        ncols = len(grid.findall(A + "gridCol")) if grid is not None else 0
        if not ncols and rows:
            ncols = len(rows[0].findall(A + "tc"))
        tbl_pr = tbl.find(A + "tblPr")
        self.table_count += 1
        first_row = tbl_pr is not None and is_on(tbl_pr.get("firstRow"), default=False)
        known, style_el = self.table_styles.style_of(tbl_pr)
        ctx_cache: dict[tuple[int, bool | None], _TextCtx] = {}
        style_cache: dict[tuple[str, ...], CellStyle] = {}
        fill_cache: dict[tuple[str, ...], Fill | None] = {}
        texts: list[str] = []
        layout: list[list[bool | None]] = [[] for _ in rows]
        for r, tr in enumerate(rows):
            for c, tc in enumerate(tr.findall(A + "tc")):
                if is_on(tc.get("hMerge"), default=False) or is_on(tc.get("vMerge"), default=False):
                    place(layout[r], c, 1, _covered(layout, tc, r, c))  # the merged cell's blankness
                    continue
                body = tc.find(A + "txBody")
                if body is None:
                    place(layout[r], c, 1, True)
                    continue
                parts = cell_parts(tbl_pr, r, c, len(rows), ncols)
                style = style_cache.get(parts) or style_cache.setdefault(
                    parts, table_cell_style(style_el, known, tbl_pr, r, c, len(rows), ncols)
                )
                tc_pr = tc.find(A + "tcPr")
                cell_fill_el = first_fill_child(tc_pr)
                bg: Fill | None
                if cell_fill_el is not None:
                    bg = fill_of(cell_fill_el, self.theme, self.clr_map)
                elif parts in fill_cache:
                    bg = fill_cache[parts]
                else:
                    bg = fill_cache[parts] = style.fill(self.theme, self.clr_map)
                if bg is None or bg.kind == "none":
                    bg = self.underneath(box)
                own_lst = body.find(A + "lstStyle")
                if own_lst is not None and len(own_lst):
                    ctx = self.cell_ctx(own_lst, style)
                else:  # cells without their own list style share one context per style outcome
                    key = (id(style.text_colour), style.bold)
                    ctx = ctx_cache.get(key) or ctx_cache.setdefault(key, self.cell_ctx(None, style))
                loc = self.loc(name, table=self.table_count, row=r + 1)
                text = self.paragraphs(body, ctx, loc, name, bg, hidden)
                place(layout[r], c, 1, not text.strip())
                if text:
                    texts.append(text)
        if not hidden:
            merged, merged_body = _table_merges(rows, 1 if first_row else 0)
            self.out.tables.append(
                Table(
                    self.loc(name, table=self.table_count),
                    len(rows),
                    ncols,
                    first_row,
                    merged=merged,
                    merged_body=merged_body,
                    blank=blank_cells(layout, 1 if first_row else 0),
                )
            )
        return "\n".join(texts)

    def cell_ctx(self, own_lst: etree._Element | None, style: CellStyle) -> _TextCtx:
        containers = [c for c in (own_lst, self.styles.default_text) if c is not None]
        return _TextCtx(
            containers=containers,
            font_colour=style.text_colour,
            font_colour_at=1 if own_lst is not None else 0,
            font_bold=style.bold,
            theme=self.theme,
            clr_map=self.clr_map,
        )

    # -------------------------------------------------------------- text shapes
    def text_shape(
        self,
        el: etree._Element,
        name: str,
        ph_type: str | None,
        lay_ph: etree._Element | None,
        mas_ph: etree._Element | None,
        box: Box | None,
        group_fill: Fill | None,
        hidden: bool,
    ) -> str:
        body = el.find(P + "txBody")
        fill = self.shape_fill(el, lay_ph, mas_ph, group_fill)
        if ph_type in ("title", "ctrTitle") and not self.notes:
            self.info.title_placeholder = True
        if body is None:
            if box is not None and fill is not None and fill.kind != "none":
                self.under.append(_Under(box, fill))
            return ""
        containers: list[etree._Element] = []
        for holder in (el, lay_ph, mas_ph):
            if holder is None:
                continue
            tb = holder.find(P + "txBody")
            lst = tb.find(A + "lstStyle") if tb is not None else None
            if lst is not None and len(lst):
                containers.append(lst)
        font_colour = None
        font_at = len(containers)
        if ph_type is not None:
            style = self.master.tx_styles.get(tx_category(ph_type))
            if style is not None:
                containers.append(style)
        else:
            font_ref = el.find(f"{P}style/{A}fontRef")
            if font_ref is not None:
                font_colour = next((c for c in font_ref if isinstance(c.tag, str)), None)
        if self.styles.default_text is not None:
            containers.append(self.styles.default_text)
        if ph_type is None and self.master.tx_styles.get("other") is not None:
            containers.append(self.master.tx_styles["other"])  # type: ignore[arg-type]
        ctx = _TextCtx(
            containers=containers,
            font_colour=font_colour,
            font_colour_at=font_at,
            font_bold=None,
            theme=self.theme,
            clr_map=self.clr_map,
            font_scale=_font_scale(el, lay_ph, mas_ph),
        )
        bg = fill if fill is not None and fill.kind != "none" else self.underneath(box)
        text = self.paragraphs(body, ctx, self.loc(name), name, bg, hidden)
        if ph_type in ("title", "ctrTitle") and self.info.title is None and text.strip() and not self.notes:
            self.info.title = text
        if box is not None and fill is not None and fill.kind != "none":
            self.under.append(_Under(box, fill))
        return text

    def shape_fill(
        self,
        el: etree._Element,
        lay_ph: etree._Element | None,
        mas_ph: etree._Element | None,
        group_fill: Fill | None,
    ) -> Fill | None:
        """The shape's own fill (None = not set, i.e. transparent unless a style fills it)."""
        for holder in (el, lay_ph, mas_ph):
            if holder is None:
                continue
            fill_el = first_fill_child(holder.find(P + "spPr"))
            if fill_el is not None:
                if local(fill_el) == "grpFill":
                    return group_fill or NO_FILL
                return fill_of(fill_el, self.theme, self.clr_map)
        fill_ref = el.find(f"{P}style/{A}fillRef")
        if fill_ref is not None:
            return self.style_fill(fill_ref)
        return None

    def style_fill(self, ref: etree._Element) -> Fill:
        try:
            idx = int(ref.get("idx") or "0")
        except ValueError:
            return NO_FILL
        colour = next((c for c in ref if isinstance(c.tag, str)), None)
        ph_colour = color_of(colour, self.theme, self.clr_map) if colour is not None else None
        if idx == 0:
            return NO_FILL
        styles = self.master.bg_fill_styles if idx >= 1001 else self.master.fill_styles
        pos = idx - 1001 if idx >= 1001 else idx - 1
        if 0 <= pos < len(styles):
            return fill_of(styles[pos], self.theme, self.clr_map, ph_colour) or NO_FILL
        if ph_colour is not None:
            return Fill("solid", (ph_colour,))
        return Fill("unresolved", reason="theme-fill")

    def underneath(self, box: Box | None) -> Fill:
        if box is not None:
            px, py = box.x + box.cx / 2, box.y + box.cy / 2
            for item in reversed(self.under[-MAX_UNDER:]):  # bounded: slides with thousands of shapes exist
                if item.box.contains_point(px, py):
                    return item.fill
        return self.background()

    def background(self) -> Fill:
        if self._background is not None:
            return self._background
        result = Fill("solid", (WHITE,))
        for root in (self.root, self.layout.root, self.master.root):
            bg = root.find(f"{P}cSld/{P}bg") if root is not None else None
            if bg is None:
                continue
            bg_pr = bg.find(P + "bgPr")
            if bg_pr is not None:
                fill = fill_of(first_fill_child(bg_pr), self.theme, self.clr_map)
                if fill is not None and fill.kind != "none":
                    result = fill
                    break
                continue
            ref = bg.find(P + "bgRef")
            if ref is not None:
                result = self.style_fill(ref)
                if result.kind == "none":
                    result = Fill("solid", (WHITE,))
                break
        self._background = result
        return result

    # -------------------------------------------------------------- paragraphs and runs
    def paragraphs(
        self,
        body: etree._Element,
        ctx: _TextCtx,
        loc: Location,
        name: str,
        bg: Fill,
        hidden: bool,
    ) -> str:
        texts: list[str] = []
        for p in body.iter(A + "p"):
            ppr = p.find(A + "pPr")
            parts: list[str] = []
            worst: tuple[int, float, ContrastSample] | None = None
            link_rid: str | None = None
            link_text: list[str] = []
            for child in p:
                tag = child.tag
                if tag == _BR:
                    parts.append("\n")
                    continue
                if tag != _R and tag != _FLD:
                    continue
                t = child.find(A + "t")
                text = (t.text or "") if t is not None else ""
                parts.append(text)
                rpr = child.find(A + "rPr")
                click = rpr.find(A + "hlinkClick") if rpr is not None else None
                rid = click.get(R_ID) if click is not None else None
                if rid != link_rid:
                    self.flush_link(link_rid, link_text, loc)
                    link_rid, link_text = rid, []
                if rid:
                    link_text.append(text)
                if not text.strip():
                    continue
                props = _props(rpr, ppr, ctx)
                self.count_text(text, props.lang)
                if hidden or self.notes:
                    continue
                link_colour = rid is not None and first_fill_child(rpr) is None
                run_bg = bg
                mark = rpr.find(A + "highlight") if rpr is not None else None
                if mark is not None:  # text highlight colour (PowerPoint 2019 and later)
                    colour = next((c for c in mark if isinstance(c.tag, str)), None)
                    rgb = self.colour(colour) if colour is not None else None
                    if rgb is not None:
                        run_bg = Fill("solid", (rgb,))
                sample = self.sample(text, props, link_colour, run_bg, loc)
                if sample is None:
                    continue
                score = _score(sample)
                if worst is None or score < worst[:2]:
                    worst = (*score, sample)
            self.flush_link(link_rid, link_text, loc)
            ptext = "".join(parts)
            texts.append(ptext)
            if worst is not None:
                s = worst[2]
                self.out.contrast.append(
                    ContrastSample(
                        s.location, ptext.strip(), s.foreground, s.background, s.size_pt, s.bold, s.reason
                    )
                )
        return "\n".join(texts).strip()

    def count_text(self, text: str, lang: str | None) -> None:
        n = len(text.strip())
        self.out.text_chars += n
        if lang:
            self.out.lang_chars[lang] += n
        else:
            self.out.unmarked_chars += n

    def colour(self, el: etree._Element) -> RGB | None:
        """A text colour element resolved once per slide (the trees outlive the reader, so ids are stable)."""
        key = id(el)
        if key not in self._colours:
            self._colours[key] = color_of(el, self.theme, self.clr_map)
        return self._colours[key]

    def sample(
        self, text: str, props: _RunProps, is_link: bool, bg: Fill, loc: Location
    ) -> ContrastSample | None:
        fg: RGB | None = None
        reason = ""
        fill_el = props.fill
        if is_link:  # a hyperlink without its own colour shows in the theme's hyperlink colour
            fg = self.colour(_HLINK)
        elif fill_el is None:
            fg = self.colour(_TX1) or (0, 0, 0)
        else:
            kind = local(fill_el)
            if kind == "noFill":
                return None  # invisible text
            if kind == "solidFill" or kind.endswith("Clr"):
                fg = self.colour(fill_el)
                reason = "" if fg is not None else "colour"
            else:
                reason = {"gradFill": "gradient-text", "blipFill": "picture", "pattFill": "pattern"}.get(
                    kind, "colour"
                )
        if fg is None:
            return ContrastSample(loc, text, None, None, props.size_pt, props.bold, reason or "colour")
        if bg.kind == "solid":
            return ContrastSample(loc, text, fg, bg.colors[0], props.size_pt, props.bold)
        if bg.kind == "gradient":
            need = required_ratio(props.size_pt, props.bold)
            ratios = sorted((contrast_ratio(fg, c), c) for c in bg.colors)
            passes = [int(r * 100) / 100 >= need for r, _ in ratios]
            if all(passes) or not any(passes):
                return ContrastSample(loc, text, fg, ratios[0][1], props.size_pt, props.bold)
            return ContrastSample(loc, text, fg, None, props.size_pt, props.bold, "gradient")
        return ContrastSample(loc, text, fg, None, props.size_pt, props.bold, bg.reason or "background")

    # -------------------------------------------------------------- links
    def target(self, rid: str) -> str | None:
        rel = self.rels.get(rid)
        if rel is None:
            return None
        if rel.external:
            return rel.target
        number = self.slide_numbers.get(rel.target.lower())
        return f"#slide{number}" if number else rel.target

    def flush_link(self, rid: str | None, parts: list[str], loc: Location) -> None:
        if not rid:
            return
        self.out.links.append(Link(loc, " ".join("".join(parts).split()), self.target(rid)))

    def shape_link(self, cnvpr: etree._Element | None, name: str, text: str) -> None:
        if cnvpr is None:
            return
        click = cnvpr.find(A + "hlinkClick")
        rid = click.get(R_ID) if click is not None else None
        if rid:
            self.out.links.append(Link(self.loc(name), " ".join((text or "").split()), self.target(rid)))


def _scheme(val: str) -> etree._Element:
    el = etree.Element(A + "schemeClr")
    el.set("val", val)
    return el


_HLINK = _scheme("hlink")
_TX1 = _scheme("tx1")


def _score(sample: ContrastSample) -> tuple[int, float]:
    """Lower is worse: failing samples first (by margin), then unresolved, then passing (by margin)."""
    if sample.foreground is None or sample.background is None:
        return (1, 0.0)
    ratio = contrast_ratio(sample.foreground, sample.background)
    need = required_ratio(sample.size_pt, sample.bold)
    return (0 if int(ratio * 100) / 100 < need else 2, ratio / need)


def _font_scale(*holders: etree._Element | None) -> float:
    for holder in holders:
        if holder is None:
            continue
        fit = holder.find(f"{P}txBody/{A}bodyPr/{A}normAutofit")
        if fit is not None:
            raw = (fit.get("fontScale") or "").strip()
            if not raw:
                return 1.0
            try:
                return float(raw[:-1]) / 100 if raw.endswith("%") else int(raw) / 100_000
            except ValueError:
                return 1.0
    return 1.0


def _group_transform(gsppr: etree._Element | None, outer: Transform) -> Transform:
    xfrm = gsppr.find(A + "xfrm") if gsppr is not None else None
    if xfrm is None:
        return outer
    vals = []
    for tag, a, b in (("off", "x", "y"), ("ext", "cx", "cy"), ("chOff", "x", "y"), ("chExt", "cx", "cy")):
        el = xfrm.find(A + tag)
        vals.append((emu(el.get(a)), emu(el.get(b))) if el is not None else (None, None))
    (ox, oy), (ex, ey), (cx0, cy0), (chx, chy) = vals
    if None in (ox, oy, ex, ey, cx0, cy0, chx, chy):
        return outer
    sx = ex / chx if chx else 1.0  # type: ignore[operator]
    sy = ey / chy if chy else 1.0  # type: ignore[operator]

    def inner(box: Box) -> Box:
        mapped = Box(
            round(ox + (box.x - cx0) * sx),  # type: ignore[operator]
            round(oy + (box.y - cy0) * sy),  # type: ignore[operator]
            round(box.cx * sx),
            round(box.cy * sy),
        )
        return outer(mapped)

    return inner


# ------------------------------------------------------------------ the presentation


def _default_lang(pres: etree._Element, styles: Styles, first_master: str | None) -> str | None:
    default = pres.find(P + "defaultTextStyle")
    if default is not None:
        for d in default.iter(A + "defRPr"):
            if d.get("lang"):
                return d.get("lang")
    if first_master:
        master = styles.master(first_master)
        for style in master.tx_styles.values():
            if style is None:
                continue
            for d in style.iter(A + "defRPr"):
                if d.get("lang"):
                    return d.get("lang")
    return None


def read(path: Path, source: str, limits: Limits) -> Document:
    pkg = open_package(path, limits)
    try:
        return _read(pkg, path, source)
    finally:
        pkg.close()


def _read(pkg: Package, path: Path, source: str) -> Document:
    main = pkg.main_part()
    if not pkg.has(main):
        raise DocumentError("corrupt", f"the main part {main} is missing")
    pres = pkg.xml(main)
    if pres is None or pres.tag != P + "presentation":
        raise DocumentError("corrupt", f"{main} is not a PowerPoint presentation part")
    core = pkg.core_properties()
    styles = Styles(pkg, pres)
    out = _Out()
    native = PresentationInfo()
    size = pres.find(P + "sldSz")
    if size is not None:
        native.width, native.height = emu(size.get("cx")), emu(size.get("cy"))

    rels = pkg.rels(main)
    slide_parts: list[str] = []
    id_list = pres.find(P + "sldIdLst")
    for sld_id in id_list if id_list is not None else ():
        if not isinstance(sld_id.tag, str):
            continue
        rel = rels.get(sld_id.get(R_ID) or "")
        if rel is None or rel.external or not pkg.has(rel.target):
            out.warnings.append(f"a slide listed in {main} is missing ({sld_id.get(R_ID)})")
            continue
        slide_parts.append(rel.target)
    slide_numbers = {part.lower(): i + 1 for i, part in enumerate(slide_parts)}
    masters = pkg.rel_targets(main, "slideMaster")
    first_master = masters[0].target if masters else None

    table_styles = TableStyles(pkg, main)
    hidden_slides: list[int] = []
    for number, part in enumerate(slide_parts, start=1):
        root = pkg.xml(part)
        if root is None:
            continue
        layouts = pkg.rel_targets(part, "slideLayout")
        layout = styles.layout(layouts[0].target if layouts else None)
        reader = _SlideReader(pkg, styles, part, root, layout, out, number, slide_numbers, table_styles)
        info = reader.read()
        info.hidden = not is_on(root.get("show"), default=True)
        if info.hidden:
            hidden_slides.append(number)
        native.slides.append(info)
        for rel in pkg.rel_targets(part, "notesSlide"):
            _read_notes(pkg, styles, rel.target, out, number, slide_numbers, table_styles)
            break

    if hidden_slides:
        out.warnings.append("hidden slides (checked too): " + ", ".join(str(n) for n in hidden_slides))
    out.warnings.extend(styles.warnings)

    lang = _default_lang(pres, styles, first_master)
    content_lang, share = _content_lang(out, lang)
    if lang is None and content_lang is not None:
        lang = content_lang
    return Document(
        format="pptx",
        source=source,
        filename=path.name,
        title=core.get("title") or None,
        lang=lang,
        content_lang=content_lang,
        content_lang_share=share,
        headings=None,
        images=out.images,
        tables=out.tables,
        links=out.links,
        contrast=out.contrast,
        text_chars=out.text_chars,
        page_count=len(native.slides),
        warnings=out.warnings,
        native=native,
    )


def _content_lang(out: _Out, default: str | None) -> tuple[str | None, float | None]:
    counts = Counter(out.lang_chars)
    if default and out.unmarked_chars:
        counts[default] += out.unmarked_chars
    total = sum(counts.values())
    if not total:
        return None, None
    # Share by primary language ("sv-SE" and "sv" are both Swedish); name the commonest tag of that language.
    by_primary: Counter[str] = Counter()
    for tag, chars in counts.items():
        by_primary[tag.split("-")[0].casefold()] += chars
    primary, chars = by_primary.most_common(1)[0]
    tag = max((t for t in counts if t.split("-")[0].casefold() == primary), key=lambda t: counts[t])
    return tag, chars / total


def _read_notes(
    pkg: Package,
    styles: Styles,
    part: str,
    out: _Out,
    number: int,
    slide_numbers: dict[str, int],
    table_styles: TableStyles,
) -> None:
    if not pkg.has(part):
        return
    root = pkg.xml(part)
    if root is None:
        return
    masters = pkg.rel_targets(part, "notesMaster")
    layout = styles.notes_layout(masters[0].target if masters else "")
    reader = _SlideReader(
        pkg, styles, part, root, layout, out, number, slide_numbers, table_styles, notes=True
    )
    tree = root.find(f"{P}cSld/{P}spTree")
    if tree is None:
        return
    for shape in shape_children(tree):
        ph = ph_of(shape)
        if ph is not None and (ph.get("type") or "obj") == "body":
            reader.shape(shape, 0, _identity, None, [])
