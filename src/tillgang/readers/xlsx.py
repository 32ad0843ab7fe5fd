"""Excel reader (.xlsx, .xltx, .xlsm; ECMA-376 SpreadsheetML): zipfile + lxml into the neutral ``Document``.

- Title and language: ``docProps/core.xml`` ``dc:title`` and ``dc:language`` (Excel stores no other language).
- Sheets (``Document.native`` is a ``WorkbookInfo``): names and state from ``xl/workbook.xml``; used range,
  ``mergeCells``, table parts (``tableParts`` -> ``table/@headerRowCount``), print titles (the defined name
  ``_xlnm.Print_Titles``) and the screen-reader title names ``ColumnTitle…``/``RowTitle…``/``Title…``.
- Tables: each table part is a table with its header row; a sheet without table parts is one table whose header
  is known only from print titles or title names (else unknown: a person decides).
- Images: the sheet's drawing part, ``xdr:pic``, ``xdr:graphicFrame`` (charts) and ``xdr:grpSp``, with
  ``xdr:cNvPr/@descr`` (or ``@title``) and Office's decorative flag; located by the anchor's top-left cell.
- Links: ``hyperlinks/hyperlink`` (text = the cell's shown value) and ``HYPERLINK()`` formulas.
- Contrast: a cell's font colour (``rgb``, ``theme`` with ``tint``, ``indexed``) against its solid fill.
"""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..colour import RGB, contrast_ratio, required_ratio
from ..errors import DocumentError
from ..limits import Limits
from ..model import ContrastSample, Document, Image, Link, Location, Table
from ._drawingml import alt_of, hex_to_rgb, is_decorative, theme_colors
from ._ooxml import Package, Relationship, is_on, open_package
from ._sheet_model import CellRange, DataRegion, SheetInfo, WorkbookInfo, cell_ref, grow, parse_ref

__all__ = ["read"]

X = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)
# Excel's theme colour index: note the light/dark swap against the theme's clrScheme order.
THEME_INDEX = (
    "lt1",
    "dk1",
    "lt2",
    "dk2",
    "accent1",
    "accent2",
    "accent3",
    "accent4",
    "accent5",
    "accent6",
    "hlink",
    "folHlink",
)
# The legacy indexed palette (BIFF8 default), 0-63; 64 = system foreground, 65 = system background.
_PALETTE = (  # noqa: SIM905
    "000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF "
    "000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF "
    "800000 008000 000080 808000 800080 008080 C0C0C0 808080 "
    "9999FF 993366 FFFFCC CCFFFF 660066 FF8080 0066CC CCCCFF "
    "000080 FF00FF FFFF00 00FFFF 800080 800000 008080 0000FF "
    "00CCFF CCFFFF CCFFCC FFFF99 99CCFF FF99CC CC99FF FFCC99 "
    "3366FF 33CCCC 99CC00 FFCC00 FF9900 FF6600 666699 969696 "
    "003366 339966 003300 333300 993300 993366 333399 333333"
).split()
INDEXED: dict[int, RGB] = {i: hex_to_rgb(h) or WHITE for i, h in enumerate(_PALETTE)}
INDEXED[64] = (0, 0, 0)
INDEXED[65] = WHITE
_HYPERLINK_FORMULA = re.compile(r'^\s*(?:_xlfn\.)?HYPERLINK\s*\(\s*"([^"]*)"', re.IGNORECASE)
_DEFAULT_SIZE = 11.0


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _tint(rgb: RGB, tint: float) -> RGB:
    """SpreadsheetML tint (ECMA-376 §18.8.19): lighten or darken the HLS luminance."""
    h, light, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    light = light * (1 + tint) if tint < 0 else light * (1 - tint) + tint
    r, g, b = colorsys.hls_to_rgb(h, min(max(light, 0.0), 1.0), s)
    return (round(r * 255), round(g * 255), round(b * 255))


@dataclass(frozen=True, slots=True)
class _Font:
    colour: RGB | None  # None = automatic
    size: float
    bold: bool


@dataclass(frozen=True, slots=True)
class _Fill:
    colour: RGB | None  # None = no fill
    reason: str | None = None  # a pattern that is not one colour


class _XlsxReader:
    def __init__(self, pkg: Package, source: str, filename: str, limits: Limits) -> None:
        self.pkg = pkg
        self.limits = limits
        self.doc = Document(format="xlsx", source=source, filename=filename)
        self.main = pkg.main_part()
        self.theme: dict[str, RGB] = {}
        self.shared: list[str] = []
        self.fonts: list[_Font] = []
        self.fills: list[_Fill] = []
        self.xfs: list[tuple[int, int]] = []  # (fontId, fillId)
        self.images: list[Image] = []
        self.tables: list[Table] = []
        self.links: list[Link] = []
        self.contrast: list[ContrastSample] = []
        self._seen_contrast: set[tuple[object, ...]] = set()

    def _related(self, source: str, type_local: str) -> str | None:
        for rel in self.pkg.rel_targets(source, type_local):
            if self.pkg.has(rel.target):
                return rel.target
        return None

    # ----------------------------------------------------------------- entry
    def run(self) -> Document:
        workbook = self.pkg.xml(self.main)
        if workbook is None:
            raise DocumentError("corrupt", f"the main part {self.main} is missing")
        props = self.pkg.core_properties()
        self.doc.title = props.get("title") or None
        self.doc.lang = props.get("language") or None
        theme_part = self._related(self.main, "theme")
        self.theme = theme_colors(self.pkg.xml(theme_part) if theme_part else None)
        self._shared_strings()
        self._styles()
        names = self._defined_names(workbook)
        info = WorkbookInfo()
        sheets = workbook.find(X + "sheets")
        rels = self.pkg.rels(self.main)
        for index, sheet in enumerate(sheets if sheets is not None else (), start=0):
            if _local(sheet) != "sheet":
                continue
            name = sheet.get("name") or f"#{index + 1}"
            rel = rels.get(sheet.get(R_ID) or "")
            hidden = (sheet.get("state") or "visible") != "visible"
            sheet_info = SheetInfo(number=len(info.sheets) + 1, name=name, hidden=hidden)
            info.sheets.append(sheet_info)
            if rel is None or rel.external or not self.pkg.has(rel.target):
                continue
            root = self.pkg.xml(rel.target)
            if root is None or _local(root) != "worksheet":
                continue  # chart sheets and dialog sheets hold no cells
            self.sheet(root, rel.target, sheet_info, names.get(index, []), names.get(None, []))
        self.doc.native = info
        self.doc.images = self.images
        self.doc.tables = self.tables
        self.doc.links = self.links
        self.doc.contrast = self.contrast
        return self.doc

    # ----------------------------------------------------------------- workbook parts
    def _shared_strings(self) -> None:
        part = self._related(self.main, "sharedStrings")
        root = self.pkg.xml(part) if part else None
        if root is None:
            return
        for si in root.iter(X + "si"):
            # phonetic runs (rPh) are reading aids for East Asian text, not shown in the cell
            parts = [t.text or "" for t in si.iter(X + "t") if not _in_phonetic(t)]
            self.shared.append("".join(parts))

    def _colour(self, el: etree._Element | None) -> RGB | None:
        if el is None or is_on(el.get("auto"), default=False):
            return None
        rgb: RGB | None = None
        if el.get("rgb"):
            raw = (el.get("rgb") or "").strip()
            rgb = hex_to_rgb(raw[-6:])
        elif el.get("theme") is not None:
            try:
                slot = THEME_INDEX[int(el.get("theme") or 0)]
            except (ValueError, IndexError):
                return None
            rgb = self.theme.get(slot)
        elif el.get("indexed") is not None:
            try:
                rgb = INDEXED.get(int(el.get("indexed") or 0))
            except ValueError:
                return None
        if rgb is None:
            return None
        try:
            tint = float(el.get("tint") or 0)
        except ValueError:
            tint = 0.0
        return _tint(rgb, max(min(tint, 1.0), -1.0)) if tint else rgb

    def _styles(self) -> None:
        part = self._related(self.main, "styles")
        root = self.pkg.xml(part) if part else None
        if root is None:
            return
        fonts = root.find(X + "fonts")
        for font in fonts if fonts is not None else ():
            if _local(font) != "font":
                continue
            sz = font.find(X + "sz")
            try:
                size = float(sz.get("val") or _DEFAULT_SIZE) if sz is not None else _DEFAULT_SIZE
            except ValueError:
                size = _DEFAULT_SIZE
            b = font.find(X + "b")
            self.fonts.append(
                _Font(self._colour(font.find(X + "color")), size, b is not None and is_on(b.get("val")))
            )
        fills = root.find(X + "fills")
        for fill in fills if fills is not None else ():
            if _local(fill) != "fill":
                continue
            pattern = fill.find(X + "patternFill")
            if pattern is None:
                self.fills.append(
                    _Fill(None, "gradient" if fill.find(X + "gradientFill") is not None else None)
                )
                continue
            kind = pattern.get("patternType") or (
                "solid" if pattern.find(X + "fgColor") is not None else "none"
            )
            if kind == "none":
                self.fills.append(_Fill(None))
            elif kind == "solid":
                self.fills.append(_Fill(self._colour(pattern.find(X + "fgColor"))))
            else:
                self.fills.append(_Fill(None, "pattern"))
        xfs = root.find(X + "cellXfs")
        for xf in xfs if xfs is not None else ():
            if _local(xf) != "xf":
                continue
            try:
                self.xfs.append((int(xf.get("fontId") or 0), int(xf.get("fillId") or 0)))
            except ValueError:
                self.xfs.append((0, 0))

    def _defined_names(self, workbook: etree._Element) -> dict[int | None, list[tuple[str, str]]]:
        """localSheetId (None = workbook scope) -> [(name, formula)]."""
        out: dict[int | None, list[tuple[str, str]]] = {}
        container = workbook.find(X + "definedNames")
        for dn in container if container is not None else ():
            if _local(dn) != "definedName":
                continue
            try:
                raw_scope = dn.get("localSheetId")
                scope: int | None = int(raw_scope) if raw_scope else None
            except ValueError:
                scope = None
            out.setdefault(scope, []).append((dn.get("name") or "", (dn.text or "").strip()))
        return out

    # ----------------------------------------------------------------- one sheet
    def sheet(
        self,
        root: etree._Element,
        part: str,
        info: SheetInfo,
        local_names: list[tuple[str, str]],
        global_names: list[tuple[str, str]],
    ) -> None:
        base = Location(sheet=info.name)
        rels = self.pkg.rels(part)
        link_cells = self._hyperlink_cells(root, rels)  # first: their text is the shown value of their cell
        texts: dict[str, str] = {}
        used: list[int] = []
        sheet_data = root.find(X + "sheetData")
        row_no = 0
        for row in sheet_data if sheet_data is not None else ():
            if _local(row) != "row":
                continue
            try:
                row_no = int(row.get("r") or row_no + 1)
            except ValueError:
                row_no += 1
            col_no = 0
            for c in row:
                if _local(c) != "c":
                    continue
                _row, col = parse_ref(c.get("r") or "")
                col_no = col if col is not None else col_no + 1
                text = self._cell_text(c)
                ref = cell_ref(row_no, col_no)
                formula = c.find(X + "f")
                if formula is not None and formula.text:
                    m = _HYPERLINK_FORMULA.match(formula.text)
                    if m:
                        self.links.append(Link(replace_loc(base, ref), " ".join(text.split()), m.group(1)))
                if ref in link_cells:
                    texts[ref] = text
                if not text.strip():
                    continue
                used = grow(used, row_no, col_no, row_no, col_no)
                self._cell_contrast(c, text, replace_loc(base, ref))
        for ref, (href, display) in link_cells.items():
            shown = texts.get(ref) or display or ""
            self.links.append(Link(replace_loc(base, ref), " ".join(shown.split()), href))
        if used:
            info.used = CellRange(*used)
        self._sheet_structure(root, part, info, local_names, global_names, base)
        drawing = root.find(X + "drawing")
        if drawing is not None:
            rel = rels.get(drawing.get(R_ID) or "")
            if rel is not None and not rel.external and self.pkg.has(rel.target):
                self._drawing(self.pkg.xml(rel.target), base)

    def _hyperlink_cells(
        self, root: etree._Element, rels: dict[str, Relationship]
    ) -> dict[str, tuple[str | None, str | None]]:
        """The sheet's hyperlinks by their first cell: (target, display text)."""
        link_cells: dict[str, tuple[str | None, str | None]] = {}
        hyperlinks = root.find(X + "hyperlinks")
        for hl in hyperlinks if hyperlinks is not None else ():
            if _local(hl) != "hyperlink":
                continue
            ref = (hl.get("ref") or "").split(":")[0].upper()
            rel = rels.get(hl.get(R_ID) or "")
            href = rel.target if rel is not None else None
            if hl.get("location"):
                href = (href or "") + "#" + (hl.get("location") or "")
            link_cells[ref] = (href, hl.get("display"))
        return link_cells

    def _sheet_structure(
        self,
        root: etree._Element,
        part: str,
        info: SheetInfo,
        local_names: list[tuple[str, str]],
        global_names: list[tuple[str, str]],
        base: Location,
    ) -> None:
        """Merged cells, table parts, print titles, and the used area as a Table when no table part covers it."""
        merges = root.find(X + "mergeCells")
        for mc in merges if merges is not None else ():
            rng = CellRange.parse(mc.get("ref") or "") if _local(mc) == "mergeCell" else None
            if rng is not None:
                info.merges.append(rng)
        self._table_parts(root, part, info, base)
        self._title_names(info, local_names, global_names)
        if not any(r.source == "table" for r in info.regions) and info.used is not None:
            header: bool | None = True if any(r.header_rows for r in info.regions) else None
            rows = info.used.r2 - info.used.r1 + 1
            cols = info.used.c2 - info.used.c1 + 1
            self.tables.append(Table(replace_loc(base, info.used.ref), rows=rows, cols=cols, header=header))

    def _cell_text(self, c: etree._Element) -> str:
        kind = c.get("t") or "n"
        if kind == "inlineStr":
            is_ = c.find(X + "is")
            return "".join(t.text or "" for t in is_.iter(X + "t")) if is_ is not None else ""
        v = c.find(X + "v")
        value = (v.text or "") if v is not None else ""
        if kind == "s":
            try:
                return self.shared[int(value)]
            except (ValueError, IndexError):
                return ""
        return value

    def _cell_contrast(self, c: etree._Element, text: str, loc: Location) -> None:
        try:
            font_id, fill_id = self.xfs[int(c.get("s") or 0)]
        except (ValueError, IndexError):
            font_id, fill_id = 0, 0
        font = self.fonts[font_id] if 0 <= font_id < len(self.fonts) else _Font(None, _DEFAULT_SIZE, False)
        # Automatic font colour (no colour, or auto="1"): Excel draws it black whatever the fill (only Windows'
        # high-contrast mode changes it), so automatic text on a dark fill is unreadable.
        colour = font.colour or BLACK
        fill = self.fills[fill_id] if 0 <= fill_id < len(self.fills) else _Fill(None)
        if fill.reason:
            sample = ContrastSample(loc, text[:60], colour, None, font.size, font.bold, reason=fill.reason)
            passing = False
        else:
            bg = fill.colour or WHITE
            sample = ContrastSample(loc, " ".join(text.split())[:60], colour, bg, font.size, font.bold)
            passing = contrast_ratio(colour, bg) >= required_ratio(font.size, font.bold)
        # One sample per combination of colours, size and weight: per sheet for problems, once for passes.
        key = (
            colour,
            sample.background,
            font.size,
            font.bold,
            sample.reason,
            None if passing else loc.sheet,
        )
        if key in self._seen_contrast:
            return
        self._seen_contrast.add(key)
        self.contrast.append(sample)

    def _table_parts(self, root: etree._Element, part: str, info: SheetInfo, base: Location) -> None:
        parts = root.find(X + "tableParts")
        rels = self.pkg.rels(part)
        for tp in parts if parts is not None else ():
            rel = rels.get(tp.get(R_ID) or "")
            if rel is None or rel.external or not self.pkg.has(rel.target):
                continue
            table = self.pkg.xml(rel.target)
            if table is None:
                continue
            rng = CellRange.parse(table.get("ref") or "")
            if rng is None:
                continue
            try:
                header_rows = int(table.get("headerRowCount") or 1)
            except ValueError:
                header_rows = 1
            info.regions.append(DataRegion(rng, header_rows, "table"))
            name = table.get("displayName") or table.get("name")
            self.tables.append(
                Table(
                    Location(sheet=info.name, cell=rng.ref, name=name),
                    rows=rng.r2 - rng.r1 + 1,
                    cols=rng.c2 - rng.c1 + 1,
                    header=header_rows > 0,
                )
            )

    def _title_names(
        self, info: SheetInfo, local_names: list[tuple[str, str]], global_names: list[tuple[str, str]]
    ) -> None:
        """Print titles (rows to repeat) and the screen-reader names ColumnTitle/RowTitle/Title."""
        used = info.used
        for name, formula in [*local_names, *global_names]:
            lowered = name.lower()
            is_print = lowered == "_xlnm.print_titles"
            is_title = lowered.startswith(("columntitle", "title", "rowtitle"))
            if not (is_print or is_title):
                continue
            for area in formula.split(","):
                if "!" not in area:
                    continue
                sheet, ref = area.rsplit("!", 1)
                if sheet.strip().strip("'").replace("''", "'") != info.name:
                    continue
                rng = CellRange.parse(ref)
                if rng is None or used is None:
                    continue
                whole_rows = rng.c1 == 1 and rng.c2 >= 16_384
                if is_print and not whole_rows:
                    continue  # columns to repeat: row headers, not a header row
                region = CellRange(rng.r1, used.c1 if whole_rows else rng.c1, max(used.r2, rng.r2), used.c2)
                source = "print-titles" if is_print else "name"
                info.regions.append(DataRegion(region, rng.r2 - rng.r1 + 1 if is_print else 1, source))

    # ----------------------------------------------------------------- drawings
    def _drawing(self, root: etree._Element | None, base: Location) -> None:
        if root is None:
            return
        for anchor in root:
            kind = _local(anchor)
            if kind not in ("twoCellAnchor", "oneCellAnchor", "absoluteAnchor"):
                continue
            cell = None
            frm = next((c for c in anchor if _local(c) == "from"), None)
            if frm is not None:
                vals = {_local(c): (c.text or "").strip() for c in frm}
                try:
                    cell = cell_ref(int(vals.get("row", "0")) + 1, int(vals.get("col", "0")) + 1)
                except ValueError:
                    cell = None
            for obj in _anchor_objects(anchor):
                self._object(obj, replace_loc(base, cell) if cell else base)

    def _object(self, obj: etree._Element, loc: Location, depth: int = 0) -> None:
        kind = _local(obj)
        nv = next((c for c in obj if _local(c).startswith("nv")), None)
        cnvpr = next((c for c in nv if _local(c) == "cNvPr"), None) if nv is not None else None
        if cnvpr is not None and is_on(cnvpr.get("hidden"), default=False):
            return
        name = cnvpr.get("name") if cnvpr is not None else None
        where = Location(sheet=loc.sheet, cell=loc.cell, name=name or None)
        if kind == "pic":
            self.images.append(Image(where, "picture", alt_of(cnvpr), is_decorative(cnvpr), name))
        elif kind == "graphicFrame":
            uri = ""
            for el in obj.iter():
                if _local(el) == "graphicData":
                    uri = el.get("uri") or ""
                    break
            what = "chart" if "chart" in uri else "smartart" if "diagram" in uri else "ole"
            self.images.append(Image(where, what, alt_of(cnvpr), is_decorative(cnvpr), name))
        elif kind == "grpSp":
            if alt_of(cnvpr) or is_decorative(cnvpr) or depth > 16:
                self.images.append(Image(where, "group", alt_of(cnvpr), is_decorative(cnvpr), name))
                return
            for child in obj:
                if _local(child) in ("pic", "graphicFrame", "grpSp"):
                    self._object(child, loc, depth + 1)


def _in_phonetic(t: etree._Element) -> bool:
    parent = t.getparent()
    return parent is not None and _local(parent) == "rPh"


def _anchor_objects(anchor: etree._Element) -> list[etree._Element]:
    out: list[etree._Element] = []
    for child in anchor:
        local = _local(child)
        if local in ("pic", "graphicFrame", "grpSp", "sp", "cxnSp"):
            out.append(child)
        elif local == "AlternateContent":
            choice = next((c for c in child if _local(c) == "Choice"), None)
            if choice is not None:
                out.extend(c for c in choice if _local(c) in ("pic", "graphicFrame", "grpSp", "sp"))
    return out


def replace_loc(base: Location, cell: str | None) -> Location:
    return Location(sheet=base.sheet, cell=cell)


def read(path: Path, source: str, limits: Limits) -> Document:
    pkg = open_package(path, limits)
    try:
        return _XlsxReader(pkg, source, Path(source).name or path.name, limits).run()
    finally:
        pkg.close()
