"""The web UI: permissions per role on every view (GET and POST), content, CSRF, and tillgang's HTML rules."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tillgang.register.models import FollowUp, Plan, Risk

from .conftest import failed_own_rules

pytestmark = [pytest.mark.db, pytest.mark.django_db]

ROLES = ("reader", "reviewer", "web-editor", "controller", "admin")


@pytest.fixture
def urls(imported: Any) -> dict[str, str]:
    plan = Plan.objects.get()
    risk = Risk.objects.get(order=4)
    return {
        "home": "/",
        "plans": "/planer/",
        "plan": f"/planer/{plan.pk}/",
        "risk": f"/risker/{risk.pk}/",
        "followup": f"/risker/{risk.pk}/uppfoljning/delar/2024/",
        "new_followup": f"/risker/{risk.pk}/uppfoljning/helar/2024/",
        "admin": "/admin/",
        "risk_edit": f"/risker/{risk.pk}/andra/",
        "plan_edit": f"/planer/{plan.pk}/andra/",
    }


def _client(make_user: Callable[..., Any], role: str | None, **extra: Any) -> Client:
    client = Client()
    client.force_login(make_user(role, **extra))
    return client


POST = {"follows": "nej", "comment": "Ändrad kommentar.\n\nAndra stycket."}


def test_anonymous_sees_only_the_login_page(urls: dict[str, str]) -> None:
    client = Client()
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/admin/login/" if name == "admin" else "/konto/logga-in/")
    for name in ("followup", "new_followup", "risk_edit", "plan_edit", "plan"):
        response = client.post(urls[name], POST)
        assert response.status_code == 302 and response["Location"].startswith("/konto/logga-in/"), name
    assert FollowUp.objects.get(period="delar", risk__order=4).follows_plan is True
    assert FollowUp.objects.count() == 6
    login = client.get("/konto/logga-in/")
    assert login.status_code == 200
    assert b'<label for="id_username">' in login.content
    assert client.get("/static/register/register.css").status_code == 200


@pytest.mark.parametrize("role", ["reader", "reviewer", "web-editor"])
def test_read_only_roles(role: str, urls: dict[str, str], make_user: Callable[..., Any]) -> None:
    client = _client(make_user, role)
    assert client.get(urls["home"]).status_code == 302
    for name in ("plans", "plan", "risk"):
        assert client.get(urls[name]).status_code == 200, name
    assert client.get(urls["followup"]).status_code == 403
    assert client.post(urls["followup"], POST).status_code == 403
    assert client.post(urls["new_followup"], POST).status_code == 403
    assert client.post(urls["plan"], {}).status_code == 405
    for name in ("risk_edit", "plan_edit"):
        assert client.get(urls[name]).status_code == 403, name
    assert client.post(urls["risk_edit"], {"likelihood": "1", "consequence": "1"}).status_code == 403
    assert client.post(urls["plan_edit"], {"title": "Kapad"}).status_code == 403
    assert Risk.objects.get(order=4).value == 9 and Plan.objects.get().title != "Kapad"
    assert FollowUp.objects.get(period="delar", risk__order=4).follows_plan is True
    assert not FollowUp.objects.filter(period="helar").exists()
    assert "Ändra uppföljning" not in client.get(urls["risk"]).content.decode()
    assert client.get(urls["admin"]).status_code == 302  # not staff


def test_logged_in_without_role_gets_nothing(urls: dict[str, str], make_user: Callable[..., Any]) -> None:
    client = _client(make_user, None)
    for name in ("home", "plans", "plan", "risk", "followup", "risk_edit", "plan_edit"):
        response = client.get(urls[name])
        assert response.status_code == 403, name
        assert "Ingen behörighet" in response.content.decode()


def test_controller_edits_a_followup_with_history(
    urls: dict[str, str], make_user: Callable[..., Any]
) -> None:
    client = _client(make_user, "controller")
    form = client.get(urls["followup"])
    assert form.status_code == 200
    html = form.content.decode()
    assert "<legend>Följer plan</legend>" in html and 'name="csrfmiddlewaretoken"' in html
    assert '<label for="id_comment">Kommentar</label>' in html
    response = client.post(urls["followup"], POST)
    assert response.status_code == 302 and response["Location"] == urls["risk"]
    fup = FollowUp.objects.get(period="delar", risk__order=4)
    assert fup.follows_plan is False
    assert fup.comment == "Ändrad kommentar.\n\nAndra stycket."
    assert fup.author is not None and fup.author.username == "u-controller"
    latest = fup.history.first()
    assert latest is not None and latest.history_user == fup.author and latest.history_type == "~"
    page = client.get(urls["risk"]).content.decode()
    assert "u-controller" in page and "följer plan: Ja → Nej" in page
    # a new follow-up for another period
    assert client.post(urls["new_followup"], {"follows": "ja", "comment": ""}).status_code == 302
    assert FollowUp.objects.get(period="helar", risk__order=4).follows_plan is True
    # an invalid form is shown again with the error
    bad = client.post(urls["followup"], {"comment": "x"})
    assert bad.status_code == 200 and "Välj Ja eller Nej." in bad.content.decode()
    assert client.get(urls["admin"]).status_code == 302


def test_admin_sees_everything(urls: dict[str, str], make_user: Callable[..., Any]) -> None:
    client = _client(make_user, "admin", is_staff=True, is_superuser=True)
    for name in ("plans", "plan", "risk", "followup", "admin", "risk_edit", "plan_edit"):
        assert client.get(urls[name]).status_code == 200, name
    risk = Risk.objects.get(order=4)
    assert client.get(f"/admin/register/risk/{risk.pk}/history/").status_code == 200
    assert client.post(urls["followup"], POST).status_code == 302


def test_csrf_is_enforced(urls: dict[str, str], make_user: Callable[..., Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("controller"))
    assert client.post(urls["followup"], POST).status_code == 403
    assert FollowUp.objects.get(period="delar", risk__order=4).follows_plan is True


def test_plan_page_marks_critical_risks_and_has_a_heat_map_table(
    urls: dict[str, str], make_user: Callable[..., Any]
) -> None:
    client = _client(make_user, "reader")
    html = client.get(urls["plan"]).content.decode()
    assert html.count('<strong class="badge">Kritisk</strong>') == 6
    assert "Handläggning av ärenden (Kommunledningskontoret)" in html
    assert "<caption>Riskkartan som tabell" in html
    assert html.count('<th scope="row">Sannolikhet') == 4
    assert "inte kan placeras i kartan" in html  # the seed gives values only, no S and K
    risk = Risk.objects.get(order=1)
    risk.likelihood, risk.consequence = 3, 3
    risk.save()
    html = client.get(urls["plan"]).content.decode()
    assert f'<a href="/risker/{risk.pk}/">R1</a>' in html


def _pages(urls: dict[str, str], make_user: Callable[..., Any]) -> dict[str, str]:
    admin = _client(make_user, "admin", is_staff=True, is_superuser=True)
    names = ("plans", "plan", "risk", "followup", "risk_edit", "plan_edit")
    pages = {name: admin.get(urls[name]).content.decode() for name in names}
    pages["login"] = Client().get("/konto/logga-in/").content.decode()
    pages["forbidden"] = _client(make_user, None, email="x@example.org").get(urls["plan"]).content.decode()
    return pages


def test_pages_are_structured(urls: dict[str, str], make_user: Callable[..., Any]) -> None:
    for name, html in _pages(urls, make_user).items():
        assert html.startswith('<!DOCTYPE html>\n<html lang="sv">'), name
        assert '<a class="skip" href="#main">' in html and '<main id="main">' in html, name
        assert html.count("<h1>") == 1, name
        assert "<title>" in html and "<script" not in html, name


def test_pages_pass_tillgangs_own_html_rules(
    tmp_path: Path, urls: dict[str, str], make_user: Callable[..., Any]
) -> None:
    assert failed_own_rules(_pages(urls, make_user), tmp_path) == {}


def test_controller_assesses_a_risk_and_edits_the_plan(
    urls: dict[str, str], make_user: Callable[..., Any]
) -> None:
    client = _client(make_user, "controller")
    form = client.get(urls["risk_edit"]).content.decode()
    assert '<label for="id_likelihood">' in form and "4 – Mycket stor" in form
    risk = Risk.objects.get(order=4)
    data = {
        "likelihood": "2",
        "consequence": "4",
        "handling": "both",
        "planning": risk.planning,
        "existing_controls": risk.existing_controls,
    }
    assert client.post(urls["risk_edit"], data).status_code == 302
    risk.refresh_from_db()
    assert (risk.likelihood, risk.consequence, risk.value, risk.critical, risk.handling) == (
        2,
        4,
        8,
        True,
        "both",
    )
    record = risk.history.first()
    assert record is not None and record.history_user is not None
    assert record.history_user.username == "u-controller"
    half = client.post(urls["risk_edit"], dict(data, consequence=""))
    assert half.status_code == 200 and "både sannolikhet och konsekvens" in half.content.decode()
    response = client.post(
        urls["plan_edit"], {"title": "IKP 2024", "decided": "2023-12-11", "valid_until": ""}
    )
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert (plan.title, str(plan.decided), plan.valid_until) == ("IKP 2024", "2023-12-11", None)
    html = client.get(urls["plan"]).content.decode()
    assert f'<a href="/risker/{risk.pk}/">R4</a>' in html  # now placed in the heat map table
