"""Table rules written once against the model's tables: table-header, table-merged-cells, table-nested, and
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
