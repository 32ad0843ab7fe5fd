"""``tillgang register import FILE``: parse (format sniffed from the content), validate, then write atomically.

Re-importing the same file changes nothing: a record is only saved when a field differs, so no history rows
appear either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .parse import ParsedPlan, ParsedRow, PlanImportError, parse_date, parse_file, sniff_format

if TYPE_CHECKING:
    from ..riskconfig import RiskConfig

__all__ = ["ImportResult", "PlanImportError", "import_file", "import_parsed", "sniff_format"]

_PROCESS = re.compile(r"^(?P<name>.*?)\s*\((?P<office>[^()]+)\)\s*$", re.S)
_YES = {"ja", "yes", "true", "1", "j"}
_NO = {"nej", "no", "false", "0", "n"}
_PERIODS = {"delar": "delar", "delår": "delar", "helar": "helar", "helår": "helar"}


@dataclass
class Counts:
    created: int = 0
    changed: int = 0
    unchanged: int = 0

    def text(self) -> str:
        return f"{self.created} nya, {self.changed} ändrade, {self.unchanged} oförändrade"


@dataclass
class ImportResult:
    format: str
    plans: list[str] = field(default_factory=list)
    risks: Counts = field(default_factory=Counts)
    followups: Counts = field(default_factory=Counts)
    critical: int = 0

    def summary(self) -> str:
        total = self.risks.created + self.risks.changed + self.risks.unchanged
        fups = self.followups.created + self.followups.changed + self.followups.unchanged
        return (
            f"Importerade {', '.join(self.plans)} ({self.format}): {total} risker ({self.risks.text()}), "
            f"varav {self.critical} kritiska; {fups} uppföljningar ({self.followups.text()})."
        )


def split_process(label: str) -> tuple[str, str]:
    label = " ".join(label.split())
    m = _PROCESS.match(label)
    if m and m.group("name"):
        return m.group("name").strip(), m.group("office").strip()
    return label, ""


def derive_handling(planning: str) -> str:
    """The handling decision from the planning text when the file has no explicit column."""
    text = " ".join(planning.lower().split())
    if not text:
        return ""
    if "accepter" in text:
        return "accepted"
    review = re.compile(
        r"(genom |även )?granskning(ar)? i (den )?internkontrollplan(en)?|granskas i internkontrollplan"
    )
    ikp = bool(review.search(text))
    rest = review.sub("", text)
    other = bool(
        re.search(r"hanteras (genom|inom|även genom) \w|omhändertas|annan planering|utvecklingsarbete", rest)
    )
    if ikp and other:
        return "both"
    return "ikp" if ikp else "other"


def _handling(row: ParsedRow, planning: str) -> str:
    from ..models import Handling

    raw = row.get("handling").strip()
    if not raw:
        return derive_handling(planning)
    for choice in list(Handling):
        if raw.lower() in (choice.value, str(choice.label).lower()):
            return str(choice.value)
    allowed = ", ".join(str(label) for _, label in Handling.choices)
    raise PlanImportError(
        f"okänt ställningstagande '{raw}' (tillåtna: {allowed})", row.row, row.column("handling")
    )


def _int(row: ParsedRow, name: str, low: int, high: int) -> int | None:
    raw = row.get(name).strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise PlanImportError(f"'{raw}' är inget heltal", row.row, row.column(name)) from None
    if not low <= value <= high:
        raise PlanImportError(f"{value} ligger utanför {low}–{high}", row.row, row.column(name))
    return value


@dataclass
class _RiskData:
    row: ParsedRow
    board: str
    year: int
    plan_title: str
    process: tuple[str, str]
    values: dict[str, Any]
    followup: dict[str, Any] | None


def _validate(plan: ParsedPlan, board: str | None, year: int | None) -> list[_RiskData]:
    from ..riskconfig import get_config

    config = get_config()
    out: list[_RiskData] = []
    if not plan.rows:
        raise PlanImportError("tabellen har inga rader")
    for row in plan.rows:
        row_board = row.get("board").strip() or plan.board or board
        if not row_board:
            raise PlanImportError(
                "nämnden framgår inte av filen; ange den med --board", row.row, row.column("board")
            )
        file_year = _int(row, "plan_year", 1990, 2200) or plan.year
        if year is not None and file_year and file_year != year:  # never ignore --year silently
            raise PlanImportError(
                f"filen anger planåret {file_year}, men --year anger {year}",
                row.row,
                row.column("plan_year"),
            )
        row_year = file_year or year
        if not row_year:
            raise PlanImportError(
                "planåret framgår inte av filen; ange det med --year", row.row, row.column("plan_year")
            )
        label = row.get("process")
        if not label.strip():
            raise PlanImportError("process saknas", row.row, row.column("process"))
        description = row.get("risk")
        if not description.strip():
            raise PlanImportError("riskbeskrivning saknas", row.row, row.column("risk"))
        s, k, value = _scores(row, config)
        planning = row.get("planning")
        values: dict[str, Any] = {
            "description": description,
            "likelihood": s,
            "consequence": k,
            "value": value,
            "existing_controls": row.get("existing_controls"),
            "planning": planning,
            "handling": _handling(row, planning),
        }
        if "retired" in row.cells:  # our own export's column; a file without it leaves the date as it is
            values["retired"] = parse_date(row.get("retired"), row.row, row.column("retired"))
        followup = _followup(row, plan, row_year)
        title = row.get("plan_title").strip() or plan.plan_title
        out.append(_RiskData(row, row_board, row_year, title, split_process(label), values, followup))
    return out


def _scores(row: ParsedRow, config: RiskConfig) -> tuple[int | None, int | None, int]:
    """(likelihood, consequence, risk value) of a row: given together and agreeing with the risk matrix, or a
    possible value alone (with the scores when only one cell of the matrix has it)."""
    s = _int(row, "likelihood", 1, 4)
    k = _int(row, "consequence", 1, 4)
    value = _int(row, "risk_value", 0, 10_000)
    if (s is None) != (k is None):
        name = "consequence" if k is None else "likelihood"
        raise PlanImportError("sannolikhet och konsekvens anges tillsammans", row.row, row.column(name))
    if s is not None and k is not None:
        computed = config.value(s, k)
        if value is not None and value != computed:
            raise PlanImportError(
                f"riskvärdet {value} stämmer inte med sannolikhet {s} och konsekvens {k} (ger {computed})",
                row.row,
                row.column("risk_value"),
            )
        value = computed
    elif value is None:
        raise PlanImportError("riskvärde saknas", row.row, row.column("risk_value"))
    elif value not in config.possible_values:
        possible = ", ".join(str(v) for v in sorted(config.possible_values))
        raise PlanImportError(
            f"{value} är inget möjligt riskvärde (möjliga: {possible})", row.row, row.column("risk_value")
        )
    else:
        cells = config.cells_for(value)
        if len(cells) == 1:  # e.g. 9 = 3 × 3 is the only way: the scores follow from the value
            s, k = cells[0]
    return s, k, value


def _followup(row: ParsedRow, plan: ParsedPlan, row_year: int) -> dict[str, Any] | None:
    """The row's follow-up (period, year, follows the plan, comment), None when it has none."""
    follows_raw = row.get("follows_plan").strip().rstrip(".").lower()
    if follows_raw in _YES:
        follows: bool | None = True
    elif follows_raw in _NO:
        follows = False
    elif not follows_raw:
        follows = None
    else:
        raise PlanImportError(
            f"'{row.get('follows_plan')}' ska vara Ja eller Nej", row.row, row.column("follows_plan")
        )
    comment = row.get("comment")
    followup = None
    if follows is not None or comment:
        raw_period = row.get("period").strip().lower()
        period = _PERIODS.get(raw_period) if raw_period else plan.period or "delar"
        if period is None:
            raise PlanImportError(
                f"okänd period '{raw_period}' (Delår eller Helår)", row.row, row.column("period")
            )
        fyear = _int(row, "followup_year", 1990, 2200) or plan.followup_year or row_year
        followup = {"period": period, "year": fyear, "follows_plan": follows, "comment": comment}
    return followup


def _update(obj: Any, values: dict[str, Any], reason: str) -> bool:
    """Set ``values`` on ``obj`` and save only when something differs. True when saved."""
    changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
    if not changed:
        return False
    for k, v in changed.items():
        setattr(obj, k, v)
    obj._change_reason = reason
    obj.save()
    return True


def import_parsed(
    plan: ParsedPlan, *, source: str, board: str | None = None, year: int | None = None
) -> ImportResult:
    from django.db import transaction

    from ..models import Board, FollowUp, Plan, Process, Risk

    data = _validate(plan, board, year)
    result = ImportResult(plan.source_format)
    reason = f"import {source}"
    order: dict[int, int] = {}
    seen: dict[tuple[int, int, str], Any] = {}
    with transaction.atomic():
        for item in data:
            board_obj = Board.objects.filter(name=item.board).first()
            if board_obj is None:
                board_obj = Board(name=item.board)
                board_obj._change_reason = reason
                board_obj.save()
            plan_obj = Plan.objects.filter(board=board_obj, year=item.year).first()
            plan_values: dict[str, Any] = {"title": item.plan_title}
            if plan.decided:
                plan_values["decided"] = plan.decided
            if plan.valid_until:
                plan_values["valid_until"] = plan.valid_until
            if plan_obj is None:
                plan_obj = Plan(board=board_obj, year=item.year, **plan_values)
                plan_obj._change_reason = reason
                plan_obj.save()
            elif item.plan_title or plan.decided or plan.valid_until:
                _update(plan_obj, {k: v for k, v in plan_values.items() if v}, reason)
            if str(plan_obj) not in result.plans:
                result.plans.append(str(plan_obj))
            name, office = item.process
            process = Process.objects.filter(name=name, office=office).first()
            if process is None:
                process = Process(name=name, office=office)
                process._change_reason = reason
                process.save()
            ident = (plan_obj.pk, process.pk, item.values["description"])
            risk = seen.get(ident)
            if risk is None:  # a risk with several follow-ups comes on several rows: the first one counts
                order[plan_obj.pk] = order.get(plan_obj.pk, 0) + 1
                values = dict(item.values, order=order[plan_obj.pk])
                risk = Risk.objects.filter(
                    plan=plan_obj, process=process, description=values["description"]
                ).first()
                if risk is None:
                    risk = Risk(plan=plan_obj, process=process, **values)
                    risk._change_reason = reason
                    risk.save()
                    result.risks.created += 1
                elif _update(risk, values, reason):
                    result.risks.changed += 1
                else:
                    result.risks.unchanged += 1
                seen[ident] = risk
                if risk.critical:
                    result.critical += 1
            if item.followup:
                key = {"risk": risk, "period": item.followup["period"], "year": item.followup["year"]}
                fup = FollowUp.objects.filter(**key).first()
                fvalues = {"follows_plan": item.followup["follows_plan"], "comment": item.followup["comment"]}
                if fup is None:
                    fup = FollowUp(**key, **fvalues)
                    fup._change_reason = reason
                    fup.save()
                    result.followups.created += 1
                elif _update(fup, fvalues, reason):
                    result.followups.changed += 1
                else:
                    result.followups.unchanged += 1
    return result


def import_file(path: str | Path, *, board: str | None = None, year: int | None = None) -> ImportResult:
    p = Path(path)
    parsed = parse_file(p)
    return import_parsed(parsed, source=p.name, board=board, year=year)
