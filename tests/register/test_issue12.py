"""Issue 12: the register's defects, each with a test that failed on the code before its fix.

The review data (two runs of one site) comes from test_review's fixture.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

import pytest

from .test_review import _client, _ids, data  # noqa: F401  (data is a fixture)

pytestmark = [pytest.mark.db, pytest.mark.django_db]


# ------------------------------------------------------------------ findings filters


def test_an_unknown_filter_value_keeps_the_other_filters(
    data: dict[str, Any],  # noqa: F811
    make_user: Callable[..., Any],
) -> None:
    f = {k: v.pk for k, v in data["f"].items()}
    client = _client(make_user, "reader")
    assert _ids(client, "regel=pdf-tagged&status=nonsense") == {f["a"], f["b"]}
    assert _ids(client, "regel=pdf-tagged&korning=999999") == {f["a"], f["b"]}
    html = client.get("/avvikelser/?regel=pdf-tagged&status=nonsense").content.decode()
    assert "nonsense" in html and "användes inte" in html


def test_status_filter_takes_the_swedish_labels_of_the_docs(
    data: dict[str, Any],  # noqa: F811
    make_user: Callable[..., Any],
) -> None:
    f = {k: v.pk for k, v in data["f"].items()}
    client = _client(make_user, "reader")
    open_ = {f["a"], f["b_title"], f["c"], f["c_new"]}
    assert _ids(client, "status=öppen") == open_
    assert _ids(client, "status=%C3%96ppen") == open_
    assert _ids(client, "status=åtgärdad") == {f["b"]}
    assert _ids(client, "status=falskt+larm") == set()
    assert _ids(client, "status=open") == open_


# ------------------------------------------------------------------ export and import


def _docx_text(path: Any) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_helar_export_does_not_count_risks_without_a_follow_up_as_not_following(
    tmp_path: Any, imported: Any
) -> None:
    from tillgang.register.exports import export
    from tillgang.register.models import FollowUp, Risk

    critical = [r for r in Risk.objects.order_by("order", "id") if r.critical]
    assert len(critical) == 6
    FollowUp.objects.create(risk=critical[0], period="helar", year=2024, follows_plan=True, comment="ok")
    FollowUp.objects.create(risk=critical[1], period="helar", year=2024, follows_plan=False, comment="nej")
    out = tmp_path / "helar.docx"
    export("docx", out, 2024, period="helar")
    text = _docx_text(out)
    assert "En av 6 kritiska risker bedöms följa beslutad planering" in text
    assert "en bedöms inte följa den och fyra saknar ännu uppföljning för helår 2024" in text


def test_import_year_option_is_never_ignored_silently(tmp_path: Any) -> None:
    from tillgang.register.importers import PlanImportError, import_file
    from tillgang.register.models import Plan

    path = tmp_path / "plan.csv"
    path.write_text("board,plan_year,process,risk,risk_value\nKS,2024,A,Risk,9\n", encoding="utf-8")
    with pytest.raises(PlanImportError, match=r"planåret 2024, men --year anger 2025"):
        import_file(path, year=2025)
    assert not Plan.objects.exists()
    import_file(path, year=2024)  # the same year is fine
    assert Plan.objects.get().year == 2024


# ------------------------------------------------------------------ Swedish texts: numbers, plurals, labels


def test_statement_without_an_organisation_names_the_gap() -> None:
    from tillgang.statement import StatementInput, build_statement, render_statement

    from ..test_statement import RUN

    model = build_statement(RUN, StatementInput("", "knivsta.se", contact="x@knivsta.se"))
    html = render_statement(model, "html").decode()
    assert "> står bakom" not in html and "<p>står bakom" not in html
    assert "[ORGANISATION SAKNAS] står bakom den här webbplatsen" in html
    assert any("Organisationen" in gap for gap in model["gaps"])


def test_statement_writes_swedish_numbers_and_plurals() -> None:
    from tillgang.statement import build_statement, render_statement

    from ..test_statement import INFO, RUN, doc

    run = dict(RUN)
    # one page of three fails image-alt: 33,3 %, and "1 sida"
    run["pages"] = [
        doc("https://kommun.se/", {"image-alt": "failed"}, "html", "Start"),
        doc("https://kommun.se/a", {"image-alt": "passed"}, "html", "A"),
        doc("https://kommun.se/b", {"image-alt": "passed"}, "html", "B"),
    ]
    html = render_statement(build_statement(run, INFO), "html").decode()
    assert "1 sida (33,3 % av de granskade)" in html
    assert "33.3" not in html and "1 sidor" not in html
    one_page = dict(RUN, pages=run["pages"][:1])
    text = render_statement(build_statement(one_page, INFO), "html").decode()
    assert "Granskade: 1 sida och 4 dokument." in text


def test_reports_say_1_dokument_kontrollerat() -> None:
    from tillgang.render.html import render_html_fragment
    from tillgang.render.text import render_text

    from ..test_statement import TOOL

    report: Any = {
        "tool": TOOL,
        "documents": [
            {
                "source": "a.pdf",
                "format": "pdf",
                "error": None,
                "rules": {"pdf-tagged": "failed"},
                "findings": [
                    {"rule": "pdf-tagged", "outcome": "failed", "message": "Otaggad", "location": {}}
                ],
            }
        ],
    }
    text = render_text(report, "sv")
    assert "1 dokument kontrollerat," in text and "1 regel underkänd," in text
    assert "1 document checked," in render_text(report, "en")
    assert "1 dokument kontrollerat," in render_html_fragment(report, "sv")


def test_statement_decisions_show_their_words_not_raw_values(
    data: dict[str, Any],  # noqa: F811
    make_user: Callable[..., Any],
) -> None:
    import datetime as dt

    from tillgang.register.models import StatementDecision

    StatementDecision.objects.create(
        kind="status", subject="delvis", reason="Brister", decided_by="Anna", decided_on=dt.date(2026, 5, 1)
    )
    html = _client(make_user, "reader").get("/redogorelse/").content.decode()
    assert '<td data-label="Gäller">Delvis förenlig</td>' in html and ">delvis</td>" not in html


def test_run_page_and_manifest_summary_are_swedish(
    data: dict[str, Any],  # noqa: F811
    make_user: Callable[..., Any],
) -> None:
    from tillgang.register.evidence import create_evidence

    run2 = data["runs"][1]
    client = _client(make_user, "reader")
    html = client.get(f"/genomsokningar/{run2.pk}/").content.decode()
    assert "1 sida och 4 dokument" in html and "1 sidor" not in html
    record = create_evidence(run2, data["activity"])
    page = client.get(f"/underlag/{record.pk}/").content.decode()
    assert "Kontrollen (control)" in page and "nämnd: Kommunstyrelsen" in page
    assert "board:" not in page and "plan_year:" not in page


# ------------------------------------------------------------------ error pages and the API


def test_404_is_swedish_in_the_apps_layout_and_json_under_api(
    make_user: Callable[..., Any],
) -> None:
    from django.test import Client

    anonymous = Client().get("/finns-inte/")
    assert anonymous.status_code == 404
    html = anonymous.content.decode()
    assert html.startswith('<!DOCTYPE html>\n<html lang="sv">') and "<h1>Sidan finns inte</h1>" in html
    assert "Not Found" not in html
    logged_in = _client(make_user, "reader").get("/planer/999999/")
    assert logged_in.status_code == 404 and "Sidan finns inte" in logged_in.content.decode()
    assert "Huvudmeny" in logged_in.content.decode()  # the app's layout, with its menu
    api = Client().get("/api/v2/finns-inte")
    assert api.status_code == 404 and api["Content-Type"] == "application/json"
    assert api.json()["error"]["code"] == "not-found"


def test_500_is_swedish_and_json_under_api(make_user: Callable[..., Any], monkeypatch: Any) -> None:
    from django.test import Client

    import tillgang.register.views_review as views_review
    import tillgang.web.api as api
    from tillgang.register.tokens import new_token

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("trasig")

    monkeypatch.setattr(views_review, "Paginator", broken)
    monkeypatch.setattr(api, "_paginate", broken)
    client = Client(raise_request_exception=False)
    user = make_user("reader")
    client.force_login(user)
    page = client.get("/genomsokningar/")
    assert page.status_code == 500
    html = page.content.decode()
    assert html.startswith('<!DOCTYPE html>\n<html lang="sv">') and "<h1>Ett fel uppstod</h1>" in html
    token = new_token(user, "t")
    answer = client.get("/api/v1/runs", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 500 and answer["Content-Type"] == "application/json"
    assert answer.json()["error"]["code"] == "server-error"


@pytest.fixture
def api_client(make_user: Callable[..., Any]) -> Any:
    from django.test import Client

    from tillgang.register.tokens import new_token

    token = new_token(make_user("reader"), "t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_api_takes_the_run_id_the_cli_prints(
    data: dict[str, Any],  # noqa: F811
    api_client: Any,
) -> None:
    run2 = data["runs"][1]
    by_pk = api_client.get(f"/api/v1/runs/{run2.pk}")
    by_run_id = api_client.get(f"/api/v1/runs/{run2.run_id}")
    assert by_run_id.status_code == 200 and by_run_id.json() == by_pk.json()
    assert api_client.get(f"/api/v1/runs/{run2.run_id}/findings").json()["count"] == 4
    missing = api_client.get("/api/v1/runs/20260101T000000Z-abcdef")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not-found"


def test_api_trailing_slashes_answer_json(
    data: dict[str, Any],  # noqa: F811
    api_client: Any,
) -> None:
    run2 = data["runs"][1]
    for path in ("/api/v1/runs/", f"/api/v1/runs/{run2.pk}/", f"/api/v1/runs/{run2.pk}/items/"):
        response = api_client.get(path)
        assert response.status_code == 200, path
        assert (
            response["Content-Type"] == "application/json"
            and response.json() == api_client.get(path.rstrip("/")).json()
        )
    nothing = api_client.get("/api/v1/nothing/")
    assert nothing.status_code == 404 and nothing.json()["error"]["code"] == "not-found"


def test_api_checks_kind_and_outcome(
    data: dict[str, Any],  # noqa: F811
    api_client: Any,
) -> None:
    run2 = data["runs"][1]
    for query, name in (
        (f"/api/v1/runs/{run2.pk}/items?kind=pages", "kind"),
        (f"/api/v1/runs/{run2.pk}/findings?outcome=fail", "outcome"),
    ):
        response = api_client.get(query)
        assert response.status_code == 400, query
        error = response.json()["error"]
        assert error["code"] == "bad-request" and name in error["message"]
    assert api_client.get(f"/api/v1/runs/{run2.pk}/items?kind=page").json()["count"] == 1
    assert api_client.get(f"/api/v1/runs/{run2.pk}/findings?outcome=failed").json()["count"] == 4


def test_api_names_the_wrong_auth_scheme(make_user: Callable[..., Any]) -> None:
    from django.test import Client

    from tillgang.register.tokens import new_token

    token = new_token(make_user("reader"), "t")
    for scheme in ("Token", "Basic"):
        response = Client().get("/api/v1/runs", HTTP_AUTHORIZATION=f"{scheme} {token}")
        assert response.status_code == 401
        message = response.json()["error"]["message"]
        assert f"'{scheme}'" in message and "Bearer" in message
    assert Client().get("/api/v1/runs", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


# ------------------------------------------------------------------ SARIF


def test_sarif_uris_are_percent_encoded() -> None:
    import json
    from urllib.parse import unquote

    from tillgang.render.sarif import render_sarif

    from ..test_statement import TOOL

    sources = [
        "https://kommun.se/dokument/årsredovisning 2025.pdf",
        "https://kommun.se/a%20b.pdf",
        "mapp med mellanslag/Blankett för ansökan.docx",
        "/srv/dokument/100% klart.pdf",
    ]
    report: Any = {
        "tool": TOOL,
        "documents": [
            {
                "source": source,
                "format": "pdf",
                "error": None,
                "rules": {"pdf-tagged": "failed"},
                "findings": [{"rule": "pdf-tagged", "outcome": "failed", "message": "m", "location": {}}],
            }
            for source in sources
        ],
    }
    sarif = json.loads(render_sarif(report))
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]
    ]
    assert uris == [
        "https://kommun.se/dokument/%C3%A5rsredovisning%202025.pdf",
        "https://kommun.se/a%20b.pdf",
        "mapp%20med%20mellanslag/Blankett%20f%C3%B6r%20ans%C3%B6kan.docx",
        "file:///srv/dokument/100%25%20klart.pdf",
    ]
    for uri in uris:  # RFC 3986: no spaces, nothing outside ASCII, every % an escape
        assert " " not in uri and uri.isascii()
    assert unquote(uris[2]) == sources[2]


# ------------------------------------------------------------------ trend chart


def _synthetic_trend(n_runs: int, rules: dict[str, list[float]], minute: bool = False) -> dict[str, Any]:
    import datetime as dt

    from tillgang.register.models import CrawlRun

    start = dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC)
    step = dt.timedelta(seconds=5) if minute else dt.timedelta(days=1)
    runs = [CrawlRun(run_id=f"r{i}", site="s", started=start + i * step) for i in range(n_runs)]
    table = []
    for rule, shares in rules.items():
        cells = [{"failed": 1, "checked": 1, "percent": p, "text": f"{p} %"} for p in shares]
        table.append({"rule": rule, "cells": cells, "peak": max(shares), "latest": shares[-1]})
    return {"runs": runs, "rules": table}


def test_trend_chart_picks_the_rules_failing_now_not_old_peaks() -> None:
    from tillgang.register.views_review import trend_chart

    rules = {f"now-{n}": [5.0, 10.0 + n] for n in range(8)}
    rules["old-peak"] = [100.0, 0.0]
    chart = trend_chart(_synthetic_trend(2, rules))
    assert sorted(line["rule"] for line in chart["lines"]) == sorted(f"now-{n}" for n in range(8))


def test_trend_chart_labels_never_overlap() -> None:
    from tillgang.register.views_review import CHART, trend_chart

    rules = {f"regel-{n}": [0.0] * 23 + [0.0] for n in range(8)}  # eight lines ending on the same point
    chart = trend_chart(_synthetic_trend(24, rules))
    ys = sorted(line["label_y"] for line in chart["lines"])
    assert all(b - a >= 15 for a, b in itertools.pairwise(ys)), ys
    assert ys[0] >= CHART["top"] and ys[-1] <= CHART["height"] - CHART["bottom"]
    xs = chart["xlabels"]
    assert xs[-1]["label"] == "2026-03-24"
    for a, b in itertools.pairwise(xs):
        assert b["x"] - a["x"] >= len(a["label"]) * 7, (a, b)  # 7 px per character of a 12 px label


def test_trend_labels_runs_in_the_same_minute_apart(
    data: dict[str, Any],  # noqa: F811
    make_user: Callable[..., Any],
) -> None:
    import datetime as dt

    from tillgang.register.models import CrawlRun
    from tillgang.register.views_review import trend_chart

    run2 = data["runs"][1]
    for n in (1, 2):
        CrawlRun.objects.create(
            run_id=f"run-2-{n}",
            site=run2.site,
            started=run2.started + dt.timedelta(seconds=10 * n),
            tool_version="0.1.0",
            catalogue="c" * 64,
        )
    html = _client(make_user, "reader").get("/trend/").content.decode()
    columns = re.findall(r'<th scope="col"><a href="/genomsokningar/\d+/">([^<]+)</a></th>', html)
    assert len(columns) == 4 and len(set(columns)) == 4, columns
    chart = trend_chart(_synthetic_trend(3, {"r": [1.0, 2.0, 3.0]}, minute=True))
    assert len({label["label"] for label in chart["xlabels"]}) == len(chart["xlabels"])


# ------------------------------------------------------------------ the run page's lists


def test_run_page_links_to_every_new_and_fixed_finding(
    data: dict[str, Any],  # noqa: F811
    make_user: Callable[..., Any],
) -> None:
    from .test_review import A, _finding

    run2 = data["runs"][1]
    extra = [_finding(A, "document-title", {"page": n + 1}, run2, run2).pk for n in range(205)]
    summary = dict(run2.summary)
    summary["register"] = dict(summary["register"], new=summary["register"]["new"] + extra)
    run2.summary = summary
    run2.save()
    client = _client(make_user, "reader")
    html = client.get(f"/genomsokningar/{run2.pk}/").content.decode()
    link = f"/avvikelser/?korning={run2.pk}&amp;andring=ny"
    assert link in html and "Alla 206 nya avvikelser" in html
    response = client.get(link.replace("&amp;", "&"))
    assert response.context["total"] == 206
    fixed = client.get(f"/avvikelser/?korning={run2.pk}&andring=atgardad")
    assert {row["f"].pk for row in fixed.context["rows"]} == {data["f"]["b"].pk}


# ------------------------------------------------------------------ an upload's evidence


def test_an_uploads_evidence_shows_its_results(
    data: dict[str, Any],  # noqa: F811
    make_user: Callable[..., Any],
) -> None:
    import json

    from tillgang.register.evidence import create_upload_evidence, manifest_of, seal
    from tillgang.register.models import Evidence
    from tillgang.register.views_review import manifest_rules

    reviewer = make_user("reviewer")
    report: Any = {
        "documents": [
            {
                "format": "pdf",
                "error": None,
                "rules": {"pdf-tagged": "failed", "document-title": "passed", "image-alt": "inapplicable"},
                "findings": [],
            }
        ]
    }
    record = seal(
        create_upload_evidence(data["activity"], "p.pdf", b"%PDF-1.7 x", report, reviewer), reviewer
    )
    results = manifest_of(record)["results"]
    assert results["items_checked"]["document"] == 1
    assert results["rules"]["pdf-tagged"]["failed"] == 1 and "image-alt" not in results["rules"]
    html = _client(make_user, "reader").get(f"/underlag/{record.pk}/").content.decode()
    assert "innehåller inga resultat" not in html and "(pdf-tagged)" in html
    # a record sealed before uploads held their results: the page counts its items
    old = dict(manifest_of(record))
    del old["results"]
    rows = manifest_rules(Evidence(manifest=json.dumps(old).encode()))
    assert [(r["rule"], r["checked"], r["failed"]) for r in rows] == [
        ("pdf-tagged", 1, 1),
        ("document-title", 1, 0),
    ]
