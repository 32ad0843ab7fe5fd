"""Issue 12, the plan year in the UI: next year's plan from last year's, a plan from scratch, adding, changing
and retiring risks, control activities with a responsible user, and "Mina uppgifter"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tillgang.register.models import Board, ControlActivity, FollowUp, Plan, Process, Risk

from .conftest import failed_own_rules

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def _login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def plan2024(imported: Any, make_user: Callable[..., Any]) -> dict[str, Any]:
    """The seed's 2024 plan, with a control activity on R4 run by tillgang and a controller responsible."""
    from django.contrib.auth.models import Group, User

    plan = Plan.objects.get(year=2024)
    risk = Risk.objects.get(plan=plan, order=4)
    risk.likelihood, risk.consequence = 3, 3
    risk.save()
    controller = make_user("controller")
    owner = User.objects.create_user(username="kontrollant", password="x-Secret-pw-1", first_name="Kim")
    owner.groups.add(Group.objects.get(name="controller"))
    activity = ControlActivity.objects.create(
        risk=risk,
        what="Granska webbplatsens tillgänglighet",
        frequency="varje månad",
        responsible="Webbredaktör",
        responsible_user=owner,
        performed_by_tillgang=True,
        crawl_profile="kommunen",
    )
    return {"plan": plan, "risk": risk, "activity": activity, "controller": controller, "owner": owner}


def test_controller_creates_2025_from_2024_without_follow_ups(plan2024: dict[str, Any]) -> None:
    source = plan2024["plan"]
    client = _login(plan2024["controller"])
    page = client.get(f"/planer/{source.pk}/").content.decode()
    assert "Skapa plan för 2025 från denna" in page and 'value="2025"' in page
    before = FollowUp.objects.count()
    response = client.post(f"/planer/{source.pk}/kopiera/", {"year": "2025", "decided": "2024-12-10"})
    assert response.status_code == 302
    new = Plan.objects.get(board=source.board, year=2025)
    assert response["Location"] == f"/planer/{new.pk}/" and str(new.decided) == "2024-12-10"
    old_risks = list(source.risks.order_by("order"))
    new_risks = list(new.risks.order_by("order"))
    fields = ("order", "process_id", "description", "likelihood", "consequence", "value", "handling")
    fields += ("planning", "existing_controls")
    assert [[getattr(r, f) for f in fields] for r in new_risks] == [
        [getattr(r, f) for f in fields] for r in old_risks
    ]
    copied = ControlActivity.objects.get(risk__plan=new)
    assert copied.risk.order == 4 and copied.risk.value == 9
    assert (copied.responsible_user, copied.crawl_profile, copied.performed_by_tillgang) == (
        plan2024["owner"],
        "kommunen",
        True,
    )
    assert copied.pk != plan2024["activity"].pk
    assert FollowUp.objects.count() == before and not FollowUp.objects.filter(risk__plan=new).exists()
    record = new_risks[0].history.first()
    assert record is not None and record.history_user == plan2024["controller"]
    assert "kopierad från" in (record.history_change_reason or "")
    assert new.history.first().history_user == plan2024["controller"]
    # the same year again is refused, in Swedish, and nothing is written
    again = client.post(f"/planer/{source.pk}/kopiera/", {"year": "2025"})
    assert again.status_code == 200
    assert "har redan en internkontrollplan för 2025" in again.content.decode()
    assert Plan.objects.filter(year=2025).count() == 1 and Risk.objects.filter(plan=new).count() == len(
        old_risks
    )


def test_a_plan_from_scratch(plan2024: dict[str, Any]) -> None:
    client = _login(plan2024["controller"])
    assert '<a href="/planer/ny/">Ny plan</a>' in client.get("/planer/").content.decode()
    board = Board.objects.get()
    taken = client.post("/planer/ny/", {"board": board.pk, "year": "2024"})
    assert taken.status_code == 200 and "har redan en internkontrollplan för 2024" in taken.content.decode()
    data = {"board": board.pk, "year": "2026", "decided": "2025-12-01", "valid_until": "2026-12-31"}
    response = client.post("/planer/ny/", data)
    assert response.status_code == 302
    plan = Plan.objects.get(year=2026)
    assert (str(plan.decided), str(plan.valid_until), plan.risks.count()) == ("2025-12-01", "2026-12-31", 0)
    assert plan.history.first().history_user == plan2024["controller"]


def test_add_change_and_retire_a_risk(plan2024: dict[str, Any]) -> None:
    plan = plan2024["plan"]
    client = _login(plan2024["controller"])
    count = plan.risks.count()
    process = Process.objects.order_by("pk").first()
    assert process is not None
    form = client.get(f"/planer/{plan.pk}/ny-risk/").content.decode()
    assert '<label for="id_description">Risk att …</label>' in form and 'name="csrfmiddlewaretoken"' in form
    data = {"process": process.pk, "description": "Risk att e-tjänster inte går att använda med tangentbord"}
    response = client.post(f"/planer/{plan.pk}/ny-risk/", dict(data, likelihood="3", consequence="4"))
    assert response.status_code == 302
    risk = Risk.objects.get(description__startswith="Risk att e-tjänster")
    assert (risk.order, risk.value, risk.critical, risk.process) == (count + 1, 12, True, process)
    assert risk.history.first().history_user == plan2024["controller"]
    half = client.post(f"/planer/{plan.pk}/ny-risk/", dict(data, likelihood="3"))
    assert half.status_code == 200 and "både sannolikhet och konsekvens" in half.content.decode()
    # change its text and process: a new process by name
    changed = {
        "new_process": "Digital service",
        "new_office": "IT",
        "description": "Risk att formulär saknar etiketter",
    }
    assert (
        client.post(
            f"/risker/{risk.pk}/andra-risken/", dict(changed, likelihood="3", consequence="4")
        ).status_code
        == 302
    )
    risk.refresh_from_db()
    assert (str(risk.process), risk.description, risk.value) == (
        "Digital service (IT)",
        changed["description"],
        12,
    )
    # retire it: gone from the active list, shown under Avvecklade, kept with its history
    assert client.post(f"/risker/{risk.pk}/avveckla/", {"reason": "ingår i R4"}).status_code == 302
    risk.refresh_from_db()
    assert risk.retired == dt.date.today()
    record = risk.history.first()
    assert record.history_change_reason == "avvecklad: ingår i R4"
    assert record.history_user == plan2024["controller"]
    html = client.get(f"/planer/{plan.pk}/").content.decode()
    active, _, retired = html.partition('<h3 id="avvecklade">Avvecklade</h3>')
    assert f'/risker/{risk.pk}/"' not in active.split('<h2 id="riskkarta">')[0]
    assert f'/risker/{risk.pk}/"' in retired.split('<h2 id="riskkarta">')[0]
    assert f"Risker</dt><dd>{count}," in html
    # a retired risk is not copied to next year's plan
    client.post(f"/planer/{plan.pk}/kopiera/", {"year": "2025"})
    assert Risk.objects.filter(plan__year=2025).count() == count
    # and it can be brought back
    assert client.post(f"/risker/{risk.pk}/avveckla/", {}).status_code == 302
    risk.refresh_from_db()
    assert risk.retired is None and risk.history.first().history_change_reason == "återinförd"


def test_activity_with_a_responsible_user_and_my_tasks(plan2024: dict[str, Any]) -> None:
    plan, owner = plan2024["plan"], plan2024["owner"]
    client = _login(plan2024["controller"])
    other = Risk.objects.get(plan=plan, order=1)
    form = client.get(f"/risker/{other.pk}/ny-kontrollaktivitet/").content.decode()
    assert '<option value="' + str(owner.pk) + '">kontrollant</option>' in form
    data = {"what": "Stickprov av beslut", "frequency": "kvartal", "responsible_user": owner.pk}
    assert client.post(f"/risker/{other.pk}/ny-kontrollaktivitet/", data).status_code == 302
    activity = ControlActivity.objects.get(risk=other)
    assert activity.responsible_user == owner
    assert activity.history.first().history_user == plan2024["controller"]
    edited = dict(data, what="Stickprov av tio beslut")
    assert client.post(f"/kontrollaktiviteter/{activity.pk}/andra/", edited).status_code == 302
    activity.refresh_from_db()
    assert activity.what == "Stickprov av tio beslut"
    # the new year's plan; the owner's tasks are its risks R1 and R4, delår 2025
    client.post(f"/planer/{plan.pk}/kopiera/", {"year": "2025"})
    new = Plan.objects.get(year=2025)
    r1, r4 = (Risk.objects.get(plan=new, order=n) for n in (1, 4))
    mine = _login(owner)
    html = mine.get("/mina-uppgifter/").content.decode()
    assert (
        f"/risker/{r1.pk}/uppfoljning/delar/2025/" in html
        and f"/risker/{r4.pk}/uppfoljning/delar/2025/" in html
    )
    # fill in delår 2025 for R4 through the existing follow-up form: R4 moves on to helår
    response = mine.post(f"/risker/{r4.pk}/uppfoljning/delar/2025/", {"follows": "ja", "comment": "Klar."})
    assert response.status_code == 302
    followup = FollowUp.objects.get(risk=r4, period="delar", year=2025)
    assert followup.follows_plan is True and followup.author == owner
    html = mine.get("/mina-uppgifter/").content.decode()
    assert f"/risker/{r4.pk}/uppfoljning/delar/2025/" not in html
    assert f"/risker/{r4.pk}/uppfoljning/helar/2025/" in html
    # somebody else has no tasks
    assert "Du har inga uppföljningar att göra." in client.get("/mina-uppgifter/").content.decode()


def test_current_plans_and_due_periods(plan2024: dict[str, Any]) -> None:
    from tillgang.register.planyear import PlanExists, copy_plan, current_plans, due_followups

    new = copy_plan(plan2024["plan"], 2025, plan2024["controller"])
    assert current_plans(dt.date(2025, 5, 1)) == [new, plan2024["plan"]]
    assert current_plans(dt.date(2026, 3, 1)) == [new]
    assert current_plans(dt.date(2030, 1, 1)) == [new]  # a board's latest plan when none is recent
    with pytest.raises(PlanExists, match="har redan en internkontrollplan för 2025"):
        copy_plan(plan2024["plan"], 2025, plan2024["controller"])
    assert Plan.objects.count() == 2
    owner = plan2024["owner"]
    due = due_followups(owner, dt.date(2025, 5, 1))  # the seed has R4's delår 2024: helår is due
    assert {(d.risk.plan.year, d.period) for d in due} == {(2024, "helar"), (2025, "delar")}
    FollowUp.objects.create(risk=plan2024["risk"], period="helar", year=2024, follows_plan=True)
    assert {(d.risk.plan.year, d.period) for d in due_followups(owner, dt.date(2025, 5, 1))} == {
        (2025, "delar")
    }


def test_findings_assigned_to_the_user(plan2024: dict[str, Any]) -> None:
    from tillgang.register.models import CrawlRun, Finding

    run = CrawlRun.objects.create(
        run_id="r1",
        site="https://example.org",
        started=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        tool_version="1",
        catalogue="x",
    )
    common = {"rule": "img-alt", "outcome": "failed", "message": "m", "first_seen": run, "last_seen": run}
    mine = Finding.objects.create(
        identity="a", url="https://example.org/a", location_key="1", assigned_to="Kim", **common
    )
    Finding.objects.create(
        identity="b",
        url="https://example.org/b",
        location_key="2",
        assigned_to="kontrollant",
        status="fixed",
        **common,
    )
    Finding.objects.create(
        identity="c", url="https://example.org/c", location_key="3", assigned_to="någon annan", **common
    )
    html = _login(plan2024["owner"]).get("/mina-uppgifter/").content.decode()
    assert (
        f'href="/avvikelser/{mine.pk}/"' in html
        and "/example.org/b" not in html
        and "/example.org/c" not in html
    )


@pytest.mark.parametrize("role", ["reader", "reviewer", "web-editor"])
def test_read_only_roles_are_refused(
    role: str, plan2024: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    plan, risk, activity = plan2024["plan"], plan2024["risk"], plan2024["activity"]
    client = _login(make_user(role))
    forms = [
        ("/planer/ny/", {"board": plan.board_id, "year": "2030"}),
        (f"/planer/{plan.pk}/kopiera/", {"year": "2025"}),
        (f"/planer/{plan.pk}/ny-risk/", {"process": risk.process_id, "description": "Risk att x"}),
        (f"/risker/{risk.pk}/andra-risken/", {"process": risk.process_id, "description": "Kapad"}),
        (f"/risker/{risk.pk}/avveckla/", {}),
        (f"/risker/{risk.pk}/ny-kontrollaktivitet/", {"what": "x"}),
        (f"/kontrollaktiviteter/{activity.pk}/andra/", {"what": "Kapad"}),
    ]
    for url, data in forms:
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    assert Plan.objects.count() == 1 and ControlActivity.objects.count() == 1
    risk.refresh_from_db()
    assert risk.retired is None and risk.description != "Kapad"
    page = client.get(f"/planer/{plan.pk}/").content.decode()
    assert "Skapa plan för" not in page and "Lägg till en risk" not in page
    assert client.get("/mina-uppgifter/").status_code == 200


def test_csrf_is_enforced_on_the_copy(plan2024: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(plan2024["controller"])
    assert client.post(f"/planer/{plan2024['plan'].pk}/kopiera/", {"year": "2025"}).status_code == 403
    assert not Plan.objects.filter(year=2025).exists()


def _pages(plan2024: dict[str, Any], make_user: Callable[..., Any]) -> dict[str, str]:
    plan, risk, activity = plan2024["plan"], plan2024["risk"], plan2024["activity"]
    retired = Risk.objects.get(plan=plan, order=2)
    retired.retired = dt.date(2024, 6, 1)
    retired.save()
    admin = _login(make_user("admin", is_staff=True, is_superuser=True))
    urls = {
        "plan": f"/planer/{plan.pk}/",
        "plans": "/planer/",
        "risk": f"/risker/{risk.pk}/",
        "retired_risk": f"/risker/{retired.pk}/",
        "new_plan": "/planer/ny/",
        "copy": f"/planer/{plan.pk}/kopiera/",
        "new_risk": f"/planer/{plan.pk}/ny-risk/",
        "change_risk": f"/risker/{risk.pk}/andra-risken/",
        "retire": f"/risker/{risk.pk}/avveckla/",
        "new_activity": f"/risker/{risk.pk}/ny-kontrollaktivitet/",
        "activity": f"/kontrollaktiviteter/{activity.pk}/andra/",
    }
    pages = {}
    for name, url in urls.items():
        response = admin.get(url)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    pages["copy_error"] = admin.post(urls["copy"], {"year": "2024"}).content.decode()
    pages["my_tasks"] = _login(plan2024["owner"]).get("/mina-uppgifter/").content.decode()
    return pages


def test_pages_are_structured_and_pass_tillgangs_html_rules(
    tmp_path: Path, plan2024: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    pages = _pages(plan2024, make_user)
    for name, html in pages.items():
        assert html.startswith('<!DOCTYPE html>\n<html lang="sv">'), name
        assert html.count("<h1>") == 1 and "<script" not in html, name
    assert "Mina uppgifter" in pages["plan"]
    assert failed_own_rules(pages, tmp_path) == {}


def test_a_new_plan_for_a_new_board(plan2024: dict[str, Any]) -> None:
    """No admin site needed for a board: the new-plan form takes a new board's name."""
    client = _login(plan2024["controller"])
    response = client.post("/planer/ny/", {"new_board": " Socialnämnden ", "year": "2025"})
    plan = Plan.objects.get(board__name="Socialnämnden", year=2025)
    assert response.status_code == 302 and response["Location"] == f"/planer/{plan.pk}/"
    assert plan.board.history.first().history_user == plan2024["controller"]
    # the same name again is that board, and its year is taken
    taken = client.post("/planer/ny/", {"new_board": "socialnämnden", "year": "2025"}).content.decode()
    assert "Socialnämnden har redan en internkontrollplan för 2025" in taken
    both = client.post("/planer/ny/", {"board": plan.board.pk, "new_board": "X", "year": "2026"})
    assert "Välj en nämnd eller skriv en ny, inte båda." in both.content.decode()
    neither = client.post("/planer/ny/", {"year": "2026"}).content.decode()
    assert "Välj en nämnd eller skriv namnet på en ny." in neither
    assert Board.objects.count() == 2
