"""Importing the seed and the other formats into the database: exact content, idempotency, atomic errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tillgang.register.importers import PlanImportError, import_file
from tillgang.register.models import Board, FollowUp, Plan, Process, Risk

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def _history_rows() -> int:
    return sum(m.history.count() for m in (Board, Plan, Process, Risk, FollowUp))


def _snapshot() -> list[tuple[Any, ...]]:
    rows = []
    for risk in Risk.objects.select_related("process", "plan__board").order_by("order"):
        fups = tuple(
            (f.period, f.year, f.follows_plan, f.comment) for f in risk.followups.order_by("year", "period")
        )
        rows.append(
            (
                risk.plan.board.name,
                risk.plan.year,
                str(risk.process),
                risk.description,
                risk.value,
                risk.existing_controls,
                risk.handling,
                risk.planning,
                fups,
            )
        )
    return rows


def test_seed_import_exact(imported: Any) -> None:
    assert imported.risks.created == 6
    plan = Plan.objects.get()
    assert plan.board.name == "Kommunstyrelsen"
    assert plan.year == 2024
    assert plan.title == "Kommunstyrelsens internkontrollplan 2024"
    assert plan.decided is None and plan.valid_until is None  # the seed's "ÅÅÅÅ-MM-DD" placeholders
    risks = list(plan.risks.order_by("order"))
    assert [r.value for r in risks] == [9, 9, 9, 9, 8, 9]
    assert all(r.critical for r in risks)
    assert [str(r.process) for r in risks] == [
        "Kompetensförsörjning (HR)",
        "Kompetensförsörjning (HR)",
        "Handläggning av ärenden (Kommunledningskontoret)",
        "Hantera demokrati och tillsyn – hantera och tillhandahålla allmänna handlingar (Kommunledningskontoret)",
        "Trygghet för barn (Fritids- och kulturkontoret)",
        "Projektportföljen",
    ]
    joined = risks[2]
    assert joined.process.name == "Handläggning av ärenden"
    assert joined.process.office == "Kommunledningskontoret"
    assert joined.description == (
        "Risk att underlag inte är genomarbetade kvalitetssäkert och rättssäkert för förtroendevalda att ta "
        "beslut på. Risken innefattar även att stoppdatum inte följs"
    )
    assert "Tjänstemannaberedning sker löpande." in joined.existing_controls
    assert (
        joined.planning
        == "Hanteras genom utvecklingsarbete, där föreslagen process ska fastställas och förankras."
    )
    assert "Word- och PPP mallar" in risks[3].existing_controls  # a real hyphen is kept
    assert risks[5].description.startswith("Samhällsfastigheter Risk för")
    assert [r.handling for r in risks] == ["other", "other", "other", "other", "both", "other"]
    for risk in risks:
        assert "<" not in risk.description + risk.existing_controls + risk.planning


def test_seed_followups(imported: Any) -> None:
    fups = list(FollowUp.objects.order_by("risk__order"))
    assert len(fups) == 6
    assert {(f.period, f.year, f.follows_plan) for f in fups} == {("delar", 2024, True)}
    assert fups[0].comment.startswith("Verksamheterna har haft sina medarbetarsamtal")
    assert fups[2].comment.endswith("krävs fortsatt arbete med förankring och efterlevnad.")
    access = fups[3].comment
    assert "<" not in access
    paragraphs = access.split("\n\n")
    assert paragraphs[0] == "Tillgängliga dokument"
    assert paragraphs[1].startswith("Kommunikationsenheten har tagit fram fyra mallar")
    assert len(paragraphs) == 8
    assert fups[4].comment.count("\n\n") == 1


def test_reimport_changes_nothing(seed_path: Path, imported: Any) -> None:
    before, history = _snapshot(), _history_rows()
    again = import_file(seed_path)
    assert (again.risks.created, again.risks.changed, again.risks.unchanged) == (0, 0, 6)
    assert (again.followups.created, again.followups.changed, again.followups.unchanged) == (0, 0, 6)
    assert _snapshot() == before
    assert _history_rows() == history


def test_history_records_the_import(imported: Any) -> None:
    risk = Risk.objects.order_by("order").first()
    assert risk is not None
    record = risk.history.get()
    assert record.history_type == "+"
    assert record.history_change_reason == "import delarsuppfoljning-ikp-2024.txt"


def _csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "plan.csv"
    path.write_text(body, encoding="utf-8")
    return path


HEADER = "board,plan_year,process,risk,risk_value,follows_plan,comment\n"


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("KS,2024,B (X),Risk två,10,Ja,k", "5 (risk_value)", "inget möjligt riskvärde"),
        ("KS,2024,B (X),Risk två,nio,Ja,k", "5 (risk_value)", "inget heltal"),
        ("KS,2024,B (X),Risk två,9,Kanske,k", "6 (follows_plan)", "Ja eller Nej"),
        ("KS,2024,,Risk två,9,Ja,k", "3 (process)", "process saknas"),
    ],
)
def test_malformed_file_is_atomic_and_names_row_and_column(
    tmp_path: Path, row: str, column: str, message: str
) -> None:
    path = _csv(tmp_path, HEADER + "KS,2024,A (X),Risk ett,9,Ja,bra\n" + row + "\n")
    with pytest.raises(PlanImportError) as info:
        import_file(path)
    assert info.value.row == 3
    assert info.value.column == column
    assert message in str(info.value)
    assert f"rad 3, kolumn {column}" in str(info.value)
    assert not Board.objects.exists() and not Risk.objects.exists() and not FollowUp.objects.exists()


def test_database_error_midway_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _csv(tmp_path, HEADER + "KS,2024,A (X),Risk ett,9,Ja,bra\nKS,2024,B (X),Risk två,8,Nej,dåligt\n")
    real_save = FollowUp.save
    calls = []

    def failing_save(self: FollowUp, *args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real_save(self, *args, **kwargs)

    monkeypatch.setattr(FollowUp, "save", failing_save)
    with pytest.raises(RuntimeError):
        import_file(path)
    assert not Risk.objects.exists() and not FollowUp.objects.exists() and not Plan.objects.exists()


def test_csv_with_scores_computes_value_and_checks_it(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "board,plan_year,process,risk,likelihood,consequence,risk_value\n"
        "KS,2025,A,Risk ett,2,4,\nKS,2025,A,Risk två,1,3,3\n",
    )
    import_file(path)
    assert [(r.likelihood, r.consequence, r.value, r.critical) for r in Risk.objects.order_by("order")] == [
        (2, 4, 8, True),
        (1, 3, 3, False),
    ]
    wrong = _csv(
        tmp_path, "board,plan_year,process,risk,likelihood,consequence,risk_value\nKS,2025,A,R,2,4,9\n"
    )
    with pytest.raises(PlanImportError, match="stämmer inte"):
        import_file(wrong)


def test_csv_without_board_needs_option(tmp_path: Path) -> None:
    path = _csv(tmp_path, "process;risk;riskvärde\nA;Risk ett;4\n")
    with pytest.raises(PlanImportError, match="--board"):
        import_file(path)
    import_file(path, board="Socialnämnden", year=2026)
    assert Plan.objects.get().board.name == "Socialnämnden"
    assert Risk.objects.get().value == 4


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "docx"])
def test_round_trip_through_export(fmt: str, tmp_path: Path, imported: Any) -> None:
    from tillgang.register.exports import export

    before, history = _snapshot(), _history_rows()
    out = tmp_path / f"register.{fmt}"
    export(fmt, out, 2024)
    result = import_file(out)
    assert result.format == fmt
    assert (result.risks.created, result.risks.changed, result.risks.unchanged) == (0, 0, 6)
    assert (result.followups.created, result.followups.changed) == (0, 0)
    assert _snapshot() == before
    assert _history_rows() == history
    # into an empty register the export rebuilds the same plan
    Risk.objects.all().delete()
    import_file(out)
    assert _snapshot() == before


def test_docx_table_import(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Helårsuppföljning - Barn- och ungdomsnämndens internkontrollplan 2023")
    document.add_paragraph("Uppföljning Helår 2023")
    table = document.add_table(rows=1, cols=4)
    headers = ["Ansvarsområde/ process", "Risk", "Riskvärde", "Kommentar:"]
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    row = table.add_row().cells
    row[0].text, row[1].text, row[2].text = "Skolskjuts (BUF)", "Risk att skjutsen uteblir", "6"
    row[3].text = "Första stycket."
    row[3].add_paragraph("Andra stycket.")
    path = tmp_path / "plan.bin"
    document.save(str(path))
    result = import_file(path)
    assert result.format == "docx"
    risk = Risk.objects.get()
    assert risk.plan.board.name == "Barn- och ungdomsnämnden"
    assert (str(risk.process), risk.value, risk.critical) == ("Skolskjuts (BUF)", 6, False)
    fup = risk.followups.get()
    assert (fup.period, fup.year, fup.follows_plan) == ("helar", 2023, None)
    assert fup.comment == "Första stycket.\n\nAndra stycket."


def test_matrix_change_recomputes_values_with_history(settings: Any, imported: Any) -> None:
    from tillgang.register.models import recompute_risk_values

    risk = Risk.objects.get(order=5)
    risk.likelihood, risk.consequence = 2, 4
    risk.save()
    assert risk.value == 8 and risk.critical
    settings.TILLGANG_RISK = {
        "method": "grid",
        "grid": [[1, 1, 2, 2], [1, 2, 2, 3], [2, 2, 3, 3], [2, 3, 3, 3]],
        "critical_from": 3,
    }
    # all six now have scores: five 9s were imported as 3 × 3 (the only cell giving 9), and this one by hand
    assert recompute_risk_values() == 6
    risk.refresh_from_db()
    assert risk.value == 3 and risk.critical
    assert risk.history.first().history_change_reason == "ny riskmatris i konfigurationen"
    assert Risk.objects.get(order=1).value == 3
    assert recompute_risk_values() == 0


def test_scores_follow_from_a_value_only_one_cell_gives(imported: Any) -> None:
    """9 is only 3 × 3 on the 1-4 scales, so the seed's 9s get their scores; 8 (2 × 4 or 4 × 2) does not."""
    scores = [(r.value, r.likelihood, r.consequence) for r in Risk.objects.order_by("order")]
    assert scores == [(9, 3, 3), (9, 3, 3), (9, 3, 3), (9, 3, 3), (8, None, None), (9, 3, 3)]


def test_risk_added_by_hand_goes_last(imported: Any) -> None:
    plan = Plan.objects.get()
    process = Process.objects.get(name="Projektportföljen")
    risk = Risk.objects.create(
        plan=plan, process=process, description="Risk att", likelihood=1, consequence=2
    )
    assert (risk.order, risk.value, risk.critical, risk.level) == (7, 2, False, "Låg")
