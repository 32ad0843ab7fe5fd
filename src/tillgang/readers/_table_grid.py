"""Blank cells of a table, from its grid: shared by the Word, PowerPoint and OpenDocument readers.

A reader lays a table out as rows of grid positions, each ``True`` (a blank cell covers it), ``False`` (a cell with
content covers it) or ``None`` (no cell there), and ``blank_cells`` sums it up as the model's ``BlankCells``.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import BlankCells

__all__ = ["MAX_GRID_COLS", "blank_cells", "place"]

MAX_GRID_COLS = (
    256  # grid columns laid out per row; positions further right are not recorded (Word allows 63)
)


def place(row: list[bool | None], col: int, span: int, blank: bool | None) -> None:
    """Mark grid positions ``col`` .. ``col + span - 1`` (0-based) of ``row`` as covered by one cell.

    Every cell places only its own row: a cell spanning rows gives its blankness to the covered cells the file
    holds in the rows below (each reader resolves that), so the work stays linear in the cells of the file."""
    end = min(col + span, MAX_GRID_COLS)
    if end <= col:
        return
    if len(row) < end:
        row.extend([None] * (end - len(row)))
    row[col:end] = [blank] * (end - col)


def blank_cells(grid: Sequence[Sequence[bool | None]], header_rows: int) -> BlankCells:
    """The blank rows, columns and header cells of a table laid out as ``grid``; ``header_rows`` leading rows are
    its marked header rows."""
    width = max((len(r) for r in grid), default=0)
    rows: list[int] = []
    col_blank = [True] * width
    col_seen = [False] * width
    blank = cells = 0
    for i, row in enumerate(grid, start=1):
        present = [v for v in row if v is not None]
        cells += len(present)
        n_blank = sum(1 for v in present if v)
        blank += n_blank
        if present and n_blank == len(present):
            rows.append(i)
        for c, v in enumerate(row):
            if v is not None:
                col_seen[c] = True
                if not v:
                    col_blank[c] = False
    cols = [c + 1 for c in range(width) if col_seen[c] and col_blank[c]]
    header: list[int] = []
    wholly = set(cols)
    for row in grid[:header_rows]:
        if all(v is not False for v in row):
            continue  # a wholly blank header row is reported as a blank row
        for c, v in enumerate(row):
            if c > 0 and v is True and c + 1 not in wholly and c + 1 not in header:
                header.append(c + 1)
    return BlankCells(tuple(rows), tuple(cols), tuple(sorted(header)), blank, cells)
