"""Issue 12, reminders by e-mail: follow-ups due soon and overdue, findings assigned, new crawl runs; one mail
per user and run, never the same reminder twice (the locmem backend's outbox)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings

from tillgang.register.models import ControlActivity, CrawlRun, Finding, FollowUp, Plan, ReminderSent, Risk
from tillgang.register.reminders import deadline, remind

pytestmark = [
    pytest.mark.db,
    pytest.mark.django_db,
    pytest.mark.usefixtures("locmem"),
]


@pytest.fixture
def locmem() -> Any:
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        yield


@pytest.fixture
def world(imported: Any, make_user: Callable[..., Any]) -> dict[str, Any]:
    """The seed's 2024 plan (delår 2024 followed up), R4 with a control activity of "kim"."""
    from django.contrib.auth.models import Group, User

    plan = Plan.objects.get(year=2024)
    risk = Risk.objects.get(plan=plan, order=4)
    kim = User.objects.create_user(username="kim", email="kim@example.org", first_name="Kim", last_name="L")
    kim.groups.add(Group.objects.get(name="controller"))
    ControlActivity.objects.create(risk=risk, what="Granska", responsible_user=kim)
    return {"plan": plan, "risk": risk, "kim": kim}


def test_deadlines_default_and_configured() -> None:
    assert deadline("delar", 2024) == dt.date(2024, 8, 31)
    assert deadline("helar", 2024) == dt.date(2025, 1, 31)
    conf = {"base_url": "https://ikp.example", "delar_deadline": "09-15", "helar_deadline": "02-28"}
    with override_settings(TILLGANG_REMINDERS=conf):
        assert deadline("delar", 2024) == dt.date(2024, 9, 15)
        assert deadline("helar", 2024) == dt.date(2025, 2, 28)


def test_followup_due_then_overdue_once_each(world: dict[str, Any]) -> None:
    risk = world["risk"]
    assert FollowUp.objects.filter(risk=risk, period="delar", year=2024).exists()  # helår is due
    assert remind(dt.date(2024, 12, 1), 14) == []  # 2025-01-31 is more than 14 days away
    sent = remind(dt.date(2025, 1, 20), 14)
    assert [m.user for m in sent] == [world["kim"]]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kim@example.org"]
    assert "Hej Kim L!" in message.body
    assert "Uppföljning helår 2024 av risk R4" in message.body and "senast 2025-01-31" in message.body
    assert f"http://127.0.0.1:8000/risker/{risk.pk}/uppfoljning/helar/2024/" in message.body
    assert remind(dt.date(2025, 1, 21), 14) == []  # the second run sends nothing new
    assert len(mail.outbox) == 1
    remind(dt.date(2025, 2, 2), 14)  # overdue: one more mail, once
    remind(dt.date(2025, 2, 2), 14)
    assert len(mail.outbox) == 2
    assert "skulle ha varit klar 2025-01-31" in mail.outbox[1].body
    FollowUp.objects.create(risk=risk, period="helar", year=2024, follows_plan=True)
    assert remind(dt.date(2025, 2, 10), 14) == []


def _run(run_id: str) -> CrawlRun:
    return CrawlRun.objects.create(
        run_id=run_id,
        site="https://example.org",
        started=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        tool_version="1",
        catalogue="x",
    )


def _finding(run: CrawlRun, name: str, **extra: Any) -> Finding:
    return Finding.objects.create(
        identity=name,
        url=f"https://example.org/{name}",
        rule="img-alt",
        location_key=name,
        outcome="failed",
        message="m",
        first_seen=run,
        last_seen=run,
        **extra,
    )


def test_finding_assigned_and_new_run(world: dict[str, Any], make_user: Callable[..., Any]) -> None:
    reader = make_user("reader", email="lasare@example.org")
    run = _run("r1")
    mine = _finding(run, "a", assigned_to="kim")
    _finding(run, "b", assigned_to="kim", status="fixed")
    today = dt.date(2024, 12, 1)
    remind(today, 14)
    assert len(mail.outbox) == 1  # kim, a controller: the finding and the run; the reader gets no run mail
    body = mail.outbox[0].body
    assert f"http://127.0.0.1:8000/avvikelser/{mine.pk}/" in body and "/example.org/b" not in body
    assert f"http://127.0.0.1:8000/genomsokningar/{run.pk}/" in body and "2 nya avvikelser" in body
    assert mail.outbox[0].subject.endswith("2 saker")
    assert not ReminderSent.objects.filter(user=reader).exists()
    remind(today, 14)
    assert len(mail.outbox) == 1
    _finding(_run("r2"), "c", assigned_to="Kim L")  # the full name matches as on "Mina uppgifter"
    remind(today, 14)
    assert len(mail.outbox) == 2
    assert "/example.org/c" in mail.outbox[1].body and "/genomsokningar/" in mail.outbox[1].body


def test_user_without_email_is_skipped_and_dry_run_sends_nothing(world: dict[str, Any]) -> None:
    kim = world["kim"]
    _finding(_run("r1"), "a", assigned_to="kim")
    kim.email = ""
    kim.save()
    assert remind(dt.date(2025, 1, 20), 14) == [] and mail.outbox == []
    kim.email = "kim@example.org"
    kim.save()
    planned = remind(dt.date(2025, 1, 20), 14, dry_run=True)
    assert len(planned) == 1 and len(planned[0].reminders) == 3
    assert mail.outbox == [] and not ReminderSent.objects.exists()
    assert len(remind(dt.date(2025, 1, 20), 14)) == 1 and len(mail.outbox) == 1


def test_the_command(tmp_path: Any) -> None:
    """``tillgang register remind`` from cron: exit 0, usage errors exit 2, --dry-run says what it would send."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(TILLGANG_DATA_DIR=str(tmp_path / "data"), TILLGANG_ADMIN_PASSWORD="ett-bra-lösenord-123")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tillgang", "register", *args],
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )

    assert run("remind").returncode == 2  # not initialised
    assert run("init").returncode == 0
    dry = run("remind", "--dry-run", "--days", "30")
    assert dry.returncode == 0, dry.stderr
    assert "Torrkörning: inget skickades (0 e-post, 0 påminnelser)." in dry.stdout
    assert run("remind").returncode == 0
    assert run("remind", "--days", "-1").returncode == 2
    assert run("remind", "--days", "x").returncode == 2


def test_a_mail_that_fails_leaves_nothing_in_the_log(world: dict[str, Any]) -> None:
    smtp = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1"}
    with override_settings(EMAIL_PORT=1, EMAIL_TIMEOUT=5, **smtp), pytest.raises(OSError):
        remind(dt.date(2025, 1, 20), 14)
    assert not ReminderSent.objects.exists()
    assert len(remind(dt.date(2025, 1, 20), 14)) == 1  # the next run sends it
