"""Crawl runs into the register: items, findings across runs (new, persisting, fixed, reopened), idempotence."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tillgang.register.models import (
    Board,
    ControlActivity,
    CrawlRun,
    Evidence,
    Finding,
    FindingStatus,
    Item,
    Plan,
    Process,
    Risk,
)
from tillgang.register.store import (
    ActivityError,
    items_for_statement,
    latest_run,
    location_key_of,
    resolve_activity,
    run_comparison,
    store_run,
)

from ..crawl import conftest as crawl_conftest
from ..crawl.conftest import Resource, Site
from . import test_cli

site = crawl_conftest.site  # the local HTTP server fixture of the crawler's tests
cli_env = test_cli.env  # a fresh data folder (and database on PostgreSQL) for the command line

pytestmark = [pytest.mark.db, pytest.mark.django_db]

BASE = "http://127.0.0.1:8123"
TAGS = {
    "rule": "pdf-tagged",
    "outcome": "failed",
    "severity": "critical",
    "wcag": ["1.3.1"],
    "location": {},
    "message": "PDF-filen saknar taggar.",
}
ALT = {
    "rule": "image-alt",
    "outcome": "failed",
    "severity": "critical",
    "wcag": ["1.1.1"],
    "location": {"selector": "main > img", "line": 3},
    "message": "Bilden saknar alternativtext.",
}
LINK = {
    "rule": "link-name",
    "outcome": "cantTell",
    "severity": "serious",
    "wcag": ["2.4.4"],
    "location": {"selector": "a"},
    "message": "Länktexten 'Läs mer' säger inte vart länken leder.",
}


def entry(path: str, fmt: str, findings: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    rules: dict[str, str] = {"document-title": "passed"}
    rules.update({"pdf-tagged": "passed"} if fmt == "pdf" else {"image-alt": "passed"})
    for f in findings:
        if rules.get(f["rule"]) != "failed":
            rules[f["rule"]] = f["outcome"]
    out: dict[str, Any] = {
        "source": BASE + path,
        "url": BASE + path,
        "final_url": BASE + path,
        "format": fmt,
        "title": path.strip("/") or "Start",
        "sha256": (path.encode().hex() + "0" * 64)[:64],
        "error": None,
        "rules": rules,
        "findings": findings,
        "status": 200,
        "fetched_at": "2026-11-30T01:00:05Z",
        "reused": False,
    }
    out.update(kw)
    return out


def failed_entry(path: str, code: str = "fetch-failed") -> dict[str, Any]:
    return {
        "source": BASE + path,
        "url": BASE + path,
        "final_url": BASE + path,
        "format": None,
        "sha256": None,
        "error": {"code": code, "message": "Filen kunde inte hämtas. (HTTP 500)"},
        "status": 500,
        "fetched_at": "2026-11-30T01:00:06Z",
        "reused": False,
    }


def output(
    run_id: str,
    day: int,
    pages: list[dict[str, Any]],
    documents: list[dict[str, Any]],
    status: str = "complete",
) -> dict[str, Any]:
    return {
        "tool": {"name": "tillgang", "version": "0.1.0", "catalogue": "c" * 64},
        "run": {
            "id": run_id,
            "site": "127.0.0.1",
            "started": f"2026-11-{day:02d}T01:00:00Z",
            "finished": f"2026-11-{day:02d}T01:10:00Z",
            "status": status,
            "start_urls": [BASE + "/"],
            "config": {
                "start_urls": [BASE + "/"],
                "allowed_hosts": ["127.0.0.1"],
                "max_pages": 100,
                "max_documents": 50,
                "max_depth": 3,
                "max_document_bytes": 1_000_000,
                "exclude": ["login"],
                "delay": 0.0,
            },
        },
        "summary": {
            "status": status,
            "partial_reasons": ["max-pages"] if status == "partial" else [],
            "pages": len(pages),
            "documents": len(documents),
            "skipped": {"robots": 1},
            "broken_links": 0,
        },
        "pages": pages,
        "documents": documents,
        "broken_links": [],
        "comparison": {"previous_run": None, "new": [], "fixed": [], "persisting": 0},
    }


def first_run() -> dict[str, Any]:
    return output(
        "20261130T010000Z-aaaaaa",
        28,
        [entry("/", "html", [ALT, LINK]), entry("/om", "html", [])],
        [
            entry("/dokument/rapport.pdf", "pdf", [TAGS]),
            entry("/dokument/plan.pdf", "pdf", [TAGS]),
            entry("/dokument/gammal.pdf", "pdf", [TAGS]),
        ],
    )


def second_run() -> dict[str, Any]:
    """rapport.pdf fixed; plan.pdf unchanged; gammal.pdf could not be fetched; a new finding on /om."""
    return output(
        "20261201T010000Z-bbbbbb",
        29,
        [entry("/", "html", [ALT, LINK]), entry("/om", "html", [ALT])],
        [
            entry("/dokument/rapport.pdf", "pdf", []),
            entry("/dokument/plan.pdf", "pdf", [TAGS], reused=True, status=304),
            failed_entry("/dokument/gammal.pdf"),
        ],
    )


def make_activity(
    what: str = "Automatiserad granskning av publicerade dokument och sidor",
) -> ControlActivity:
    board, _ = Board.objects.get_or_create(name="Kommunstyrelsen")
    plan, _ = Plan.objects.get_or_create(board=board, year=2026)
    process, _ = Process.objects.get_or_create(name="Hantera demokrati och tillsyn", office="KLK")
    risk = Risk.objects.create(
        plan=plan, process=process, description="Risk att vi inte följer lagen om tillgänglighet", value=9
    )
    return ControlActivity.objects.create(
        risk=risk,
        what=what,
        frequency="nattligen",
        responsible="Webbredaktör Ann",
        performed_by_tillgang=True,
    )


@pytest.fixture
def activity() -> ControlActivity:
    return make_activity()


def url(path: str) -> str:
    return BASE + path


def test_store_creates_run_items_and_findings(activity: ControlActivity) -> None:
    run = store_run(first_run(), activity)
    assert run.status == "complete" and run.activity == activity and run.previous is None
    assert run.tool_version == "0.1.0" and run.catalogue == "c" * 64 and run.site == "127.0.0.1"
    items = {i.url: i for i in Item.objects.filter(run=run)}
    assert len(items) == 5
    assert items[url("/")].kind == "page" and items[url("/dokument/plan.pdf")].kind == "document"
    assert items[url("/")].rules == {
        "document-title": "passed",
        "image-alt": "failed",
        "link-name": "cantTell",
    }
    assert items[url("/")].http_status == 200 and items[url("/")].fetched_at is not None
    findings = Finding.objects.all()
    assert findings.count() == 5  # alt + link (cantTell) on /, tags on three PDFs
    link = Finding.objects.get(rule="link-name")
    assert link.outcome == "cantTell" and link.first_seen == run and link.last_seen == run
    assert link.identity == Finding.identity_of(url("/"), "link-name", '{"selector":"a"}')
    comparison = run_comparison(run)
    assert len(comparison["new"]) == 5 and comparison["fixed"] == [] and comparison["persisting"] == 0
    assert latest_run() == run and latest_run("127.0.0.1") == run and latest_run("annan.se") is None


def test_storing_the_same_run_twice_changes_nothing(activity: ControlActivity) -> None:
    run = store_run(first_run(), activity)
    history = Finding.history.count()
    before = list(Finding.objects.values_list("pk", "status", "first_seen", "last_seen", "fixed_in"))
    again = store_run(copy.deepcopy(first_run()), activity)
    assert again.pk == run.pk
    assert CrawlRun.objects.count() == 1 and Item.objects.count() == 5
    assert list(Finding.objects.values_list("pk", "status", "first_seen", "last_seen", "fixed_in")) == before
    assert Finding.history.count() == history


def test_second_run_fixes_one_document_and_adds_a_new_finding(activity: ControlActivity) -> None:
    first = store_run(first_run(), activity)
    second = store_run(second_run(), activity)
    assert second.previous == first
    fixed = Finding.objects.get(url=url("/dokument/rapport.pdf"))
    assert fixed.status == FindingStatus.FIXED and fixed.fixed_in == second and fixed.last_seen == first
    kept = Finding.objects.get(url=url("/dokument/plan.pdf"))  # reused (304): still there
    assert kept.status == FindingStatus.OPEN and kept.first_seen == first and kept.last_seen == second
    not_checked = Finding.objects.get(url=url("/dokument/gammal.pdf"))  # fetch failed: never "fixed"
    assert not_checked.status == FindingStatus.OPEN and not_checked.fixed_in is None
    assert not_checked.last_seen == first
    comparison = run_comparison(second)
    assert [(f.url, f.rule) for f in comparison["new"]] == [(url("/om"), "image-alt")]
    assert [f.url for f in comparison["fixed"]] == [url("/dokument/rapport.pdf")]
    assert comparison["persisting"] == 3 and comparison["previous_run"] == first.run_id
    # the fix is kept in the finding's history with a reason
    last = fixed.history.first()
    assert last is not None and "åtgärdad" in (last.history_change_reason or "")
    # the first run's comparison is as it was stored
    assert len(run_comparison(first)["new"]) == 5


def test_a_fixed_finding_that_comes_back_is_reopened(activity: ControlActivity) -> None:
    store_run(first_run(), activity)
    second = store_run(second_run(), activity)
    third_out = second_run()
    third_out["run"]["id"] = "20261202T010000Z-cccccc"
    third_out["run"]["started"] = "2026-11-30T01:00:00Z"
    third_out["run"]["finished"] = "2026-11-30T01:10:00Z"
    third_out["documents"][0] = entry("/dokument/rapport.pdf", "pdf", [TAGS])
    third = store_run(third_out, activity)
    again = Finding.objects.get(url=url("/dokument/rapport.pdf"))
    assert again.status == FindingStatus.OPEN and again.fixed_in is None and again.last_seen == third
    assert third.previous == second


def test_an_older_run_stored_late_moves_nothing_back(activity: ControlActivity) -> None:
    store_run(second_run())
    store_run(first_run())  # older, stored after
    kept = Finding.objects.get(url=url("/dokument/plan.pdf"))
    assert kept.last_seen.run_id == "20261201T010000Z-bbbbbb"
    assert not Finding.objects.filter(status=FindingStatus.FIXED).exists()


def test_partial_run_is_stored_as_partial_and_resumed_run_replaces_it(activity: ControlActivity) -> None:
    partial = first_run()
    partial["run"]["status"] = partial["summary"]["status"] = "interrupted"
    partial["documents"] = partial["documents"][:1]
    run = store_run(partial, activity)
    assert run.status == "interrupted" and run.items.count() == 3
    resumed = first_run()
    resumed["run"]["finished"] = "2026-11-28T02:00:00Z"
    run = store_run(resumed, activity)
    assert run.status == "complete" and run.items.count() == 5
    assert CrawlRun.objects.count() == 1 and Finding.objects.count() == 5
    limited = output("20261203T010000Z-dddddd", 30, [entry("/", "html", [])], [], status="partial")
    stored = store_run(limited)
    assert stored.status == "partial" and stored.summary["partial_reasons"] == ["max-pages"]


def test_nul_characters_are_stored_as_replacement_characters() -> None:
    out = first_run()
    out["documents"][0]["title"] = "Rapport\x00"
    out["documents"][0]["findings"] = [dict(TAGS, message="saknar\x00taggar")]
    run = store_run(out)
    assert run.items.get(url=url("/dokument/rapport.pdf")).title == "Rapport\ufffd"
    assert Finding.objects.get(url=url("/dokument/rapport.pdf")).message == "saknar\ufffdtaggar"


def test_items_for_statement_rebuilds_the_run() -> None:
    run = store_run(second_run())
    data = items_for_statement(run)
    assert data["run"]["id"] == run.run_id and data["tool"]["catalogue"] == "c" * 64
    assert [e["url"] for e in data["pages"]] == [url("/"), url("/om")]
    docs = {e["url"]: e for e in data["documents"]}
    assert docs[url("/dokument/gammal.pdf")]["error"]["code"] == "fetch-failed"
    assert "rules" not in docs[url("/dokument/gammal.pdf")]
    assert docs[url("/dokument/plan.pdf")]["rules"]["pdf-tagged"] == "failed"
    from tillgang.statement import StatementInput, build_statement

    model = build_statement(data, StatementInput(organisation="Kommunen", service="webbplats"))
    assert model  # the statement accepts the rebuilt run


def test_location_key_and_activity_lookup(activity: ControlActivity) -> None:
    assert location_key_of({"location": {"b": 1, "a": "å"}}) == '{"a":"å","b":1}'
    assert location_key_of({"location": {}, "message": "m"}) == '{"message":"m"}'
    long = location_key_of({"location": {"selector": "x" * 600}})
    assert long.startswith("sha256:") and len(long) == 71
    assert resolve_activity(str(activity.pk)) == activity
    assert resolve_activity("publicerade dokument") == activity
    assert resolve_activity(None) is None
    with pytest.raises(ActivityError):
        resolve_activity("finns inte alls")
    with pytest.raises(ActivityError):
        resolve_activity("999999")
    make_activity("Automatiserad granskning av något annat")
    with pytest.raises(ActivityError, match="flera"):
        resolve_activity("Automatiserad granskning")


def test_activity_named_by_its_risk_is_found_or_created() -> None:
    board = Board.objects.create(name="Kommunstyrelsen")
    process = Process.objects.create(name="Hantera demokrati och tillsyn", office="KLK")
    old_plan = Plan.objects.create(board=board, year=2024)
    plan = Plan.objects.create(board=board, year=2025)
    text = "Risk att kommunens dokument inte lever upp till lagen om tillgänglighet."
    Risk.objects.create(plan=old_plan, process=process, description=text, value=9)
    risk = Risk.objects.create(plan=plan, process=process, description=text, value=9)
    with pytest.raises(ActivityError):
        resolve_activity("lagen om tillgänglighet")  # only activities, unless asked
    created = resolve_activity("lagen om tillgänglighet", on_risk=True)
    assert created is not None and created.risk == risk and created.performed_by_tillgang
    assert created.history.first().history_change_reason == "skapad av tillgang för 'lagen om tillgänglighet'"
    assert resolve_activity("lagen om tillgänglighet", on_risk=True) == created
    assert ControlActivity.objects.count() == 1
    Risk.objects.create(plan=plan, process=process, description="Risk att lagen om tillgänglighet …", value=4)
    ControlActivity.objects.all().delete()
    with pytest.raises(ActivityError, match="flera risker"):
        resolve_activity("lagen om tillgänglighet", on_risk=True)


# ------------------------------------------------------------------------------------------------ crawl --store
def _docx(title: str) -> bytes:
    import io

    import docx

    d = docx.Document()
    d.core_properties.title = title
    d.core_properties.language = "sv-SE"
    d.add_heading("Rapport", 1)
    d.add_paragraph("Text.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _page(body: str) -> str:
    return f'<!doctype html><html lang="sv"><head><title>Sida</title></head><body><main>{body}</main></body></html>'


def _crawl(site: Site, tmp_path: Path, name: str, *extra: str) -> int:
    from tillgang.cli import main

    return main(
        [
            "crawl",
            site.url("/"),
            "--no-sitemaps",
            "--delay",
            "0",
            "--jobs",
            "1",
            "--state",
            str(tmp_path / "state.sqlite"),
            "--out",
            str(tmp_path / f"{name}.json"),
            "--quiet",
            *extra,
        ]
    )


def test_crawl_store_twice_with_one_document_fixed(
    site: Site, tmp_path: Path, activity: ControlActivity
) -> None:
    site.page("/robots.txt", "", content_type="text/plain")
    site.page("/", _page('<h1>Start</h1><a href="/a.docx">A</a> <a href="/b.docx">B</a>'))
    site.add("/a.docx", Resource(_docx(""), DOCX_TYPE))
    site.add("/b.docx", Resource(_docx(""), DOCX_TYPE))
    assert _crawl(site, tmp_path, "run1", "--store", "--activity", str(activity.pk)) == 1
    first = CrawlRun.objects.get()
    assert first.status == "complete" and first.activity == activity
    assert first.items.count() == 3
    a_title = Finding.objects.get(url=site.url("/a.docx"), rule="document-title")
    assert a_title.first_seen == first and a_title.status == "open"

    site.add("/a.docx", Resource(_docx("Rapport A"), DOCX_TYPE))  # fixed between the runs
    site.page("/", _page('<h1>Start</h1><a href="/a.docx">A</a> <a href="/b.docx">B</a><img src="/x.png">'))
    assert _crawl(site, tmp_path, "run2", "--store", "--activity", str(activity.pk)) == 1
    second = latest_run()
    assert second is not None and second != first and second.previous == first
    a_title.refresh_from_db()
    assert a_title.status == FindingStatus.FIXED and a_title.fixed_in == second
    b_title = Finding.objects.get(url=site.url("/b.docx"), rule="document-title")
    assert b_title.status == FindingStatus.OPEN and b_title.last_seen == second
    comparison = run_comparison(second)
    assert [(f.url, f.rule) for f in comparison["new"]] == [(site.url("/"), "image-alt")]
    assert [f.pk for f in comparison["fixed"]] == [a_title.pk]
    # the register agrees with the crawler's own comparison in run.json
    out = json.loads((tmp_path / "run2.json").read_text(encoding="utf-8"))
    assert out["summary"]["new"] == 1 and out["summary"]["fixed"] == 1
    drafts = Evidence.objects.filter(activity=activity).order_by("pk")
    assert [e.run for e in drafts] == [first, second] and all(e.status == "draft" for e in drafts)
    # storing the written run.json again changes nothing
    assert store_run(out).pk == second.pk and CrawlRun.objects.count() == 2


def test_crawl_store_from_the_config_file(site: Site, tmp_path: Path, activity: ControlActivity) -> None:
    site.page("/robots.txt", "", content_type="text/plain")
    site.page("/", _page("<h1>Start</h1>"))
    config = tmp_path / "tillgang.toml"
    config.write_text(
        '[register]\nstore = true\nactivity = "publicerade dokument"\nother_register_key = 1\n'
        "[limits]\nmax_depth = 0\n[risk]\nthreshold = 8\n",
        encoding="utf-8",
    )
    assert _crawl(site, tmp_path, "run", "--config", str(config)) == 0
    run = CrawlRun.objects.get()
    assert run.activity == activity and Evidence.objects.get().run == run


def test_crawl_store_with_an_unknown_activity_fails_before_crawling(site: Site, tmp_path: Path) -> None:
    site.page("/robots.txt", "", content_type="text/plain")
    site.page("/", _page("<h1>Start</h1>"))
    assert _crawl(site, tmp_path, "run", "--store", "--activity", "ingen sådan aktivitet") == 2
    assert site.requests() == [] and not CrawlRun.objects.exists()


def test_crawl_store_failure_exits_4_and_keeps_the_run_file(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tillgang.cli import evidence as cli_evidence

    def broken(output: dict[str, Any], activity: Any, folder: Any = None) -> Any:
        raise RuntimeError("databasen svarar inte")

    monkeypatch.setattr(cli_evidence, "store_output", broken)
    site.page("/robots.txt", "", content_type="text/plain")
    site.page("/", _page("<h1>Start</h1>"))
    assert _crawl(site, tmp_path, "run", "--store") == 4
    assert "kunde inte sparas i registret: databasen svarar inte" in capsys.readouterr().err
    assert json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))["pages"]


def test_interrupted_crawl_with_store_keeps_what_was_done(
    site: Site, tmp_path: Path, activity: ControlActivity, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from tillgang.crawl import run as crawl_run

    site.page("/robots.txt", "", content_type="text/plain")
    site.page("/", _page("".join(f'<a href="/p{i}">{i}</a>' for i in range(8))))
    for i in range(8):
        site.page(f"/p{i}", _page(f"<h1>{i}</h1>"))

    class Stopped(crawl_run.Crawl):  # Ctrl-C after three pages
        async def run(self) -> dict[str, Any]:
            main = asyncio.current_task()
            assert main is not None
            done: list[str] = []

            def on_result(kind: str, entry: dict[str, Any]) -> None:
                done.append(entry["url"])
                if len(done) == 3:
                    main.cancel()

            self.on_result = on_result
            return await super().run()

    monkeypatch.setattr(crawl_run, "Crawl", Stopped)
    assert (
        _crawl(
            site,
            tmp_path,
            "run",
            "--store",
            "--activity",
            str(activity.pk),
            "--per-host",
            "1",
            "--concurrency",
            "1",
        )
        == 130
    )
    run = CrawlRun.objects.get()
    assert run.status == "interrupted" and run.items.count() >= 3
    evidence = Evidence.objects.get(run=run)
    assert evidence.partial and "ofullständig" in evidence.title
    monkeypatch.setattr(crawl_run, "Crawl", Stopped.__mro__[1])
    # --resume finishes the same run: the register gets the whole run, the draft follows it
    assert _crawl(site, tmp_path, "run", "--resume", "--store", "--activity", str(activity.pk)) in (0, 1)
    run = CrawlRun.objects.get()
    assert run.status == "complete" and run.items.count() == 9
    evidence = Evidence.objects.get(run=run)
    assert not evidence.partial and "ofullständig" not in evidence.title
    from tillgang.register.evidence import manifest_of

    assert manifest_of(evidence)["population"]["items"]["total"] == 9


def test_fresh_register_import_and_two_stored_crawls_as_a_user_would(
    cli_env: dict[str, str], site: Site, tmp_path: Path, seed_path: Path
) -> None:
    from .test_cli import run as cli

    site.page("/robots.txt", "", content_type="text/plain")
    site.page("/", _page('<h1>Start</h1><a href="/a.docx">A</a> <a href="/b.docx">B</a>'))
    site.add("/a.docx", Resource(_docx(""), DOCX_TYPE))
    site.add("/b.docx", Resource(_docx(""), DOCX_TYPE))
    cli(cli_env, "register", "init")
    cli(cli_env, "register", "import", str(seed_path))
    config = tmp_path / "tillgang.toml"
    config.write_text(
        f'start_urls = ["{site.url("/")}"]\nuse_sitemaps = false\ndelay = 0.0\ncheck_jobs = 1\n'
        f'state_file = "state.sqlite"\n[register]\nstore = true\nactivity = "lagen om tillgänglighet"\n',
        encoding="utf-8",
    )
    first = cli(cli_env, "crawl", "--config", str(config), "--quiet", ok=False)
    assert first.returncode == 1, first.stderr
    site.add("/a.docx", Resource(_docx("Rapport A"), DOCX_TYPE))
    second = cli(cli_env, "crawl", "--config", str(config), ok=False)
    assert second.returncode == 1, second.stderr
    assert "0 nya, 1 åtgärdade och 1 kvarstående avvikelser" in second.stdout
    assert "Underlag 2 (utkast, version 1)" in second.stdout
    verified = cli(cli_env, "register", "verify")
    assert "Inga förseglade underlag att kontrollera." in verified.stdout
