"""Parse a plan's table from the seed's text form, .docx, .xlsx or .csv into neutral rows (no database)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .cleaning import clean_cell, join_fragments

__all__ = ["FIELDS", "Cell", "ParsedPlan", "ParsedRow", "PlanImportError", "parse_file", "sniff_format"]

MAX_BYTES = 50 * 1024 * 1024


class PlanImportError(ValueError):
    """A malformed import file: names the row and column so a person can fix it."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.row, self.column, self.detail = row, column, message
        where = []
        if row is not None:
            where.append(f"rad {row}")
        if column:
            where.append(f"kolumn {column}")
        super().__init__((", ".join(where) + ": " if where else "") + message)


# field -> header texts (lower-case, whitespace collapsed, trailing ':' removed); the first is our export's.
FIELDS: dict[str, tuple[str, ...]] = {
    "board": ("board", "nämnd"),
    "plan_year": ("plan_year", "planår"),
    "plan_title": ("plan_title", "plan"),
    "process": ("process", "ansvarsområde/ process", "ansvarsområde/process", "ansvarsområde / process"),
    "risk": ("risk", "risk i verksamheten", "risk i verksamheten för att inte kunna säkerställa utförandet"),
    "likelihood": ("likelihood", "sannolikhet"),
    "consequence": ("consequence", "konsekvens"),
    "risk_value": ("risk_value", "riskvärde"),
    "critical": ("critical", "kritisk"),
    "existing_controls": ("existing_controls", "befintliga åtgärder/kontrollmoment", "befintliga åtgärder"),
    "handling": ("handling", "ställningstagande"),
    "planning": ("planning", "ställningstagande av hantering (planering)", "planering"),
    "retired": ("retired", "avvecklad"),
    "period": ("period",),
    "followup_year": ("followup_year", "uppföljningsår"),
    "follows_plan": ("follows_plan", "följer plan"),
    "comment": ("comment", "kommentar"),
}


def match_header(text: str) -> str | None:
    key = " ".join(str(text).split()).lower().rstrip(":").strip()
    if not key:
        return None
    for name, options in FIELDS.items():
        if key in options:
            return name
    if key.startswith("risk i verksamheten"):
        return "risk"
    if key.startswith("ställningstagande av hantering"):
        return "planning"
    return None


@dataclass
class Cell:
    value: str
    column: str  # "3 (Riskvärde)": position and header as in the file


@dataclass
class ParsedRow:
    row: int
    cells: dict[str, Cell]

    def get(self, name: str) -> str:
        cell = self.cells.get(name)
        return cell.value if cell else ""

    def column(self, name: str) -> str:
        cell = self.cells.get(name)
        return cell.column if cell else FIELDS[name][0]


@dataclass
class ParsedPlan:
    source_format: str
    title: str = ""
    board: str | None = None
    year: int | None = None
    plan_title: str = ""
    decided: dt.date | None = None
    valid_until: dt.date | None = None
    period: str | None = None
    followup_year: int | None = None
    rows: list[ParsedRow] = field(default_factory=list)


_PLAN_TITLE = re.compile(r"(?P<gen>[^\s].*?)s\s+internkontrollplan\s+(?P<year>\d{4})")
_FOLLOWUP = re.compile(r"^\s*Uppföljning\s+(?P<period>delår|helår)\s+(?P<year>\d{4})\s*$", re.I)
_DATE_LINE = re.compile(r"^\s*(?P<key>Beslutsdatum|Giltighetstid)\s*:\s*(?P<value>.*?)\s*$", re.I)


def parse_date(value: str, row: int, column: str) -> dt.date | None:
    """An ISO date (ÅÅÅÅ-MM-DD), or None for an empty cell or a placeholder; anything else is an error."""
    return _date(value, row, column)


def _date(value: str, row: int, column: str) -> dt.date | None:
    value = value.strip()
    if not value or value.upper().startswith("ÅÅÅÅ") or value.lower().startswith("ej angiv"):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PlanImportError(f"'{value}' är inget datum (ÅÅÅÅ-MM-DD)", row, column) from None


def _prose(plan: ParsedPlan, lines: list[tuple[int, str]]) -> None:
    """Plan facts from the paragraphs around the table: title, dates, the follow-up period."""
    for number, text in lines:
        text = text.strip()
        if not text:
            continue
        if not plan.title:
            plan.title = " ".join(text.split())
        m = _PLAN_TITLE.search(re.split(r"\s[-–:]\s", text)[-1])
        if m and plan.board is None and m.group("gen")[:1].isupper():
            plan.board = m.group("gen")  # "Barn- och ungdomsnämndens" -> "Barn- och ungdomsnämnden"
            plan.year = int(m.group("year"))
            plan.plan_title = m.group(0)
        m2 = _DATE_LINE.match(text)
        if m2:
            day = _date(m2.group("value"), number, m2.group("key"))
            if m2.group("key").lower() == "beslutsdatum":
                plan.decided = plan.decided or day
            else:
                plan.valid_until = plan.valid_until or day
        m3 = _FOLLOWUP.match(text)
        if m3 and plan.period is None:
            plan.period = "delar" if m3.group("period").lower() == "delår" else "helar"
            plan.followup_year = int(m3.group("year"))


def _header(cells: list[str]) -> dict[int, str] | None:
    mapping: dict[int, str] = {}
    for i, text in enumerate(cells):
        name = match_header(text)
        if name and name not in mapping.values():
            mapping[i] = name
    names = set(mapping.values())
    if len(mapping) >= 3 and "risk" in names and ("risk_value" in names or "likelihood" in names):
        return mapping
    return None


def _row(
    number: int, cells: list[str], header: dict[int, str], labels: list[str], extracted: bool
) -> ParsedRow:
    parsed: dict[str, Cell] = {}
    for i, name in header.items():
        raw = cells[i] if i < len(cells) else ""
        parsed[name] = Cell(clean_cell(raw or "", extracted=extracted), f"{i + 1} ({labels[i].strip()})")
    return ParsedRow(number, parsed)


# ----------------------------------------------------------------- the seed's text form


def parse_text(text: str) -> ParsedPlan:
    plan = ParsedPlan("text")
    lines = text.splitlines()
    header_at = None
    header: dict[int, str] = {}
    for i, line in enumerate(lines):
        if "\t" in line:
            found = _header(line.split("\t"))
            if found:
                header_at, header = i, found
                break
    if header_at is None:
        raise PlanImportError(
            "hittade ingen tabellrubrik (till exempel 'Riskvärde' och 'Risk i verksamheten')"
        )
    labels = lines[header_at].split("\t")
    ncols = len(labels)
    prose = [(n + 1, line) for n, line in enumerate(lines[:header_at])]
    _prose(plan, prose)
    value_col = next((i for i, n in header.items() if n == "risk_value"), None)
    follows_col = next((i for i, n in header.items() if n == "follows_plan"), None)

    raw_rows: list[tuple[int, list[str]]] = []
    page_break = False
    rest = lines[header_at + 1 :]
    for offset, line in enumerate(rest):
        number = header_at + 2 + offset
        if not line.strip():
            continue
        if _DATE_LINE.match(line) or line.split("\t") == labels:
            page_break = True  # the page header repeats inside the table
            continue
        if "\t" not in line:
            if any("\t" in later for later in rest[offset + 1 :]):
                raise PlanImportError(f"väntade {ncols} kolumner åtskilda av tabbtecken, fann 1", number, "1")
            break  # text after the table
        cells = line.split("\t")
        if len(cells) != ncols:
            raise PlanImportError(
                f"väntade {ncols} kolumner åtskilda av tabbtecken, fann {len(cells)}", number, str(len(cells))
            )
        continuation = (
            page_break
            and raw_rows
            and (value_col is None or not cells[value_col].strip())
            and (follows_col is None or not cells[follows_col].strip())
        )
        if continuation:
            first = raw_rows[-1][1]
            raw_rows[-1] = (
                raw_rows[-1][0],
                [join_fragments(a, b) for a, b in zip(first, cells, strict=True)],
            )
        else:
            raw_rows.append((number, cells))
        page_break = False
    plan.rows = [_row(n, cells, header, labels, extracted=True) for n, cells in raw_rows]
    return plan


# ----------------------------------------------------------------- csv, xlsx, docx


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_csv(text: str) -> ParsedPlan:
    plan = ParsedPlan("csv")
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    labels = next(reader, [])
    header = _header(labels)
    if header is None:
        raise PlanImportError("första raden är ingen känd tabellrubrik", 1)
    start = reader.line_num + 1
    for cells in reader:
        if any(c.strip() for c in cells):
            if len(cells) > len(labels):
                raise PlanImportError(
                    f"raden har {len(cells)} fält men rubriken {len(labels)}", start, str(len(cells))
                )
            plan.rows.append(_row(start, cells, header, labels, extracted=False))
        start = reader.line_num + 1
    return plan


def _str(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def parse_xlsx(path: Path) -> ParsedPlan:
    from openpyxl import load_workbook

    plan = ParsedPlan("xlsx")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken package
        raise PlanImportError(f"kan inte läsa arbetsboken: {exc}") from exc
    try:
        for ws in wb.worksheets:
            header: dict[int, str] | None = None
            labels: list[str] = []
            prose: list[tuple[int, str]] = []
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = [_str(v) for v in values]
                if header is None:
                    header = _header(cells)
                    if header is not None:
                        labels = cells
                        _prose(plan, prose)
                    else:
                        prose.extend((number, c) for c in cells if c)
                    continue
                if any(c.strip() for c in cells) and cells[: len(labels)] != labels:
                    plan.rows.append(_row(number, cells, header, labels, extracted=False))
            if header is not None:
                return plan
    finally:
        wb.close()
    raise PlanImportError("hittade ingen tabellrubrik i arbetsboken")


def parse_docx(path: Path) -> ParsedPlan:
    import docx

    plan = ParsedPlan("docx")
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise PlanImportError(f"kan inte läsa Word-dokumentet: {exc}") from exc
    title = (document.core_properties.title or "").strip()
    prose = [(0, title)] if title else []
    prose += [(i, p.text) for i, p in enumerate(document.paragraphs, start=1)]
    _prose(plan, prose)
    number = 0
    found = False
    for table in document.tables:
        labels: list[str] = []
        header: dict[int, str] | None = None
        for row in table.rows:
            number += 1
            cells = []
            for cell in row.cells:
                paragraphs = [p.text for p in cell.paragraphs if p.text.strip()]
                cells.append("\n\n".join(paragraphs))
            if header is None:
                header = _header(cells)
                labels = cells
                if header is None:
                    break
                found = True
                continue
            if [" ".join(c.split()) for c in cells] == [" ".join(c.split()) for c in labels]:
                continue  # a repeated header row
            if any(c.strip() for c in cells):
                plan.rows.append(_row(number, cells, header, labels, extracted=False))
    if not found:
        raise PlanImportError("hittade ingen tabell med känd rubrikrad i Word-dokumentet")
    return plan


def sniff_format(path: Path) -> str:
    """'docx', 'xlsx', 'csv' or 'text', decided from the content (never the file name)."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile as exc:
            raise PlanImportError(f"trasig zip-fil: {exc}") from exc
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise PlanImportError(
            "zip-filen är varken ett Word-dokument (.docx) eller en Excel-arbetsbok (.xlsx)"
        )
    if b"\x00" in head:
        raise PlanImportError("okänt filformat (binärfil); använd .docx, .xlsx, .csv eller text")
    text = _decode(head)
    first = next((line for line in text.splitlines() if line.strip()), "")
    for delimiter in (",", ";", "\t"):
        if _header(next(csv.reader([first], delimiter=delimiter), [])):
            return "csv"
    return "text"


def parse_file(path: Path) -> ParsedPlan:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise PlanImportError(f"filen är för stor ({size} byte, högst {MAX_BYTES})")
    if size == 0:
        raise PlanImportError("filen är tom")
    fmt = sniff_format(path)
    if fmt == "docx":
        return parse_docx(path)
    if fmt == "xlsx":
        return parse_xlsx(path)
    text = _decode(path.read_bytes())
    return parse_csv(text) if fmt == "csv" else parse_text(text)
