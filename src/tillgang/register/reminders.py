"""Reminders by e-mail (issue 12): follow-ups due soon or overdue, findings assigned, new crawl runs.

``tillgang register remind`` runs :func:`remind` from cron. What is due and assigned comes from "Mina uppgifter"
(``planyear.due_followups`` and ``planyear.assigned_findings``). Every reminder sent is written to the sent-log
(``ReminderSent``), so a second run sends only what is new. One plain-text Swedish mail per user and run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import CrawlRun, Finding, ReminderKind, ReminderSent, default_deadline
from .planyear import DueFollowUp, assigned_findings, due_followups

__all__ = ["Reminder", "UserMail", "deadline", "plan_mails", "remind"]

RUN_ROLES = ("admin", "controller", "reviewer")  # who hears of new crawl runs with new findings


@dataclass(frozen=True)
class Reminder:
    kind: str
    obj: str
    key: str
    text: str  # one paragraph of the mail, with its link


@dataclass
class UserMail:
    user: Any
    reminders: list[Reminder] = field(default_factory=list)

    def body(self) -> str:
        name = self.user.get_full_name() or self.user.get_username()
        parts = [f"Hej {name}!", "Det här är påminnelser från internkontrollregistret (tillgang):"]
        parts += [r.text for r in self.reminders]
        parts.append(f"Alla dina uppgifter: {_url('register:my_tasks')}")
        parts.append("Det här meddelandet skickas automatiskt. Du får varje påminnelse en gång.")
        return "\n\n".join(parts) + "\n"


def _url(name: str, *args: Any) -> str:
    return settings.TILLGANG_REMINDERS["base_url"] + reverse(name, args=args)


def deadline(period: str, year: int) -> dt.date:
    """The configured deadline of a follow-up of a plan without its own (see ``Plan.deadline``):
    ``[register] delar_deadline`` of the plan's year, ``helar_deadline`` of the year after ("MM-DD"; defaults
    08-31 and 01-31)."""
    return default_deadline(period, year)


def _followup(due: DueFollowUp, today: dt.date, days: int) -> Reminder | None:
    last = due.deadline  # the plan's own deadline, else the configured one
    if last < today:
        kind, when = ReminderKind.OVERDUE, f"skulle ha varit klar {last:%Y-%m-%d}"
    elif last <= today + dt.timedelta(days=days):
        kind, when = ReminderKind.DUE, f"ska vara klar senast {last:%Y-%m-%d}"
    else:
        return None
    risk = due.risk
    text = (
        f"Uppföljning {due.period_label.lower()} {due.year} av risk R{risk.order} ({risk.plan.board}, "
        f"{risk.plan.year}) {when}: {' '.join(risk.description.split())[:120]}\n"
        f"{_url('register:followup', risk.pk, due.period, due.year)}"
    )
    return Reminder(str(kind), f"risk:{risk.pk}", f"{due.period}-{due.year}@{last:%Y-%m-%d}", text)


def _finding(finding: Finding) -> Reminder:
    text = (
        f"En avvikelse är tilldelad dig: {finding.rule} på {finding.url}\n"
        f"{_url('register:finding', finding.pk)}"
    )
    return Reminder(str(ReminderKind.FINDING), f"finding:{finding.pk}", finding.assigned_to.lower(), text)


def _runs(user: Any, now: dt.datetime, days: int) -> list[Reminder]:
    """Crawl runs with new findings stored since the user's last run reminder (at most ``days`` back)."""
    if not (user.is_superuser or user.groups.filter(name__in=RUN_ROLES).exists()):
        return []
    since = now - dt.timedelta(days=days)
    last = ReminderSent.objects.filter(user=user, kind=ReminderKind.RUN).order_by("-sent_at").first()
    if last is not None and last.sent_at > since:
        since = last.sent_at
    out = []
    for run in CrawlRun.objects.filter(stored_at__gt=since).order_by("stored_at"):
        new = Finding.objects.filter(first_seen=run).count()
        if new:
            text = f"Ny genomsökning av {run}: {new} nya avvikelser.\n{_url('register:run', run.pk)}"
            out.append(Reminder(str(ReminderKind.RUN), f"run:{run.pk}", "", text))
    return out


def plan_mails(today: dt.date, days: int, now: dt.datetime | None = None) -> list[UserMail]:
    """What to send: for each active user with an e-mail address, the reminders not in the sent-log yet."""
    from django.contrib.auth import get_user_model

    now = now or timezone.now()
    mails = []
    for user in get_user_model().objects.filter(is_active=True).exclude(email="").order_by("username"):
        candidates = [r for d in due_followups(user, today) if (r := _followup(d, today, days))]
        candidates += [_finding(f) for f in assigned_findings(user)]
        candidates += _runs(user, now, days)
        sent = set(ReminderSent.objects.filter(user=user).values_list("kind", "obj", "key"))
        fresh = [r for r in candidates if (r.kind, r.obj, r.key) not in sent]
        if fresh:
            mails.append(UserMail(user, fresh))
    return mails


def remind(today: dt.date, days: int, *, dry_run: bool = False) -> list[UserMail]:
    """Send one mail per user with new reminders and log them; ``dry_run`` sends and logs nothing."""
    from django.core.mail import send_mail

    mails = plan_mails(today, days)
    if dry_run:
        return mails
    for mail in mails:
        count = len(mail.reminders)
        subject = f"Påminnelse från internkontrollregistret: {count} {'sak' if count == 1 else 'saker'}"
        with transaction.atomic():
            for r in mail.reminders:
                ReminderSent.objects.create(user=mail.user, kind=r.kind, obj=r.obj, key=r.key)
            # inside the transaction: a mail that fails to go leaves nothing in the log
            send_mail(subject, mail.body(), None, [mail.user.email])
    return mails
