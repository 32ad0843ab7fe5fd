"""table-blank-cells: the grid summary the readers share, and the rule's judgement on the model."""

from __future__ import annotations

from tillgang.engine import CheckOptions, check_document
from tillgang.model import BlankCells, Document, Location, Table
from tillgang.readers._table_grid import MAX_GRID_COLS, blank_cells, place

T, F, N = True, False, None


def test_blank_rows_columns_and_header_cells() -> None:
    grid = [
        [T, F, T, T],  # the corner may be blank; column 3's header is blank; column 4 is wholly blank
        [F, F, F, T],
        [T, T, T, T],  # a blank row
        [F, T, F, T],  # a missing value
    ]
    got = blank_cells(grid, header_rows=1)
    assert got == BlankCells(rows=(3,), cols=(4,), header=(3,), blank=10, cells=16)


def test_positions_without_a_cell_are_neither_blank_nor_filled() -> None:
    grid = [[F, F, N], [N, T, T], [F, N, T]]
    got = blank_cells(grid, header_rows=0)
    assert (got.rows, got.cols, got.blank, got.cells) == ((2,), (3,), 3, 6)


def test_a_wholly_blank_header_row_is_a_blank_row_not_blank_header_cells() -> None:
    got = blank_cells([[T, T], [F, F]], header_rows=1)
    assert (got.rows, got.header) == ((1,), ())


def test_place_is_capped() -> None:
    row: list[bool | None] = []
    place(row, 2, 10**9, True)
    assert len(row) == MAX_GRID_COLS and row[:3] == [None, None, True]


def _outcome(*tables: Table) -> tuple[str, list[str]]:
    doc = Document(format="docx", source="x.docx", filename="x.docx", tables=list(tables))
    entry = check_document(doc, CheckOptions(rules=frozenset({"table-blank-cells"})))
    findings = [f["message"] for f in entry["findings"]]
    return entry["rules"].get("table-blank-cells", "inapplicable"), findings


def _table(
    header: bool | None, blank: BlankCells, rows: int = 4, cols: int = 3, layout: bool = False
) -> Table:
    return Table(Location(table=1), rows=rows, cols=cols, header=header, layout=layout, blank=blank)


def test_judgement() -> None:
    clean = BlankCells(blank=1, cells=12)
    row = BlankCells(rows=(3,), blank=3, cells=12)
    mostly = BlankCells(blank=7, cells=12)
    assert _outcome(_table(True, clean))[0] == "passed"
    assert _outcome(_table(True, row))[0] == "failed"
    assert _outcome(_table(True, BlankCells(header=(2,), blank=1, cells=12)))[0] == "failed"
    assert _outcome(_table(True, BlankCells(cols=(2,), blank=4, cells=12)))[0] == "failed"
    assert _outcome(_table(True, mostly))[0] == "cantTell"  # LibreOffice's more-than-half criterion
    assert _outcome(_table(False, row))[0] == "cantTell"  # without a header row it may be layout
    assert _outcome(_table(None, mostly))[0] == "cantTell"
    assert _outcome(_table(False, clean))[0] == "passed"
    # layout tables, as the other table rules see them, are not judged
    assert _outcome(_table(True, row, layout=True))[0] == "inapplicable"
    assert _outcome(_table(True, BlankCells(rows=(1,), blank=3, cells=3), rows=1))[0] == "inapplicable"
    assert _outcome(_table(True, BlankCells(rows=(2,), blank=1, cells=3), cols=1))[0] == "inapplicable"
    assert (
        _outcome(Table(Location(table=1), rows=4, cols=3, header=True))[0] == "inapplicable"
    )  # not recorded
    # one failure per kind and table
    both = BlankCells(rows=(3,), cols=(2,), header=(3,), blank=6, cells=12)
    assert len(_outcome(_table(True, both))[1]) == 3


def test_a_cell_covered_by_a_merge_takes_the_merged_cells_content() -> None:
    # PowerPoint: the emptied cell under rowSpan="2" is covered by "Utbildning", so nothing is blank
    from tillgang.limits import DEFAULT_LIMITS
    from tillgang.readers.pptx import read

    from .conftest import FIXTURES

    path = FIXTURES / "table-merged-cells" / "fail-pptx-merged-data-cells.pptx"
    (table,) = read(path, str(path), DEFAULT_LIMITS).tables or []
    assert table.blank == BlankCells(blank=0, cells=8)
