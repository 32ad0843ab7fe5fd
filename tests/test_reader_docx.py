"""The Word reader on tiny inline packages, the docx-only checks, and the hostile Word files."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from tillgang.checks.docx import list_marker
from tillgang.engine import CheckOptions, check_document, check_file
from tillgang.errors import DocumentError
from tillgang.limits import DEFAULT_LIMITS
from tillgang.model import Document
from tillgang.readers import docx as reader
from tillgang.readers._docx_styles import ColorScheme, StyleMap
from tillgang.readers._ooxml import parse_xml

from .conftest import SHARED, require

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NSDECL = (
    f'xmlns:w="{W_NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative"'
)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STYLES = """
<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="22"/><w:lang w:val="sv-SE"/></w:rPr></w:rPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Rubrik1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>
  <w:rPr><w:b/><w:sz w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Rubrik2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Kapitel"><w:name w:val="Kapitelrubrik"/><w:basedOn w:val="Rubrik1"/></w:style>
<w:style w:type="paragraph" w:styleId="Innehallsrubrik"><w:name w:val="TOC Heading"/><w:basedOn w:val="Rubrik1"/>
  <w:pPr><w:outlineLvl w:val="9"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="Body Text"/></w:style>
<w:style w:type="paragraph" w:styleId="Punktlista"><w:name w:val="List Bullet"/>
  <w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
<w:style w:type="character" w:styleId="Stark"><w:name w:val="Strong"/><w:rPr><w:b/></w:rPr></w:style>
"""
THEME = """<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="t"><a:themeElements>
<a:clrScheme name="c"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>
<a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1><a:dk2><a:srgbClr val="1F497D"/></a:dk2>
<a:lt2><a:srgbClr val="EEECE1"/></a:lt2><a:accent1><a:srgbClr val="4F81BD"/></a:accent1>
<a:accent2><a:srgbClr val="C0504D"/></a:accent2></a:clrScheme></a:themeElements></a:theme>"""
NUMBERING = f'<w:numbering {NSDECL}><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'


def make_docx(
    tmp_path: Path,
    body: str,
    *,
    styles: str = STYLES,
    title: str = "Rapport",
    settings: str = "",
    doc_rels: str = "",
    parts: dict[str, str] | None = None,
    background: str = "",
    name: str = "t.docx",
) -> Path:
    ct = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/></Relationships>'
    )
    core = (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title></cp:coreProperties>'
    )
    drels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rIdS" Type="{REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rIdT" Type="{REL}/theme" Target="theme/theme1.xml"/>'
        f'<Relationship Id="rIdN" Type="{REL}/numbering" Target="numbering.xml"/>'
        f'<Relationship Id="rIdX" Type="{REL}/settings" Target="settings.xml"/>'
        f"{doc_rels}</Relationships>"
    )
    files = {
        "[Content_Types].xml": ct,
        "_rels/.rels": rels,
        "docProps/core.xml": core,
        "word/_rels/document.xml.rels": drels,
        "word/document.xml": f"<w:document {NSDECL}>{background}<w:body>{body}</w:body></w:document>",
        "word/styles.xml": f"<w:styles {NSDECL}>{styles}</w:styles>",
        "word/theme/theme1.xml": THEME,
        "word/numbering.xml": NUMBERING,
        "word/settings.xml": f"<w:settings {NSDECL}>{settings}</w:settings>",
    }
    files.update(parts or {})
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        for part, text in files.items():
            zf.writestr(part, text)
    return path


def read(path: Path) -> Document:
    return reader.read(path, path.name, DEFAULT_LIMITS)


def p(text: str, style: str | None = None, rpr: str = "", ppr: str = "") -> str:
    pstyle = f'<w:pStyle w:val="{style}"/>' if style else ""
    run_pr = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return f'<w:p><w:pPr>{pstyle}{ppr}</w:pPr><w:r>{run_pr}<w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def drawing(
    doc_pr: str, anchor: bool = False, uri: str = "http://schemas.openxmlformats.org/drawingml/2006/picture"
) -> str:
    holder = "wp:anchor" if anchor else "wp:inline"
    return (
        f'<w:p><w:r><w:drawing><{holder}><wp:extent cx="10" cy="10"/>{doc_pr}'
        f'<a:graphic><a:graphicData uri="{uri}"><pic:pic/></a:graphicData></a:graphic></{holder}></w:drawing></w:r></w:p>'
    )


# ------------------------------------------------------------------------------------------------ styles


def test_heading_level_follows_style_names_and_basedon_never_ids(tmp_path: Path) -> None:
    body = (
        p("Inledning", "Rubrik1")
        + p("Kapitel ett", "Kapitel")
        + p("Innehåll", "Innehallsrubrik")
        + p("Vanlig text", "Heading1")
        + p("Bakgrund", "Rubrik2")
        + p("Direkt nivå", None, ppr='<w:outlineLvl w:val="2"/>')
        + p("Okänd stil", "FinnsInte")
    )
    doc = read(make_docx(tmp_path, body))
    assert [(h.level, h.text) for h in doc.headings or []] == [
        (1, "Inledning"),
        (1, "Kapitel ett"),
        (2, "Bakgrund"),
        (3, "Direkt nivå"),
    ]
    assert [h.location.paragraph for h in doc.headings or []] == [1, 2, 5, 6]


def test_style_sheets_are_shared_only_between_identical_styles_parts(tmp_path: Path) -> None:
    # a template-sized styles part (over the cache's 32 KB threshold): many styles no paragraph uses
    padding = "".join(
        f'<w:style w:type="paragraph" w:styleId="Oanvand{i}"><w:name w:val="Oanvänd {i}"/>'
        f'<w:rPr><w:sz w:val="{20 + i % 8}"/></w:rPr></w:style>'
        for i in range(600)
    )
    template = STYLES + padding
    reader._STYLE_MAPS.clear()
    first = read(make_docx(tmp_path, p("Inledning", "Rubrik1") + p("Text"), styles=template, name="a.docx"))
    second = read(
        make_docx(tmp_path, p("Bakgrund", "Rubrik2") + p("Mer text"), styles=template, name="b.docx")
    )
    assert len(reader._STYLE_MAPS) == 1  # parsed once, used by both documents
    assert [(h.level, h.text) for h in first.headings or []] == [(1, "Inledning")]
    assert [(h.level, h.text) for h in second.headings or []] == [(2, "Bakgrund")]
    # another template where "Rubrik1" is body text: its own style sheet, not the cached one
    other = template.replace(
        'w:styleId="Rubrik1"><w:name w:val="heading 1"/>', 'w:styleId="Rubrik1"><w:name w:val="Body Text"/>'
    )
    third = read(make_docx(tmp_path, p("Inledning", "Rubrik1") + p("Text"), styles=other, name="c.docx"))
    assert len(reader._STYLE_MAPS) == 2
    assert not third.headings
    # the first template again, after the other one: still right
    fourth = read(make_docx(tmp_path, p("Inledning", "Rubrik1") + p("Text"), styles=template, name="d.docx"))
    assert [(h.level, h.text) for h in fourth.headings or []] == [(1, "Inledning")]
    # small styles parts are not kept
    reader._STYLE_MAPS.clear()
    read(make_docx(tmp_path, p("Inledning", "Rubrik1"), name="e.docx"))
    assert not reader._STYLE_MAPS


def test_style_map_german_ids_cycles_and_localised_names() -> None:
    xml = f"""<w:styles {NSDECL}>
    <w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/></w:style>
    <w:style w:type="paragraph" w:styleId="A"><w:name w:val="A"/><w:basedOn w:val="B"/></w:style>
    <w:style w:type="paragraph" w:styleId="B"><w:name w:val="B"/><w:basedOn w:val="A"/></w:style>
    <w:style w:type="paragraph" w:styleId="R2"><w:name w:val="Rubrik 2"/></w:style>
    <w:style w:type="paragraph" w:styleId="R3"><w:name w:val="Rubrik 3"/><w:pPr><w:outlineLvl w:val="9"/></w:pPr></w:style>
    <w:style w:type="paragraph" w:styleId="11"><w:name w:val="heading 2"/></w:style>
    </w:styles>"""
    styles = StyleMap(parse_xml(xml.encode()))
    assert styles.heading_level("berschrift1") == 1
    assert styles.heading_level("A") is None  # a basedOn cycle ends, it does not hang
    assert styles.heading_level("R2") == 2  # localised name, no outline level anywhere
    assert styles.heading_level("R3") is None  # outline level 9 = body text wins over the name
    assert styles.heading_level("11") == 2


def test_style_map_long_chain_is_memoised() -> None:
    chain = "".join(
        f'<w:style w:type="paragraph" w:styleId="s{i}"><w:name w:val="s{i}"/><w:basedOn w:val="s{i - 1}"/></w:style>'
        for i in range(1, 3000)
    )
    xml = (
        f'<w:styles {NSDECL}><w:style w:type="paragraph" w:styleId="s0"><w:name w:val="heading 2"/>'
        f"<w:rPr><w:b/></w:rPr></w:style>{chain}</w:styles>"
    )
    styles = StyleMap(parse_xml(xml.encode()))
    # A chain of 3,000 styles resolves iteratively, the same whichever style is asked first.
    assert styles.heading_level("s2999") == 2
    assert styles.rpr("s2999").get("b") is True
    assert all(styles.heading_level(f"s{i}") == 2 for i in range(3000))


def test_toggle_properties_flip_between_style_levels() -> None:
    styles = StyleMap(parse_xml(f"<w:styles {NSDECL}>{STYLES}</w:styles>".encode()))
    assert styles.effective({}, "Rubrik1", None)["b"] is True
    assert styles.effective({}, "Rubrik1", "Stark")["b"] is False  # bold style + bold character style
    assert styles.effective({}, "Normal", "Stark")["b"] is True
    assert styles.effective({}, "Rubrik1", None)["sz"] == 16.0


# ------------------------------------------------------------------------------------------------ metadata


def test_title_lang_and_content_lang(tmp_path: Path) -> None:
    body = p("Hello world, this is English.", rpr='<w:lang w:val="en-GB"/>') + p("Hej")
    doc = read(make_docx(tmp_path, body, title="Årsredovisning"))
    assert doc.title == "Årsredovisning"
    assert doc.lang == "sv-SE"
    assert doc.content_lang == "en-GB"
    assert doc.content_lang_share == pytest.approx(29 / 32)  # non-blank characters


def test_default_paragraph_style_language_overrides_doc_defaults(tmp_path: Path) -> None:
    styles = STYLES.replace(
        '<w:name w:val="Normal"/></w:style>',
        '<w:name w:val="Normal"/><w:rPr><w:lang w:val="en-US"/></w:rPr></w:style>',
    )
    doc = read(make_docx(tmp_path, p("Text"), styles=styles))
    assert doc.lang == "en-US"


def test_theme_font_language_is_only_a_fallback(tmp_path: Path) -> None:
    styles = STYLES.replace('<w:lang w:val="sv-SE"/>', "")
    doc = read(make_docx(tmp_path, p("Text"), styles=styles, settings='<w:themeFontLang w:val="sv-SE"/>'))
    assert doc.lang == "sv-SE"
    assert doc.warnings and "theme font language" in doc.warnings[0]
    doc = read(make_docx(tmp_path, p("Text"), styles=styles, name="b.docx"))
    assert doc.lang is None


def test_strict_namespaces_are_mapped(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path, p("Inledning", "Rubrik1") + drawing('<wp:docPr id="1" name="Bild 1" descr="Karta"/>')
    )
    strict = tmp_path / "strict.docx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(strict, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            data = data.replace(W_NS.encode(), b"http://purl.oclc.org/ooxml/wordprocessingml/main")
            data = data.replace(
                b"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
                b"http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing",
            )
            data = data.replace(
                b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                b"http://purl.oclc.org/ooxml/officeDocument/relationships",
            )
            zout.writestr(info, b"\xef\xbb\xbf" + data if info.filename.startswith("word/") else data)
    doc = read(strict)
    assert [h.text for h in doc.headings or []] == ["Inledning"]
    assert [i.alt for i in doc.images or []] == ["Karta"]
    assert doc.lang == "sv-SE"
    assert doc.native.strict is True


# ------------------------------------------------------------------------------------------------ images


DECORATIVE = '<a:extLst><a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}"><adec:decorative val="1"/></a:ext></a:extLst>'


def test_images_alt_decorative_hidden_and_anchors(tmp_path: Path) -> None:
    body = (
        drawing('<wp:docPr id="1" name="Bild 1" descr="Karta över Knivsta"/>')
        + drawing('<wp:docPr id="2" name="Bild 2" title="Logotyp"/>')
        + drawing(f'<wp:docPr id="3" name="Bild 3">{DECORATIVE}</wp:docPr>', anchor=True)
        + drawing('<wp:docPr id="4" name="Bild 4" hidden="1"/>')
        + drawing(
            '<wp:docPr id="5" name="Diagram 5"/>',
            anchor=True,
            uri="http://schemas.openxmlformats.org/drawingml/2006/chart",
        )
        + '<w:p><w:r><w:pict><v:shape id="_x0000_i1025" alt="Gammal bild"><v:imagedata r:id="x" o:title=""/>'
        "</v:shape></w:pict></w:r></w:p>"
    )
    doc = read(make_docx(tmp_path, body))
    got = [(i.kind, i.alt, i.decorative, i.name, i.location.paragraph) for i in doc.images or []]
    assert got == [
        ("picture", "Karta över Knivsta", False, "Bild 1", 1),
        ("picture", "Logotyp", False, "Bild 2", 2),
        ("picture", None, True, "Bild 3", 3),
        ("chart", None, False, "Diagram 5", 5),
        ("picture", "Gammal bild", False, "_x0000_i1025", 6),
    ]
    assert [(f.kind, f.name) for f in doc.native.floating] == [("chart", "Diagram 5")]


def test_text_box_in_alternate_content_is_read_once(tmp_path: Path) -> None:
    box = "<w:txbxContent><w:p><w:r><w:t>I rutan</w:t></w:r></w:p></w:txbxContent>"
    body = (
        '<w:p><w:r><w:t>Ankare</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor><wp:docPr id="1" name="Textruta 1"/><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:spPr>'
        '<a:solidFill><a:srgbClr val="000000"/></a:solidFill></wps:spPr>'
        f"<wps:txbx>{box}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        f'<mc:Fallback><w:pict><v:shape style="position:absolute"><v:textbox>{box}</v:textbox></v:shape>'
        "</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    doc = read(make_docx(tmp_path, body))
    texts = [(para.index, para.text, para.in_textbox) for para in doc.native.paragraphs]
    assert texts == [(1, "Ankare", False), (2, "I rutan", True)]
    assert doc.images == []  # a text box with text is content, not an image
    assert [(f.kind, f.text) for f in doc.native.floating] == [("textbox", "I rutan")]
    # The box's black fill is the background of its text: automatic colour turns white.
    box_sample = [s for s in doc.contrast or [] if s.text == "I rutan"]
    assert (
        box_sample and box_sample[0].background == (0, 0, 0) and box_sample[0].foreground == (255, 255, 255)
    )


def test_header_pictures_are_found(tmp_path: Path) -> None:
    logo = drawing('<wp:docPr id="9" name="Logo"/>')
    header = f"<w:hdr {NSDECL}>{logo}</w:hdr>"
    doc = read(
        make_docx(
            tmp_path,
            p("Text"),
            doc_rels=f'<Relationship Id="rIdH" Type="{REL}/header" Target="header1.xml"/>',
            parts={"word/header1.xml": header},
        )
    )
    assert [(i.location.part, i.name, i.alt) for i in doc.images or []] == [("header1", "Logo", None)]


# ------------------------------------------------------------------------------------------------ tables


def row(*cells: str, header: str | None = None, span: int = 1) -> str:
    tr_pr = "" if header is None else f"<w:trPr>{header}</w:trPr>"
    grid = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span > 1 else ""
    return f"<w:tr>{tr_pr}" + "".join(f"<w:tc>{grid}{p(c)}</w:tc>" for c in cells) + "</w:tr>"


def test_table_header_rows_and_columns(tmp_path: Path) -> None:
    look = '<w:tblPr><w:tblLook w:val="04A0" w:firstRow="1"/></w:tblPr>'
    on, off = "<w:tblHeader/>", '<w:tblHeader w:val="0"/>'
    body = (
        f"<w:tbl>{row('A', 'B', header=on)}{row('1', '2')}</w:tbl>"
        f"<w:tbl>{look}{row('A', 'B')}{row('1', '2')}</w:tbl>"
        f"<w:tbl>{row('A', 'B', header=off)}{row('x', span=3)}</w:tbl>"
        f"<w:tbl>{row('A')}{row('1', header=on)}</w:tbl>"
    )
    doc = read(make_docx(tmp_path, body))
    got = [(t.location.table, t.rows, t.cols, t.header) for t in doc.tables or []]
    assert got == [(1, 2, 2, True), (2, 2, 2, False), (3, 2, 3, False), (4, 2, 1, False)]


def test_nested_tables_are_tables_of_their_own(tmp_path: Path) -> None:
    inner = f"<w:tbl>{row('a', 'b')}{row('c', 'd')}</w:tbl>"
    body = f"<w:tbl>{row('A', 'B', header='<w:tblHeader/>')}<w:tr><w:tc>{inner}{p('')}</w:tc><w:tc>{p('x')}</w:tc></w:tr></w:tbl>"
    doc = read(make_docx(tmp_path, body))
    assert [(t.location.table, t.header) for t in doc.tables or []] == [(1, True), (2, False)]


def tc(text: str, pr: str = "") -> str:
    return f"<w:tc><w:tcPr>{pr}</w:tcPr>{p(text)}</w:tc>"


def test_merged_cells_are_counted_once_by_their_first_row(tmp_path: Path) -> None:
    on = "<w:tblHeader/>"
    head = row("A", "B", "C", header=on)
    restart, cont = '<w:vMerge w:val="restart"/>', "<w:vMerge/>"
    span2 = '<w:gridSpan w:val="2"/>'
    h_restart, h_cont = '<w:hMerge w:val="restart"/>', "<w:hMerge/>"
    before = '<w:trPr><w:gridBefore w:val="2"/></w:trPr>'
    body = (
        # a header cell spanning two columns: merged in the header only
        f"<w:tbl><w:tr><w:trPr>{on}</w:trPr>{tc('Rubrik', span2)}</w:tr>"
        + row("A", "B", header=on)
        + row("1", "2")
        + "</w:tbl>"
        # a vertical merge in the data rows, continued twice (counts once), and one restart never continued
        + f"<w:tbl>{head}<w:tr>{tc('Skola', restart)}{tc('1')}{tc('x', restart)}</w:tr>"
        + f"<w:tr>{tc('', cont)}{tc('2')}{tc('3')}</w:tr><w:tr>{tc('', cont)}{tc('4')}{tc('5')}</w:tr></w:tbl>"
        # a cell both spanning and starting a vertical merge (one merged cell); gridBefore shifts the columns
        + f"<w:tbl><w:tr>{tc('a', span2 + restart)}{tc('b')}</w:tr>"
        + f"<w:tr>{before}{tc('c')}</w:tr>"
        + f"<w:tr>{tc('', span2 + cont)}{tc('d')}</w:tr></w:tbl>"
        # the legacy horizontal merge
        + f"<w:tbl><w:tr>{tc('a', h_restart)}{tc('', h_cont)}</w:tr>{row('1', '2')}</w:tbl>"
        # no merges
        + f"<w:tbl>{head}{row('1', '2', '3')}</w:tbl>"
    )
    doc = read(make_docx(tmp_path, body))
    got = [(t.header, t.merged, t.merged_body, t.nested) for t in doc.tables or []]
    assert got == [
        (True, 1, 0, False),
        (True, 1, 1, False),
        (False, 1, 1, False),
        (False, 1, 1, False),
        (True, 0, 0, False),
    ]


def test_nested_tables_and_headings_in_cells(tmp_path: Path) -> None:
    inner = f"<w:tbl>{row('a', 'b')}{row('c', 'd')}</w:tbl>"
    body = (
        p("Inledning", "Rubrik1")
        + f"<w:tbl><w:tr><w:tc>{p('Resultat', 'Rubrik2')}{inner}{p('')}</w:tc><w:tc>{p('x')}</w:tc></w:tr></w:tbl>"
    )
    doc = read(make_docx(tmp_path, body))
    assert [(t.location.table, t.nested) for t in doc.tables or []] == [(1, False), (2, True)]
    assert [(h.text, h.location.table, h.location.row) for h in doc.headings or []] == [
        ("Inledning", None, None),
        ("Resultat", 1, 1),
    ]


def test_table_structure_rules_on_a_nested_table_with_a_heading(tmp_path: Path) -> None:
    inner = f"<w:tbl>{row('a', 'b')}{row('c', 'd')}</w:tbl>"
    cells = f"<w:tc>{p('Resultat', 'Rubrik2')}{inner}{p('')}</w:tc><w:tc>{p('x')}</w:tc>"
    body = p("Inledning", "Rubrik1") + f"<w:tbl><w:tr>{cells}</w:tr></w:tbl>"
    rules = {"table-nested", "heading-in-table", "table-merged-cells"}
    result = check_document(read(make_docx(tmp_path, body)), CheckOptions(rules=frozenset(rules)))
    assert result["rules"] == {
        "table-nested": "failed",
        "heading-in-table": "failed",
        "table-merged-cells": "passed",  # the outer table is one row (exempt), the inner one has no merges
    }
    assert sorted((f["rule"], f["location"].get("table")) for f in result["findings"]) == [
        ("heading-in-table", 1),
        ("table-nested", 2),
    ]
    # no tables: the table rules do not apply
    result = check_document(
        read(make_docx(tmp_path, p("Inledning", "Rubrik1"), name="b.docx")),
        CheckOptions(rules=frozenset(rules)),
    )
    assert set(result["rules"].values()) == {"inapplicable"}


def test_rows_and_cells_inside_content_controls_and_custom_xml(tmp_path: Path) -> None:
    def cell(text: str) -> str:
        return f"<w:tc>{p(text)}</w:tc>"

    def wrap(xml: str) -> str:
        return f"<w:sdt><w:sdtContent><w:customXml>{xml}</w:customXml></w:sdtContent></w:sdt>"

    body = f"<w:tbl>{wrap(row('A', 'B'))}<w:tr>{cell('1')}{wrap(cell('2') + wrap(cell('3')))}</w:tr></w:tbl>"
    doc = read(make_docx(tmp_path, body))
    assert [(t.rows, t.cols) for t in doc.tables or []] == [(2, 3)]


# ------------------------------------------------------------------------------------------------ links and text


def test_hyperlinks_fields_and_toc_links(tmp_path: Path) -> None:
    body = (
        '<w:p><w:hyperlink r:id="rIdL"><w:r><w:t xml:space="preserve">Läs  mer om </w:t></w:r>'
        "<w:r><w:t>bygglov</w:t></w:r></w:hyperlink></w:p>"
        '<w:p><w:hyperlink w:anchor="_Toc1"><w:r><w:t>Avsnitt 2</w:t></w:r></w:hyperlink></w:p>'
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK '
        '"https://www.knivsta.se/" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:t>klicka här</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        '<w:p><w:fldSimple w:instr=" HYPERLINK \\l &quot;bilaga&quot; "><w:r><w:t>Bilaga 1</w:t></w:r></w:fldSimple></w:p>'
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> TOC \\o "1-3" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r></w:p>'
        '<w:p><w:hyperlink w:anchor="_Toc2"><w:r><w:t>Inledning</w:t></w:r></w:hyperlink></w:p>'
        '<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    doc = read(
        make_docx(
            tmp_path,
            body,
            doc_rels=f'<Relationship Id="rIdL" Type="{REL}/hyperlink" Target="https://www.knivsta.se/bygglov" '
            'TargetMode="External"/>',
        )
    )
    got = [(link.text, link.href, link.location.paragraph) for link in doc.links or []]
    assert got == [
        ("Läs mer om bygglov", "https://www.knivsta.se/bygglov", 1),
        ("Avsnitt 2", "#_Toc1", 2),
        ("klicka här", "https://www.knivsta.se/", 3),
        ("Bilaga 1", "#bilaga", 4),
    ]
    texts = [para.text for para in doc.native.paragraphs]
    assert texts[2] == "klicka här"  # the field instruction is not text


def test_hidden_text_deleted_text_and_symbols(tmp_path: Path) -> None:
    body = (
        '<w:p><w:r><w:t xml:space="preserve">Synlig </w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>dold</w:t></w:r>'
        "<w:del><w:r><w:delText>borttagen</w:delText></w:r></w:del><w:ins><w:r><w:t>tillagd</w:t></w:r></w:ins></w:p>"
        '<w:p><w:r><w:sym w:font="Symbol" w:char="F0B7"/><w:tab/><w:t>punkt</w:t></w:r></w:p>'
    )
    doc = read(make_docx(tmp_path, body))
    paras = doc.native.paragraphs
    assert paras[0].text == "Synlig tillagd"
    assert paras[1].text == "\uf0b7\tpunkt" and paras[1].sym_bullet


# ------------------------------------------------------------------------------------------------ colours


def test_theme_colours_tint_and_shade() -> None:
    scheme = ColorScheme(theme={"dk1": (0, 0, 0), "lt1": (255, 255, 255), "accent2": (0xC0, 0x50, 0x4D)})
    assert scheme.resolve("000000", "text1", "BF", None) == (0x40, 0x40, 0x40)
    shaded = scheme.resolve(None, "accent2", None, "BF")
    assert isinstance(shaded, tuple)
    assert all(abs(a - b) <= 1 for a, b in zip(shaded, (0x94, 0x36, 0x34), strict=True))
    assert scheme.resolve("auto", None, None, None) == "auto"
    assert scheme.resolve("123456", "accent6", None, None) == (0x12, 0x34, 0x56)  # theme part lacks accent6
    assert scheme.shading(("clear", "auto", "auto", None, None, None, None)) is None
    assert scheme.shading(("pct50", "000000", "FFFFFF", None, None, None, None)) == (128, 128, 128)
    assert scheme.shading(("diagStripe", "000000", "FFFFFF", None, None, None, None)) == "unresolved"


def test_contrast_resolution_through_styles_shading_and_highlight(tmp_path: Path) -> None:
    styles = STYLES + (
        '<w:style w:type="paragraph" w:styleId="Gra"><w:name w:val="Grå"/><w:basedOn w:val="Normal"/>'
        '<w:rPr><w:color w:val="AAAAAA"/></w:rPr></w:style>'
    )
    body = (
        p("grå via stil", "Gra")
        + p("tema", rpr='<w:color w:val="404040" w:themeColor="text1" w:themeTint="BF"/>')
        + p(
            "vitt på mörkt",
            ppr='<w:shd w:val="clear" w:color="auto" w:fill="1F3864"/>',
            rpr='<w:color w:val="FFFFFF"/>',
        )
        + p("auto på mörkt", ppr='<w:shd w:val="clear" w:color="auto" w:themeFill="text2"/>')
        + p("markerad", rpr='<w:highlight w:val="darkBlue"/>')
        + f"<w:tbl>{row('cell')}</w:tbl>".replace(
            "<w:tc>", '<w:tc><w:tcPr><w:shd w:val="clear" w:fill="FFFF00"/></w:tcPr>'
        )
        + p("mönster", ppr='<w:shd w:val="horzStripe" w:color="000000" w:fill="FFFFFF"/>')
        + p("stor", rpr='<w:b/><w:sz w:val="28"/>')
    )
    doc = read(make_docx(tmp_path, body, styles=styles))
    got = {s.text: (s.foreground, s.background, s.size_pt, s.bold, s.reason) for s in doc.contrast or []}
    assert got["grå via stil"] == ((0xAA, 0xAA, 0xAA), (255, 255, 255), 11.0, False, None)
    assert got["tema"][0] == (0x40, 0x40, 0x40)
    assert got["vitt på mörkt"][:2] == ((255, 255, 255), (0x1F, 0x38, 0x64))
    assert got["auto på mörkt"][:2] == ((255, 255, 255), (0x1F, 0x49, 0x7D))
    assert got["markerad"][1] == (0, 0, 128)
    assert got["cell"][1] == (255, 255, 0)
    assert got["mönster"] == (None, None, 11.0, False, "pattern")
    assert got["stor"][2:4] == (14.0, True)


def test_page_background_when_displayed(tmp_path: Path) -> None:
    background = '<w:background w:color="000000"/>'
    doc = read(make_docx(tmp_path, p("text"), background=background, settings="<w:displayBackgroundShape/>"))
    assert (doc.contrast or [])[0].background == (0, 0, 0)
    doc = read(make_docx(tmp_path, p("text"), background=background, name="b.docx"))
    assert (doc.contrast or [])[0].background == (255, 255, 255)


# ------------------------------------------------------------------------------------------------ docx checks


def rules_of(doc: Document, *rules: str) -> dict[str, Any]:
    result = check_document(doc, CheckOptions(rules=frozenset(rules)))
    return result["rules"]


def test_lists_real_and_typed(tmp_path: Path) -> None:
    body = p("Punkt ett", "Punktlista") + p("Punkt två", "Punktlista") + p("Text")
    assert rules_of(read(make_docx(tmp_path, body)), "docx-manual-list") == {"docx-manual-list": "passed"}
    body = p("- ett") + p("- två") + p("a) tre")
    doc = read(make_docx(tmp_path, body, name="b.docx"))
    result = check_document(doc, CheckOptions(rules=frozenset({"docx-manual-list"})))
    assert [f["location"] for f in result["findings"]] == [{"part": "body", "paragraph": 1}]
    # numId 0 removes the style's numbering: typed bullets then make a manual list
    off = '<w:numPr><w:numId w:val="0"/></w:numPr>'
    body = p("• ett", "Punktlista", ppr=off) + p("• två", "Punktlista", ppr=off)
    assert rules_of(read(make_docx(tmp_path, body, name="c.docx")), "docx-manual-list") == {
        "docx-manual-list": "failed"
    }


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("- mjölk", "bullet"),
        ("•\tägg", "bullet"),
        ("1. Ansök", "number"),
        ("(2) Vänta", "number"),
        ("b) Svara", "letter"),
        ("iv. Slut", "letter"),
        ("1.5 miljoner", None),
        ("Mars 2024", None),
        ("-5 grader", None),
    ],
)
def test_list_marker(text: str, family: str | None) -> None:
    assert list_marker(text) == family


def test_empty_paragraphs_and_the_one_after_a_table(tmp_path: Path) -> None:
    table = f"<w:tbl>{row('A', 'B')}{row('1', '2')}</w:tbl>"
    body = (
        p("Text")
        + table
        + p("")
        + p("Mer text")
        + '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
        + p("")
        + p("Slut")
    )
    assert rules_of(read(make_docx(tmp_path, body)), "docx-empty-paragraphs") == {
        "docx-empty-paragraphs": "passed"
    }
    body = p("Text") + p("") + p(" ") + p("Mer")
    assert rules_of(read(make_docx(tmp_path, body, name="b.docx")), "docx-empty-paragraphs") == {
        "docx-empty-paragraphs": "failed"
    }


def test_fake_heading_needs_following_text_and_plain_body(tmp_path: Path) -> None:
    body = p("Brödtext som är lång nog.") + p("Resultat", rpr="<w:b/>") + p("Mer brödtext.")
    assert rules_of(read(make_docx(tmp_path, body)), "docx-fake-heading") == {"docx-fake-heading": "failed"}
    body = p("Brödtext.") + p("Resultat", rpr="<w:b/>")  # nothing follows: a closing line, not a heading
    assert rules_of(read(make_docx(tmp_path, body, name="b.docx")), "docx-fake-heading") == {
        "docx-fake-heading": "passed"
    }
    body = (
        p("Allt fetstilt här.", rpr="<w:b/>")
        + p("Kort", rpr="<w:b/>")
        + p("Mer fetstil som brödtext.", rpr="<w:b/>")
    )
    assert rules_of(read(make_docx(tmp_path, body, name="c.docx")), "docx-fake-heading") == {
        "docx-fake-heading": "passed"
    }


# ------------------------------------------------------------------------------------------------ bad input


def test_missing_main_part_and_broken_xml_are_corrupt(tmp_path: Path) -> None:
    path = make_docx(tmp_path, p("x"), parts={"word/document.xml": "<w:document><w:body>"})
    with pytest.raises(DocumentError) as err:
        read(path)
    assert err.value.code == "corrupt"
    path = make_docx(tmp_path, p("x"), name="dtd.docx")
    data = zipfile.ZipFile(path).read("word/document.xml")
    evil = tmp_path / "evil.docx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(evil, "w") as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == "word/document.xml":
                body = b'<!DOCTYPE x [<!ENTITY e "boom">]>' + data
            zout.writestr(info, body)
    assert check_file(evil)["error"]["code"] == "corrupt"
    gone = tmp_path / "gone.docx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(gone, "w") as zout:
        for info in zin.infolist():
            if info.filename != "word/document.xml":
                zout.writestr(info, zin.read(info.filename))
    assert check_file(gone)["error"]["code"] == "corrupt"
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(path.read_bytes()[:300])
    assert check_file(truncated)["error"]["code"] == "corrupt"


HOSTILE = {
    "strict-ooxml.docx": None,
    "bug65649.docx": None,
    "Bug64561.docx": None,
    "stress025.docx": "corrupt",
    "truncated62886.docx": "corrupt",
    "testWORD_truncated.docx": "corrupt",
    "bug53475-password-is-pass.docx": "encrypted",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_word_files(name: str) -> None:
    path = require(SHARED / "corpora" / "hostile" / name, f"the hostile corpus file {name}")
    entry = check_file(path)
    code = entry["error"]["code"] if entry["error"] else None
    assert code == HOSTILE[name], entry["error"]
    if code is None:
        assert entry["rules"]


def test_hostile_fuzzed_word_files_give_a_report_or_corrupt() -> None:
    folder = require(SHARED / "corpora" / "hostile", "the hostile corpus")
    files = sorted(folder.glob("clusterfuzz-*.docx"))
    assert files
    for path in files:
        entry = check_file(path)
        assert entry["error"] is None or entry["error"]["code"] == "corrupt"


def test_hostile_big_file_headings_by_style_name() -> None:
    path = require(SHARED / "corpora" / "hostile" / "bug65649.docx", "the hostile corpus file bug65649.docx")
    doc = read(path)
    levels = {h.level for h in doc.headings or []}
    assert levels >= {1, 2}
    assert len(doc.native.paragraphs) > 15_000


def test_hostile_german_style_ids() -> None:
    path = require(SHARED / "corpora" / "hostile" / "Bug64561.docx", "the hostile corpus file Bug64561.docx")
    with zipfile.ZipFile(path) as zf:
        styles = StyleMap(parse_xml(zf.read("word/styles.xml")))
    assert [styles.heading_level(f"berschrift{n}") for n in (1, 2, 3)] == [1, 2, 3]


def test_table_style_conditional_formatting(tmp_path: Path) -> None:
    styles = STYLES + (
        '<w:style w:type="table" w:styleId="Rutnat"><w:name w:val="Grid Table 4 Accent 1"/>'
        '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr>'
        '<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="4F81BD"/></w:tcPr></w:tblStylePr>'
        '<w:tblStylePr w:type="band1Horz"><w:tcPr><w:shd w:val="clear" w:fill="DBE5F1"/></w:tcPr></w:tblStylePr>'
        "</w:style>"
    )
    tbl_pr = '<w:tblPr><w:tblStyle w:val="Rutnat"/><w:tblLook w:firstRow="1" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
    body = f"<w:tbl>{tbl_pr}{row('Rubrik', 'B')}{row('rad1', '1')}{row('rad2', '2')}</w:tbl>"
    doc = read(make_docx(tmp_path, body, styles=styles))
    got = {s.text: (s.foreground, s.background, s.bold) for s in doc.contrast or []}
    assert got["Rubrik"] == ((255, 255, 255), (0x4F, 0x81, 0xBD), True)
    assert got["rad1"][1] == (0xDB, 0xE5, 0xF1)  # first band after the header row
    assert got["rad2"][1] == (255, 255, 255)
    where = {s.text: s.location for s in doc.contrast or []}
    assert (where["rad1"].table, where["rad1"].row, where["rad1"].paragraph) == (1, 2, 3)


def test_group_alt_image_links_footnotes_and_frames(tmp_path: Path) -> None:
    group = (
        '<w:p><w:r><w:drawing><wp:inline><wp:docPr id="1" name="Grupp 1"/><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup"><wpg:wgp '
        'xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup">'
        '<pic:pic><pic:nvPicPr><pic:cNvPr id="2" name="Bild 2" descr="Karta"/></pic:nvPicPr></pic:pic>'
        '<pic:pic><pic:nvPicPr><pic:cNvPr id="3" name="Bild 3"/></pic:nvPicPr></pic:pic>'
        "</wpg:wgp></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
    )
    linked = (
        '<w:p><w:hyperlink r:id="rIdL"><w:r><w:drawing><wp:inline><wp:docPr id="4" name="Logo" descr="Till startsidan"/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic/>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:hyperlink></w:p>"
    )
    frame = p(
        "I en ram",
        ppr='<w:framePr w:w="2000" w:hSpace="180" w:wrap="around" w:vAnchor="text" w:hAnchor="page"/>',
    )
    notes = (
        f'<w:footnotes {NSDECL}><w:footnote w:type="separator" w:id="-1">{p("---")}</w:footnote>'
        f'<w:footnote w:id="1">{p("Källa: SCB")}</w:footnote></w:footnotes>'
    )
    doc = read(
        make_docx(
            tmp_path,
            group + linked + frame,
            doc_rels=f'<Relationship Id="rIdL" Type="{REL}/hyperlink" Target="https://www.knivsta.se/" '
            f'TargetMode="External"/><Relationship Id="rIdF" Type="{REL}/footnotes" Target="footnotes.xml"/>',
            parts={"word/footnotes.xml": notes},
        )
    )
    assert [(i.kind, i.name, i.alt) for i in doc.images or []] == [
        ("group", "Grupp 1", None),  # one picture in the group lacks alt text: the group is reported once
        ("picture", "Logo", "Till startsidan"),
    ]
    assert [(link.text, link.href) for link in doc.links or []] == [
        ("Till startsidan", "https://www.knivsta.se/")
    ]
    assert [(f.kind, f.location.paragraph) for f in doc.native.floating] == [("frame", 3)]
    assert [(q.part, q.text) for q in doc.native.paragraphs if q.part == "footnotes"] == [
        ("footnotes", "Källa: SCB")
    ]


def test_connectors_hidden_paragraphs_alt_chunks_and_pictures_behind_text(tmp_path: Path) -> None:
    connector = (
        '<w:p><w:r><w:drawing><wp:inline><wp:docPr id="1" name="Rak koppling 1"/><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvCnPr/>'
        "<wps:spPr/></wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
    )
    hidden = p("dold", rpr="<w:vanish/>") + p("också dold", rpr="<w:vanish/>")
    behind = (
        '<w:p><w:r><w:t>Välkommen</w:t></w:r><w:r><w:drawing><wp:anchor behindDoc="1">'
        '<wp:docPr id="2" name="Foto" descr="Foto"/><a:graphic><a:graphicData '
        'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic/></a:graphicData></a:graphic>'
        "</wp:anchor></w:drawing></w:r></w:p>"
    )
    body = p("Text") + connector + hidden + '<w:altChunk r:id="rIdA"/>' + behind + p("Slut")
    doc = read(make_docx(tmp_path, body))
    assert [i.name for i in doc.images or []] == ["Foto"]
    assert rules_of(doc, "docx-empty-paragraphs") == {"docx-empty-paragraphs": "passed"}
    assert any("altChunk" in w for w in doc.warnings)
    welcome = [s for s in doc.contrast or [] if s.text == "Välkommen"]
    assert welcome and welcome[0].background is None and (welcome[0].reason or "") == "picture"


def test_declared_part_sizes_over_the_limits_are_refused(tmp_path: Path) -> None:
    path = make_docx(tmp_path, p("x"), parts={"word/media/padding.xml": "<a>" + " " * 5000 + "</a>"})
    limits = DEFAULT_LIMITS.with_overrides(max_part_bytes=4000)
    with pytest.raises(DocumentError) as err:
        reader.read(path, path.name, limits)
    assert err.value.code == "too-large"
    assert read(path).title == "Rapport"  # under the default limits the same file is fine


def test_deeply_nested_tables_are_cut_with_one_warning(tmp_path: Path) -> None:
    body = p("innerst")
    for _ in range(60):
        body = f"<w:tbl><w:tr><w:tc>{body}</w:tc></w:tr></w:tbl>"
    doc = read(make_docx(tmp_path, body))
    assert len(doc.tables or []) == 49  # MAX_DEPTH 48: the innermost levels are skipped
    assert [w for w in doc.warnings if "nested" in w] == [
        "content nested more than 48 levels deep (tables, text boxes) was skipped"
    ]


def test_vml_text_box_fill(tmp_path: Path) -> None:
    def box(attrs: str, text: str) -> str:
        return (
            f'<w:p><w:r><w:pict><v:shape style="position:absolute" {attrs}><v:textbox><w:txbxContent>'
            f"{p(text)}</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"
        )

    body = box('fillcolor="#1f3864 [3204]"', "mörk") + box('filled="f"', "genomskinlig") + box("", "standard")
    doc = read(make_docx(tmp_path, body))
    got = {s.text: s.background for s in doc.contrast or []}
    # "standard" (black on VML's default white) passes exactly like "genomskinlig": one target for both
    assert got == {"mörk": (0x1F, 0x38, 0x64), "genomskinlig": (255, 255, 255)}
    assert [f.kind for f in doc.native.floating] == ["textbox"] * 3


def test_the_reader_does_not_import_python_docx() -> None:
    import subprocess
    import sys

    code = "import sys, tillgang.readers.docx, tillgang.checks.docx; print('docx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_only_displayed_headers_are_read(tmp_path: Path) -> None:
    def hdr(name: str) -> str:
        logo = drawing(f'<wp:docPr id="9" name="{name}"/>')
        return f"<w:hdr {NSDECL}>{logo}</w:hdr>"

    rels = "".join(
        f'<Relationship Id="rIdH{n}" Type="{REL}/header" Target="header{n}.xml"/>' for n in (1, 2, 3)
    )
    sect = (
        '<w:sectPr><w:headerReference w:type="default" r:id="rIdH1"/>'
        '<w:headerReference w:type="first" r:id="rIdH2"/><w:headerReference w:type="even" r:id="rIdH3"/>'
        "{title}</w:sectPr>"
    )
    parts = {f"word/header{n}.xml": hdr(f"Logo {n}") for n in (1, 2, 3)}
    doc = read(make_docx(tmp_path, p("Text") + sect.format(title=""), doc_rels=rels, parts=parts))
    assert [i.name for i in doc.images or []] == ["Logo 1"]
    doc = read(
        make_docx(
            tmp_path,
            p("Text") + sect.format(title="<w:titlePg/>"),
            doc_rels=rels,
            parts=parts,
            settings="<w:evenAndOddHeaders/>",
            name="b.docx",
        )
    )
    assert [i.name for i in doc.images or []] == ["Logo 1", "Logo 2", "Logo 3"]


def test_picture_with_its_own_hyperlink_is_a_link_named_by_its_alt(tmp_path: Path) -> None:
    linked = '<wp:docPr id="1" name="Logo" descr="Knivsta kommun, till startsidan"><a:hlinkClick r:id="rIdL"/></wp:docPr>'
    bare = '<wp:docPr id="2" name="Pil"><a:hlinkClick r:id="rIdL"/></wp:docPr>'
    doc = read(
        make_docx(
            tmp_path,
            drawing(linked) + drawing(bare),
            doc_rels=f'<Relationship Id="rIdL" Type="{REL}/hyperlink" Target="https://www.knivsta.se/" '
            'TargetMode="External"/>',
        )
    )
    assert [(link.text, link.href, link.location.name) for link in doc.links or []] == [
        ("Knivsta kommun, till startsidan", "https://www.knivsta.se/", "Logo"),
        ("", "https://www.knivsta.se/", "Pil"),
    ]


def test_smartart_ole_and_watermarks(tmp_path: Path) -> None:
    smartart = drawing(
        '<wp:docPr id="1" name="Diagram 1" descr="Organisationsschema"/>',
        uri="http://schemas.openxmlformats.org/drawingml/2006/diagram",
    )
    ole = (
        '<w:p><w:r><w:object><v:shape id="_x0000_i1025" style="width:50pt;height:40pt"><v:imagedata r:id="x"/>'
        '</v:shape><o:OLEObject Type="Embed" ProgID="Excel.Sheet.12" ShapeID="_x0000_i1025"/></w:object></w:r></w:p>'
    )
    watermark = (
        '<w:p><w:r><w:pict><v:shape id="PowerPlusWaterMarkObject1" style="position:absolute">'
        '<v:imagedata r:id="y"/></v:shape></w:pict></w:r></w:p>'
    )
    doc = read(make_docx(tmp_path, smartart + ole + watermark))
    assert [(i.kind, i.alt) for i in doc.images or []] == [("smartart", "Organisationsschema"), ("ole", None)]
    assert doc.native.floating == []


def test_a_part_whose_deflate_stream_is_broken_is_corrupt(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """zlib's own error (not BadZipFile) from a damaged deflate stream is the reader's "corrupt", not an
    exception that escapes the reader (logged as an internal failure)."""
    import io
    import logging
    import zipfile
    import zlib

    from tillgang.engine import CheckOptions, check_file

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml", "<Types>" + "<Default Extension='x' ContentType='y'/>" * 200 + "</Types>"
        )
    good = buf.getvalue()
    start = good.index(b"[Content_Types].xml") + len("[Content_Types].xml")
    damaged = None
    for offset in range(start, start + 40):  # find a byte whose change makes zlib itself fail
        candidate = bytearray(good)
        candidate[offset] ^= 0xFF
        try:
            with zipfile.ZipFile(io.BytesIO(bytes(candidate))) as zf:
                zf.read("[Content_Types].xml")
        except zlib.error:
            damaged = bytes(candidate)
            break
        except Exception:
            continue
    assert damaged is not None
    path = tmp_path / "broken.docx"
    path.write_bytes(damaged)
    with caplog.at_level(logging.ERROR, logger="tillgang"):
        entry = check_file(path, CheckOptions())
    assert entry["error"] is not None and entry["error"]["code"] == "corrupt"
    assert [r.getMessage()[:200] for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_blank_cells_by_grid_position(tmp_path: Path) -> None:
    on = "<w:tblHeader/>"
    restart, cont = '<w:vMerge w:val="restart"/>', "<w:vMerge/>"
    before = '<w:trPr><w:gridBefore w:val="1"/></w:trPr>'
    pic = drawing('<wp:docPr id="1" name="Bild 1" descr="Karta"/>')
    nbsp = "\u00a0"
    body = (
        # a blank row (spaces and a no-break space are blank), a blank header cell, a picture is content
        f"<w:tbl>{row('', 'B', '', header=on)}{row('1', ' ', '3')}{row(' ', nbsp, '')}"
        + f"<w:tr>{tc('x')}<w:tc>{p('')}{pic}</w:tc>{tc('')}</w:tr></w:tbl>"
        # a vertical merge continues its first cell's content; gridBefore leaves a position without a cell
        + f"<w:tbl>{row('A', '', header=on)}<w:tr>{tc('Skola', restart)}{tc('')}</w:tr>"
        + f"<w:tr>{tc('', cont)}{tc('')}</w:tr><w:tr>{before}{tc('')}</w:tr></w:tbl>"
    )
    doc = read(make_docx(tmp_path, body))
    blanks = [t.blank for t in doc.tables or []]
    assert blanks[0] is not None and blanks[1] is not None
    assert (blanks[0].rows, blanks[0].cols, blanks[0].header) == ((3,), (), (3,))
    assert (blanks[0].blank, blanks[0].cells) == (7, 12)
    # column 2 is blank in every row that has a cell there; column 1 is "Skola" down the merge
    assert (blanks[1].rows, blanks[1].cols, blanks[1].header, blanks[1].cells) == ((4,), (2,), (), 7)
