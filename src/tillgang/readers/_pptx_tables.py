"""PowerPoint table styles: a cell's text colour, boldness and fill from ``ppt/tableStyles.xml`` or a built-in style.

Built-in styles are referenced by GUID and often not defined in the file (python-pptx writes Medium Style 2 -
Accent 1 with an empty tableStyles.xml). We ship our own description of PowerPoint's default family (Medium Style 2,
plain and accents 1-6) and the two "No Style" styles; any other undefined style gives an unresolved fill (contrast
cantTell).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ._drawingml import RGB
from ._ooxml import NS, Package, is_on, parse_xml
from ._pptx_style import A, Fill, fill_of, first_fill_child, local

__all__ = ["CellStyle", "TableStyles", "table_cell_style"]

MEDIUM_STYLE_2_ACCENT_1 = "{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}"

# PowerPoint's default table family, "Medium Style 2" (plain and accents 1-6), by GUID -> the scheme colour.
MEDIUM_STYLE_2 = {
    "{073A0DAA-6AF3-43AB-8588-CEC1D06C72B9}": "dk1",
    MEDIUM_STYLE_2_ACCENT_1: "accent1",
    "{21E4AEA4-8DFA-4A89-87EB-49C32662AFE8}": "accent2",
    "{F5AB1C69-6EDB-4FF4-983F-18BD219EF322}": "accent3",
    "{00A15C55-8517-42AA-B614-E9B94910E393}": "accent4",
    "{7DF18680-E054-41AD-8BC1-D1AEF772440D}": "accent5",
    "{93296810-A885-4BE3-A3E7-6D5BEEA58F35}": "accent6",
}
# "No Style, No Grid" and "No Style, Table Grid": dark text, no fill.
NO_STYLE = ("{2D5ABB26-0587-4C30-8999-92F81FD0307C}", "{5940675A-B579-460E-94D1-54222C63F5DA}")


def _fill(colour: str, tint: str = "") -> str:
    inner = f'<a:tint val="{tint}"/>' if tint else ""
    return f'<a:fill><a:solidFill><a:schemeClr val="{colour}">{inner}</a:schemeClr></a:solidFill></a:fill>'


def _medium_style_2(style_id: str, colour: str) -> str:
    """Our own minimal description of a built-in "Medium Style 2" table style (text and fills, no borders)."""
    strong = "".join(
        f'<a:{part}><a:tcTxStyle b="on"><a:schemeClr val="lt1"/></a:tcTxStyle><a:tcStyle>{_fill(colour)}'
        f"</a:tcStyle></a:{part}>"
        for part in ("lastCol", "firstCol", "lastRow", "firstRow")
    )
    return (
        f'<a:tblStyle styleId="{style_id}">'
        f'<a:wholeTbl><a:tcTxStyle><a:schemeClr val="dk1"/></a:tcTxStyle><a:tcStyle>{_fill(colour, "20000")}'
        "</a:tcStyle></a:wholeTbl>"
        f"<a:band1H><a:tcStyle>{_fill(colour, '40000')}</a:tcStyle></a:band1H>"
        f"<a:band1V><a:tcStyle>{_fill(colour, '40000')}</a:tcStyle></a:band1V>"
        f"{strong}</a:tblStyle>"
    )


def _no_style(style_id: str) -> str:
    return (
        f'<a:tblStyle styleId="{style_id}"><a:wholeTbl><a:tcTxStyle><a:schemeClr val="tx1"/></a:tcTxStyle>'
        "<a:tcStyle><a:fill><a:noFill/></a:fill></a:tcStyle></a:wholeTbl></a:tblStyle>"
    )


_BUILTIN_XML = (
    f'<a:tblStyleLst xmlns:a="{NS["a"]}">'
    + "".join(_medium_style_2(sid, colour) for sid, colour in MEDIUM_STYLE_2.items())
    + "".join(_no_style(sid) for sid in NO_STYLE)
    + "</a:tblStyleLst>"
)

_BUILTIN: dict[str, etree._Element] = {}


def _builtin(style_id: str) -> etree._Element | None:
    if not _BUILTIN:
        for el in parse_xml(_BUILTIN_XML.encode(), "builtin table styles").iter(A + "tblStyle"):
            _BUILTIN[(el.get("styleId") or "").upper()] = el
    return _BUILTIN.get(style_id.upper())


@dataclass(frozen=True, slots=True)
class CellStyle:
    """What the table style gives one cell. ``known`` is False for a referenced style we cannot see."""

    known: bool
    fill_el: etree._Element | None = None  # a fill element, or None
    text_colour: etree._Element | None = None  # a colour element (schemeClr …)
    bold: bool | None = None

    def fill(self, theme: dict[str, RGB], clr_map: dict[str, str]) -> Fill | None:
        if not self.known:
            return Fill("unresolved", reason="table-style")
        return fill_of(self.fill_el, theme, clr_map)


_NO_STYLE = CellStyle(True)


class TableStyles:
    """Table style definitions of one package (``tableStyles.xml`` and our built-ins), looked up once per id."""

    def __init__(self, pkg: Package, main_part: str) -> None:
        self._defined: dict[str, etree._Element] = {}
        for rel in pkg.rel_targets(main_part, "tableStyles"):
            root = pkg.xml(rel.target) if pkg.has(rel.target) else None
            if root is not None:
                for el in root.iter(A + "tblStyle"):
                    self._defined.setdefault((el.get("styleId") or "").upper(), el)

    def style_of(self, tbl_pr: etree._Element | None) -> tuple[bool, etree._Element | None]:
        """(known, style element): (True, None) for a table without a style, (False, None) for an unknown id."""
        if tbl_pr is None:
            return True, None
        inline = tbl_pr.find(A + "tableStyle")
        if inline is not None:
            return True, inline
        id_el = tbl_pr.find(A + "tableStyleId")
        style_id = (id_el.text or "").strip().upper() if id_el is not None else ""
        if not style_id:
            return True, None
        style = self._defined.get(style_id)
        if style is None:
            style = _builtin(style_id)
        return (style is not None), style


def cell_parts(tbl_pr: etree._Element | None, row: int, col: int, nrows: int, ncols: int) -> tuple[str, ...]:
    """The table-style parts that apply to a cell, lowest priority first (ECMA-376 §20.1.4.2)."""

    def flag(name: str) -> bool:
        return is_on(tbl_pr.get(name) if tbl_pr is not None else None, default=False)

    first_row, last_row = flag("firstRow"), flag("lastRow")
    first_col, last_col = flag("firstCol"), flag("lastCol")
    parts = ["wholeTbl"]
    if flag("bandRow"):
        data_row = row - (1 if first_row else 0)
        parts.append("band1H" if data_row % 2 == 0 else "band2H")
    if flag("bandCol"):
        data_col = col - (1 if first_col else 0)
        parts.append("band1V" if data_col % 2 == 0 else "band2V")
    if last_col and col == ncols - 1:
        parts.append("lastCol")
    if first_col and col == 0:
        parts.append("firstCol")
    if last_row and row == nrows - 1:
        parts.append("lastRow")
    if first_row and row == 0:
        parts.append("firstRow")
    return tuple(parts)


def table_cell_style(
    style: etree._Element | None,
    known: bool,
    tbl_pr: etree._Element | None,
    row: int,
    col: int,
    nrows: int,
    ncols: int,
) -> CellStyle:
    if not known:
        return CellStyle(False)
    if style is None:
        return _NO_STYLE
    return style_for_parts(style, cell_parts(tbl_pr, row, col, nrows, ncols))


def style_for_parts(style: etree._Element, parts: tuple[str, ...]) -> CellStyle:
    fill_el: etree._Element | None = None
    colour: etree._Element | None = None
    bold: bool | None = None
    for name in parts:
        part = style.find(A + name)
        if part is None:
            continue
        tx = part.find(A + "tcTxStyle")
        if tx is not None:
            if tx.get("b") is not None:
                bold = is_on(tx.get("b"), default=False)
            for child in tx:
                if isinstance(child.tag, str) and local(child).endswith("Clr"):
                    colour = child
        tc = part.find(A + "tcStyle")
        if tc is not None:
            fill_holder = tc.find(A + "fill")
            found = first_fill_child(fill_holder)
            if found is not None:
                fill_el = found
    return CellStyle(True, fill_el, colour, bold)
