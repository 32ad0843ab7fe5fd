"""The accessibility statement draft: DIGG's headings, counts of affected items, and what it may never claim."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tillgang.cli import main
from tillgang.engine import CheckOptions, check_file
from tillgang.statement import (
    HEADINGS,
    Decision,
    StatementError,
    StatementInput,
    build_statement,
    criteria_data,
    render_statement,
)

TOOL = {"name": "tillgang", "version": "0.1.0", "catalogue": "ab" * 32}


def doc(
    url: str, rules: dict[str, str], fmt: str = "pdf", title: str | None = None, sha: str = ""
) -> dict[str, Any]:
    return {
        "source": url,
        "url": url,
        "format": fmt,
        "title": title,
        "sha256": sha or url,
        "error": None,
        "rules": rules,
    }


RUN = {
    "tool": TOOL,
    "run": {"finished": "2026-11-30T02:10:00+00:00"},
    "pages": [
        doc("https://kommun.se/", {"document-title": "passed", "image-alt": "failed"}, "html", "Start"),
        doc("https://kommun.se/bygga", {"document-title": "passed", "image-alt": "passed"}, "html", "Bygga"),
    ],
    "documents": [
        doc(
            "https://kommun.se/a.pdf",
            {"pdf-tagged": "failed", "image-alt": "failed"},
            title="Årsredovisning 2025",
        ),
        doc(
            "https://kommun.se/b.pdf",
            {"pdf-tagged": "failed", "document-title": "failed"},
            title="Microsoft Word - b.docx",
        ),
        doc(
            "https://kommun.se/c.docx", {"image-alt": "passed", "color-contrast": "cantTell"}, "docx", "Taxa"
        ),
        doc("https://kommun.se/d.pdf", {"pdf-tagged": "passed"}, title="Blankett"),
        {
            "source": "https://kommun.se/e.pdf",
            "format": "pdf",
            "sha256": "e",
            "error": {"code": "encrypted", "message": "…"},
        },
    ],
}
INFO = StatementInput(
    organisation="Knivsta kommun",
    service="knivsta.se",
    contact="e-post kommunen@knivsta.se, telefon 018-34 70 00",
    feedback_url="https://knivsta.se/tillganglighet/rapportera",
    decisions=[
        Decision("status", "delvis", "Brister enligt granskning", "Anna Andersson", dt.date(2026, 11, 30))
    ],
)


def test_nonconformities_are_grouped_by_criterion_with_affected_items_and_shares() -> None:
    model = build_statement(RUN, INFO)
    by_sc = {n["wcag"]: n for n in model["nonconformities"]}
    assert set(by_sc) == {"1.1.1", "1.3.1", "2.4.2"}
    alt = by_sc["1.1.1"]
    assert (alt["documents"], alt["pages"]) == (1, 1)
    assert alt["documents_share"] == 25.0  # 1 of 4 checked documents (the encrypted one was not checked)
    assert alt["pages_share"] == 50.0
    assert alt["en301549"] == ["9.1.1.1", "10.1.1.1"]
    assert alt["examples"][0] == "Årsredovisning 2025 (https://kommun.se/a.pdf)"
    tagged = by_sc["1.3.1"]
    assert (tagged["documents"], tagged["pages"]) == (2, 0)
    assert tagged["en301549"] == ["10.1.3.1"]
    # a placeholder title is not shown as a title: the URL is
    assert by_sc["2.4.2"]["examples"] == ["https://kommun.se/b.pdf"]
    assert "Användning utan synförmåga" in alt["situations"]
    assert model["population"] == {
        "pages_checked": 2,
        "documents_checked": 4,
        "not_checked": {"encrypted": 1},
    }


def test_an_opt_in_rule_set_never_reaches_the_statement() -> None:
    """The statement answers to EN 301 549 V3.2.1 (WCAG 2.1): a WCAG 2.2 rule's failure (--rule-set wcag22) is no
    nonconformity and no clause is made up for it."""
    page = doc(
        "https://kommun.se/meny", {"document-title": "passed", "target-size": "failed"}, "html", "Meny"
    )
    model = build_statement({**RUN, "pages": [*RUN["pages"], page]}, INFO)
    assert "2.5.8" not in {n["wcag"] for n in model["nonconformities"]}
    assert {n["wcag"] for n in model["nonconformities"]} == {"1.1.1", "1.3.1", "2.4.2"}


def test_cant_tell_is_never_counted_as_nonconformance() -> None:
    model = build_statement(RUN, INFO)
    assert "1.4.3" not in {n["wcag"] for n in model["nonconformities"]}
    assert [(m["wcag"], m["documents"]) for m in model["manual_review"]] == [("1.4.3", 1)]


def test_the_draft_never_claims_full_conformance() -> None:
    info = StatementInput(
        "Knivsta kommun",
        "knivsta.se",
        contact="x",
        decisions=[Decision("status", "helt", "inga fel", "Anna Andersson", dt.date(2026, 11, 30))],
    )
    with pytest.raises(StatementError):
        build_statement(RUN, info)
    clean = {"tool": TOOL, "documents": [doc("https://kommun.se/d.pdf", {"pdf-tagged": "passed"})]}
    model = build_statement(clean, StatementInput("Knivsta kommun", "knivsta.se", contact="x"))
    assert model["status"] is None and model["proposed_status"] is None
    html = render_statement(model, "html").decode()
    assert "helt förenlig" not in html
    assert "inte betyder" not in html and "Det betyder inte att webbplatsen är helt tillgänglig" in html


def test_exemptions_need_a_named_person_and_are_tied_to_the_content() -> None:
    info = StatementInput(
        "Knivsta kommun",
        "knivsta.se",
        contact="x",
        decisions=[
            Decision(
                "9",
                "Gammalt protokoll",
                "Publicerat 2017-05-02, ingen aktiv process",
                "Bo Berg",
                dt.date(2026, 11, 1),
                sha256="https://kommun.se/a.pdf",
            ),
            Decision("12", "Kartan", "Skäl", "", dt.date(2026, 11, 1)),  # no decision maker: left out
        ],
    )
    model = build_statement(RUN, info)
    assert [d["subject"] for d in model["exempt"]] == ["Gammalt protokoll"]
    assert model["burden"] == []
    assert any("saknar namngiven beslutsfattare" in g for g in model["gaps"])
    # the exempted document (matched by sha256) is not counted
    assert model["population"]["documents_checked"] == 3


def test_missing_contact_and_status_are_visible_gaps() -> None:
    model = build_statement(RUN, StatementInput("Knivsta kommun", "knivsta.se"))
    assert len(model["gaps"]) == 2
    html = render_statement(model, "html").decode()
    assert "[KONTAKTVÄGAR SAKNAS]" in html and "Förslag: delvis förenlig" in html


def test_every_criterion_is_known_and_not_covered_ones_are_listed() -> None:
    data = criteria_data()
    assert len(data["criteria"]) == 50  # WCAG 2.1 A + AA
    assert all(set(c["situations"] + c["also"]) <= set(data["situations"]) for c in data["criteria"].values())
    model = build_statement(RUN, INFO)
    not_covered = {c["wcag"] for c in model["not_covered"]}
    assert "1.3.3" in not_covered and "2.3.1" in not_covered
    assert "1.1.1" not in not_covered
    assert "1.2.2" not in not_covered  # media-alternative lists each video for a person (partly covered)


def test_html_has_digg_headings_in_order_and_passes_our_html_rules(tmp_path: Path) -> None:
    html = render_statement(build_statement(RUN, INFO), "html").decode()
    order = [
        html.index(HEADINGS[k])
        for k in (
            "how",
            "what",
            "report",
            "supervision",
            "technical",
            "content",
            "noncompliance",
            "burden",
            "exempt",
            "tested",
        )
    ]
    assert order == sorted(order)
    assert html.index("<h1>Tillgänglighet för knivsta.se</h1>") < order[0]
    assert "Beslutat av Anna Andersson 2026-11-30" in html
    assert "https://www.digg.se/tdosanmalan" in html
    page = tmp_path / "redogorelse.html"
    page.write_text(html, encoding="utf-8")
    entry = check_file(page, CheckOptions())
    assert entry["error"] is None
    assert [f for f in entry["findings"] if f["outcome"] == "failed"] == []


@pytest.mark.parametrize(
    "info", [INFO, StatementInput("Knivsta kommun", "knivsta.se")], ids=["complete", "gaps"]
)
def test_docx_passes_tillgang_check(info: StatementInput, tmp_path: Path) -> None:
    out = tmp_path / "redogorelse.docx"
    out.write_bytes(render_statement(build_statement(RUN, info), "docx"))
    entry = check_file(out, CheckOptions())
    assert entry["error"] is None
    assert entry["title"] == "Tillgänglighet för knivsta.se"
    assert [f for f in entry["findings"] if f["outcome"] == "failed"] == []


def test_the_statement_command(tmp_path: Path) -> None:
    run = tmp_path / "run.json"
    run.write_text(json.dumps(RUN), encoding="utf-8")
    config = tmp_path / "tillgang.toml"
    config.write_text(
        '[statement]\norganisation = "Knivsta kommun"\nservice = "knivsta.se"\ncontact = "kommunen@knivsta.se"\n'
        '[[statement.decisions]]\nkind = "status"\nsubject = "delvis"\nreason = "granskning"\n'
        'decided_by = "Anna Andersson"\ndecided_on = 2026-11-30\n',
        encoding="utf-8",
    )
    out = tmp_path / "s.json"
    assert main(["statement", str(run), "--config", str(config), "--format", "json", "--out", str(out)]) == 0
    model = json.loads(out.read_text(encoding="utf-8"))
    assert model["status"]["value"] == "delvis"
    assert model["gaps"] == []
