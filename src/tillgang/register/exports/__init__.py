"""``tillgang register export``: the follow-up report as .docx, and the register as .xlsx and .csv.

The CSV and XLSX have one row per risk and follow-up (a risk without follow-ups gets one row with empty
follow-up columns), with header names that ``register import`` reads back unchanged.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

__all__ = ["COLUMNS", "ExportError", "export", "register_rows", "write_sheet"]

COLUMNS = (
    "board",
    "plan_year",
    "plan_title",
    "process",
    "risk",
    "likelihood",
    "consequence",
    "risk_value",
    "critical",
    "existing_controls",
    "handling",
    "planning",
    "retired",
    "period",
    "followup_year",
    "follows_plan",
    "comment",
)


class ExportError(ValueError):
    pass


def select_plans(year: int | None, board: str | None = None) -> list[Any]:
    from ..models import Plan

    plans = Plan.objects.select_related("board").order_by("board__name", "year")
    if year is not None:
        plans = plans.filter(year=year)
    if board:
        plans = plans.filter(board__name=board)
    result = list(plans)
    if not result:
        what = f" för {year}" if year is not None else ""
        raise ExportError(
            f"det finns ingen plan{what} i registret (importera en med 'tillgang register import')"
        )
    return result


def register_rows(year: int | None = None, board: str | None = None) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for plan in select_plans(year, board):
        for risk in (
            plan.risks.select_related("process").prefetch_related("followups").order_by("order", "id")
        ):
            base = {
                "board": plan.board.name,
                "plan_year": str(plan.year),
                "plan_title": plan.title,
                "process": str(risk.process),
                "risk": risk.description,
                "likelihood": str(risk.likelihood or ""),
                "consequence": str(risk.consequence or ""),
                "risk_value": "" if risk.value is None else str(risk.value),
                "critical": "ja" if risk.critical else "nej",
                "existing_controls": risk.existing_controls,
                "handling": risk.get_handling_display() if risk.handling else "",
                "planning": risk.planning,
                "retired": risk.retired.isoformat() if risk.retired else "",
            }
            followups = sorted(risk.followups.all(), key=lambda f: (f.year, f.period))
            if not followups:
                rows.append(dict(base, period="", followup_year="", follows_plan="", comment=""))
            for f in followups:
                rows.append(
                    dict(
                        base,
                        period=f.get_period_display(),
                        followup_year=str(f.year),
                        follows_plan=f.follows_plan_text,
                        comment=f.comment,
                    )
                )
    return rows


def export_csv(out: Path, year: int | None, board: str | None = None) -> int:
    rows = register_rows(year, board)
    with open(out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def write_sheet(
    target: Path | IO[bytes],
    sheet: str,
    title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: dict[str, int],
) -> None:
    """An .xlsx with one sheet: a bold header row (frozen), wrapped top-aligned cells, column widths by header
    name (14 by default), the workbook's title and language set. A cell text that starts with "=" stays text,
    never a formula: the values come from crawled documents and people."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    ws.append(list(columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(list(row))
    for row_cells in ws.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, name in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(name, 14)
    ws.freeze_panes = "A2"
    wb.properties.title = title
    wb.properties.language = "sv-SE"
    wb.save(target)


_INT_COLUMNS = ("plan_year", "likelihood", "consequence", "risk_value", "followup_year")
_WIDTHS = {
    "risk": 50,
    "existing_controls": 50,
    "planning": 50,
    "comment": 60,
    "process": 30,
    "plan_title": 30,
}


def export_xlsx(out: Path, year: int | None, board: str | None = None) -> int:
    rows = register_rows(year, board)
    values = (
        [int(row[col]) if col in _INT_COLUMNS and row[col] else row[col] for col in COLUMNS] for row in rows
    )
    write_sheet(out, "Register", "Internkontrollregister", COLUMNS, values, _WIDTHS)
    return len(rows)


def export(fmt: str, out: Path, year: int | None, board: str | None = None, period: str | None = None) -> int:
    """Write the export; returns the number of table rows written."""
    if fmt == "csv":
        return export_csv(out, year, board)
    if fmt == "xlsx":
        return export_xlsx(out, year, board)
    if fmt == "docx":
        from .report import export_docx

        return export_docx(out, year, board, period)
    raise ExportError(f"okänt format: {fmt}")
