"""The findings list as people read it: Swedish rule titles and severities, and the filtered list as .csv/.xlsx.

The export has the rows the findings page shows for the same filters (all of them, not one page), with the
rule's Swedish title beside its id. Cells that a spreadsheet would read as a formula (=, +, -, @ first) are
written as text: in the .xlsx as string cells, in the .csv with a leading apostrophe, because messages and
addresses come from crawled documents.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from ..render.text import TEXTS, describe_location
from .exports import write_sheet
from .models import Finding, FindingStatus

__all__ = [
    "COLUMNS",
    "SEVERITY_ORDER",
    "by_severity",
    "export_rows",
    "findings_csv",
    "findings_xlsx",
    "rule_title",
    "rules_titled",
    "severity_label",
]

SEVERITY_ORDER = ("critical", "serious", "moderate", "minor")
COLUMNS = (
    "Nr",
    "Adress",
    "Format",
    "Regel",
    "Regel-id",
    "Allvarlighetsgrad",
    "WCAG",
    "Var",
    "Meddelande",
    "Utfall",
    "Status",
    "Tilldelad",
    "Först sedd",
    "Senast sedd",
)


@cache
def _titles() -> dict[str, str]:
    from ..catalogue import load

    return {rule.id: rule.text("title", "sv") for rule in load()}


def rule_title(rule: str) -> str:
    """The rule's Swedish title from the installed catalogue, else its id."""
    return _titles().get(rule) or rule


def rules_titled(text: str) -> list[str]:
    """The ids of the rules whose Swedish title contains ``text`` (case-insensitive)."""
    needle = text.casefold()
    return [rule for rule, title in _titles().items() if needle in title.casefold()]


def severity_label(severity: str) -> str:
    labels: dict[str, str] = TEXTS["sv"]["severity"]
    return labels.get(severity, severity or "–")


def by_severity(qs: QuerySet[Finding], descending: bool = True) -> QuerySet[Finding]:
    """``qs`` ordered by severity (critical first), then address and rule."""
    rank = Case(
        *(When(severity=s, then=Value(i)) for i, s in enumerate(SEVERITY_ORDER)),
        default=Value(len(SEVERITY_ORDER)),
        output_field=IntegerField(),
    )
    key = "severity_rank" if descending else "-severity_rank"
    return qs.annotate(severity_rank=rank).order_by(key, "url", "rule", "pk")


def _date(run: Any) -> str:
    return timezone.localtime(run.started).strftime("%Y-%m-%d") if run is not None else ""


def export_rows(qs: QuerySet[Finding]) -> list[list[str]]:
    statuses = dict(FindingStatus.choices)
    rows = []
    for f in qs.iterator():
        rows.append(
            [
                str(f.pk),
                f.url,
                f.format,
                rule_title(f.rule),
                f.rule,
                severity_label(f.severity),
                ", ".join(f.wcag or []),
                describe_location(f.location or {}) or "hela dokumentet",
                f.message,
                "granska manuellt" if f.outcome == "cantTell" else "underkänd",
                str(statuses.get(f.status, f.status)),
                f.assigned_to,
                _date(f.first_seen),
                _date(f.last_seen),
            ]
        )
    return rows


def _neutral(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def findings_csv(qs: QuerySet[Finding]) -> bytes:
    """UTF-8 with a BOM (so Excel reads å, ä and ö), semicolons (Swedish Excel), one finding per row."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(COLUMNS)
    for row in export_rows(qs):
        writer.writerow([_neutral(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def findings_xlsx(qs: QuerySet[Finding]) -> bytes:
    out = io.BytesIO()
    widths = {"Adress": 50, "Regel": 40, "Meddelande": 60, "Var": 30}
    write_sheet(out, "Avvikelser", "Avvikelser", COLUMNS, export_rows(qs), widths)
    return out.getvalue()
