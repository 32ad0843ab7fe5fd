"""Spreadsheet rules (.ods, .xlsx): sheet-name-descriptive and sheet-merged-cells.

They read ``doc.native`` (``readers.native.WorkbookInfo``): the sheets in workbook order with their names,
used ranges, merged ranges and the data regions the file declares (header rows, Excel tables, print titles,
database ranges).
"""

from __future__ import annotations

import re

from ..model import Document, Location
from ..readers.native import CellRange, SheetInfo, WorkbookInfo
from ..registry import Results, check

__all__ = ["is_default_sheet_name", "merge_problem"]

# The names Excel, LibreOffice Calc and Google Sheets give new sheets, in the languages met in Swedish public
# administration (and a few more): "Blad1", "Sheet1", "Tabell1" (older Calc in Swedish), "Ark1" …
_DEFAULT_SHEET = re.compile(
    r"^(blad|sheet|tabell|table|tabelle|feuille|hoja|foglio|ark|taulukko|arkusz|planilha|list|lapa|leht)"
    r"\s*\d*$"
)


def is_default_sheet_name(name: str) -> bool:
    return bool(_DEFAULT_SHEET.match(" ".join(name.split()).casefold()))


def _sheets(doc: Document) -> list[SheetInfo]:
    native = doc.native
    return native.sheets if isinstance(native, WorkbookInfo) else []


@check("sheet-name-descriptive", formats=("ods", "xlsx"))
def sheet_name_descriptive(doc: Document, out: Results) -> None:
    for sheet in _sheets(doc):
        where = Location(sheet=sheet.name)
        if not sheet.name.strip():
            out.failed("blank", where, number=sheet.number)
        elif is_default_sheet_name(sheet.name):
            out.failed("default", where, sheet=sheet.name, number=sheet.number)
        else:
            out.passed(where)


def merge_problem(sheet: SheetInfo, merge: CellRange) -> str | None:
    """ "in-data" when the merge lies in the body of a table the file declares (failed); "undeclared" when no
    declared table covers it, or it is in a header (a person decides: a merged title above the data is fine);
    None when it lies outside the sheet's content altogether."""
    if sheet.used is not None and not merge.intersects(sheet.used):
        return None
    for region in sheet.regions:
        body = region.body
        if body is not None and merge.intersects(body):
            return "in-data"
    return "undeclared"


@check("sheet-merged-cells", formats=("ods", "xlsx"))
def sheet_merged_cells(doc: Document, out: Results) -> None:
    for sheet in _sheets(doc):
        if sheet.used is None:
            continue  # an empty sheet: nothing to read
        problems = 0
        for merge in sheet.merges:
            key = merge_problem(sheet, merge)
            if key is None:
                continue
            problems += 1
            where = Location(sheet=sheet.name, cell=merge.ref)
            if key == "in-data":
                out.failed(key, where, sheet=sheet.name, cells=merge.ref)
            else:
                out.cant_tell(key, where, sheet=sheet.name, cells=merge.ref)
        if not problems:
            out.passed(Location(sheet=sheet.name))
