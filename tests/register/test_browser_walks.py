"""The register in a real browser (issue 12): a controller and a reviewer walk through their year, and axe-core
checks every page of the app at 1280 and 320 CSS px (WCAG 2.1 A and AA), with no horizontal scrolling at 320 px.

Chromium is the system's (``chromium_path``), driven by Playwright; axe-core comes from ``axe_js``. Both skip on
a user's machine and fail in CI. The app runs on pytest-django's live server. Playwright's sync API runs an
event loop in this thread, so Django's async-unsafe guard is lifted for this module only (the ORM calls here
are plain synchronous test code).

Every page of the app is in ``PAGES``: add a new page there (a name, its path with ``{placeholders}`` from
``ids`` and the role that opens it). ``test_every_page_is_listed`` fails when a URL of the register has no
entry there or in ``NOT_PAGES``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tillgang.register.models import (
    ControlActivity,
    CrawlRun,
    Evidence,
    Finding,
    FindingStatus,
    FollowUp,
    Item,
    Plan,
    Risk,
)

pytestmark = [pytest.mark.db, pytest.mark.django_db(transaction=True)]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1280, 320)
PASSWORD = "Kontroll-lösen-2025"
SITE = "https://kommun.example"
PAGE_A = f"{SITE}/politik/a.pdf"
PAGE_C = f"{SITE}/nyheter/c.docx"
INDEX = f"{SITE}/"


# The user of each role in the walks (the password is PASSWORD).
ROLE_USERS = {
    "controller": "kontroll",
    "reviewer": "granskare",
    "web-editor": "redaktor",
    "reader": "lasare",
    "admin": "admin",
}


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # "{plan}" etc. are filled from the walk's ids
    role: str | None  # the role (ROLE_USERS) of the user who opens it; None: not logged in


# Every page of the app, once. The walks below visit some of them again while they work.
PAGES: list[Page] = [
    Page("login", "/konto/logga-in/", None),
    Page("home", "/", "controller"),
    Page("plans", "/planer/", "controller"),
    Page("plan_new", "/planer/ny/", "controller"),
    Page("plan", "/planer/{plan}/", "controller"),
    Page("plan_edit", "/planer/{plan}/andra/", "controller"),
    Page("risk_new", "/planer/{plan}/ny-risk/", "controller"),
    Page("risk", "/risker/{risk}/", "controller"),
    Page("risk_edit", "/risker/{risk}/andra/", "controller"),
    Page("risk_change", "/risker/{risk}/andra-risken/", "controller"),
    Page("risk_retire", "/risker/{risk}/avveckla/", "controller"),
    Page("activity_new", "/risker/{risk}/ny-kontrollaktivitet/", "controller"),
    Page("activity_edit", "/kontrollaktiviteter/{activity}/andra/", "controller"),
    Page("followup", "/risker/{risk}/uppfoljning/delar/2024/", "controller"),
    Page("followup_proposal", "/risker/{risk}/uppfoljning/helar/2024/forslag/", "controller"),
    Page("my_tasks", "/mina-uppgifter/", "controller"),
    Page("runs", "/genomsokningar/", "reviewer"),
    Page("run", "/genomsokningar/{run}/", "reviewer"),
    Page("findings", "/avvikelser/", "reviewer"),
    Page("findings_worst", "/avvikelser/varst-drabbade/", "reviewer"),
    Page("finding", "/avvikelser/{finding}/", "reviewer"),
    Page("document", "/dokument/?url={document}", "reviewer"),
    Page("trend", "/trend/", "reviewer"),
    Page("activity_evidence", "/kontrollaktiviteter/{activity}/underlag/", "reviewer"),
    Page("evidence", "/underlag/{evidence}/", "reviewer"),
    Page("statement", "/redogorelse/", "reviewer"),
    Page(
        "statement_draft",
        "/redogorelse/utkast/?webbplats={site}&format=html&organisation=Knivsta+kommun&contact=x%40kommun.example",
        "reviewer",
    ),
    Page("upload", "/granska/", "web-editor"),
    Page("activity_retire", "/kontrollaktiviteter/{activity}/avveckla/", "controller"),
    Page("users", "/anvandare/", "admin"),
    Page("user_new", "/anvandare/ny/", "admin"),
    Page("user", "/anvandare/{user}/", "admin"),
    Page("password_change", "/konto/losenord/", "reader"),
    Page("password_change_done", "/konto/losenord/klart/", "reader"),
    Page("password_reset", "/konto/nytt-losenord/", None),
    Page("password_reset_done", "/konto/nytt-losenord/skickat/", None),
    Page("password_reset_confirm", "/konto/nytt-losenord/MQ/ogiltig-lank/", None),  # an invalid link's page
    Page("password_reset_complete", "/konto/nytt-losenord/klart/", None),
    Page("forbidden", "/planer/ny/", "reader"),  # 403 in the app's layout
    Page("not_found", "/finns-inte/", "reader"),  # 404 in the app's layout
]
# URL names of the register that are no HTML page of their own: downloads, POST-only actions, the logo.
NOT_PAGES = {
    "logout",
    "finding_screenshot",  # a PNG for the finding page's <img>
    "logo",
    "plan_copy",
    "plan_report",
    "run_create_evidence",
    "findings_triage",
    "findings_triage_filtered",  # its confirmation page is reached by POST: the reviewer's walk checks it
    "findings_export",
    "evidence_manifest",
    "evidence_seal",
    "evidence_new_version",
    "run_export",
    "user_active",
    "user_invite",
}

_AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
}"""
_OVERFLOW = """() => {
  const root = document.documentElement;
  const over = e => e.getBoundingClientRect().right > root.clientWidth + 1;
  const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + (typeof e.className === "string" && e.className ? "." + e.className.trim().split(/ +/).join(".") : "");
  const wide = [...document.querySelectorAll("body *")]
    .filter(e => over(e) && !over(e.parentElement)).slice(0, 5).map(name);
  return {scroll: root.scrollWidth, client: root.clientWidth, wide: wide};
}"""


# ------------------------------------------------------------------ the browser and the checks


@pytest.fixture(scope="module", autouse=True)
def _async_unsafe_allowed() -> Iterator[None]:
    old = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if old is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = old


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path)
        try:
            yield chromium
        finally:
            chromium.close()


class Walker:
    """One user's browser tab; ``check`` runs axe-core at every width and looks for horizontal scrolling."""

    def __init__(self, browser: Any, base: str, axe_js: str, problems: list[str]) -> None:
        self.context = browser.new_context(
            base_url=base, viewport={"width": WIDTHS[0], "height": 900}, accept_downloads=True
        )
        self.page = self.context.new_page()
        self.axe_js = axe_js
        self.problems = problems
        self.checked: list[str] = []

    def login(self, username: str) -> None:
        self.page.goto("/konto/logga-in/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button[type=submit]")
        assert "/konto/logga-in/" not in self.page.url, f"{username} could not log in"

    def goto(self, path: str, what: str) -> None:
        response = self.page.goto(path)
        assert response is not None
        self.check(what)

    def check(self, what: str) -> None:
        """axe-core and reflow on the page as it is now, at 1280 and at 320 CSS px (no reload)."""
        page = self.page
        page.wait_for_load_state("load")
        label = f"{what} ({page.url.split('//', 1)[-1].split('/', 1)[-1]})"
        self.checked.append(what)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            if not page.evaluate("typeof axe !== 'undefined'"):
                page.evaluate(self.axe_js)  # through the DevTools protocol: the page's CSP allows no script
            for v in page.evaluate(_AXE_RUN, AXE_TAGS):
                self.problems.append(f"{label} at {width} px: axe {v['id']} ({v['help']}) on {v['nodes']}")
            if width <= 320:
                box = page.evaluate(_OVERFLOW)
                if box["scroll"] > box["client"]:
                    self.problems.append(
                        f"{label} at {width} px: scrolls sideways ({box['scroll']} > {box['client']} px;"
                        f" too wide: {box['wide']})"
                    )
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})

    def close(self) -> None:
        self.context.close()


class Walkers:
    """Browser tabs on the live server, one per user, sharing one list of problems."""

    def __init__(self, browser: Any, base: str, axe_js: str) -> None:
        self.browser, self.base, self.axe_js = browser, base, axe_js
        self.made: list[Walker] = []
        self.problems: list[str] = []
        self.asserted = False

    def __call__(self) -> Walker:
        w = Walker(self.browser, self.base, self.axe_js, self.problems)
        self.made.append(w)
        return w

    def assert_clean(self) -> None:
        """No axe-core violation and no sideways scrolling on any page checked so far."""
        self.asserted = True
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def walker(browser: Any, live_server: Any, axe_js: str) -> Iterator[Walkers]:
    walkers = Walkers(browser, live_server.url, axe_js)
    yield walkers
    for w in walkers.made:
        w.close()
    if not walkers.asserted:  # a test that forgot to ask still fails on what the checks found
        walkers.assert_clean()


# ------------------------------------------------------------------ the data: the seed plan and two runs


def _user(role: str, name: str) -> Any:
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username=name, password=PASSWORD, email=f"{name}@kommun.example")
    user.groups.add(Group.objects.get(name=role))
    return user


def _finding(url: str, rule: str, n: int, first: CrawlRun, last: CrawlRun) -> Finding:
    loc = {"paragraph": n}
    key = json.dumps(loc, sort_keys=True, separators=(",", ":"))
    return Finding.objects.create(
        identity=Finding.identity_of(url, rule, key),
        url=url,
        rule=rule,
        location_key=key,
        location=loc,
        outcome="failed",
        severity="serious",
        wcag={"image-alt": ["1.1.1"], "document-title": ["2.4.2"]}[rule],
        message=f"Brist {n} enligt {rule}",
        format=url.rsplit(".", 1)[-1] if url.endswith(("pdf", "docx")) else "html",
        first_seen=first,
        last_seen=last,
    )


def _runs(activity: ControlActivity) -> dict[str, Any]:
    """Two stored runs of one site on ``activity``, with findings as tillgang.register.store records them."""
    runs: list[CrawlRun] = []
    for n, month in ((1, 3), (2, 9)):
        started = dt.datetime(2024, month, 10, 2, 0, tzinfo=dt.UTC)
        run = CrawlRun.objects.create(
            run_id=f"run-{n}",
            site=SITE,
            start_urls=[INDEX],
            started=started,
            finished=started + dt.timedelta(hours=1),
            tool_version="0.1.0",
            catalogue="c" * 64,
            activity=activity,
            previous=runs[-1] if runs else None,
        )
        for url, fmt, rules in (
            (INDEX, "html", {"image-alt": "failed", "document-title": "passed"}),
            (PAGE_A, "pdf", {"document-title": "failed"}),
            (PAGE_C, "docx", {"image-alt": "failed", "document-title": "passed"}),
        ):
            Item.objects.create(
                run=run,
                url=url,
                kind="page" if fmt == "html" else "document",
                format=fmt,
                title=url.rsplit("/", 1)[-1] or "Startsidan",
                sha256=f"{len(url) * n:064x}",
                http_status=200,
                fetched_at=started,
                rules=rules,
            )
        runs.append(run)
    first, second = runs
    old = [
        _finding(INDEX, "image-alt", 1, first, second),
        _finding(PAGE_A, "document-title", 0, first, second),
    ]
    new = [_finding(PAGE_C, "image-alt", n, second, second) for n in (2, 5, 7)]
    first.summary = {
        "register": {
            "previous_run": None,
            "findings": [f.pk for f in old],
            "new": [f.pk for f in old],
            "fixed": [],
            "persisting": 0,
        }
    }
    second.summary = {
        "register": {
            "previous_run": "run-1",
            "findings": [f.pk for f in old + new],
            "new": [f.pk for f in new],
            "fixed": [],
            "persisting": len(old),
        }
    }
    first.save()
    second.save()
    return {"runs": runs, "findings": old + new}


def _release_checkpoints() -> None:
    """Let the live server's test database be flushed after the test: on SQLite the flush deletes rows one
    table at a time, and a sealed record's checkpoint refuses that (migration 0005). The guard is dropped
    for this one DELETE and put back at once. PostgreSQL flushes with TRUNCATE, which row triggers never see."""
    import importlib

    from django.db import connection

    if connection.vendor != "sqlite":
        return
    guard = importlib.import_module("tillgang.register.migrations.0005_evidence_checkpoints")
    with connection.cursor() as cursor:
        for statement in guard.SQLITE_UNGUARD:
            cursor.execute(statement)
        cursor.execute("DELETE FROM register_evidencecheckpoint")
        for statement in guard.SQLITE_GUARD:
            cursor.execute(statement)


@pytest.fixture
def year(imported: Any) -> Iterator[dict[str, Any]]:
    """The seed's 2024 plan, a control activity performed by tillgang with two runs, a draft evidence record
    for the second run, and a user per role."""
    from tillgang.register.evidence import create_evidence, seal

    plan = Plan.objects.get(year=2024)
    risk = Risk.objects.filter(plan=plan).order_by("order").first()
    assert risk is not None
    users = {role: _user(role, name) for role, name in ROLE_USERS.items()}
    activity = ControlActivity.objects.create(
        risk=risk,
        what="Automatiserad granskning av webbplatsen",
        performed_by_tillgang=True,
        responsible_user=users["controller"],
    )
    data = _runs(activity)
    first, second = data["runs"]
    seal(create_evidence(first, activity), users["reviewer"])  # the proposal for helår 2024 comes from it
    draft = create_evidence(second, activity)
    yield {
        "plan": plan,
        "risk": risk,
        "activity": activity,
        "runs": data["runs"],
        "findings": data["findings"],
        "draft": draft,
        "users": users,
    }
    _release_checkpoints()


def _ids(year: dict[str, Any]) -> dict[str, str]:
    return {
        "plan": str(year["plan"].pk),
        "risk": str(year["risk"].pk),
        "activity": str(year["activity"].pk),
        "run": str(year["runs"][1].pk),
        "finding": str(year["findings"][0].pk),
        "evidence": str(year["draft"].pk),
        "document": quote(PAGE_C, safe=""),
        "site": quote(SITE, safe=""),
        "user": str(year["users"]["reader"].pk),
    }


# ------------------------------------------------------------------ the walks


def test_controller_makes_the_2025_plan_and_follows_it_up(
    year: dict[str, Any], walker: Walkers, tmp_path: Path
) -> None:
    from tillgang.engine import check_file

    w = walker()
    w.goto("/konto/logga-in/", "login")
    w.login("kontroll")
    page = w.page
    w.goto("/planer/", "plans")
    page.get_by_role("link", name=str(year["plan"])).click()
    w.check("plan 2024")

    # next year's plan from this one
    assert page.input_value("#copy-year") == "2025"
    page.get_by_role("button", name="Skapa planen").click()
    plan = Plan.objects.get(board=year["plan"].board, year=2025)
    assert page.url.endswith(f"/planer/{plan.pk}/")
    w.check("plan 2025, just made")
    copied = Risk.objects.filter(plan=plan).count()
    assert copied == Risk.objects.filter(plan=year["plan"], retired__isnull=True).count() > 0
    assert not FollowUp.objects.filter(risk__plan=plan).exists()

    # a new risk
    page.get_by_role("link", name="Lägg till en risk").click()
    w.check("new risk form")
    page.fill("#id_new_process", "Digital service")
    page.fill("#id_new_office", "Kommunledningskontoret")
    page.fill("#id_description", "Risk att e-tjänsterna inte går att använda med skärmläsare")
    page.select_option("#id_likelihood", "3")
    page.select_option("#id_consequence", "3")
    page.select_option("#id_handling", "ikp")
    page.get_by_role("button").filter(has_text=re.compile("Spara|Lägg till")).first.click()
    risk = Risk.objects.get(plan=plan, description__startswith="Risk att e-tjänsterna")
    assert (risk.likelihood, risk.consequence, risk.value) == (3, 3, 9)
    assert page.url.endswith(f"/risker/{risk.pk}/")
    w.check("the new risk")

    # its delår follow-up
    page.get_by_role("link", name="Ny uppföljning delår 2025").click()
    w.check("follow-up form")
    page.get_by_label("Ja").check()
    page.fill("#id_comment", "Två e-tjänster är granskade med skärmläsare; bristerna är rättade.")
    page.get_by_role("button", name="Spara uppföljningen").click()
    followup = FollowUp.objects.get(risk=risk, period="delar", year=2025)
    assert followup.follows_plan is True and followup.author is not None
    assert followup.author.get_username() == "kontroll"
    w.check("the risk with its follow-up")

    # the follow-up report, from the plan page, checked with tillgang itself
    w.goto(f"/planer/{plan.pk}/", "plan 2025")
    with page.expect_download() as info:
        page.get_by_role("link", name="delår 2025").click()
    report = tmp_path / "uppfoljning-delar-2025.docx"
    info.value.save_as(report)
    entry = check_file(report)
    assert entry["error"] is None
    failed = [f"{f['rule']}: {f['message']}" for f in entry["findings"] if f["outcome"] == "failed"]
    assert failed == []
    assert w.checked.count("login") == 1 and len(w.checked) >= 8
    walker.assert_clean()


def test_reviewer_filters_triages_exports_and_seals(
    year: dict[str, Any], walker: Walkers, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    w = walker()
    w.login("granskare")
    page = w.page
    w.goto("/avvikelser/", "findings")

    # filter: one rule
    page.select_option("#id_regel", "image-alt")
    page.get_by_role("button", name="Visa avvikelser").click()
    assert "regel=image-alt" in page.url
    w.check("findings filtered")
    matching = {f.pk for f in year["findings"] if f.rule == "image-alt"}
    assert len(matching) == 4
    assert page.get_by_role("heading", name=re.compile(r"Resultat: 4 avvikelser")).is_visible()

    # bulk triage of everything matching the filter, after a confirmation
    page.select_option("#id_status_all", FindingStatus.CONFIRMED.value)
    page.fill("#id_assigned_all", "Webbredaktionen")
    page.get_by_role("button", name="Fortsätt till bekräftelsen").click()
    w.check("bulk triage confirmation")
    assert not Finding.objects.filter(status=FindingStatus.CONFIRMED).exists()  # nothing before confirming
    page.locator("main form button[type=submit]").click()
    w.check("findings after bulk triage")
    triaged = Finding.objects.filter(status=FindingStatus.CONFIRMED)
    assert set(triaged.values_list("pk", flat=True)) == matching
    assert set(triaged.values_list("assigned_to", flat=True)) == {"Webbredaktionen"}
    assert Finding.objects.exclude(pk__in=matching).filter(status=FindingStatus.OPEN).count() == 1

    # export of the filtered list
    with page.expect_download() as info:
        page.get_by_role("link", name="som Excel-fil (.xlsx)").click()
    xlsx = tmp_path / "avvikelser.xlsx"
    info.value.save_as(xlsx)
    rows = list(load_workbook(xlsx, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + len(matching)

    # seal the draft evidence record of the second run
    draft: Evidence = year["draft"]
    w.goto(f"/genomsokningar/{year['runs'][1].pk}/", "run")
    page.get_by_role("link", name=f"{draft.title}, version 1").click()
    w.check("draft evidence")
    page.get_by_role("button", name="Godkänn och försegla underlaget").click()
    draft.refresh_from_db()
    assert draft.status == "sealed" and draft.seal and draft.sealed_by.get_username() == "granskare"
    w.check("sealed evidence")
    walker.assert_clean()


@pytest.fixture
def logo(tmp_path: Path) -> Iterator[None]:
    """A configured organisation and SVG logo (the live server runs in this process, so settings apply)."""
    from django.test import override_settings

    from tillgang.register.branding import get_brand

    path = tmp_path / "logo.svg"
    path.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="48" viewBox="0 0 160 48">'
        '<rect width="160" height="48" rx="6" fill="#ffffff"/><circle cx="24" cy="24" r="16" fill="#17324d"/>'
        '<text x="48" y="30" font-size="16" fill="#17324d">Knivsta</text></svg>',
        encoding="utf-8",
    )
    with override_settings(TILLGANG_BRAND={"organisation": "Knivsta kommun", "logo": str(path)}):
        get_brand.cache_clear()
        yield
    get_brand.cache_clear()


def test_every_page_passes_axe_at_1280_and_320_px(year: dict[str, Any], walker: Walkers, logo: None) -> None:
    ids = _ids(year)
    by_role: dict[str | None, Walker] = {}
    for page in PAGES:
        if page.role not in by_role:
            by_role[page.role] = walker()
            if page.role is not None:
                by_role[page.role].login(ROLE_USERS[page.role])
        by_role[page.role].goto(page.path.format(**ids), page.name)
    assert sum(len(w.checked) for w in by_role.values()) == len(PAGES)
    # the logo in the header: loaded under the page's CSP, with its text alternative
    header = by_role["controller"].page
    header.goto("/planer/")
    image = header.locator("header .brand img")
    assert image.get_attribute("alt") == "Knivsta kommun"
    assert header.evaluate("document.querySelector('header .brand img').naturalWidth") > 0
    walker.assert_clean()


def test_printed_pages_drop_the_navigation_and_show_outside_addresses(
    year: dict[str, Any], walker: Walkers
) -> None:
    w = walker()
    w.login("granskare")
    page = w.page
    finding = year["findings"][0]
    page.goto(f"/avvikelser/{finding.pk}/")
    page.emulate_media(media="print")
    shown = page.evaluate(
        """() => ({
        nav: getComputedStyle(document.querySelector("header nav")).display,
        forms: [...document.querySelectorAll("main form")].map(f => getComputedStyle(f).display),
        after: getComputedStyle(document.querySelector('main a[href^="http"]'), "::after").content,
        h1: getComputedStyle(document.querySelector("h1")).display,
      })"""
    )
    assert shown["nav"] == "none" and set(shown["forms"]) == {"none"} and shown["h1"] == "block"
    assert finding.url in shown["after"]
    page.emulate_media(media="screen")
    w.goto(f"/planer/{year['plan'].pk}/", "plan")
    # printed tables stay tables, also from a narrow window
    page.set_viewport_size({"width": 320, "height": 900})
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('table.risks td')).display") == "table-cell"
    page.emulate_media(media="screen")
    assert page.evaluate("getComputedStyle(document.querySelector('table.risks td')).display") == "block"
    walker.assert_clean()


def test_web_editor_checks_a_document(year: dict[str, Any], walker: Walkers) -> None:
    from ..conftest import FIXTURES

    w = walker()
    w.login("redaktor")
    page = w.page
    w.goto("/granska/", "upload")
    page.set_input_files("#id_file", str(FIXTURES / "document-title" / "fail-docx-no-title.docx"))
    page.get_by_role("button", name="Granska filen").click()
    assert page.get_by_role("heading", name=re.compile("Resultat för")).is_visible()
    w.check("upload result")
    walker.assert_clean()


def test_every_page_is_listed() -> None:
    """Every URL name of the register is a page in PAGES or a non-page in NOT_PAGES, so no page goes unchecked."""
    from django.urls import get_resolver

    resolver = get_resolver("tillgang.register.urls")
    names = {name for name in resolver.reverse_dict if isinstance(name, str)}
    listed = {p.name for p in PAGES} | NOT_PAGES
    assert names - listed == set(), "add these pages to PAGES (or to NOT_PAGES when they are no page)"
    assert names >= NOT_PAGES, NOT_PAGES - names
