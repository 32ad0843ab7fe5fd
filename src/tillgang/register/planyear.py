"""The plan year (issue 12): next year's plan from last year's, and a user's own tasks ("Mina uppgifter").

Every write runs in one transaction and every history row names the user who did it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from .models import Board, ControlActivity, Finding, FindingStatus, FollowUp, Period, Plan, Risk

# what a copied risk and control activity keep; follow-ups, crawl runs and evidence stay with the old plan
RISK_FIELDS = (
    "process_id",
    "order",
    "description",
    "likelihood",
    "consequence",
    "value",
    "existing_controls",
    "handling",
    "planning",
)
ACTIVITY_FIELDS = (
    "what",
    "method",
    "frequency",
    "responsible",
    "responsible_user_id",
    "performed_by_tillgang",
    "crawl_profile",
)


class PlanExists(ValueError):
    """The board already has a plan for that year."""


def plan_exists_message(board: Board, year: int) -> str:
    return f"{board} har redan en internkontrollplan för {year}. Välj ett annat år eller ändra den planen."


def _attributed(obj: Any, user: Any, reason: str) -> Any:
    obj._history_user = user
    obj._change_reason = reason
    return obj


def _shift(day: dt.date | None, years: int) -> dt.date | None:
    """``day`` moved by ``years`` (29 February becomes 28 February in a year without it)."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def copy_plan(source: Plan, year: int, user: Any, **dates: dt.date | None) -> Plan:
    """A new plan for the source's board and ``year`` with the source's active risks and their active control
    activities (values, texts, responsible person, crawl profile); never its follow-ups. The source's own
    follow-up deadlines move along by the years between the plans.

    Retired risks and retired control activities stay behind. Raises PlanExists when the board already has a plan for the year."""
    reason = f"kopierad från {source} ({source.year})"
    with transaction.atomic():
        if Plan.objects.filter(board=source.board, year=year).exists():
            raise PlanExists(plan_exists_message(source.board, year))
        title = source.title.replace(str(source.year), str(year)) if source.title else ""
        shifted = {
            name: _shift(getattr(source, name), year - source.year)
            for name in ("delar_deadline", "helar_deadline")
        }
        plan = Plan(board=source.board, year=year, title=title, **{**shifted, **dates})
        try:
            with transaction.atomic():  # a concurrent copy may have made it since the check
                _attributed(plan, user, reason).save()
        except IntegrityError as exc:
            raise PlanExists(plan_exists_message(source.board, year)) from exc
        for risk in source.risks.filter(retired__isnull=True).prefetch_related("activities"):
            copy = Risk(plan=plan, **{f: getattr(risk, f) for f in RISK_FIELDS})
            _attributed(copy, user, f"{reason}, risk R{risk.order}").save()
            for activity in risk.activities.all():
                if activity.retired is not None:  # retired activities stay behind, like retired risks
                    continue
                new = ControlActivity(risk=copy, **{f: getattr(activity, f) for f in ACTIVITY_FIELDS})
                _attributed(new, user, reason).save()
    return plan


# ------------------------------------------------------------------ Mina uppgifter


def current_plans(today: dt.date) -> list[Plan]:
    """Each board's plans of this year and last year (last year's helår is followed up in the spring); a board
    with neither gets its latest plan."""
    plans = list(Plan.objects.select_related("board").order_by("board__name", "-year"))
    out: list[Plan] = []
    for board_id in dict.fromkeys(p.board_id for p in plans):
        own = [p for p in plans if p.board_id == board_id]
        recent = [p for p in own if today.year - 1 <= p.year <= today.year]
        out.extend(recent or own[:1])
    return out


def due_period(risk: Risk, done: set[tuple[int, str, int]]) -> str | None:
    """The period a risk is followed up for now: delår of its plan's year until that is done, then helår."""
    for period in (Period.DELAR, Period.HELAR):
        if (risk.pk, period, risk.plan.year) not in done:
            return str(period)
    return None


@dataclass(frozen=True)
class DueFollowUp:
    risk: Risk
    period: str
    year: int
    activities: tuple[ControlActivity, ...]

    @property
    def period_label(self) -> str:
        return dict(Period.choices)[self.period]

    @property
    def deadline(self) -> dt.date:
        """The last day of this follow-up: the plan's own deadline, else the configured one."""
        return self.risk.plan.deadline(self.period)


def due_followups(user: Any, today: dt.date) -> list[DueFollowUp]:
    """Active risks of current plans with a control activity the user is responsible for and no follow-up for
    the period that is due."""
    plans = current_plans(today)
    activities = (
        ControlActivity.objects.filter(
            responsible_user=user, risk__plan__in=plans, risk__retired__isnull=True, retired__isnull=True
        )
        .select_related("risk__plan__board", "risk__process")
        .order_by("risk__plan__year", "risk__order", "pk")
    )
    by_risk: dict[int, list[ControlActivity]] = {}
    for activity in activities:
        by_risk.setdefault(activity.risk_id, []).append(activity)
    done = set(FollowUp.objects.filter(risk_id__in=by_risk).values_list("risk_id", "period", "year"))
    out = []
    for items in by_risk.values():
        risk = items[0].risk
        period = due_period(risk, done)
        if period is not None:
            out.append(DueFollowUp(risk, period, risk.plan.year, tuple(items)))
    return out


def assigned_findings(user: Any) -> list[Finding]:
    """Findings still to handle (open or confirmed) whose "tilldelad" names the user (user name or full name;
    the field is free text)."""
    names = {user.get_username(), user.get_full_name()} - {""}
    match = Q()
    for name in names:
        match |= Q(assigned_to__iexact=name)
    return list(
        Finding.objects.filter(match, status__in=[FindingStatus.OPEN, FindingStatus.CONFIRMED]).order_by(
            "url", "rule"
        )
    )
