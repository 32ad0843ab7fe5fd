"""HTML table rules: td-headers-attr and th-has-data-cells, on the reader's table grid."""

from __future__ import annotations

from typing import Any

from ..model import Document
from ..readers.native import Info, Page, parse_int
from ..registry import Results, check
from .html_common import at, page_of, short

TABLE_ROLES = frozenset({"table", "grid", "treegrid"})


def _tables(page: Page) -> list[Info]:
    return [i for i in page.iter("table") if i.role in TABLE_ROLES and i.in_at and not i.in_svg]


@check("td-headers-attr", formats=("html",))
def td_headers_attr(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for table in _tables(page):
        grid = page.table_grid(table.el)
        ids = grid.ids
        for cell in grid.cells:
            value = cell.get("headers")
            if value is None:
                continue
            info = page.info(cell)
            tokens = value.split()
            if not tokens:
                out.cant_tell("empty", at(page, info))
                continue
            bad = [t for t in tokens if t not in ids]
            own = [t for t in tokens if ids.get(t) is cell]
            if own:
                out.failed("self", at(page, info), id=short(own[0], 40))
            elif bad:
                out.failed("outside", at(page, info), id=short(bad[0], 40))
            else:
                out.passed(at(page, info))


def _assigned_headers(page: Page, grid: object) -> set[object]:
    """The header cells that HTML's "assigning header cells" gives to at least one cell of the table.

    A cell with a non-empty ``headers`` attribute takes the cells it names (in the same table). Any other cell
    runs HTML's "scanning and assigning header cells" upwards in each of its columns (for column headers) and
    leftwards in each of its rows (for row headers), with the spec's header blocks and opaque headers.
    """
    g: Any = grid
    ids = g.ids
    assigned: set[object] = set()
    for cell in g.cells:
        tokens = (cell.get("headers") or "").split()
        if tokens:
            assigned.update(ids[t] for t in tokens if t in ids and ids[t] is not cell)
            continue
        r, c, rs, cs = g.position[cell]
        principal_header = page.info(cell).role in ("columnheader", "rowheader")
        for vertical, lines in (
            (True, [[(row, col) for row in range(r - 1, -1, -1)] for col in range(c, c + cs)]),
            (False, [[(row, col) for col in range(c - 1, -1, -1)] for row in range(r, r + rs)]),
        ):
            want = "columnheader" if vertical else "rowheader"
            for line in lines:
                in_block = principal_header
                block: list[object] = [cell] if principal_header else []
                opaque: list[object] = []
                for slot in line:
                    other = g.slots.get(slot)
                    if other is None or other is cell:
                        continue
                    role = page.info(other).role
                    if role in ("columnheader", "rowheader"):
                        in_block = True
                        block.append(other)
                        o_row, o_col, o_rows, o_cols = g.position[other]
                        # a header with the same anchor and span as an earlier header block's is opaque
                        blocked = role != want or any(
                            (g.position[o][1], g.position[o][3]) == (o_col, o_cols)
                            if vertical
                            else (g.position[o][0], g.position[o][2]) == (o_row, o_rows)
                            for o in opaque
                        )
                        if not blocked:
                            assigned.add(other)
                    elif in_block:
                        in_block = False
                        opaque.extend(block)
                        block = []
    return assigned


CELL_ROLES = frozenset({"cell", "gridcell", "columnheader", "rowheader"})


def _aria_rows(page: Page, table: Info) -> list[list[tuple[int, Info]]]:
    """The rows of a table built with ARIA roles: per row (an element with role row whose closest table-like
    ancestor is ``table``), its cells (elements with a cell role whose closest row is that row) with their
    column (``aria-colindex`` when given, else the position in the row). One pass: each element's closest
    table-like and row ancestors come from its parent's."""
    rows: list[list[tuple[int, Info]]] = []
    by_row: dict[int, list[tuple[int, Info]]] = {}
    # element index -> (closest table-like ancestor, closest row ancestor), both inclusive of the element
    context: dict[int, tuple[int, int]] = {table.index: (table.index, -1)}
    for info in page.subtree(table)[1:]:
        parent = info.parent
        near_table, near_row = context[parent.index] if parent is not None else (-1, -1)
        if info.role in TABLE_ROLES:
            context[info.index] = (info.index, -1)
            continue
        if info.prog_hidden:
            context[info.index] = (near_table, near_row)
            continue
        if info.role == "row" and near_table == table.index:
            by_row[info.index] = []
            rows.append(by_row[info.index])
            near_row = info.index
        elif info.role in CELL_ROLES and near_row in by_row:
            cells = by_row[near_row]
            colindex = parse_int(info.attrs.get("aria-colindex"))
            cells.append((colindex - 1 if colindex and colindex > 0 else len(cells), info))
        context[info.index] = (near_table, near_row)
    return rows


def _aria_table(page: Page, table: Info, out: Results) -> None:
    """d0f69e on a table made of ARIA roles (no HTML table model): a column header is assigned to the cells
    below it in its column, a row header to the cells after it in its row."""
    rows = _aria_rows(page, table)
    last_row: dict[int, int] = {}  # column -> the last row with a cell in it
    for r, row in enumerate(rows):
        for col, _ in row:
            last_row[col] = r
    for r, row in enumerate(rows):
        last_col = max((col for col, _ in row), default=-1)
        for c, info in row:
            if info.role not in ("columnheader", "rowheader") or not info.in_at or not info.visible:
                continue
            ok = last_row.get(c, -1) > r if info.role == "columnheader" else last_col > c
            if ok:
                out.passed(at(page, info))
            else:
                out.failed("no-data", at(page, info), text=short(page.text(info.el), 40))


@check("th-has-data-cells", formats=("html",))
def th_has_data_cells(doc: Document, out: Results) -> None:
    """ACT d0f69e: every visible column or row header in the accessibility tree, in a table or grid in the tree,
    is assigned to some cell: HTML's table model for ``table`` elements, rows and columns of ARIA roles for
    tables built of other elements."""
    page = page_of(doc)
    if page is None:
        return
    for table in page.with_role(*TABLE_ROLES):
        if table.tag != "table" and table.in_at and not table.in_svg:
            _aria_table(page, table, out)
    for table in _tables(page):
        grid = page.table_grid(table.el)
        assigned = _assigned_headers(page, grid)
        for cell in grid.cells:
            info = page.info(cell)
            if info.role not in ("columnheader", "rowheader") or not info.in_at or not info.visible:
                continue
            if cell in assigned:
                out.passed(at(page, info))
            else:
                out.failed("no-data", at(page, info), text=short(page.text(cell), 40))
