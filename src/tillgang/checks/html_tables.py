"""HTML table rules: td-headers-attr and th-has-data-cells, on the reader's table grid."""

from __future__ import annotations

from ..model import Document
from ..readers.native import Info, Page
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
        ids = {cell.get("id"): cell for cell in grid.cells if cell.get("id")}
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


def _is_header(page: Page, cell: object) -> bool:
    return page.info(cell).role in ("columnheader", "rowheader")


@check("th-has-data-cells", formats=("html",))
def th_has_data_cells(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for table in _tables(page):
        grid = page.table_grid(table.el)
        referenced: set[str] = set()
        spans = False
        for cell in grid.cells:
            referenced.update((cell.get("headers") or "").split())
            _, _, rs, cs = grid.position[cell]
            spans = spans or rs > 1 or cs > 1
        for cell in grid.cells:
            info = page.info(cell)
            role = info.role
            if role not in ("columnheader", "rowheader") or not info.in_at or not info.visible:
                continue
            if cell.get("id") and cell.get("id") in referenced:
                out.passed(at(page, info))
                continue
            r, c, rs, cs = grid.position[cell]
            if role == "columnheader":
                slots = [(row, col) for col in range(c, c + cs) for row in range(grid.height)]
            else:
                slots = [(row, col) for row in range(r, r + rs) for col in range(grid.width)]
            data = [grid.slots[s] for s in slots if s in grid.slots and grid.slots[s] is not cell]
            # As axe does: a row header under a column header is data for it (a first column of row
            # headers under a column header is a common, correct pattern), and the other way round.
            if any(page.info(d).role != role for d in data):
                out.passed(at(page, info))
            elif spans or referenced or grid.width == 0:
                out.cant_tell("unclear", at(page, info), text=short(page.text(cell), 40))
            else:
                out.failed("no-data", at(page, info), text=short(page.text(cell), 40))
