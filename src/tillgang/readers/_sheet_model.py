"""The spreadsheet-only model (``Document.native`` for .ods and .xlsx): sheets, their merged cells and the data
regions the file declares (header rows, Excel tables, print titles, OpenDocument database ranges).

Built by ``tillgang.readers.odf`` and ``tillgang.readers.xlsx``; read by the ``sheet-*`` checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "CellRange",
    "DataRegion",
    "SheetInfo",
    "WorkbookInfo",
    "cell_ref",
    "col_letters",
    "grow",
    "parse_ref",
]


def col_letters(col: int) -> str:
    """1 -> "A", 27 -> "AA"."""
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_ref(row: int, col: int) -> str:
    return f"{col_letters(col)}{row}"


def grow(used: list[int], r1: int, c1: int, r2: int, c2: int) -> list[int]:
    """A sheet's used area [r1, c1, r2, c2] grown to cover these rows and columns (just them when it is empty)."""
    if not used:
        return [r1, c1, r2, c2]
    return [min(used[0], r1), min(used[1], c1), max(used[2], r2), max(used[3], c2)]


_REF = re.compile(r"^\$?([A-Za-z]{1,3})?\$?([0-9]{1,7})?$")


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def parse_ref(ref: str) -> tuple[int | None, int | None]:
    """ "B3" -> (3, 2); "$B" -> (None, 2); "3" -> (3, None); unreadable -> (None, None)."""
    m = _REF.match(ref.strip())
    if not m:
        return None, None
    col = _col_number(m.group(1)) if m.group(1) else None
    row = int(m.group(2)) if m.group(2) else None
    return row, col


@dataclass(frozen=True, slots=True)
class CellRange:
    """Rows and columns, 1-based and inclusive."""

    r1: int
    c1: int
    r2: int
    c2: int

    @property
    def ref(self) -> str:
        first, last = cell_ref(self.r1, self.c1), cell_ref(self.r2, self.c2)
        return first if first == last else f"{first}:{last}"

    def intersects(self, other: CellRange) -> bool:
        return not (self.r2 < other.r1 or other.r2 < self.r1 or self.c2 < other.c1 or other.c2 < self.c1)

    @staticmethod
    def parse(ref: str, max_row: int = 1_048_576, max_col: int = 16_384) -> CellRange | None:
        """ "A1:C4", "B2", "$1:$2" (whole rows), "$A:$B" (whole columns)."""
        parts = ref.split(":")
        if not 1 <= len(parts) <= 2:
            return None
        a = parse_ref(parts[0])
        b = parse_ref(parts[-1])
        if a == (None, None) or b == (None, None):
            return None
        r1, c1 = a[0] or 1, a[1] or 1
        r2 = b[0] if b[0] is not None else max_row
        c2 = b[1] if b[1] is not None else max_col
        if a[0] is None and b[0] is None:
            r1, r2 = 1, max_row
        if a[1] is None and b[1] is None:
            c1, c2 = 1, max_col
        return CellRange(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


@dataclass(frozen=True, slots=True)
class DataRegion:
    """A range the file declares as tabular data, with its number of header rows (0 = declared without)."""

    range: CellRange
    header_rows: int
    source: str  # "table" (Excel table part) | "print-titles" | "header-rows" | "database-range" | "name"

    @property
    def body(self) -> CellRange | None:
        first = self.range.r1 + self.header_rows
        if first > self.range.r2:
            return None
        return CellRange(first, self.range.c1, self.range.r2, self.range.c2)


@dataclass(slots=True)
class SheetInfo:
    number: int  # 1-based position in the workbook
    name: str
    hidden: bool = False
    used: CellRange | None = None  # rows and columns that hold content; None = an empty sheet
    merges: list[CellRange] = field(default_factory=list)
    regions: list[DataRegion] = field(default_factory=list)


@dataclass(slots=True)
class WorkbookInfo:
    sheets: list[SheetInfo] = field(default_factory=list)

    def close(self) -> None:  # nothing is held open
        return None
