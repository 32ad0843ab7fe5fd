"""The OpenDocument sniffer and reader on tiny hand-written packages, including hostile ones."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tillgang.engine import CheckOptions, check_file
from tillgang.errors import DocumentError
from tillgang.limits import DEFAULT_LIMITS
from tillgang.readers._pptx_model import Box, PresentationInfo
from tillgang.readers._sheet_model import CellRange, WorkbookInfo
from tillgang.readers.native import TextInfo
from tillgang.readers.odf import automatic_font_colour, read
from tillgang.sniff import sniff

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
    'xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"'
)
OD = "application/vnd.oasis.opendocument."
MANIFEST_NS = 'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'


def manifest(media: str, extra: str = "") -> str:
    return (
        f'<manifest:manifest {MANIFEST_NS}><manifest:file-entry manifest:full-path="/" '
        f'manifest:media-type="{media}"/>'
        f'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>{extra}'
        "</manifest:manifest>"
    )


def write(
    path: Path,
    kind: str = "text",
    body: str = "",
    auto: str = "",
    styles: str = "",
    meta: str = "",
    mimetype: str | None = None,
    extra_parts: dict[str, bytes] | None = None,
    manifest_xml: str | None = None,
) -> Path:
    media = mimetype if mimetype is not None else OD + kind
    content = (
        f"<office:document-content {NS}><office:automatic-styles>{auto}</office:automatic-styles>"
        f"<office:body><office:{kind}>{body}</office:{kind}></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        if media:
            zf.writestr(zipfile.ZipInfo("mimetype"), media)
        zf.writestr("content.xml", content)
        zf.writestr("styles.xml", f"<office:document-styles {NS}>{styles}</office:document-styles>")
        zf.writestr(
            "meta.xml", f"<office:document-meta {NS}><office:meta>{meta}</office:meta></office:document-meta>"
        )
        zf.writestr("META-INF/manifest.xml", manifest_xml or manifest(media or OD + kind))
        for name, data in (extra_parts or {}).items():
            zf.writestr(name, data)
    return path


SV = (
    '<office:styles><style:default-style style:family="paragraph"><style:text-properties fo:language="sv" '
    'fo:country="SE"/></style:default-style>'
    '<style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" '
    'style:default-outline-level="2"/>'
    '<style:style style:name="Grey" style:family="paragraph"><style:text-properties fo:color="#999999"/>'
    "</style:style></office:styles>"
)


# ------------------------------------------------------------------------------------------------ sniffing


@pytest.mark.parametrize(
    ("media", "fmt"),
    [
        (OD + "text", "odt"),
        (OD + "text-template", "odt"),
        (OD + "presentation", "odp"),
        (OD + "spreadsheet", "ods"),
    ],
)
def test_the_mimetype_decides_the_format(tmp_path: Path, media: str, fmt: str) -> None:
    path = write(tmp_path / "a.zip", mimetype=media)
    assert sniff(path, DEFAULT_LIMITS) == fmt


def test_the_manifest_decides_without_a_mimetype_entry(tmp_path: Path) -> None:
    path = write(tmp_path / "a.odt", mimetype="", manifest_xml=manifest(OD + "spreadsheet"))
    assert sniff(path, DEFAULT_LIMITS) == "ods"


def test_other_opendocument_kinds_are_unsupported(tmp_path: Path) -> None:
    path = write(tmp_path / "a.odg", mimetype=OD + "graphics")
    with pytest.raises(DocumentError) as exc:
        sniff(path, DEFAULT_LIMITS)
    assert exc.value.code == "unsupported-format"


def test_an_encrypted_manifest_is_encrypted(tmp_path: Path) -> None:
    entry = (
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml">'
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x">'
        '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="x"/>'
        "</manifest:encryption-data></manifest:file-entry>"
    )
    path = write(tmp_path / "secret.odt", manifest_xml=manifest(OD + "text", entry))
    with pytest.raises(DocumentError) as exc:
        sniff(path, DEFAULT_LIMITS)
    assert exc.value.code == "encrypted"
    entry = check_file(path)
    assert entry["error"]["code"] == "encrypted"


def test_a_mimetype_only_zip_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "empty.odt"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), OD + "text")
    assert sniff(path, DEFAULT_LIMITS) == "odt"
    entry = check_file(path)
    assert entry["error"]["code"] == "corrupt"


def test_a_truncated_package_is_corrupt(tmp_path: Path) -> None:
    whole = write(tmp_path / "whole.odt", body="<text:p>Hej</text:p>")
    cut = tmp_path / "cut.odt"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert check_file(cut)["error"]["code"] == "corrupt"


def test_a_zip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = b"<text:p>" + b" " * (8 * 1024 * 1024) + b"</text:p>"
    path = tmp_path / "bomb.odt"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), OD + "text")
        zf.writestr("content.xml", bomb)
        zf.writestr("META-INF/manifest.xml", manifest(OD + "text"))
    small = DEFAULT_LIMITS.with_overrides(max_part_bytes=1024 * 1024)
    entry = check_file(path, CheckOptions(limits=small))
    assert entry["error"]["code"] == "too-large"
    # the ratio limit catches it at the default part size too (8 MiB of spaces deflate ~1000:1)
    assert (
        check_file(path, CheckOptions(limits=DEFAULT_LIMITS.with_overrides(max_compression_ratio=100)))[
            "error"
        ]["code"]
        == "too-large"
    )


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "lol.odt"
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        f"<office:document-content {NS}><office:body><office:text><text:p>&lol2;</text:p>"
        "</office:text></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), OD + "text")
        zf.writestr("content.xml", laughs)
        zf.writestr("META-INF/manifest.xml", manifest(OD + "text"))
    entry = check_file(path)
    assert entry["error"]["code"] == "corrupt"
    assert "DTD" in entry["error"]["message"]


def test_an_external_entity_in_meta_is_refused(tmp_path: Path) -> None:
    meta = (
        '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"<office:document-meta {NS}><office:meta><dc:title>&x;</dc:title></office:meta></office:document-meta>"
    )
    path = tmp_path / "x.odt"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), OD + "text")
        zf.writestr(
            "content.xml",
            f"<office:document-content {NS}><office:body><office:text/></office:body>"
            "</office:document-content>",
        )
        zf.writestr("meta.xml", meta)
        zf.writestr("META-INF/manifest.xml", manifest(OD + "text"))
    assert check_file(path)["error"]["code"] == "corrupt"


# ------------------------------------------------------------------------------------------------ text


def test_title_language_headings_links_images_tables(tmp_path: Path) -> None:
    body = (
        '<text:h text:outline-level="1">Inledning</text:h>'
        '<text:p text:style-name="Heading_20_2">Bakgrund</text:p>'
        '<text:p>Läs <text:a xlink:href="https://www.knivsta.se/">här</text:a>.'
        '<draw:frame draw:name="Bild1"><draw:image xlink:href="Pictures/a.png"/>'
        "<svg:title>Knivstas vapen</svg:title></draw:frame>"
        '<draw:frame draw:name="Bild2" loext:decorative="true"><draw:image xlink:href="Pictures/a.png"/></draw:frame>'
        '<draw:frame draw:name="Bild3"><draw:image xlink:href="Pictures/a.png"/>'
        '<draw:image xlink:href="Pictures/a.svg"/></draw:frame></text:p>'
        '<table:table><table:table-column table:number-columns-repeated="2"/>'
        "<table:table-header-rows><table:table-row><table:table-cell><text:p>A</text:p></table:table-cell>"
        "<table:table-cell><text:p>B</text:p></table:table-cell></table:table-row></table:table-header-rows>"
        "<table:table-row><table:table-cell><text:p>1</text:p></table:table-cell>"
        "<table:table-cell><text:p>2</text:p></table:table-cell></table:table-row></table:table>"
    )
    path = write(tmp_path / "a.odt", body=body, styles=SV, meta="<dc:title>Rapport</dc:title>")
    doc = read(path, str(path), DEFAULT_LIMITS)
    assert doc.format == "odt"
    assert doc.title == "Rapport"
    assert doc.lang == "sv-SE"
    assert [(h.level, h.text) for h in doc.headings or []] == [(1, "Inledning"), (2, "Bakgrund")]
    assert [(link.text, link.href) for link in doc.links or []] == [("här", "https://www.knivsta.se/")]
    images = doc.images or []
    assert [(i.name, i.alt, i.decorative) for i in images] == [
        ("Bild1", "Knivstas vapen", False),
        ("Bild2", None, True),
        ("Bild3", None, False),  # two draw:image (SVG and its PNG fallback) are one picture
    ]
    assert images[0].location.paragraph == 3
    table = (doc.tables or [])[0]
    assert (table.rows, table.cols, table.header) == (2, 2, True)


def test_table_merges_nesting_and_headings_in_cells(tmp_path: Path) -> None:
    def tcell(text: str, extra: str = "") -> str:
        return f"<table:table-cell{extra}><text:p>{text}</text:p></table:table-cell>"

    cols = '<table:table-column table:number-columns-repeated="2"/>'
    span = ' table:number-columns-spanned="2"'
    head = f"<table:table-header-rows><table:table-row>{tcell('A')}{tcell('B')}</table:table-row></table:table-header-rows>"
    inner = f"<table:table>{cols}<table:table-row>{tcell('a')}{tcell('b')}</table:table-row></table:table>"
    body = (
        '<text:h text:outline-level="1">Inledning</text:h>'
        # a spanning cell in the data rows of a table with repeated heading; a nested table and a heading in a cell
        + f"<table:table>{cols}{head}<table:table-row>{tcell('Summa', span)}<table:covered-table-cell/>"
        + "</table:table-row><table:table-row><table:table-cell>"
        + f'<text:h text:outline-level="2">Resultat</text:h>{inner}</table:table-cell>{tcell("x")}'
        + "</table:table-row></table:table>"
        # a spanning header cell only
        + f"<table:table>{cols}<table:table-header-rows><table:table-row>{tcell('Rubrik', span)}"
        + "<table:covered-table-cell/></table:table-row></table:table-header-rows>"
        + f"<table:table-row>{tcell('1')}{tcell('2')}</table:table-row></table:table>"
    )
    path = write(tmp_path / "a.odt", body=body, styles=SV)
    doc = read(path, str(path), DEFAULT_LIMITS)
    got = [(t.location.table, t.header, t.merged, t.merged_body, t.nested) for t in doc.tables or []]
    # the nested table is recorded when its cell has been read, before its outer table
    assert got == [(2, False, 0, 0, True), (1, True, 1, 1, False), (3, True, 1, 0, False)]
    assert [(h.text, h.location.table) for h in doc.headings or []] == [("Inledning", None), ("Resultat", 1)]
    slide = (
        '<draw:page draw:name="s1"><draw:frame svg:x="1cm" svg:y="1cm" svg:width="10cm" svg:height="4cm">'
        f'<table:table table:use-first-row-styles="true">{cols}<table:table-row>{tcell("Rubrik", span)}'
        f"<table:covered-table-cell/></table:table-row><table:table-row>{tcell('1')}{tcell('2')}</table:table-row>"
        "</table:table></draw:frame></draw:page>"
    )
    path = write(tmp_path / "a.odp", kind="presentation", body=slide)
    tables = read(path, str(path), DEFAULT_LIMITS).tables or []
    assert [(t.header, t.merged, t.merged_body, t.nested) for t in tables] == [(True, 1, 0, False)]


def test_dc_language_is_the_fallback_and_zxx_is_no_language(tmp_path: Path) -> None:
    path = write(tmp_path / "a.odt", body="<text:p>Hej</text:p>", meta="<dc:language>sv-SE</dc:language>")
    assert read(path, str(path), DEFAULT_LIMITS).lang == "sv-SE"
    none = (
        '<office:styles><style:default-style style:family="paragraph"><style:text-properties fo:language="zxx" '
        'fo:country="none"/></style:default-style></office:styles>'
    )
    path = write(tmp_path / "b.odt", body="<text:p>Hej</text:p>", styles=none)
    assert read(path, str(path), DEFAULT_LIMITS).lang == "zxx"
    assert (
        check_file(path, CheckOptions(rules=frozenset({"document-lang"})))["rules"]["document-lang"]
        == "failed"
    )


def test_contrast_follows_span_then_paragraph_then_default(tmp_path: Path) -> None:
    auto = (
        '<style:style style:name="T1" style:family="text"><style:text-properties fo:color="#000000"/></style:style>'
        '<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Grey"/>'
    )
    body = (
        '<text:p text:style-name="P1">Grå text som är svår att läsa</text:p>'
        '<text:p text:style-name="P1"><text:span text:style-name="T1">Svart text</text:span></text:p>'
        "<text:p>Automatisk färg</text:p>"
    )
    path = write(tmp_path / "a.odt", body=body, auto=auto, styles=SV)
    samples = read(path, str(path), DEFAULT_LIMITS).contrast or []
    assert [(s.text, s.foreground, s.background) for s in samples] == [
        ("Grå text som är svår att läsa", (153, 153, 153), (255, 255, 255)),
        ("Svart text", (0, 0, 0), (255, 255, 255)),
    ]


def test_automatic_colour_is_drawn_as_libreoffice_draws_it(tmp_path: Path) -> None:
    # LibreOffice 7.4: white when (76 R + 151 G + 29 B) / 256 <= 62, else black (measured in PDF exports).
    assert automatic_font_colour((0x3E, 0x3E, 0x3E)) == (255, 255, 255)
    assert automatic_font_colour((0x40, 0x40, 0x40)) == (0, 0, 0)
    assert automatic_font_colour((0x00, 0x00, 0xFF)) == (255, 255, 255)  # luminance 28
    assert automatic_font_colour((0x00, 0x80, 0x00)) == (0, 0, 0)  # luminance 75
    styles = (
        '<office:styles><style:default-style style:family="paragraph"><style:text-properties '
        'style:use-window-font-color="true" fo:language="sv" fo:country="SE"/></style:default-style></office:styles>'
    )
    auto = "".join(
        f'<style:style style:name="{n}" style:family="paragraph"><style:paragraph-properties '
        f'fo:background-color="{c}"/></style:style>'
        for n, c in (("Black", "#000000"), ("Grey", "#404040"))
    )
    body = (
        '<text:p text:style-name="Black">Vit text</text:p><text:p text:style-name="Grey">Svart text</text:p>'
    )
    path = write(tmp_path / "a.odt", body=body, auto=auto, styles=styles)
    samples = read(path, str(path), DEFAULT_LIMITS).contrast or []
    assert [(s.text, s.foreground, s.background) for s in samples] == [
        ("Vit text", (255, 255, 255), (0, 0, 0)),
        ("Svart text", (0, 0, 0), (64, 64, 64)),
    ]
    # Without use-window-font-color and without fo:color anywhere, LibreOffice draws the text black.
    path = write(tmp_path / "b.odt", body=body, auto=auto, styles=SV)
    samples = read(path, str(path), DEFAULT_LIMITS).contrast or []
    assert [s.foreground for s in samples] == [(0, 0, 0), (0, 0, 0)]


def test_a_style_loop_does_not_hang(tmp_path: Path) -> None:
    styles = (
        '<office:styles><style:style style:name="A" style:family="paragraph" style:parent-style-name="B"/>'
        '<style:style style:name="B" style:family="paragraph" style:parent-style-name="A"/></office:styles>'
    )
    path = write(tmp_path / "a.odt", body='<text:p text:style-name="A">Hej</text:p>', styles=styles)
    doc = read(path, str(path), DEFAULT_LIMITS)
    assert doc.headings == []


# ------------------------------------------------------------------------------------------------ slides


def test_slides_titles_and_reading_order(tmp_path: Path) -> None:
    def frame(cls: str, text: str, y: str) -> str:
        return (
            f'<draw:frame presentation:class="{cls}" svg:x="1cm" svg:y="{y}" svg:width="20cm" svg:height="2cm">'
            f"<draw:text-box><text:p>{text}</text:p></draw:text-box></draw:frame>"
        )

    body = (
        f'<draw:page draw:name="s1">{frame("title", "Inledning", "1cm")}{frame("outline", "Text", "4cm")}</draw:page>'
        f'<draw:page draw:name="s2">{frame("outline", "Text", "4cm")}'
        '<draw:frame presentation:class="title" presentation:placeholder="true" svg:x="1cm" svg:y="1cm" '
        'svg:width="20cm" svg:height="2cm"/></draw:page>'
    )
    path = write(tmp_path / "a.odp", kind="presentation", body=body)
    doc = read(path, str(path), DEFAULT_LIMITS)
    info = doc.native
    assert isinstance(info, PresentationInfo)
    assert [(s.number, s.title) for s in info.slides] == [(1, "Inledning"), (2, None)]
    assert info.slides[1].title_placeholder
    first = info.slides[0].shapes[0]
    assert first.is_title and first.box is not None and first.box.y == 360_000
    entry = check_file(path, CheckOptions(rules=frozenset({"odp-slide-title"})))
    assert entry["rules"]["odp-slide-title"] == "failed"


def test_groups_are_one_image_and_one_shape_as_in_powerpoint(tmp_path: Path) -> None:
    def pic(name: str, x: str, y: str, desc: str = "") -> str:
        alt = f"<svg:desc>{desc}</svg:desc>" if desc else ""
        return (
            f'<draw:frame draw:name="{name}" svg:x="{x}" svg:y="{y}" svg:width="2cm" svg:height="1cm">'
            f'<draw:image xlink:href="Pictures/a.png"/>{alt}</draw:frame>'
        )

    described = f'<draw:g draw:name="G1">{pic("A", "1cm", "5cm")}{pic("B", "6cm", "7cm")}<svg:desc>Två bilder</svg:desc></draw:g>'
    # Without its own alt text: the pictures count when all are described, else the group is reported once.
    all_described = (
        f'<draw:g draw:name="G2">{pic("C", "1cm", "1cm", "Karta")}{pic("D", "4cm", "1cm", "Plan")}</draw:g>'
    )
    one_missing = f'<draw:g draw:name="G3">{pic("E", "1cm", "1cm", "Karta")}<draw:g draw:name="G4">{pic("F", "4cm", "2cm")}</draw:g></draw:g>'
    body = "".join(
        f'<draw:page draw:name="s{i}">{g}</draw:page>'
        for i, g in enumerate((described, all_described, one_missing))
    )
    path = write(tmp_path / "a.odp", kind="presentation", body=body)
    doc = read(path, str(path), DEFAULT_LIMITS)
    assert [(i.location.slide, i.name, i.kind, i.alt) for i in doc.images or []] == [
        (1, "G1", "group", "Två bilder"),
        (2, "C", "picture", "Karta"),
        (2, "D", "picture", "Plan"),
        (3, "G3", "group", None),
    ]
    info = doc.native
    assert isinstance(info, PresentationInfo)
    # A group is one shape of its slide; its box is the union of its pictures' (draw:g has no size).
    assert [[(s.name, s.kind) for s in slide.shapes] for slide in info.slides] == [
        [("G1", "grpSp")],
        [("G2", "grpSp")],
        [("G3", "grpSp")],
    ]
    cm = 360_000
    assert info.slides[0].shapes[0].box == Box(1 * cm, 5 * cm, 7 * cm, 3 * cm)
    assert info.slides[2].shapes[0].box == Box(1 * cm, 1 * cm, 5 * cm, 2 * cm)


# ------------------------------------------------------------------------------------------------ sheets


def test_sheets_repeats_merges_and_ranges(tmp_path: Path) -> None:
    body = (
        '<table:table table:name="Blad1"><table:table-column table:number-columns-repeated="4"/>'
        "<table:table-row>"
        '<table:table-cell table:number-columns-repeated="2"/>'
        '<table:table-cell table:number-columns-spanned="2" office:value-type="string"><text:p>Rubrik</text:p>'
        "</table:table-cell><table:covered-table-cell/></table:table-row>"
        '<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="4"/>'
        "</table:table-row>"
        '<table:table-row><table:table-cell table:number-columns-repeated="2"/>'
        '<table:table-cell office:value-type="float" office:value="5"><text:p>5</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p><text:a xlink:href="https://a.se/">a.se</text:a>'
        "</text:p></table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row></table:table>'
        '<table:database-ranges><table:database-range table:target-range-address="Blad1.C1:Blad1.D5" '
        'table:contains-header="false"/></table:database-ranges>'
    )
    path = write(tmp_path / "a.ods", kind="spreadsheet", body=body)
    doc = read(path, str(path), DEFAULT_LIMITS)
    info = doc.native
    assert isinstance(info, WorkbookInfo)
    sheet = info.sheets[0]
    assert sheet.name == "Blad1"
    assert sheet.used == CellRange(1, 3, 5, 4)
    assert sheet.merges == [CellRange(1, 3, 1, 4)]
    assert [(r.range, r.header_rows) for r in sheet.regions] == [(CellRange(1, 3, 5, 4), 0)]
    assert [(link.location.sheet, link.location.cell) for link in doc.links or []] == [("Blad1", "D5")]
    table = (doc.tables or [])[0]
    assert (table.rows, table.cols, table.header) == (5, 2, False)


def test_blank_cells_follow_spans_repeats_and_content(tmp_path: Path) -> None:
    def tcell(text: str, extra: str = "") -> str:
        return f"<table:table-cell{extra}><text:p>{text}</text:p></table:table-cell>"

    cols = '<table:table-column table:number-columns-repeated="3"/>'
    frame = (
        '<table:table-cell><text:p><draw:frame draw:name="Bild1" svg:width="1cm" svg:height="1cm">'
        '<draw:image xlink:href="Pictures/a.png"/><svg:desc>Karta</svg:desc></draw:frame></text:p></table:table-cell>'
    )
    head = (
        f"<table:table-header-rows><table:table-row>{tcell('')}{tcell('B')}{tcell('')}"
        "</table:table-row></table:table-header-rows>"
    )
    rows2 = ' table:number-rows-spanned="2"'
    body = (
        f"<table:table>{cols}{head}"
        # a blank cell spanning two rows, a picture, text
        + f"<table:table-row>{tcell('', rows2)}{frame}{tcell('1')}</table:table-row>"
        + f"<table:table-row><table:covered-table-cell/>{tcell('2')}{tcell('3')}</table:table-row>"
        # one blank cell repeated over the whole row
        + '<table:table-row><table:table-cell table:number-columns-repeated="3"/></table:table-row>'
        + "</table:table>"
    )
    path = write(tmp_path / "a.odt", body=body, styles=SV)
    (table,) = read(path, str(path), DEFAULT_LIMITS).tables or []
    assert table.blank is not None
    # column 1 is blank throughout (its merged cell covers rows 2 and 3); row 4 is blank; column 3's header is
    assert (table.blank.rows, table.blank.cols, table.blank.header) == ((4,), (1,), (3,))
    assert (table.blank.blank, table.blank.cells) == (7, 12)


def test_writer_paragraph_model_for_the_paragraph_rules(tmp_path: Path) -> None:
    auto = (
        '<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Text_20_body">'
        '<style:text-properties fo:font-size="16pt"/></style:style>'
        '<style:style style:name="P2" style:family="paragraph" style:parent-style-name="Text_20_body">'
        '<style:paragraph-properties fo:break-after="page"/></style:style>'
        '<style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="700"/>'
        "</style:style>"
    )
    styles = SV.replace(
        "</office:styles>",
        '<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph"/>'
        "</office:styles>",
    )
    note = '<text:note text:note-class="footnote"><text:note-body><text:p>Not</text:p></text:note-body></text:note>'
    body = (
        '<text:p text:style-name="P1"><text:span text:style-name="T1">Stor och fet</text:span></text:p>'
        '<text:p text:style-name="P2"/>'  # an empty paragraph that breaks the page
        f"<text:p>{note}</text:p>"  # an empty-looking paragraph with a footnote is not empty
        "<text:list><text:list-item><text:p>punkt med lite längre text</text:p></text:list-item></text:list>"
        '<text:p>a<text:s text:c="3"/>b</text:p>'
        "<table:table><table:table-row><table:table-cell><text:p>cell</text:p></table:table-cell>"
        "</table:table-row></table:table>"
        "<text:p/>"
        '<text:p><draw:frame draw:name="Ram"><draw:text-box><text:p>i ram</text:p></draw:text-box></draw:frame></text:p>'
    )
    path = write(tmp_path / "a.odt", body=body, auto=auto, styles=styles)
    doc = read(path, str(path), DEFAULT_LIMITS)
    info = doc.native
    assert isinstance(info, TextInfo)
    got = [
        (p.index, p.text, p.style_name, p.bold, p.size, p.list_item, p.in_table, p.in_textbox)
        for p in info.paragraphs
    ]
    assert got == [
        (1, "Stor och fet", "text body", True, 16.0, False, False, False),
        (2, "", "text body", False, None, False, False, False),
        (3, "", "", False, None, False, False, False),
        (4, "punkt med lite längre text", "", False, 12.0, True, False, False),
        (5, "a   b", "", False, 12.0, False, False, False),
        (6, "cell", "", False, 12.0, False, True, False),
        (7, "", "", False, None, False, False, False),
        (8, "", "", False, None, False, False, False),
        (9, "i ram", "", False, 12.0, False, False, True),
    ]
    paras = info.paragraphs
    assert (paras[1].page_break, paras[2].has_object, paras[6].after_table) == (True, True, True)
    assert paras[7].has_object  # the paragraph anchoring the frame
    # blocks: paragraphs 1-3 are adjacent, the list and the table are blocks of their own
    assert [p.pos for p in paras[:3]] == [1, 2, 3] and paras[4].pos == 5 and paras[6].pos == 7
    assert info.body_size == 12.0 and info.body_bold is False


def test_writer_headings_are_paragraphs_with_a_level(tmp_path: Path) -> None:
    body = '<text:h text:outline-level="2">Resultat</text:h><text:p>Text.</text:p>'
    path = write(tmp_path / "a.odt", body=body, styles=SV)
    info = read(path, str(path), DEFAULT_LIMITS).native
    assert isinstance(info, TextInfo)
    assert [(p.text, p.heading) for p in info.paragraphs] == [("Resultat", 2), ("Text.", None)]


def test_blank_cells_of_overlapping_and_orphan_spans_stay_linear(tmp_path: Path) -> None:
    # Every cell claims to span a million rows and all 16384 columns; a covered cell that nothing spans is no cell.
    huge = ' table:number-columns-spanned="16384" table:number-rows-spanned="1000000"'
    rows = "".join(
        f"<table:table-row><table:table-cell{huge}><text:p>x</text:p></table:table-cell></table:table-row>"
        for _ in range(3)
    )
    orphan = "<table:table-row><table:covered-table-cell/><table:table-cell><text:p/></table:table-cell></table:table-row>"
    body = f"<table:table>{rows}</table:table><table:table>{orphan}{orphan}</table:table>"
    path = write(tmp_path / "a.odt", body=body, styles=SV)
    first, second = read(path, str(path), DEFAULT_LIMITS).tables or []
    assert first.blank is not None and (first.blank.cells, first.blank.blank) == (3, 0)
    assert (first.merged, first.merged_body) == (3, 3)
    # the orphan covered cells are neither blank nor filled; column 2 is blank in both rows
    assert second.blank is not None and (second.blank.cells, second.blank.cols) == (2, (2,))


def test_hyperlink_formulas_in_calc_cells_are_links(tmp_path: Path) -> None:
    def formula_cell(formula: str, shown: str) -> str:
        return (
            f'<table:table-cell table:formula="{formula}" office:value-type="string">'
            f"<text:p>{shown}</text:p></table:table-cell>"
        )

    q = "&quot;"
    row = (
        formula_cell(f"of:=HYPERLINK({q}https://a.se/{q};{q}Läs  mer{q})", "Läs  mer")
        + formula_cell(f"oooc:=hyperlink({q}https://b.se/?q={q}{q}x{q}{q}{q})", "https://b.se/")
        + formula_cell("of:=HYPERLINK([.A1])", "från en cell")  # the address is not in the formula
        + formula_cell(f"of:=CONCATENATE({q}HYPERLINK({q};{q}x{q})", "HYPERLINK(x")
    )
    body = f'<table:table table:name="Länkar"><table:table-row>{row}</table:table-row></table:table>'
    path = write(tmp_path / "a.ods", kind="spreadsheet", body=body)
    doc = read(path, str(path), DEFAULT_LIMITS)
    assert [(link.location.cell, link.text, link.href) for link in doc.links or []] == [
        ("A1", "Läs mer", "https://a.se/"),
        ("B1", "https://b.se/", 'https://b.se/?q="x"'),
    ]
