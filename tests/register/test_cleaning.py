"""Cell cleaning and parsing without the database: HTML, hyphenation, page-break joins, format sniffing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tillgang.register.importers import derive_handling, split_process
from tillgang.register.importers.cleaning import clean_cell, dehyphenate, html_to_text, join_fragments
from tillgang.register.importers.parse import PlanImportError, parse_file, parse_text, sniff_format


def test_html_to_text_keeps_paragraphs_and_drops_inline_tags() -> None:
    text = "<p><i>Rubrik</i></p> <p>Första  stycket &amp; mer.</p><p>Andra<br>raden</p>"
    assert html_to_text(text) == "Rubrik\n\nFörsta stycket & mer.\n\nAndra\n\nraden"


def test_inline_only_html_becomes_plain_text() -> None:
    assert clean_cell("<i>Samhällsfastigheter</i> Risk för", extracted=True) == "Samhällsfastigheter Risk för"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Projektport-följen", "Projektportföljen"),
        ("kvalitets-säkert", "kvalitetssäkert"),
        ("Word- och PPP mallar", "Word- och PPP mallar"),
        ("via e-post", "via e-post"),
        ("IT-stöd och EU-direktiv", "IT-stöd och EU-direktiv"),
        ("Ann-Marie", "Ann-Marie"),
        ("covid-19", "covid-19"),
        ("mallar - brev", "mallar - brev"),
    ],
)
def test_dehyphenate(raw: str, expected: str) -> None:
    assert dehyphenate(raw) == expected


def test_join_fragments_across_a_page_break() -> None:
    assert join_fragments("rättssäkert för för-", "troendevalda att") == "rättssäkert för förtroendevalda att"
    assert join_fragments("Handläggning av ärenden", "(Kommunledningskontoret)") == (
        "Handläggning av ärenden (Kommunledningskontoret)"
    )
    assert join_fragments("Word-", "Och") == "Word- Och"
    assert join_fragments("", "x") == "x"


def test_extracted_only_is_dehyphenated() -> None:
    assert clean_cell("Projektport-följen", extracted=False) == "Projektport-följen"


def test_split_process() -> None:
    assert split_process("Kompetensförsörjning (HR)") == ("Kompetensförsörjning", "HR")
    assert split_process("Projektportföljen") == ("Projektportföljen", "")
    assert split_process("Trygghet för barn (Fritids- och kulturkontoret)") == (
        "Trygghet för barn",
        "Fritids- och kulturkontoret",
    )


@pytest.mark.parametrize(
    ("planning", "handling"),
    [
        ("Hanteras genom granskning i internkontrollplanen.", "ikp"),
        ("Hanteras genom utvecklingsarbete. Hanteras även genom granskning i internkontrollplan.", "both"),
        ("Hanteras inom ramen för verksamhetsutveckling.", "other"),
        ("Risken accepteras.", "accepted"),
        ("", ""),
    ],
)
def test_derive_handling(planning: str, handling: str) -> None:
    assert derive_handling(planning) == handling


HEADER = "Ansvarsområde/ process\tRisk i verksamheten\tRiskvärde\tFöljer plan:\tKommentar:"


def test_text_form_row_split_by_page_break_is_joined() -> None:
    text = "\n".join(
        [
            "Delårsuppföljning - Socialnämndens internkontrollplan 2025",
            "Uppföljning Helår 2025",
            HEADER,
            "Ärenden\tRisk att under-\t9\tJa\tKlart och",
            "",
            "Beslutsdatum: 2025-01-15",
            "Giltighetstid: ÅÅÅÅ-MM-DD",
            "(Socialkontoret)\tlaget brister\t\t\tvidare.",
        ]
    )
    plan = parse_text(text)
    assert (plan.board, plan.year, plan.period, plan.followup_year) == ("Socialnämnden", 2025, "helar", 2025)
    assert [r.get("process") for r in plan.rows] == ["Ärenden (Socialkontoret)"]
    assert plan.rows[0].get("risk") == "Risk att underlaget brister"
    assert plan.rows[0].get("comment") == "Klart och vidare."
    assert plan.rows[0].row == 4


def test_text_form_wrong_column_count_names_row_and_column() -> None:
    text = "\n".join(["Titel", HEADER, "A\tRisk\t9\tJa\tKommentar", "B\tRisk\t9"])
    with pytest.raises(PlanImportError) as info:
        parse_text(text)
    assert info.value.row == 4
    assert "rad 4" in str(info.value) and "kolumn" in str(info.value)


def test_sniff_from_content_not_name(tmp_path: Path) -> None:
    csv_file = tmp_path / "plan.txt"
    csv_file.write_text("process,risk,risk_value\nA,Risk att,9\n", encoding="utf-8")
    assert sniff_format(csv_file) == "csv"
    text_file = tmp_path / "plan.csv"
    text_file.write_text("Titel\n\n" + HEADER + "\nA\tRisk\t9\tJa\tK\n", encoding="utf-8")
    assert sniff_format(text_file) == "text"
    zip_file = tmp_path / "x.docx"
    zip_file.write_bytes(b"PK\x03\x04not really a zip")
    with pytest.raises(PlanImportError, match="zip"):
        sniff_format(zip_file)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(PlanImportError, match="tom"):
        parse_file(empty)
