"""table-header: written once against the model's tables."""

from __future__ import annotations

from ..model import Document
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
