"""Issue 12, follow-up deadlines per plan: the controller sets a plan's delår and helår deadlines in the UI;
reminders and "Mina uppgifter" use them, else the configured defaults; a copied plan takes them a year on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings

from tillgang.register.models import ControlActivity, Plan, Risk
from tillgang.register.planyear import copy_plan
from tillgang.register.reminders import remind

pytestmark = [pytest.mark.db, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def locmem() -> Iterator[None]:
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        yield


@pytest.fixture
def world(imported: Any, make_user: Callable[..., Any]) -> dict[str, Any]:
    """The seed's 2024 plan (its delår followed up, so helår is due), R4 with a control activity of "kim"."""
    from django.contrib.auth.models import Group, User

    plan = Plan.objects.get(year=2024)
    risk = Risk.objects.get(plan=plan, order=4)
    kim = User.objects.create_user(username="kim", email="kim@example.org", password="x-Secret-pw-1")
    kim.groups.add(Group.objects.get(name="controller"))
    ControlActivity.objects.create(risk=risk, what="Granska", responsible_user=kim)
    return {"plan": plan, "risk": risk, "kim": kim, "controller": make_user("controller")}


def _login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_plan_without_its_own_deadlines_uses_the_configured_ones(world: dict[str, Any]) -> None:
    plan = world["plan"]
    assert plan.deadline("delar") == dt.date(2024, 8, 31) and plan.deadline("helar") == dt.date(2025, 1, 31)
    page = _login(world["controller"]).get(f"/planer/{plan.pk}/").content.decode()
    assert "Sista dag för helårsuppföljningen</dt><dd>2025-01-31 (standarddatum)" in page


def test_controller_sets_the_deadlines_and_reminders_follow(world: dict[str, Any]) -> None:
    plan, kim = world["plan"], world["kim"]
    client = _login(world["controller"])
    form = client.get(f"/planer/{plan.pk}/andra/").content.decode()
    assert "Sista dag för helårsuppföljningen (ÅÅÅÅ-MM-DD)" in form and "(2025-01-31)" in form
    data = {"title": plan.title, "delar_deadline": "2024-09-20", "helar_deadline": "2025-02-14"}
    assert client.post(f"/planer/{plan.pk}/andra/", data).status_code == 302
    plan.refresh_from_db()
    assert plan.helar_deadline == dt.date(2025, 2, 14) and plan.deadline("helar") == dt.date(2025, 2, 14)
    assert plan.history.first().history_user == world["controller"]
    page = client.get(f"/planer/{plan.pk}/").content.decode()
    assert "Sista dag för helårsuppföljningen</dt><dd>2025-02-14</dd>" in page
    tasks = _login(kim).get("/mina-uppgifter/").content.decode()
    assert "2025-02-14 (försenad)" in tasks  # today is after it
    # the configured 01-31 would make helår due on 2025-01-20; the plan's own 02-14 is still 25 days away
    assert remind(dt.date(2025, 1, 20), 14) == []
    sent = remind(dt.date(2025, 2, 5), 14)
    assert [m.user for m in sent] == [kim] and "ska vara klar senast 2025-02-14" in mail.outbox[0].body
    remind(dt.date(2025, 2, 15), 14)
    assert "skulle ha varit klar 2025-02-14" in mail.outbox[1].body
    # a changed deadline is a new reminder
    plan.helar_deadline = dt.date(2025, 3, 1)
    plan.save()
    remind(dt.date(2025, 2, 20), 14)
    assert len(mail.outbox) == 3 and "senast 2025-03-01" in mail.outbox[2].body


def test_helar_before_delar_is_refused_and_other_roles_get_403(
    world: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    plan = world["plan"]
    data = {"title": "x", "delar_deadline": "2024-09-20", "helar_deadline": "2024-09-01"}
    html = _login(world["controller"]).post(f"/planer/{plan.pk}/andra/", data).content.decode()
    assert "Helårsuppföljningen kan inte vara klar före delårsuppföljningen." in html
    for role in ("reviewer", "reader", "web-editor"):
        assert _login(make_user(role)).post(f"/planer/{plan.pk}/andra/", data).status_code == 403
    plan.refresh_from_db()
    assert plan.delar_deadline is None and plan.helar_deadline is None


def test_a_new_plan_may_have_deadlines_and_a_copy_moves_them_a_year(world: dict[str, Any]) -> None:
    plan = world["plan"]
    client = _login(world["controller"])
    data = {"board": plan.board.pk, "year": "2030", "delar_deadline": "2030-09-01"}
    assert client.post("/planer/ny/", data).status_code == 302
    assert Plan.objects.get(year=2030).deadline("delar") == dt.date(2030, 9, 1)
    plan.delar_deadline, plan.helar_deadline = dt.date(2024, 2, 29), dt.date(2025, 2, 10)
    plan.save()
    copy = copy_plan(plan, 2025, world["controller"])
    assert copy.delar_deadline == dt.date(2025, 2, 28) and copy.helar_deadline == dt.date(2026, 2, 10)
