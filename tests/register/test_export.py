"""Exports: CSV columns, XLSX, and the .docx report's structure and accessibility."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from tillgang.register.exports import COLUMNS, ExportError, export

pytestmark = [pytest.mark.db, pytest.mark.django_db]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_csv_columns_and_rows(tmp_path: Path, imported: Any) -> None:
    out = tmp_path / "r.csv"
    assert export("csv", out, 2024) == 6
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert set(rows[0]) >= {
        "process",
        "risk",
        "risk_value",
        "critical",
        "handling",
        "follows_plan",
        "comment",
    }
    assert tuple(rows[0]) == COLUMNS
    assert [r["risk_value"] for r in rows] == ["9", "9", "9", "9", "8", "9"]
    assert {r["critical"] for r in rows} == {"ja"}
    assert {r["follows_plan"] for r in rows} == {"Ja"}
    assert rows[2]["process"] == "Handläggning av ärenden (Kommunledningskontoret)"
    assert rows[3]["comment"].startswith("Tillgängliga dokument\n\nKommunikationsenheten")
    assert rows[4]["handling"] == "Både granskning och annan planering"


def test_xlsx(tmp_path: Path, imported: Any) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "r.xlsx"
    export("xlsx", out, 2024)
    ws = load_workbook(out).active
    assert ws is not None
    values = list(ws.iter_rows(values_only=True))
    assert values[0] == COLUMNS
    assert len(values) == 7
    header = {name: i for i, name in enumerate(values[0])}
    assert [row[header["risk_value"]] for row in values[1:]] == [9, 9, 9, 9, 8, 9]
    assert values[1][header["process"]] == "Kompetensförsörjning (HR)"


def test_unknown_plan_year(tmp_path: Path, imported: Any) -> None:
    with pytest.raises(ExportError, match="2031"):
        export("csv", tmp_path / "x.csv", 2031)


def _docx(tmp_path: Path) -> Path:
    out = tmp_path / "uppfoljning.docx"
    assert export("docx", out, 2024) == 6
    return out


def test_docx_structure(tmp_path: Path, imported: Any) -> None:
    import docx

    document = docx.Document(str(_docx(tmp_path)))
    assert document.core_properties.title == "Delårsuppföljning – Kommunstyrelsens internkontrollplan 2024"
    assert document.core_properties.language == "sv-SE"
    styled = [(p.style.name, p.text) for p in document.paragraphs if p.style is not None]
    assert ("Title", "Delårsuppföljning – Kommunstyrelsens internkontrollplan 2024") in styled
    headings = [(name, text) for name, text in styled if name.startswith("Heading")]
    assert headings == [
        ("Heading 1", "Bakgrund"),
        ("Heading 1", "Uppföljning Delår 2024"),
        ("Heading 2", "Tabell över kritiska risker (IKP 2024)"),
    ]
    defaults = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert defaults is not None and defaults.get(f"{W}val") == "sv-SE"
    runs = document.element.body.iter(f"{W}r")
    assert all(r.find(f"{W}rPr/{W}lang").get(f"{W}val") == "sv-SE" for r in runs)
    (table,) = document.tables
    assert len(table.rows) == 7
    assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    assert table.rows[0].cells[2].text == "Riskvärde"
    assert [row.cells[2].text for row in table.rows[1:]] == ["9", "9", "9", "9", "8", "9"]
    assert table.rows[3].cells[0].text == "Handläggning av ärenden (Kommunledningskontoret)"
    assert [p.text for p in table.rows[4].cells[6].paragraphs][:2] == [
        "Tillgängliga dokument",
        "Kommunikationsenheten har tagit fram fyra mallar som rätt används tillgängliga dokument: en "
        "presentationsmall och tre olika wordmallar - brev, rapport och dokument. Systemansvaret för mallarna "
        "ligger hos Kommunikationsenheten, medan Advania ansvarar för att de finns implementerade i kommunens "
        "alla datorer/klienter.",
    ]
    body = "\n".join(p.text for p in document.paragraphs)
    assert "6 bedömda risker" in body and "Sex av dem" in body
    assert "Sex av 6 kritiska risker bedöms följa beslutad planering" in body


def test_docx_passes_tillgang_check(tmp_path: Path, imported: Any) -> None:
    from tillgang.engine import check_file

    entry = check_file(_docx(tmp_path))
    assert entry["error"] is None, entry["error"]
    failed = {rule for rule, outcome in entry["rules"].items() if outcome == "failed"}
    assert failed == set(), [f for f in entry["findings"] if f["outcome"] == "failed"]
    assert entry["rules"].get("document-title") == "passed"
    assert entry["rules"].get("document-lang") == "passed"
