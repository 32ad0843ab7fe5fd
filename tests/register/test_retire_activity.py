"""Issue 12: retiring a control activity (kept with its history and evidence, shown under "Avvecklade" on the
risk, out of Mina uppgifter, reminders, the upload page's list and next year's plan), retired risks out of the
.docx follow-up report, and the risks' retired date through the CSV/XLSX export and import."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings

from tillgang.register.importers import import_file
from tillgang.register.models import ControlActivity, Plan, Risk
from tillgang.register.planyear import copy_plan, due_followups
from tillgang.register.reminders import remind

from .conftest import failed_own_rules

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def _login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(imported: Any, make_user: Callable[..., Any]) -> dict[str, Any]:
    from django.contrib.auth.models import Group, User

    plan = Plan.objects.get(year=2024)
    risk = Risk.objects.get(plan=plan, order=4)
    kim = User.objects.create_user(username="kim", email="kim@example.org")
    kim.groups.add(Group.objects.get(name="controller"))
    activity = ControlActivity.objects.create(risk=risk, what="Granska webbplatsen", responsible_user=kim)
    other = ControlActivity.objects.create(
        risk=risk, what="Stickprov av dokument", responsible="Webbredaktör"
    )
    return {
        "plan": plan,
        "risk": risk,
        "kim": kim,
        "activity": activity,
        "other": other,
        "controller": make_user("controller"),
    }


def test_controller_retires_and_reinstates_a_control_activity(world: dict[str, Any], tmp_path: Path) -> None:
    risk, activity, kim = world["risk"], world["activity"], world["kim"]
    client = _login(world["controller"])
    today = dt.date.today()
    assert [d.risk for d in due_followups(kim, dt.date(2024, 10, 1))] == [risk]
    page = client.get(f"/risker/{risk.pk}/").content.decode()
    assert f'href="/kontrollaktiviteter/{activity.pk}/avveckla/"' in page
    form = client.get(f"/kontrollaktiviteter/{activity.pk}/avveckla/")
    assert (
        form.status_code == 200
        and "Avveckla kontrollaktiviteten ”Granska webbplatsen”" in form.content.decode()
    )
    response = client.post(f"/kontrollaktiviteter/{activity.pk}/avveckla/", {"reason": "görs i R2"})
    assert response.status_code == 302 and response["Location"] == f"/risker/{risk.pk}/"
    activity.refresh_from_db()
    assert activity.retired == today
    record = activity.history.first()
    assert (
        record.history_change_reason == "avvecklad: görs i R2" and record.history_user == world["controller"]
    )
    page = client.get(f"/risker/{risk.pk}/").content.decode()
    active, _, retired = page.partition('<h3 id="avvecklade-kontrollaktiviteter">Avvecklade</h3>')
    assert "Granska webbplatsen" not in active.split("<h2>Kontrollaktiviteter</h2>")[1]
    assert "Stickprov av dokument" in active
    assert "Granska webbplatsen" in retired.split("<h2>")[0]
    assert re.search(r'<td data-label="Avvecklad">\d{4}-\d{2}-\d{2}</td>', retired)
    # out of Mina uppgifter, reminders, next year's plan and the upload page's list; kept in the database
    assert due_followups(kim, dt.date(2024, 10, 1)) == []
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        assert remind(dt.date(2025, 1, 20), 14) == [] and not mail.outbox
    copy = copy_plan(world["plan"], 2025, world["controller"])
    assert list(ControlActivity.objects.filter(risk__plan=copy).values_list("what", flat=True)) == [
        "Stickprov av dokument"
    ]
    upload = client.get("/granska/").content.decode()
    assert "Stickprov av dokument" in upload and "Granska webbplatsen" not in upload
    assert ControlActivity.objects.filter(pk=activity.pk).exists()
    assert failed_own_rules({"risk": page, "retire": form.content.decode()}, tmp_path) == {}
    # and back
    client.post(f"/kontrollaktiviteter/{activity.pk}/avveckla/", {"reason": ""})
    activity.refresh_from_db()
    assert activity.retired is None and activity.history.first().history_change_reason == "återinförd"
    assert [d.risk for d in due_followups(kim, dt.date(2024, 10, 1))] == [risk]


@pytest.mark.parametrize("role", ["reviewer", "web-editor", "reader"])
def test_other_roles_cannot_retire(role: str, world: dict[str, Any], make_user: Callable[..., Any]) -> None:
    client = _login(make_user(role))
    url = f"/kontrollaktiviteter/{world['activity'].pk}/avveckla/"
    assert client.get(url).status_code == 403 and client.post(url, {}).status_code == 403
    world["activity"].refresh_from_db()
    assert world["activity"].retired is None
    assert url not in client.get(f"/risker/{world['risk'].pk}/").content.decode()


def test_the_report_leaves_retired_risks_out(world: dict[str, Any]) -> None:
    from tillgang.register.exports.report import build_report

    def text() -> str:
        return "\n".join(p.text for p in build_report(world["plan"], "delar").paragraphs)

    assert "finns 6 bedömda risker" in text()
    risk = world["risk"]
    risk.retired = dt.date(2024, 5, 1)
    risk.save()
    body = text()
    assert "finns 5 bedömda risker" in body
    assert "En risk är avvecklad under året och ingår inte i uppföljningen." in body
    table = build_report(world["plan"], "delar").tables[0]
    assert all(risk.description[:40] not in row.cells[1].text for row in table.rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_retired_date_goes_through_export_and_import(
    fmt: str, world: dict[str, Any], tmp_path: Path
) -> None:
    from tillgang.register.exports import export

    risk = world["risk"]
    risk.retired = dt.date(2024, 5, 1)
    risk.save()
    out = tmp_path / f"register.{fmt}"
    export(fmt, out, 2024)
    result = import_file(out)
    assert (result.risks.changed, result.risks.unchanged) == (0, 6)
    Risk.objects.filter(pk=risk.pk).update(retired=None)
    assert import_file(out).risks.changed == 1
    risk.refresh_from_db()
    assert risk.retired == dt.date(2024, 5, 1)
    # into an empty register: the retired risk comes back retired
    Risk.objects.all().delete()
    import_file(out)
    assert list(Risk.objects.filter(retired__isnull=False).values_list("retired", flat=True)) == [
        dt.date(2024, 5, 1)
    ]
