"""The Excel reader and the sheet checks on tiny hand-written packages, including hostile ones."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tillgang.checks.sheets import is_default_sheet_name
from tillgang.engine import CheckOptions, check_file
from tillgang.errors import DocumentError
from tillgang.limits import DEFAULT_LIMITS
from tillgang.readers._sheet_model import CellRange, WorkbookInfo
from tillgang.readers.xlsx import _tint, read
from tillgang.sniff import sniff

SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def rels(*items: tuple[str, str, str]) -> str:
    inner = "".join(f'<Relationship Id="{i}" Type="{REL}/{t}" Target="{target}"/>' for i, t, target in items)
    return f'<Relationships xmlns="{PKG_REL}">{inner}</Relationships>'


def write(
    path: Path,
    sheets: list[tuple[str, str]],  # (name, sheetData and after)
    workbook_extra: str = "",
    parts: dict[str, str] | None = None,
    sheet_rels: dict[int, str] | None = None,
    main_type: str = MAIN,
    core: str = "<dc:title>Budget</dc:title><dc:language>sv-SE</dc:language>",
    states: dict[int, str] | None = None,
) -> Path:
    sheet_els = "".join(
        f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"'
        + (f' state="{(states or {}).get(n)}"' if (states or {}).get(n) else "")
        + "/>"
        for n, (name, _) in enumerate(sheets, start=1)
    )
    workbook = (
        f'<workbook xmlns="{SML}" xmlns:r="{REL}"><sheets>{sheet_els}</sheets>{workbook_extra}</workbook>'
    )
    wb_rels = [(f"rId{n}", "worksheet", f"worksheets/sheet{n}.xml") for n in range(1, len(sheets) + 1)]
    if parts and "xl/sharedStrings.xml" in parts:
        wb_rels.append(("rIdS", "sharedStrings", "sharedStrings.xml"))
    if parts and "xl/styles.xml" in parts:
        wb_rels.append(("rIdT", "styles", "styles.xml"))
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{main_type}"/></Types>',
        )
        zf.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
            'Target="xl/workbook.xml"/><Relationship Id="rId2" '
            'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
            'Target="docProps/core.xml"/></Relationships>',
        )
        zf.writestr(
            "docProps/core.xml",
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/">{core}</cp:coreProperties>',
        )
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", rels(*wb_rels))
        for n, (_, data) in enumerate(sheets, start=1):
            zf.writestr(
                f"xl/worksheets/sheet{n}.xml", f'<worksheet xmlns="{SML}" xmlns:r="{REL}">{data}</worksheet>'
            )
            if sheet_rels and n in sheet_rels:
                zf.writestr(f"xl/worksheets/_rels/sheet{n}.xml.rels", sheet_rels[n])
        for name, data in (parts or {}).items():
            zf.writestr(name, data)
    return path


def row(r: int, *cells: str) -> str:
    return f'<row r="{r}">{"".join(cells)}</row>'


def inline(ref: str, text: str, style: int | None = None) -> str:
    s = f' s="{style}"' if style is not None else ""
    return f'<c r="{ref}" t="inlineStr"{s}><is><t>{text}</t></is></c>'


DATA = (
    "<sheetData>"
    + row(1, inline("A1", "Område"), inline("B1", "Budget"))
    + row(2, inline("A2", "Skola"), '<c r="B2"><v>120</v></c>')
    + row(3, inline("A3", "Omsorg"), '<c r="B3"><v>95</v></c>')
    + "</sheetData>"
)


def test_sniffed_as_xlsx_and_binary_workbooks_are_unsupported(tmp_path: Path) -> None:
    assert sniff(write(tmp_path / "a.xlsx", [("Budget", DATA)]), DEFAULT_LIMITS) == "xlsx"
    macro = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    assert sniff(write(tmp_path / "m.xlsm", [("Budget", DATA)], main_type=macro), DEFAULT_LIMITS) == "xlsx"
    binary = "application/vnd.ms-excel.sheet.binary.macroEnabled.main"
    with pytest.raises(DocumentError) as exc:
        sniff(write(tmp_path / "b.xlsb", [("Budget", DATA)], main_type=binary), DEFAULT_LIMITS)
    assert exc.value.code == "unsupported-format"


def test_names_used_range_merges_and_header_declarations(tmp_path: Path) -> None:
    merged = DATA + '<mergeCells count="1"><mergeCell ref="A2:A3"/></mergeCells>'
    names = (
        '<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">Budget!$1:$1</definedName>'
        "<definedName name=\"ColumnTitle1\">'Blad 2'!$A$1</definedName></definedNames>"
    )
    path = write(
        tmp_path / "a.xlsx",
        [("Budget", merged), ("Blad 2", DATA), ("Sheet3", "<sheetData/>")],
        names,
        states={3: "hidden"},
    )
    doc = read(path, str(path), DEFAULT_LIMITS)
    assert (doc.title, doc.lang) == ("Budget", "sv-SE")
    info = doc.native
    assert isinstance(info, WorkbookInfo)
    assert [(s.name, s.hidden) for s in info.sheets] == [
        ("Budget", False),
        ("Blad 2", False),
        ("Sheet3", True),
    ]
    budget, second, third = info.sheets
    assert budget.used == CellRange(1, 1, 3, 2)
    assert budget.merges == [CellRange(2, 1, 3, 1)]
    assert [(r.source, r.header_rows) for r in budget.regions] == [("print-titles", 1)]
    assert [(r.source, r.range.r1) for r in second.regions] == [("name", 1)]
    assert third.used is None
    assert [t.header for t in doc.tables or []] == [True, True]
    entry = check_file(path, CheckOptions(rules=frozenset({"sheet-merged-cells", "sheet-name-descriptive"})))
    assert entry["rules"] == {"sheet-merged-cells": "failed", "sheet-name-descriptive": "failed"}


def test_table_parts_shared_strings_links_and_drawings(tmp_path: Path) -> None:
    shared = (
        f'<sst xmlns="{SML}"><si><t>Område</t></si><si><r><t>Läs </t></r><r><t>mer</t></r>'
        "<rPh><t>ふりがな</t></rPh></si></sst>"
    )
    sheet = (
        '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c></row></sheetData>'
        '<hyperlinks><hyperlink ref="B1" r:id="rIdL"/></hyperlinks><drawing r:id="rIdD"/>'
        '<tableParts count="1"><tablePart r:id="rIdT"/></tableParts>'
    )
    drawing = (
        '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        "<xdr:twoCellAnchor><xdr:from><xdr:col>3</xdr:col><xdr:row>4</xdr:row></xdr:from>"
        '<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="2" name="Bild 1" descr="Karta"/></xdr:nvPicPr></xdr:pic>'
        "</xdr:twoCellAnchor><xdr:oneCellAnchor><xdr:from><xdr:col>0</xdr:col><xdr:row>9</xdr:row></xdr:from>"
        '<xdr:graphicFrame><xdr:nvGraphicFramePr><xdr:cNvPr id="3" name="Diagram 1"/></xdr:nvGraphicFramePr>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"/></a:graphic>'
        "</xdr:graphicFrame></xdr:oneCellAnchor></xdr:wsDr>"
    )
    table = f'<table xmlns="{SML}" id="1" name="T" displayName="Budget" ref="A1:B2" headerRowCount="0"/>'
    path = write(
        tmp_path / "a.xlsx",
        [("Budget", sheet)],
        parts={
            "xl/sharedStrings.xml": shared,
            "xl/drawings/drawing1.xml": drawing,
            "xl/tables/table1.xml": table,
        },
        sheet_rels={
            1: f'<Relationships xmlns="{PKG_REL}">'
            f'<Relationship Id="rIdL" Type="{REL}/hyperlink" Target="https://www.knivsta.se/" TargetMode="External"/>'
            f'<Relationship Id="rIdD" Type="{REL}/drawing" Target="../drawings/drawing1.xml"/>'
            f'<Relationship Id="rIdT" Type="{REL}/table" Target="../tables/table1.xml"/></Relationships>'
        },
    )
    doc = read(path, str(path), DEFAULT_LIMITS)
    assert [(link.text, link.href, link.location.cell) for link in doc.links or []] == [
        ("Läs mer", "https://www.knivsta.se/", "B1")
    ]
    assert [(i.kind, i.alt, i.location.cell) for i in doc.images or []] == [
        ("picture", "Karta", "D5"),
        ("chart", None, "A10"),
    ]
    assert [(t.location.name, t.header) for t in doc.tables or []] == [("Budget", False)]


def test_theme_tint_and_indexed_colours() -> None:
    assert _tint((255, 255, 255), -0.14999847407452621) == (217, 217, 217)
    assert _tint((0, 0, 0), 0.5) == (128, 128, 128)


def test_default_sheet_names() -> None:
    for name in ("Blad1", "Sheet2", "Tabell3", "blad 4", "Ark1", "Sheet"):
        assert is_default_sheet_name(name), name
    for name in ("Budget 2024", "Bladlöss", "Blad1 budget"):
        assert not is_default_sheet_name(name), name


def test_entities_and_bombs_are_refused(tmp_path: Path) -> None:
    evil = '<!DOCTYPE x [<!ENTITY e "e">]><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData>'
    path = write(tmp_path / "e.xlsx", [("Budget", "")])
    data = {}
    with zipfile.ZipFile(path) as zf:
        for n in zf.namelist():
            data[n] = zf.read(n)
    data["xl/worksheets/sheet1.xml"] = (
        f'<?xml version="1.0"?>{evil.split("]>")[0]}]><worksheet xmlns="{SML}">'
        + evil.split("]>")[1]
        + "</worksheet>"
    ).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for n, d in data.items():
            zf.writestr(n, d)
    assert check_file(path)["error"]["code"] == "corrupt"
    bomb = tmp_path / "bomb.xlsx"
    write(bomb, [("Budget", "<sheetData>" + " " * (4 * 1024 * 1024) + "</sheetData>")])
    small = DEFAULT_LIMITS.with_overrides(max_part_bytes=1024 * 1024)
    assert check_file(bomb, CheckOptions(limits=small))["error"]["code"] == "too-large"


def test_a_truncated_workbook_is_corrupt(tmp_path: Path) -> None:
    whole = write(tmp_path / "w.xlsx", [("Budget", DATA)])
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole.read_bytes()[:200])
    assert check_file(cut)["error"]["code"] == "corrupt"
