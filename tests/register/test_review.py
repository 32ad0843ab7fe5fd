"""Review pages (issue 5): runs, findings and triage, documents, trend, evidence, follow-up help, statement.

The data is built from model rows directly (two runs of one site, one document fixed in between), so these
tests do not depend on the crawler; sealing uses tillgang.register.evidence.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tillgang.register.models import (
    Board,
    ControlActivity,
    CrawlRun,
    Evidence,
    Finding,
    FindingStatus,
    FollowUp,
    Item,
    Plan,
    Process,
    Risk,
    StatementDecision,
)

from .conftest import failed_own_rules

pytestmark = [pytest.mark.db, pytest.mark.django_db]

SITE = "https://kommun.example"
A = f"{SITE}/politik/a.pdf"
B = f"{SITE}/politik/b.pdf"
C = f"{SITE}/nyheter/c.docx"
INDEX = f"{SITE}/"
LOCKED = f"{SITE}/politik/d.pdf"
SHA = {url: f"{n:064x}" for n, url in enumerate((A, B, C, INDEX, LOCKED), start=1)}


def _when(month: int) -> dt.datetime:
    return dt.datetime(2026, month, 10, 2, 0, tzinfo=dt.UTC)


def _run(n: int, month: int, previous: CrawlRun | None, activity: ControlActivity) -> CrawlRun:
    return CrawlRun.objects.create(
        run_id=f"run-{n}",
        site=SITE,
        start_urls=[INDEX],
        started=_when(month),
        finished=_when(month) + dt.timedelta(hours=1),
        tool_version="0.1.0",
        catalogue="c" * 64,
        activity=activity,
        previous=previous,
    )


def _item(run: CrawlRun, url: str, kind: str, fmt: str, rules: dict[str, str], error: str = "") -> Item:
    return Item.objects.create(
        run=run,
        url=url,
        kind=kind,
        format=fmt,
        title=url.rsplit("/", 1)[-1] or "Startsidan",
        sha256=SHA[url],
        http_status=200,
        fetched_at=run.started,
        error_code=error,
        error_message="lösenordsskyddad" if error else "",
        rules={} if error else rules,
    )


def _finding(url: str, rule: str, loc: dict[str, Any], first: CrawlRun, last: CrawlRun, **kw: Any) -> Finding:
    key = json.dumps(loc, sort_keys=True, separators=(",", ":"))
    wcag = {"pdf-tagged": ["1.3.1"], "document-title": ["2.4.2"], "image-alt": ["1.1.1"]}[rule]
    return Finding.objects.create(
        identity=Finding.identity_of(url, rule, key),
        url=url,
        rule=rule,
        location_key=key,
        location=loc,
        outcome="failed",
        severity="serious",
        wcag=wcag,
        message=f"Brist enligt {rule}",
        format=url.rsplit(".", 1)[-1] if "." in url.rsplit("/", 1)[-1] else "html",
        first_seen=first,
        last_seen=last,
        **kw,
    )


@pytest.fixture
def data() -> dict[str, Any]:
    """Two runs: b.pdf gets tagged between them (its pdf-tagged finding is fixed); c.docx gets a new finding."""
    board = Board.objects.create(name="Kommunstyrelsen")
    plan = Plan.objects.create(board=board, year=2026, title="Internkontrollplan 2026")
    process = Process.objects.create(name="Demokrati och tillsyn", office="KLK")
    risk = Risk.objects.create(
        plan=plan, process=process, description="Risk att lagen om tillgänglighet inte följs"
    )
    activity = ControlActivity.objects.create(
        risk=risk, what="Automatiserad granskning av dokument", performed_by_tillgang=True
    )
    run1 = _run(1, 1, None, activity)
    run2 = _run(2, 5, run1, activity)
    for run, b_tagged in ((run1, "failed"), (run2, "passed")):
        _item(run, A, "document", "pdf", {"pdf-tagged": "failed", "document-title": "passed"})
        _item(run, B, "document", "pdf", {"pdf-tagged": b_tagged, "document-title": "failed"})
        _item(run, C, "document", "docx", {"image-alt": "failed", "document-title": "passed"})
        _item(
            run,
            INDEX,
            "page",
            "html",
            {"image-alt": "passed", "document-title": "passed", "bypass": "cantTell"},
        )
        _item(run, LOCKED, "document", "pdf", {}, error="encrypted")
    findings = {
        "a": _finding(A, "pdf-tagged", {}, run1, run2),
        "b": _finding(B, "pdf-tagged", {}, run1, run1, fixed_in=run2, status=FindingStatus.FIXED),
        "b_title": _finding(B, "document-title", {"part": "metadata"}, run1, run2),
        "c": _finding(C, "image-alt", {"paragraph": 4, "name": "Bild 1"}, run1, run2),
        "c_new": _finding(C, "image-alt", {"paragraph": 9, "name": "Bild 2"}, run2, run2),
    }
    # what tillgang.register.store records on each run: the comparison with the run before
    f = {k: v.pk for k, v in findings.items()}
    run1.summary = {
        "register": {
            "previous_run": None,
            "findings": sorted(f[k] for k in ("a", "b", "b_title", "c")),
            "new": sorted(f[k] for k in ("a", "b", "b_title", "c")),
            "fixed": [],
            "persisting": 0,
        }
    }
    run2.summary = {
        "register": {
            "previous_run": "run-1",
            "findings": sorted(f[k] for k in ("a", "b_title", "c", "c_new")),
            "new": [f["c_new"]],
            "fixed": [f["b"]],
            "persisting": 3,
        }
    }
    run1.save()
    run2.save()
    return {"risk": risk, "activity": activity, "runs": (run1, run2), "f": findings, "plan": plan}


@pytest.fixture
def urls(data: dict[str, Any]) -> dict[str, str]:
    run2 = data["runs"][1]
    return {
        "runs": "/genomsokningar/",
        "run": f"/genomsokningar/{run2.pk}/",
        "findings": "/avvikelser/",
        "finding": f"/avvikelser/{data['f']['a'].pk}/",
        "document": f"/dokument/?url={B}",
        "trend": "/trend/",
        "activity_evidence": f"/kontrollaktiviteter/{data['activity'].pk}/underlag/",
        "statement": "/redogorelse/",
        "draft": f"/redogorelse/utkast/?webbplats={SITE}&format=html&organisation=Knivsta+kommun&contact=x%40kommun.example",
    }


def _client(make_user: Callable[..., Any], role: str | None, **extra: Any) -> Client:
    client = Client()
    client.force_login(make_user(role, **extra))
    return client


def _evidence(run: CrawlRun, activity: ControlActivity) -> Evidence:
    from tillgang.register.evidence import create_evidence

    return create_evidence(run, activity)


def _sealed(data: dict[str, Any], make_user: Callable[..., Any]) -> tuple[Evidence, Evidence]:
    from tillgang.register.evidence import seal

    reviewer = make_user("reviewer")
    run1, run2 = data["runs"]
    first = seal(_evidence(run1, data["activity"]), reviewer)
    second = seal(_evidence(run2, data["activity"]), reviewer)
    return first, second


# ------------------------------------------------------------------ permissions


def test_anonymous_gets_the_login_page(urls: dict[str, str], data: dict[str, Any]) -> None:
    client = Client()
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/konto/logga-in/"), name
    response = client.post("/avvikelser/bedom/", {"ids": [data["f"]["a"].pk], "status": "confirmed"})
    assert response.status_code == 302 and response["Location"].startswith("/konto/logga-in/")
    assert Finding.objects.get(pk=data["f"]["a"].pk).status == FindingStatus.OPEN


def test_no_role_gets_403(urls: dict[str, str], make_user: Callable[..., Any]) -> None:
    client = _client(make_user, None)
    for name, url in urls.items():
        assert client.get(url).status_code == 403, name


@pytest.mark.parametrize("role", ["reader", "reviewer", "web-editor", "controller", "admin"])
def test_every_role_reads_every_page(role: str, urls: dict[str, str], make_user: Callable[..., Any]) -> None:
    client = _client(make_user, role)
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (role, name)


@pytest.mark.parametrize("role", ["reader", "web-editor", "controller"])
def test_roles_without_triage_cannot_triage(
    role: str, urls: dict[str, str], data: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    client = _client(make_user, role)
    f = data["f"]["a"]
    assert client.post("/avvikelser/bedom/", {"ids": [f.pk], "status": "confirmed"}).status_code == 403
    assert client.post(urls["finding"], {"status": "confirmed"}).status_code == 403
    f.refresh_from_db()
    assert f.status == FindingStatus.OPEN and f.history.count() == 1
    page = client.get(urls["findings"]).content.decode()
    assert 'name="ids"' not in page and "Spara bedömningen" not in page


def test_reader_cannot_seal_or_decide(data: dict[str, Any], make_user: Callable[..., Any]) -> None:
    record = _evidence(data["runs"][0], data["activity"])
    for role in ("reader", "web-editor", "controller"):
        client = _client(make_user, role)
        assert client.post(f"/underlag/{record.pk}/forsegla/").status_code == 403, role
        assert client.post(f"/underlag/{record.pk}/ny-version/", {"reason": "x"}).status_code == 403, role
        assert "Godkänn och försegla" not in client.get(f"/underlag/{record.pk}/").content.decode()
    record.refresh_from_db()
    assert record.status == "draft" and Evidence.objects.count() == 1
    from django.contrib.auth.models import User

    make_user("reviewer")
    for role in ("reader", "web-editor", "reviewer"):
        client = Client()
        client.force_login(User.objects.get(username=f"u-{role}"))
        response = client.post("/redogorelse/", {"kind": "status", "status_value": "delvis", "reason": "r"})
        assert response.status_code == 403, role
        assert "Registrera ett beslut" not in client.get("/redogorelse/").content.decode()
    assert not StatementDecision.objects.exists()


# ------------------------------------------------------------------ runs, findings, documents


def test_run_page_shows_new_fixed_and_errors(
    urls: dict[str, str], data: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    client = _client(make_user, "reader")
    html = client.get(urls["run"]).content.decode()
    assert "1 ny, 1 åtgärdad och 3 kvarstående avvikelser." in html
    assert "encrypted" in html and LOCKED in html
    run_list = client.get(urls["runs"]).content.decode()
    assert run_list.count("kommun.example 2026-") >= 2


def _ids(client: Client, query: str) -> set[int]:
    response = client.get("/avvikelser/?" + query)
    assert response.status_code == 200
    return {row["f"].pk for row in response.context["rows"]}


def test_filters_return_the_right_rows(data: dict[str, Any], make_user: Callable[..., Any]) -> None:
    f = {k: v.pk for k, v in data["f"].items()}
    run1, run2 = data["runs"]
    client = _client(make_user, "reader")
    assert _ids(client, "") == set(f.values())
    assert _ids(client, "regel=pdf-tagged") == {f["a"], f["b"]}
    assert _ids(client, "wcag=1.1.1") == {f["c"], f["c_new"]}
    assert _ids(client, "format=docx") == {f["c"], f["c_new"]}
    assert _ids(client, "status=fixed") == {f["b"]}
    assert _ids(client, "avsnitt=/politik/") == {f["a"], f["b"], f["b_title"]}
    assert _ids(client, f"avsnitt={SITE}/nyheter/") == {f["c"], f["c_new"]}
    assert _ids(client, f"korning={run1.pk}") == {f["a"], f["b"], f["b_title"], f["c"]}
    assert _ids(client, f"korning={run2.pk}") == {f["a"], f["b_title"], f["c"], f["c_new"]}
    assert _ids(client, f"korning={run2.pk}&regel=image-alt&avsnitt=/nyheter/") == {f["c"], f["c_new"]}
    html = client.get("/avvikelser/?regel=image-alt").content.decode()
    assert "stycke 4, Bild 1" in html or "stycke 4" in html


def test_findings_are_paginated(data: dict[str, Any], make_user: Callable[..., Any]) -> None:
    run2 = data["runs"][1]
    for n in range(60):
        _finding(A, "document-title", {"page": n + 1}, run2, run2)
    client = _client(make_user, "reader")
    first = client.get("/avvikelser/?regel=document-title")
    assert len(first.context["rows"]) == 50 and first.context["total"] == 61
    assert "regel=document-title&amp;sida=2" in first.content.decode()
    second = client.get("/avvikelser/?regel=document-title&sida=2")
    assert len(second.context["rows"]) == 11


def test_bulk_triage_writes_history(data: dict[str, Any], make_user: Callable[..., Any]) -> None:
    client = _client(make_user, "reviewer")
    ids = [data["f"]["a"].pk, data["f"]["c"].pk]
    # accepted needs a reason: nothing changes without it
    response = client.post(
        "/avvikelser/bedom/", {"ids": ids, "status": "accepted", "next": "/avvikelser/?regel=x"}
    )
    assert response.status_code == 302 and response["Location"] == "/avvikelser/?regel=x"
    assert set(Finding.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"open"}
    response = client.post(
        "/avvikelser/bedom/",
        {
            "ids": ids,
            "status": "accepted",
            "reason": "Arkivhandling",
            "assigned_to": "Webbredaktionen",
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/avvikelser/"
    for pk in ids:
        finding = Finding.objects.get(pk=pk)
        assert (finding.status, finding.reason, finding.assigned_to) == (
            "accepted",
            "Arkivhandling",
            "Webbredaktionen",
        )
        latest = finding.history.first()
        assert latest is not None and latest.history_user is not None
        assert latest.history_user.username == "u-reviewer"
        assert latest.history_change_reason == "bedömning av 2 avvikelser samtidigt"
    assert Finding.objects.get(pk=data["f"]["b_title"].pk).status == "open"
    page = _client(make_user, "reader").get(f"/avvikelser/{ids[0]}/").content.decode()
    assert "status: Öppen → Accepterad" in page and "u-reviewer" in page


def test_single_triage_and_document_page(data: dict[str, Any], make_user: Callable[..., Any]) -> None:
    client = _client(make_user, "reviewer")
    f = data["f"]["b_title"]
    bad = client.post(f"/avvikelser/{f.pk}/", {"status": "accepted"})
    assert bad.status_code == 200 and "Skriv varför avvikelsen accepteras." in bad.content.decode()
    assert (
        client.post(
            f"/avvikelser/{f.pk}/", {"status": "false-positive", "reason": "Titeln finns"}
        ).status_code
        == 302
    )
    f.refresh_from_db()
    assert f.status == "false-positive"
    html = client.get(f"/dokument/?url={B}").content.decode()
    assert "b.pdf" in html and "status: Öppen → Falskt larm" in html
    assert html.count("pdf-tagged") >= 2  # the fixed finding and the rule failed in the first run
    assert client.get(f"/dokument/?url={SITE}/finns-inte.pdf").status_code == 404


# ------------------------------------------------------------------ trend


def test_trend_numbers(data: dict[str, Any], make_user: Callable[..., Any]) -> None:
    from tillgang.register.views_review import trend_data

    rules = {r["rule"]: r["cells"] for r in trend_data(SITE)["rules"]}
    assert set(rules) == {"pdf-tagged", "document-title", "image-alt"}
    assert [(c["failed"], c["checked"]) for c in rules["pdf-tagged"]] == [(2, 2), (1, 2)]
    assert [(c["failed"], c["checked"]) for c in rules["document-title"]] == [(1, 4), (1, 4)]
    assert [(c["failed"], c["checked"]) for c in rules["image-alt"]] == [(1, 2), (1, 2)]
    html = _client(make_user, "reader").get("/trend/").content.decode()
    assert '<svg role="img" aria-labelledby="trend-title trend-desc"' in html
    assert '<title id="trend-title">' in html and '<desc id="trend-desc">' in html
    assert "pdf-tagged 50 %" in html  # the line's text label with its latest value
    assert "100 % (2 av 2)" in html and "50 % (1 av 2)" in html and "25 % (1 av 4)" in html
    assert "12,5" not in html  # coordinates are never localised


# ------------------------------------------------------------------ evidence


def test_evidence_list_seal_and_new_version(data: dict[str, Any], make_user: Callable[..., Any]) -> None:
    record = _evidence(data["runs"][1], data["activity"])
    reviewer = _client(make_user, "reviewer")
    page = reviewer.get(f"/underlag/{record.pk}/").content.decode()
    assert "Godkänn och försegla underlaget" in page and "Underlaget är inte förseglat ännu" in page
    assert reviewer.post(f"/underlag/{record.pk}/forsegla/").status_code == 302
    record.refresh_from_db()
    assert (
        record.status == "sealed"
        and record.sealed_by is not None
        and record.sealed_by.username == "u-reviewer"
    )
    page = reviewer.get(f"/underlag/{record.pk}/").content.decode()
    assert record.seal in page and "Sigillet stämmer med innehållet" in page
    row = page.split('<th scope="row">PDF-filen ska vara taggad (pdf-tagged)</th>', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    assert cells == ["1.3.1", "2", "1", "50 %", "0"]
    assert "Skapa en ny version" in page and "Godkänn och försegla underlaget" not in page
    assert reviewer.post(f"/underlag/{record.pk}/ny-version/", {"reason": ""}).status_code == 302
    assert Evidence.objects.count() == 1
    response = reviewer.post(
        f"/underlag/{record.pk}/ny-version/", {"reason": "Fel kontrollaktivitet i rubriken"}
    )
    new = Evidence.objects.exclude(pk=record.pk).get()
    assert response["Location"] == f"/underlag/{new.pk}/"
    assert (new.version, new.supersedes_id, new.status) == (2, record.pk, "draft")
    listing = (
        _client(make_user, "reader")
        .get(f"/kontrollaktiviteter/{data['activity'].pk}/underlag/")
        .content.decode()
    )
    assert "(ersatt av en senare version)" in listing and f"Nr {record.pk} version 1" in listing
    assert record.seal[:12] in listing
    manifest = reviewer.get(f"/underlag/{record.pk}/manifest.json")
    assert manifest.status_code == 200 and bytes(manifest.content) == bytes(record.manifest)
    risk_page = reviewer.get(f"/risker/{data['risk'].pk}/").content.decode()
    assert f"/kontrollaktiviteter/{data['activity'].pk}/underlag/" in risk_page


# ------------------------------------------------------------------ follow-up help


EXPECTED_COMMENT = (
    "50 % av 2 granskade sidor och dokument bryter mot regeln ”Bilder ska ha alternativtext” (WCAG 1.1.1), "
    "oförändrat sedan förra uppföljningen; "
    "50 % av 2 granskade dokument bryter mot regeln ”PDF-filen ska vara taggad” (WCAG 1.3.1), "
    "ned från 100 % vid förra uppföljningen; "
    "25 % av 4 granskade sidor och dokument bryter mot regeln ”Dokumentet ska ha en beskrivande titel” "
    "(WCAG 2.4.2), oförändrat sedan förra uppföljningen; "
    "1 avvikelse åtgärdad sedan förra genomsökningen."
)


def test_proposed_comment_for_two_sealed_runs(data: dict[str, Any], make_user: Callable[..., Any]) -> None:
    from tillgang.register.followup_help import propose_comment

    assert propose_comment(data["risk"], "delar", 2026) == ""
    first, second = _sealed(data, make_user)
    text = propose_comment(data["risk"], "delar", 2026)
    assert text.startswith(EXPECTED_COMMENT), text
    assert f"underlag nr {second.pk} version 1, sigill {second.seal[:12]}" in text
    assert f"jämfört med underlag nr {first.pk} version 1, sigill {first.seal[:12]}" in text
    assert "Källa: automatiserad granskning 2026-05-10" in text
    # only the first run falls before the end of a period that ended before the second run
    assert propose_comment(data["activity"], "helar", 2025) == ""


def test_followup_form_shows_and_fills_the_proposal(
    data: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    _sealed(data, make_user)
    risk = data["risk"]
    controller = _client(make_user, "controller")
    form = controller.get(f"/risker/{risk.pk}/uppfoljning/delar/2026/").content.decode()
    assert "Förslag till kommentar" in form and EXPECTED_COMMENT[:40] in form
    assert "Följer plan = Ja betyder att kontrollen har utförts" in form
    assert "2 förseglade och 0 ej förseglade underlag" in form
    assert f'href="/risker/{risk.pk}/uppfoljning/delar/2026/forslag/"' in form
    filled = controller.get(f"/risker/{risk.pk}/uppfoljning/delar/2026/forslag/").content.decode()
    assert '<textarea name="comment"' in filled and "50 % av 2 granskade" in filled.split("<textarea", 1)[1]
    edited = "Kontrollen är utförd. " + EXPECTED_COMMENT
    response = controller.post(
        f"/risker/{risk.pk}/uppfoljning/delar/2026/forslag/", {"follows": "ja", "comment": edited}
    )
    assert response.status_code == 302
    followup = FollowUp.objects.get(risk=risk, period="delar", year=2026)
    assert followup.comment == edited and followup.follows_plan is True
    latest = followup.history.first()
    assert (
        latest is not None
        and latest.history_user is not None
        and latest.history_user.username == "u-controller"
    )
    reader = _client(make_user, "reader")
    assert reader.get(f"/risker/{risk.pk}/uppfoljning/delar/2026/forslag/").status_code == 403
    assert (
        reader.post(f"/risker/{risk.pk}/uppfoljning/delar/2026/forslag/", {"follows": "nej"}).status_code
        == 403
    )


# ------------------------------------------------------------------ statement


def test_statement_decisions(data: dict[str, Any], make_user: Callable[..., Any]) -> None:
    controller = _client(make_user, "controller")
    helt = controller.post(
        "/redogorelse/",
        {
            "kind": "status",
            "subject": "helt",
            "reason": "r",
            "decided_by": "Anna",
            "decided_on": "2026-06-01",
        },
    )
    assert helt.status_code == 200 and "Utkastet kan aldrig ange helt förenlig" in helt.content.decode()
    ok = controller.post(
        "/redogorelse/",
        {
            "kind": "status",
            "status_value": "delvis",
            "reason": "Brister finns",
            "decided_by": "Anna Andersson",
            "decided_on": "2026-06-01",
        },
    )
    assert ok.status_code == 302
    exempt = controller.post(
        "/redogorelse/",
        {
            "kind": "9",
            "url": LOCKED,
            "reason": "Publicerad före 2018-09-23",
            "decided_by": "Anna Andersson",
            "decided_on": "2026-06-01",
        },
    )
    assert exempt.status_code == 302
    decision = StatementDecision.objects.get(kind="9")
    assert decision.sha256 == SHA[LOCKED] and decision.subject == LOCKED
    assert decision.recorded_by is not None and decision.recorded_by.username == "u-controller"
    assert StatementDecision.objects.get(kind="status").subject == "delvis"
    assert decision.history.count() == 1
    missing = controller.post(
        "/redogorelse/", {"kind": "12", "reason": "r", "decided_by": "Anna", "decided_on": "2026-06-01"}
    )
    assert missing.status_code == 200 and "Ange dokumentets adress." in missing.content.decode()


def test_statement_draft_downloads(
    tmp_path: Path, urls: dict[str, str], data: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    StatementDecision.objects.create(
        kind="status",
        subject="delvis",
        reason="Brister finns",
        decided_by="Anna Andersson",
        decided_on=dt.date(2026, 6, 1),
    )
    client = _client(make_user, "reader")
    html = client.get(urls["draft"]).content.decode()
    assert "Tillgänglighet för https://kommun.example" in html
    assert "delvis förenlig" in html and "Anna Andersson" in html and "x@kommun.example" in html
    as_json = client.get(urls["draft"].replace("format=html", "format=json"))
    model = json.loads(as_json.content)
    assert as_json["Content-Disposition"].endswith('.json"')
    assert model["organisation"] == "Knivsta kommun" and model["status"]["value"] == "delvis"
    assert {n["wcag"] for n in model["nonconformities"]} == {"1.1.1", "1.3.1", "2.4.2"}
    docx = client.get(urls["draft"].replace("format=html", "format=docx"))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    path = tmp_path / "redogorelse.docx"
    path.write_bytes(docx.content)
    from tillgang.engine import check_file

    entry = check_file(path)
    assert entry["error"] is None
    assert [f for f in entry["findings"] if f["outcome"] == "failed"] == []
    assert client.get("/redogorelse/utkast/?webbplats=https://annan.example&format=html").status_code == 404
    # without a site: the latest run's site
    latest = client.get("/redogorelse/utkast/")
    assert latest.status_code == 200 and "Tillgänglighet för" in latest.content.decode()
    assert client.get(urls["draft"].replace("format=html", "format=pdf")).status_code == 404


# ------------------------------------------------------------------ every page: structure and tillgang's HTML rules


def _pages(urls: dict[str, str], data: dict[str, Any], make_user: Callable[..., Any]) -> dict[str, str]:
    second = _sealed(data, make_user)[1]
    draft = _evidence(data["runs"][1], data["activity"])  # a draft as well
    admin = _client(make_user, "admin", is_staff=True, is_superuser=True)
    pages = {name: admin.get(url).content.decode() for name, url in urls.items()}
    pages["evidence"] = admin.get(f"/underlag/{second.pk}/").content.decode()
    pages["filtered"] = admin.get(
        f"/avvikelser/?regel=image-alt&korning={data['runs'][1].pk}"
    ).content.decode()
    risk = data["risk"]
    pages["followup"] = admin.get(f"/risker/{risk.pk}/uppfoljning/delar/2026/").content.decode()
    pages["followup_filled"] = admin.get(
        f"/risker/{risk.pk}/uppfoljning/delar/2026/forslag/"
    ).content.decode()
    pages["risk"] = admin.get(f"/risker/{risk.pk}/").content.decode()
    pages["evidence_draft"] = admin.get(f"/underlag/{draft.pk}/").content.decode()
    pages["decision_error"] = admin.post("/redogorelse/", {"kind": "9"}).content.decode()
    pages["triage_error"] = admin.post(
        f"/avvikelser/{data['f']['a'].pk}/", {"status": "accepted"}
    ).content.decode()
    pages["worst"] = admin.get("/avvikelser/varst-drabbade/").content.decode()
    pages["worst_all"] = admin.get(
        "/avvikelser/varst-drabbade/?omfattning=alla&sortera=allvarlighet"
    ).content.decode()
    pages["triage_confirm"] = admin.post(
        "/avvikelser/bedom-alla/", {"filter": "regel=image-alt", "status": "accepted", "reason": "Arkiv"}
    ).content.decode()
    return pages


def test_pages_are_structured(
    urls: dict[str, str], data: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    for name, html in _pages(urls, data, make_user).items():
        if name == "draft":
            assert html.startswith('<!DOCTYPE html>\n<html lang="sv">') and "<script" not in html
            continue
        assert html.startswith('<!DOCTYPE html>\n<html lang="sv">'), name
        assert '<main id="main">' in html and html.count("<h1>") == 1, name
        assert "<script" not in html, name


def test_pages_pass_tillgangs_own_html_rules(
    tmp_path: Path, urls: dict[str, str], data: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    assert failed_own_rules(_pages(urls, data, make_user), tmp_path) == {}


def test_admin_role_triages_seals_and_decides(data: dict[str, Any], make_user: Callable[..., Any]) -> None:
    client = _client(make_user, "admin")  # the role, not a superuser
    f = data["f"]["c"]
    assert client.post(f"/avvikelser/{f.pk}/", {"assigned_to": "Kommunikationsenheten"}).status_code == 302
    f.refresh_from_db()
    assert (f.status, f.assigned_to) == ("open", "Kommunikationsenheten")
    record = _evidence(data["runs"][0], data["activity"])
    assert client.post(f"/underlag/{record.pk}/forsegla/").status_code == 302
    record.refresh_from_db()
    assert record.status == "sealed"
    response = client.post(
        "/redogorelse/",
        {
            "kind": "12",
            "url": C,
            "reason": "Ombyggnad planeras 2027",
            "decided_by": "Bo Berg",
            "decided_on": "2026-06-02",
        },
    )
    assert response.status_code == 302
    assert StatementDecision.objects.get().sha256 == SHA[C]
    empty = client.post(f"/avvikelser/{f.pk}/", {"status": "", "assigned_to": ""})
    assert "Välj en ny status eller ange vem avvikelsen tilldelas." in empty.content.decode()


def test_reviewer_creates_evidence_for_a_run(data: dict[str, Any], make_user: Callable[..., Any]) -> None:
    run = data["runs"][1]
    reader = _client(make_user, "reader")
    assert "Skapa underlag" not in reader.get(f"/genomsokningar/{run.pk}/").content.decode()
    assert reader.post(f"/genomsokningar/{run.pk}/underlag/").status_code == 403
    reviewer = _client(make_user, "reviewer")
    assert "Skapa underlag för genomsökningen" in reviewer.get(f"/genomsokningar/{run.pk}/").content.decode()
    response = reviewer.post(f"/genomsokningar/{run.pk}/underlag/")
    record = Evidence.objects.get()
    assert response["Location"] == f"/underlag/{record.pk}/"
    assert (record.run_id, record.activity_id, record.status) == (run.pk, data["activity"].pk, "draft")
    reviewer.post(f"/genomsokningar/{run.pk}/underlag/")
    assert Evidence.objects.count() == 1
