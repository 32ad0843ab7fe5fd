"""The findings list as people read it: Swedish rule titles and severities, and the filtered list as .csv/.xlsx.

The export has the rows the findings page shows for the same filters (all of them, not one page), with the
rule's Swedish title beside its id. Cells that a spreadsheet would read as a formula (=, +, -, @ first) are
written as text: in the .xlsx as string cells, in the .csv with a leading apostrophe, because messages and
addresses come from crawled documents.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from ..render.text import TEXTS, describe_location
from .exports import write_sheet
from .models import CrawlRun, Finding, FindingStatus

__all__ = [
    "COLUMNS",
    "RUN_HEAVY",
    "SEVERITY_ORDER",
    "by_severity",
    "export_rows",
    "findings_csv",
    "findings_xlsx",
    "load_findings",
    "rule_title",
    "rules_titled",
    "run_csv",
    "run_rows",
    "run_xlsx",
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


def export_rows(qs: QuerySet[Finding] | Iterable[Finding]) -> list[list[str]]:
    statuses = dict(FindingStatus.choices)
    rows = []
    for f in qs.iterator() if isinstance(qs, QuerySet) else qs:
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


def _csv(columns: Iterable[str], rows: Iterable[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_neutral(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def findings_csv(qs: QuerySet[Finding]) -> bytes:
    """UTF-8 with a BOM (so Excel reads å, ä and ö), semicolons (Swedish Excel), one finding per row."""
    return _csv(COLUMNS, export_rows(qs))


def findings_xlsx(qs: QuerySet[Finding]) -> bytes:
    out = io.BytesIO()
    widths = {"Adress": 50, "Regel": 40, "Meddelande": 60, "Var": 30}
    write_sheet(out, "Avvikelser", "Avvikelser", COLUMNS, export_rows(qs), widths)
    return out.getvalue()


# ------------------------------------------------------------------ one crawl run

RUN_COLUMNS = ("I genomsökningen", *COLUMNS)
# a run's summary holds the ids of all its findings: never load it once per finding row
RUN_HEAVY = tuple(
    f"{rel}__{name}" for rel in ("first_seen", "last_seen", "fixed_in") for name in ("summary", "config")
)
CHANGE_LABELS = {"new": "ny", "persisting": "kvarstår", "fixed": "åtgärdad"}


def load_findings(ids: list[int]) -> list[Finding]:
    out: list[Finding] = []
    for start in range(0, len(ids), 500):  # SQLite limits the parameters of one query
        chunk = ids[start : start + 500]
        qs = Finding.objects.filter(pk__in=chunk).select_related("first_seen", "last_seen")
        out.extend(qs.defer(*(f for f in RUN_HEAVY if not f.startswith("fixed_in"))))
    return out


def run_rows(run: CrawlRun) -> list[list[str]]:
    """Every finding the run found (new since the previous run, or persisting) and every finding it fixed,
    severest first, with what the run changed first in each row. The ids are those stored with the run, as on
    the run's page."""
    from .store import findings_of_run, run_comparison

    comparison = run_comparison(run)
    new = {f.pk for f in comparison["new"]}
    fixed = {f.pk for f in comparison["fixed"]}
    found = [f.pk for f in findings_of_run(run)]
    order = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    findings = sorted(
        load_findings(list(dict.fromkeys([*found, *sorted(fixed)]))),
        key=lambda f: (f.pk in fixed, order.get(f.severity, len(order)), f.url, f.rule, f.pk),
    )
    rows = []
    for f, row in zip(findings, export_rows(findings), strict=True):
        change = "fixed" if f.pk in fixed else ("new" if f.pk in new else "persisting")
        rows.append([CHANGE_LABELS[change], *row])
    return rows


def run_csv(run: CrawlRun) -> bytes:
    return _csv(RUN_COLUMNS, run_rows(run))


def run_xlsx(run: CrawlRun) -> bytes:
    out = io.BytesIO()
    widths = {"Adress": 50, "Regel": 40, "Meddelande": 60, "Var": 30, "I genomsökningen": 16}
    title = f"Genomsökning av {run.site} {timezone.localtime(run.started):%Y-%m-%d %H:%M}"
    write_sheet(out, "Genomsökning", title, RUN_COLUMNS, run_rows(run), widths)
    return out.getvalue()
