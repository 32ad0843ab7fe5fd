"""Table rules written once against the model's tables: table-header, table-merged-cells, table-nested,
table-blank-cells (blank cells used for layout), and
heading-in-table (a heading paragraph inside a table cell, from the headings' locations)."""

from __future__ import annotations

from ..model import Document, Table
from ..registry import Results, check


@check("table-header")
def table_header(doc: Document, out: Results) -> None:
    for table in doc.tables or ():
        if table.layout or table.rows <= 1 or table.cols <= 1:
            continue  # one-row or one-column tables are layout, exempt
        if table.header is True:
            out.passed(table.location)
        elif table.header is None:
            out.cant_tell("unknown", table.location, rows=table.rows, cols=table.cols)
        else:
            out.failed("missing", table.location, rows=table.rows, cols=table.cols)


def _data_table(table: Table) -> bool:
    """A table read as data: not known to be layout, with a marked header row or at least 2 × 2 cells."""
    return not table.layout and (table.header is True or (table.rows >= 2 and table.cols >= 2))


@check("table-merged-cells", formats=("docx", "pptx", "odt", "odp"))
def table_merged_cells(doc: Document, out: Results) -> None:
    for table in doc.tables or ():
        if not _data_table(table):
            continue
        size = {"rows": table.rows, "cols": table.cols, "count": table.merged}
        if not table.merged:
            out.passed(table.location)
        elif table.header is True and table.merged_body:
            out.failed("in-data", table.location, **size)
        elif table.header is True:
            out.cant_tell("in-header", table.location, **size)
        else:
            out.cant_tell("no-header", table.location, **size)


@check("table-nested", formats=("docx", "odt"))
def table_nested(doc: Document, out: Results) -> None:
    tables = doc.tables or ()
    for table in tables:
        if table.nested:
            out.failed("nested", table.location, rows=table.rows, cols=table.cols)
    if tables and not any(t.nested for t in tables):
        out.passed()


@check("heading-in-table", formats=("docx", "odt"))
def heading_in_table(doc: Document, out: Results) -> None:
    if doc.headings is None or not doc.tables:
        return  # no tables: nothing to judge
    found = False
    for heading in doc.headings:
        if heading.location.table is not None:
            found = True
            out.failed("in-table", heading.location, text=heading.text[:80], level=heading.level)
    if not found:
        out.passed()


def _numbers(values: tuple[int, ...], limit: int = 8) -> str:
    """ "2, 5, 7" (the first ``limit`` numbers, then "…")."""
    shown = ", ".join(str(v) for v in values[:limit])
    return shown + (" …" if len(values) > limit else "")


@check("table-blank-cells", formats=("docx", "pptx", "odt", "odp"))
def table_blank_cells(doc: Document, out: Results) -> None:
    """Blank cells used for layout. In a table with a marked header row: wholly blank rows or columns, and blank
    header cells (except the first column's, the corner above row headers) fail; more than half of the cells
    blank (LibreOffice's criterion) is cantTell. Without a header row the table may be a layout table: blank rows,
    columns or a mostly blank grid are cantTell. One-row and one-column tables are layout, as in table-header."""
    for table in doc.tables or ():
        blank = table.blank
        if blank is None or table.layout or table.rows <= 1 or table.cols <= 1:
            continue
        size = {"rows": table.rows, "cols": table.cols}
        mostly = blank.cells > 0 and blank.blank * 2 > blank.cells
        if table.header is not True:
            if blank.rows or blank.cols or mostly:
                out.cant_tell(
                    "no-header",
                    table.location,
                    **size,
                    blank=blank.blank,
                    cells=blank.cells,
                    blank_rows=_numbers(blank.rows) or "–",
                    blank_cols=_numbers(blank.cols) or "–",
                )
            else:
                out.passed(table.location)
            continue
        found = False
        for key, numbers in (("rows", blank.rows), ("cols", blank.cols), ("header", blank.header)):
            if numbers:
                found = True
                out.failed(key, table.location, **size, count=len(numbers), numbers=_numbers(numbers))
        if found:
            continue
        if mostly:
            out.cant_tell("mostly-blank", table.location, **size, blank=blank.blank, cells=blank.cells)
        else:
            out.passed(table.location)
