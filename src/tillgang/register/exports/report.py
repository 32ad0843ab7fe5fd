"""The follow-up report as .docx, shaped like the municipality's delårsuppföljning.

Accessible by construction: the document title in the core properties, Swedish (sv-SE) as the default language
and on every run, real Heading styles, a table whose first row is a repeating header row (w:tblHeader), and
dark text on white.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from ...render.docxwriter import repeat_header_row, set_default_language
from . import ExportError, select_plans

LANG = "sv-SE"
HEADERS = (
    "Ansvarsområde/process",
    "Risk i verksamheten för att inte kunna säkerställa utförandet av ansvarsområde/process",
    "Riskvärde",
    "Befintliga åtgärder/kontrollmoment",
    "Ställningstagande av hantering (planering)",
    "Följer plan:",
    "Kommentar:",
)
PERIOD_TITLE = {"delar": "Delårsuppföljning", "helar": "Helårsuppföljning"}
PERIOD_NAME = {"delar": "Delår", "helar": "Helår"}
NUMBERS = {
    0: "Inga",
    1: "En",
    2: "Två",
    3: "Tre",
    4: "Fyra",
    5: "Fem",
    6: "Sex",
    7: "Sju",
    8: "Åtta",
    9: "Nio",
}


def _count(n: int) -> str:
    return NUMBERS.get(n, str(n))


def _set_lang(element: Any) -> None:
    """Add <w:lang w:val="sv-SE"/> to a run's or style's rPr."""
    rpr = element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANG)
    lang.set(qn("w:eastAsia"), LANG)
    lang.set(qn("w:bidi"), "ar-SA")


def _paragraph(container: Any, text: str, style: str | None = None, bold: bool = False) -> Any:
    paragraph = container.add_paragraph(style=style)
    run = paragraph.add_run(text)
    run.bold = bold or None
    _set_lang(run._element)
    return paragraph


def _cell_text(cell: Any, text: str, bold: bool = False) -> None:
    parts = [p for p in text.split("\n\n") if p.strip()] or [""]
    first = cell.paragraphs[0]
    for i, part in enumerate(parts):
        paragraph = first if i == 0 else cell.add_paragraph()
        run = paragraph.add_run(part)
        run.bold = bold or None
        _set_lang(run._element)


def _style_document(document: Any) -> None:
    set_default_language(document, LANG)
    black = RGBColor(0, 0, 0)
    dark = RGBColor(0x1F, 0x38, 0x64)
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    normal.font.color.rgb = black
    for name, size in (("Title", 24), ("Heading 1", 16), ("Heading 2", 14)):
        style = document.styles[name]
        style.font.color.rgb = dark
        style.font.size = Pt(size)
        _set_lang(style.element)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    width, height = section.page_width, section.page_height
    if width is not None and height is not None and width < height:
        section.page_width, section.page_height = height, width


def build_report(plan: Any, period: str | None = None) -> Any:
    from ..models import FollowUp

    if period is None:
        latest = FollowUp.objects.filter(risk__plan=plan).order_by("-year", "-period").first()
        period = latest.period if latest else "delar"
    year = plan.year
    # retired risks are no longer followed up: out of the counts and the table (the plan page lists them)
    risks = list(
        plan.risks.filter(retired__isnull=True)
        .select_related("process")
        .prefetch_related("followups")
        .order_by("order", "id")
    )
    critical = [r for r in risks if r.critical]
    title = f"{PERIOD_TITLE[period]} – {plan}"
    document = _new_document(title, year)
    _paragraph(document, title, style="Title")
    _paragraph(document, f"Beslutsdatum: {plan.decided.isoformat() if plan.decided else 'ej angivet'}")
    _paragraph(
        document, f"Giltighetstid: {plan.valid_until.isoformat() if plan.valid_until else 'ej angiven'}"
    )

    _paragraph(document, "Bakgrund", style="Heading 1")
    _paragraph(
        document,
        "Enligt kommunallagen (6 kap. 6 §) ska nämnderna se till att verksamheten följer fullmäktiges mål och "
        "riktlinjer och de lagar och regler som gäller för den, och att den interna kontrollen är tillräcklig. "
        "Internkontrollplanen bygger på en riskanalys där riskerna har inventerats, bedömts och fått ett "
        "ställningstagande om hur de ska hanteras.",
    )

    fups: dict[int, Any] = {}
    for risk in critical:
        for f in risk.followups.all():
            if f.period == period and f.year == year:
                fups[risk.pk] = f
    _follow_up_summary(document, plan, period, risks, critical, fups)
    _paragraph(document, f"Tabell över kritiska risker (IKP {year})", style="Heading 2")
    if not critical:
        _paragraph(document, "Planen har inga kritiska risker.")
        return document
    _risk_table(document, critical, fups)
    return document


def _new_document(title: str, year: int) -> Any:
    """An empty report in the house style, with its core properties."""
    document = Document()
    _style_document(document)
    props = document.core_properties
    props.title = title
    props.language = LANG
    props.subject = f"Uppföljning av internkontrollplan {year}"
    props.author = "tillgang"
    props.keywords = "internkontroll, uppföljning"
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    props.created = now
    props.modified = now
    return document


def _follow_up_summary(
    document: Any, plan: Any, period: str, risks: list[Any], critical: list[Any], fups: dict[int, Any]
) -> None:
    """The follow-up section's text: how many risks, how the critical ones are handled and followed."""
    year = plan.year
    _paragraph(document, f"Uppföljning {PERIOD_NAME[period]} {year}", style="Heading 1")
    handled = {k: sum(1 for r in critical if r.handling == k) for k in ("ikp", "other", "both", "accepted")}
    following = sum(1 for f in fups.values() if f.follows_plan is True)
    not_following = sum(1 for f in fups.values() if f.follows_plan is False)
    missing = len(critical) - following - not_following  # no follow-up for the period, or no answer yet
    _paragraph(
        document,
        f"{plan.board} har antagit en internkontrollplan för {year}. I planens bruttolista finns "
        f"{len(risks)} bedömda risker. {_count(len(critical))} av dem har ett riskvärde som gör att de bedöms "
        f"som kritiska.",
    )
    retired = plan.risks.filter(retired__isnull=False).count()
    if retired:
        word = "risk är avvecklad" if retired == 1 else "risker är avvecklade"
        _paragraph(document, f"{_count(retired)} {word} under året och ingår inte i uppföljningen.")
    parts = []
    if handled["ikp"]:
        parts.append(f"{_count(handled['ikp']).lower()} ska granskas i internkontrollplanen")
    if handled["both"]:
        parts.append(f"{_count(handled['both']).lower()} ska både granskas och omhändertas i annan planering")
    if handled["other"]:
        parts.append(f"{_count(handled['other']).lower()} ska omhändertas i annan planering")
    if handled["accepted"]:
        parts.append(f"{_count(handled['accepted']).lower()} accepteras")
    if parts:
        text = ", ".join(parts[:-1]) + (" och " if len(parts) > 1 else "") + parts[-1]
        _paragraph(document, f"Av de kritiska riskerna {text}.")
    status = f"{_count(following)} av {len(critical)} kritiska risker bedöms följa beslutad planering"
    rest = []
    if not_following:
        rest.append(f"{_count(not_following).lower()} bedöms inte följa den")
    if missing:
        rest.append(
            f"{_count(missing).lower()} saknar ännu uppföljning för {PERIOD_NAME[period].lower()} {year}"
        )
    if rest:
        status += ", " + " och ".join(rest)
    _paragraph(
        document,
        "Tabellen nedan visar om hanteringen följer planen, med en beskrivning av genomförda och planerade "
        f"aktiviteter. {status}.",
    )


def _risk_table(document: Any, critical: list[Any], fups: dict[int, Any]) -> None:
    """The table of critical risks, one row each, with the period's follow-up."""
    table = document.add_table(rows=1, cols=len(HEADERS))
    table.style = document.styles["Table Grid"]
    header = table.rows[0]
    repeat_header_row(header)
    for cell, text in zip(header.cells, HEADERS, strict=True):
        _cell_text(cell, text, bold=True)
    for risk in critical:
        f = fups.get(risk.pk)
        values = (
            str(risk.process),
            risk.description,
            "" if risk.value is None else str(risk.value),
            risk.existing_controls,
            risk.planning,
            f.follows_plan_text if f else "",
            f.comment if f else "",
        )
        row = table.add_row()
        for cell, text in zip(row.cells, values, strict=True):
            _cell_text(cell, text)


def export_docx(out: Path, year: int | None, board: str | None = None, period: str | None = None) -> int:
    plans = select_plans(year, board)
    if year is None:
        latest = max(p.year for p in plans)
        plans = [p for p in plans if p.year == latest]
    if len(plans) > 1:
        names = ", ".join(p.board.name for p in plans)
        raise ExportError(f"flera nämnder har en plan för {plans[0].year} ({names}); välj en med --board")
    plan = plans[0]
    document = build_report(plan, period)
    document.save(str(out))
    return sum(1 for r in plan.risks.filter(retired__isnull=True) if r.critical)
