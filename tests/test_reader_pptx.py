"""The PowerPoint reader and the pptx-* checks, on tiny hand-written packages."""

from __future__ import annotations

import contextlib
import zipfile
from pathlib import Path

import pytest

from tillgang.checks.slides import normalise_title, reading_order_problem, visual_order
from tillgang.engine import check_file
from tillgang.errors import DocumentError
from tillgang.limits import DEFAULT_LIMITS
from tillgang.model import Document
from tillgang.readers._pptx_model import Box, ShapeInfo, SlideInfo
from tillgang.readers.pptx import MAX_GROUP_DEPTH, read
from tillgang.registry import Results

from .conftest import SHARED, require

NSDECL = (
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PML = "application/vnd.openxmlformats-officedocument.presentationml"
GRP = (
    '<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
    '<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/>'
    '<a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>'
)
THEME = (
    f'<a:theme {NSDECL} name="t"><a:themeElements><a:clrScheme name="c">'
    '<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>'
    '<a:dk2><a:srgbClr val="1F497D"/></a:dk2><a:lt2><a:srgbClr val="EEECE1"/></a:lt2>'
    '<a:accent1><a:srgbClr val="4F81BD"/></a:accent1><a:accent2><a:srgbClr val="C0504D"/></a:accent2>'
    '<a:accent3><a:srgbClr val="9BBB59"/></a:accent3><a:accent4><a:srgbClr val="8064A2"/></a:accent4>'
    '<a:accent5><a:srgbClr val="4BACC6"/></a:accent5><a:accent6><a:srgbClr val="F79646"/></a:accent6>'
    '<a:hlink><a:srgbClr val="0000FF"/></a:hlink><a:folHlink><a:srgbClr val="800080"/></a:folHlink>'
    '</a:clrScheme><a:fmtScheme name="f"><a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    '<a:gradFill><a:gsLst><a:gs pos="0"><a:schemeClr val="phClr"><a:tint val="50000"/></a:schemeClr></a:gs>'
    '<a:gs pos="100000"><a:schemeClr val="phClr"/></a:gs></a:gsLst></a:gradFill></a:fillStyleLst>'
    '<a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:bgFillStyleLst>'
    "</a:fmtScheme></a:themeElements></a:theme>"
)
CLR_MAP = (
    'bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" '
    'accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"'
)
MASTER_TREE = (
    '<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title Placeholder 1"/><p:cNvSpPr/><p:nvPr><p:ph type="title"/></p:nvPr>'
    '</p:nvSpPr><p:spPr><a:xfrm><a:off x="100" y="100"/><a:ext cx="8000" cy="1000"/></a:xfrm></p:spPr></p:sp>'
    '<p:sp><p:nvSpPr><p:cNvPr id="3" name="Text Placeholder 2"/><p:cNvSpPr/><p:nvPr><p:ph type="body" idx="1"/>'
    '</p:nvPr></p:nvSpPr><p:spPr><a:xfrm><a:off x="100" y="2000"/><a:ext cx="8000" cy="4000"/></a:xfrm></p:spPr>'
    "</p:sp>"
)
LAYOUT_TREE = (
    '<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title 1"/><p:cNvSpPr/><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr>'
    "<p:spPr/></p:sp>"
    '<p:sp><p:nvSpPr><p:cNvPr id="3" name="Content 2"/><p:cNvSpPr/><p:nvPr><p:ph idx="1"/></p:nvPr></p:nvSpPr>'
    "<p:spPr/></p:sp>"
)


def sp(
    name: str, text: str = "", ph: str = "", xfrm: tuple[int, int, int, int] | None = None, extra: str = ""
) -> str:
    geom = ""
    if xfrm:
        x, y, cx, cy = xfrm
        geom = f'<a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
    body = f'<p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="sv-SE"/><a:t>{text}</a:t></a:r></a:p></p:txBody>'
    nvpr = f"<p:nvPr>{ph}</p:nvPr>"
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="9" name="{name}"/><p:cNvSpPr/>{nvpr}</p:nvSpPr>'
        f"<p:spPr>{geom}{extra}</p:spPr>{body if text else ''}</p:sp>"
    )


def pic(name: str, attrs: str = "", ext: str = "") -> str:
    return (
        f'<p:pic><p:nvPicPr><p:cNvPr id="7" name="{name}" {attrs}>{ext}</p:cNvPr><p:cNvPicPr/><p:nvPr/></p:nvPicPr>'
        '<p:blipFill/><p:spPr><a:xfrm><a:off x="0" y="3000"/><a:ext cx="100" cy="100"/></a:xfrm></p:spPr></p:pic>'
    )


def deck(
    tmp_path: Path,
    slides: list[str],
    *,
    order: list[int] | None = None,
    slide_attrs: list[str] | None = None,
    slide_rels: list[str] | None = None,
    pres_extra: str = "",
    master_extra: str = "",
    clr_map: str = CLR_MAP,
    layout_extra: str = "",
    layout_tree: str = LAYOUT_TREE,
    title: str = "Budget",
    extra_parts: dict[str, str] | None = None,
    name: str = "t.pptx",
) -> Path:
    """A minimal valid package: presentation, one master, one layout, one theme, the given slides' spTrees."""
    n = len(slides)
    order = order or list(range(1, n + 1))
    parts: dict[str, str] = {}
    overrides = [
        ("/ppt/presentation.xml", f"{PML}.presentation.main+xml"),
        ("/ppt/slideMasters/slideMaster1.xml", f"{PML}.slideMaster+xml"),
        ("/ppt/slideLayouts/slideLayout1.xml", f"{PML}.slideLayout+xml"),
        ("/ppt/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
    ] + [(f"/ppt/slides/slide{i}.xml", f"{PML}.slide+xml") for i in range(1, n + 1)]
    parts["[Content_Types].xml"] = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
        + "</Types>"
    )

    def rels(items: list[tuple[str, str, str]]) -> str:
        external = ' TargetMode="External"'
        body = "".join(
            f'<Relationship Id="{i}" Type="{t}" Target="{g}"{external if g.startswith("http") else ""}/>'
            for i, t, g in items
        )
        ns = "http://schemas.openxmlformats.org/package/2006/relationships"
        return f'<Relationships xmlns="{ns}">{body}</Relationships>'

    parts["_rels/.rels"] = rels(
        [
            ("rId1", f"{REL}/officeDocument", "ppt/presentation.xml"),
            (
                "rId2",
                "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                "docProps/core.xml",
            ),
        ]
    )
    parts["docProps/core.xml"] = (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title></cp:coreProperties>'
    )
    sld_ids = "".join(f'<p:sldId id="{256 + k}" r:id="rId{10 + i}"/>' for k, i in enumerate(order))
    parts["ppt/presentation.xml"] = (
        f'<p:presentation {NSDECL}><p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>'
        f'<p:sldIdLst>{sld_ids}</p:sldIdLst><p:sldSz cx="9144000" cy="6858000"/>{pres_extra}</p:presentation>'
    )
    parts["ppt/_rels/presentation.xml.rels"] = rels(
        [("rId1", f"{REL}/slideMaster", "slideMasters/slideMaster1.xml")]
        + [(f"rId{10 + i}", f"{REL}/slide", f"slides/slide{i}.xml") for i in range(1, n + 1)]
    )
    parts["ppt/slideMasters/slideMaster1.xml"] = (
        f'<p:sldMaster {NSDECL}><p:cSld><p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg>'
        f"<p:spTree>{GRP}{MASTER_TREE}</p:spTree></p:cSld><p:clrMap {clr_map}/>{master_extra}</p:sldMaster>"
    )
    parts["ppt/slideMasters/_rels/slideMaster1.xml.rels"] = rels(
        [
            ("rId1", f"{REL}/theme", "../theme/theme1.xml"),
            ("rId2", f"{REL}/slideLayout", "../slideLayouts/slideLayout1.xml"),
        ]
    )
    parts["ppt/theme/theme1.xml"] = THEME
    parts["ppt/slideLayouts/slideLayout1.xml"] = (
        f'<p:sldLayout {NSDECL}><p:cSld name="Rubrik och innehåll"><p:spTree>{GRP}{layout_tree}</p:spTree></p:cSld>'
        f"{layout_extra}</p:sldLayout>"
    )
    parts["ppt/slideLayouts/_rels/slideLayout1.xml.rels"] = rels(
        [("rId1", f"{REL}/slideMaster", "../slideMasters/slideMaster1.xml")]
    )
    for i, tree in enumerate(slides, start=1):
        attrs = (slide_attrs or [""] * n)[i - 1]
        parts[f"ppt/slides/slide{i}.xml"] = (
            f"<p:sld {NSDECL} {attrs}><p:cSld><p:spTree>{GRP}{tree}</p:spTree></p:cSld></p:sld>"
        )
        extra = (slide_rels or [""] * n)[i - 1]
        parts[f"ppt/slides/_rels/slide{i}.xml.rels"] = rels(
            [("rId1", f"{REL}/slideLayout", "../slideLayouts/slideLayout1.xml")]
        ).replace("</Relationships>", extra + "</Relationships>")
    parts.update(extra_parts or {})
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        for part, text in parts.items():
            zf.writestr(part, text.encode("utf-8"))
    return path


def load(path: Path) -> Document:
    return read(path, str(path), DEFAULT_LIMITS)


TITLE_PH = '<p:ph type="title"/>'


# ------------------------------------------------------------------ slides and titles


def test_slides_follow_sldidlst_order_and_titles(tmp_path: Path) -> None:
    path = deck(tmp_path, [sp("T", "Första", TITLE_PH), sp("T", "Andra", TITLE_PH)], order=[2, 1])
    doc = load(path)
    assert [(s.number, s.title, s.part) for s in doc.native.slides] == [
        (1, "Andra", "ppt/slides/slide2.xml"),
        (2, "Första", "ppt/slides/slide1.xml"),
    ]
    assert doc.page_count == 2
    assert doc.title == "Budget"
    assert doc.headings is None


def test_title_type_inherited_from_layout_placeholder(tmp_path: Path) -> None:
    # The slide's placeholder names no type; idx 0 matches the layout's title placeholder.
    doc = load(deck(tmp_path, [sp("Rubrik 1", "Ärvd rubrik", '<p:ph idx="0"/>')]))
    slide = doc.native.slides[0]
    assert slide.title == "Ärvd rubrik"
    assert slide.shapes[0].placeholder == "title"
    # Position comes from the master's title placeholder (neither slide nor layout has an xfrm).
    assert slide.shapes[0].box == Box(100, 100, 8000, 1000)


def test_bare_placeholder_is_body_not_the_layouts_title(tmp_path: Path) -> None:
    # LibreOffice writes its outline placeholder as a bare <p:ph/> (type obj, idx 0 by default): it must not
    # match the layout title's implicit idx 0, or the body text becomes the title of a slide whose title is empty.
    empty_title = (
        '<p:sp><p:nvSpPr><p:cNvPr id="2" name="PlaceHolder 1"/><p:cNvSpPr/><p:nvPr><p:ph type="title"/></p:nvPr>'
        '</p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:p><a:endParaRPr lang="sv-SE"/></a:p></p:txBody></p:sp>'
    )
    doc = load(deck(tmp_path, [empty_title + sp("PlaceHolder 2", "Brödtext", "<p:ph/>")]))
    slide = doc.native.slides[0]
    assert (slide.title, slide.title_placeholder) == (None, True)
    assert [(s.name, s.placeholder) for s in slide.shapes] == [
        ("PlaceHolder 1", "title"),
        ("PlaceHolder 2", "obj"),
    ]
    # Position from the layout's typeless content placeholder, i.e. the master's body placeholder.
    assert slide.shapes[1].box == Box(100, 2000, 8000, 4000)


def test_body_placeholder_is_not_a_title_and_empty_title_is_reported(tmp_path: Path) -> None:
    empty_title = '<p:sp><p:nvSpPr><p:cNvPr id="2" name="T"/><p:cNvSpPr/><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:spPr/></p:sp>'
    doc = load(deck(tmp_path, [sp("Body", "Text", '<p:ph idx="1"/>'), empty_title]))
    first, second = doc.native.slides
    assert (first.title, first.title_placeholder) == (None, False)
    assert (second.title, second.title_placeholder) == (None, True)
    out = Results()
    from tillgang.checks.slides import slide_title

    slide_title(doc, out)
    assert [(r.outcome.value, r.message_key) for r in out.items] == [
        ("failed", "missing"),
        ("failed", "empty"),
    ]


def test_hidden_slide_flag_and_warning(tmp_path: Path) -> None:
    doc = load(deck(tmp_path, [sp("T", "A", TITLE_PH), sp("X", "B")], slide_attrs=["", 'show="0"']))
    assert [s.hidden for s in doc.native.slides] == [False, True]
    assert any("hidden slides" in w and "2" in w for w in doc.warnings)


def test_duplicate_titles_normalised(tmp_path: Path) -> None:
    from tillgang.checks.slides import slide_title_unique

    doc = load(
        deck(
            tmp_path,
            [
                sp("T", "Resultat", TITLE_PH),
                sp("T", "resultat.", TITLE_PH),
                sp("T", "Resultat (forts.)", TITLE_PH),
            ],
        )
    )
    out = Results()
    slide_title_unique(doc, out)
    failed = [r for r in out.items if r.outcome.value == "failed"]
    assert [(r.params["slides"], r.params["title"]) for r in failed] == [("1, 2", "Resultat")]
    assert normalise_title("  Resultat (forts.) ") == "resultat (forts.)"


# ------------------------------------------------------------------ images


DECORATIVE = (
    '<a:extLst><a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}">'
    '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative" val="1"/></a:ext></a:extLst>'
)


def test_pictures_alt_decorative_hidden(tmp_path: Path) -> None:
    tree = pic("P1", 'descr="Karta"') + pic("P2") + pic("P3", ext=DECORATIVE) + pic("P4", 'hidden="1"')
    doc = load(deck(tmp_path, [tree]))
    assert [(i.name, i.kind, i.alt, i.decorative) for i in doc.images] == [
        ("P1", "picture", "Karta", False),
        ("P2", "picture", None, False),
        ("P3", "picture", None, True),
    ]
    assert doc.images[0].location.slide == 1


def group(name: str, inner: str, attrs: str = "") -> str:
    return (
        f'<p:grpSp><p:nvGrpSpPr><p:cNvPr id="20" name="{name}" {attrs}/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
        '<p:grpSpPr><a:xfrm><a:off x="1000" y="1000"/><a:ext cx="2000" cy="2000"/><a:chOff x="0" y="0"/>'
        f'<a:chExt cx="1000" cy="1000"/></a:xfrm></p:grpSpPr>{inner}</p:grpSp>'
    )


def test_group_alt_covers_children_else_reported_once(tmp_path: Path) -> None:
    described = group("G1", pic("A") + pic("B"), 'descr="Två foton"')
    undescribed = group("G2", pic("C", 'descr="Foto"') + pic("D") + pic("E"))
    all_described = group("G3", pic("F", 'descr="Foto 1"') + pic("G", 'descr="Foto 2"'))
    doc = load(deck(tmp_path, [described + undescribed + all_described]))
    assert [(i.name, i.kind, i.alt) for i in doc.images] == [
        ("G1", "group", "Två foton"),
        ("G2", "group", None),
        ("F", "picture", "Foto 1"),
        ("G", "picture", "Foto 2"),
    ]


def test_group_child_positions_are_mapped_to_the_slide(tmp_path: Path) -> None:
    doc = load(deck(tmp_path, [group("G", sp("S", "x", xfrm=(500, 500, 100, 100)))]))
    assert doc.native.slides[0].shapes[0].box == Box(1000, 1000, 2000, 2000)
    # The child's text is the group's text for reading order.
    assert doc.native.slides[0].shapes[0].text == "x"


def test_group_nesting_is_bounded(tmp_path: Path) -> None:
    tree = sp("inner", "djup")
    for i in range(MAX_GROUP_DEPTH + 10):
        tree = group(f"G{i}", tree)
    doc = load(deck(tmp_path, [tree]))
    assert any("nested deeper" in w for w in doc.warnings)


def frame(name: str, uri: str, inner: str = "", attrs: str = "") -> str:
    return (
        f'<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="4" name="{name}" {attrs}/><p:cNvGraphicFramePr/><p:nvPr/>'
        '</p:nvGraphicFramePr><p:xfrm><a:off x="0" y="0"/><a:ext cx="10" cy="10"/></p:xfrm>'
        f'<a:graphic><a:graphicData uri="{uri}">{inner}</a:graphicData></a:graphic></p:graphicFrame>'
    )


def test_chart_smartart_ole_are_images(tmp_path: Path) -> None:
    tree = (
        frame("C", "http://schemas.openxmlformats.org/drawingml/2006/chart")
        + frame("D", "http://schemas.openxmlformats.org/drawingml/2006/diagram", attrs='descr="Process"')
        + frame("O", "http://schemas.openxmlformats.org/presentationml/2006/ole")
    )
    doc = load(deck(tmp_path, [tree]))
    assert [(i.kind, i.alt) for i in doc.images] == [("chart", None), ("smartart", "Process"), ("ole", None)]


# ------------------------------------------------------------------ tables and links

TABLE_URI = "http://schemas.openxmlformats.org/drawingml/2006/table"


def tbl(first_row: bool) -> str:
    cell = "<a:tc><a:txBody><a:bodyPr/><a:p><a:r><a:t>{}</a:t></a:r></a:p></a:txBody><a:tcPr/></a:tc>"
    rows = "".join(f'<a:tr h="10">{cell.format(f"r{r}a")}{cell.format(f"r{r}b")}</a:tr>' for r in range(3))
    flag = ' firstRow="1"' if first_row else ""
    return f'<a:tbl><a:tblPr{flag}/><a:tblGrid><a:gridCol w="5"/><a:gridCol w="5"/></a:tblGrid>{rows}</a:tbl>'


def test_table_header_from_first_row(tmp_path: Path) -> None:
    doc = load(deck(tmp_path, [frame("T1", TABLE_URI, tbl(True)) + frame("T2", TABLE_URI, tbl(False))]))
    assert [(t.rows, t.cols, t.header, t.location.table) for t in doc.tables] == [
        (3, 2, True, 1),
        (3, 2, False, 2),
    ]
    assert doc.images == []


def test_table_merges_from_grid_and_row_spans(tmp_path: Path) -> None:
    def tc(text: str, attrs: str = "") -> str:
        return f"<a:tc{attrs}><a:txBody><a:bodyPr/><a:p><a:r><a:t>{text}</a:t></a:r></a:p></a:txBody><a:tcPr/></a:tc>"

    grid = '<a:tblGrid><a:gridCol w="5"/><a:gridCol w="5"/></a:tblGrid>'
    gspan, hmerge, rspan, vmerge = ' gridSpan="2"', ' hMerge="1"', ' rowSpan="2"', ' vMerge="1"'
    head_span = f'<a:tr h="10">{tc("Rubrik", gspan)}{tc("", hmerge)}</a:tr>'
    rows = f'<a:tr h="10">{tc("A")}{tc("B")}</a:tr>'
    body_span = (
        f'<a:tr h="10">{tc("Skola", rspan)}{tc("1")}</a:tr><a:tr h="10">{tc("", vmerge)}{tc("2")}</a:tr>'
    )
    tables = [
        f'<a:tbl><a:tblPr firstRow="1"/>{grid}{head_span}{rows}</a:tbl>',
        f'<a:tbl><a:tblPr firstRow="1"/>{grid}{rows}{body_span}</a:tbl>',
        f"<a:tbl><a:tblPr/>{grid}{head_span}{rows}</a:tbl>",
        f'<a:tbl><a:tblPr firstRow="1"/>{grid}{rows}{rows}</a:tbl>',
    ]
    doc = load(deck(tmp_path, ["".join(frame(f"T{i}", TABLE_URI, t) for i, t in enumerate(tables))]))
    assert [(t.header, t.merged, t.merged_body, t.nested) for t in doc.tables] == [
        (True, 1, 0, False),
        (True, 1, 1, False),
        (False, 1, 1, False),
        (True, 0, 0, False),
    ]


def test_hyperlink_text_merges_runs_and_resolves_targets(tmp_path: Path) -> None:
    body = (
        '<p:sp><p:nvSpPr><p:cNvPr id="5" name="L"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/>'
        '<a:p><a:r><a:t>Se </a:t></a:r><a:r><a:rPr><a:hlinkClick r:id="rId5"/></a:rPr><a:t>budgeten </a:t></a:r>'
        '<a:r><a:rPr><a:hlinkClick r:id="rId5"/></a:rPr><a:t>för 2025</a:t></a:r></a:p>'
        '<a:p><a:r><a:rPr><a:hlinkClick r:id="rId6" action="ppaction://hlinksldjump"/></a:rPr><a:t>Nästa</a:t></a:r></a:p>'
        "</p:txBody></p:sp>"
    )
    extra = (
        f'<Relationship Id="rId5" Type="{REL}/hyperlink" Target="https://www.knivsta.se/budget" TargetMode="External"/>'
        f'<Relationship Id="rId6" Type="{REL}/slide" Target="slide2.xml"/>'
    )
    doc = load(deck(tmp_path, [body, sp("T", "Två", TITLE_PH)], slide_rels=[extra, ""]))
    assert [(lk.text, lk.href, lk.location.name) for lk in doc.links] == [
        ("budgeten för 2025", "https://www.knivsta.se/budget", "L"),
        ("Nästa", "#slide2", "L"),
    ]


# ------------------------------------------------------------------ colours


def colored_sp(
    name: str, run_fill: str, sp_fill: str = "", xfrm: tuple[int, int, int, int] = (0, 0, 100, 100)
) -> str:
    x, y, cx, cy = xfrm
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="6" name="{name}"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm>'
        f'<a:off x="{x}" y="{y}"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>{sp_fill}</p:spPr><p:txBody><a:bodyPr/>'
        f'<a:p><a:r><a:rPr sz="1200">{run_fill}</a:rPr><a:t>Text</a:t></a:r></a:p></p:txBody></p:sp>'
    )


def test_scheme_colours_go_through_clrmap_and_theme(tmp_path: Path) -> None:
    dark = CLR_MAP.replace('bg1="lt1" tx1="dk1"', 'bg1="dk1" tx1="lt1"')
    tree = colored_sp("S", '<a:solidFill><a:schemeClr val="tx1"/></a:solidFill>')
    tree += colored_sp(
        "L", '<a:solidFill><a:schemeClr val="tx1"><a:lumMod val="50000"/></a:schemeClr></a:solidFill>'
    )
    doc = load(deck(tmp_path, [tree], clr_map=dark))
    # tx1 -> lt1 (white) on the master background bgRef 1001 with bg1 -> dk1 (black).
    assert [(c.foreground, c.background, c.size_pt) for c in doc.contrast] == [
        ((255, 255, 255), (0, 0, 0), 12.0),
        ((128, 128, 128), (0, 0, 0), 12.0),
    ]


def test_layout_clrmap_override(tmp_path: Path) -> None:
    override = '<p:clrMapOvr><a:overrideClrMapping bg1="dk1" tx1="lt1" bg2="dk2" tx2="lt2"/></p:clrMapOvr>'
    doc = load(
        deck(
            tmp_path,
            [colored_sp("S", '<a:solidFill><a:schemeClr val="bg1"/></a:solidFill>')],
            layout_extra=override,
        )
    )
    assert (doc.contrast[0].foreground, doc.contrast[0].background) == ((0, 0, 0), (0, 0, 0))


def test_inherited_colour_from_master_text_styles(tmp_path: Path) -> None:
    styles = (
        '<p:txStyles><p:titleStyle><a:lvl1pPr><a:defRPr sz="4400" b="1"><a:solidFill><a:srgbClr val="C0C0C0"/>'
        "</a:solidFill></a:defRPr></a:lvl1pPr></p:titleStyle></p:txStyles>"
    )
    doc = load(deck(tmp_path, [sp("T", "Rubrik", TITLE_PH)], master_extra=styles))
    sample = doc.contrast[0]
    assert (sample.foreground, sample.background, sample.size_pt, sample.bold) == (
        (192, 192, 192),
        (255, 255, 255),
        44.0,
        True,
    )


def test_shape_fill_underlying_picture_and_gradient(tmp_path: Path) -> None:
    solid = colored_sp(
        "A",
        '<a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill>',
        '<a:solidFill><a:srgbClr val="1F3A68"/></a:solidFill>',
    )
    photo = (
        '<p:pic><p:nvPicPr><p:cNvPr id="8" name="Foto" descr="x"/><p:cNvPicPr/><p:nvPr/></p:nvPicPr><p:blipFill/>'
        '<p:spPr><a:xfrm><a:off x="0" y="1000"/><a:ext cx="1000" cy="1000"/></a:xfrm></p:spPr></p:pic>'
    )
    on_photo = colored_sp("B", "", xfrm=(100, 1100, 200, 200))
    grad = colored_sp(
        "C",
        '<a:solidFill><a:srgbClr val="000000"/></a:solidFill>',
        '<a:gradFill><a:gsLst><a:gs pos="0"><a:srgbClr val="FFFFFF"/></a:gs><a:gs pos="100000"><a:srgbClr val="111111"/></a:gs></a:gsLst></a:gradFill>',
        xfrm=(5000, 5000, 100, 100),
    )
    doc = load(deck(tmp_path, [solid + photo + on_photo + grad]))
    got = {c.location.name: (c.foreground, c.background, c.reason) for c in doc.contrast}
    assert got["A"] == ((255, 255, 255), (31, 58, 104), None)
    assert got["B"] == ((0, 0, 0), None, "picture")
    assert got["C"] == ((0, 0, 0), None, "gradient")


def test_hyperlink_without_own_colour_uses_theme_hlink(tmp_path: Path) -> None:
    body = (
        '<p:sp><p:nvSpPr><p:cNvPr id="5" name="L"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/>'
        '<a:p><a:r><a:rPr><a:hlinkClick r:id="rId5"/></a:rPr><a:t>Budget</a:t></a:r></a:p></p:txBody></p:sp>'
    )
    extra = (
        f'<Relationship Id="rId5" Type="{REL}/hyperlink" Target="https://knivsta.se" TargetMode="External"/>'
    )
    doc = load(deck(tmp_path, [body], slide_rels=[extra]))
    assert doc.contrast[0].foreground == (0, 0, 255)


# ------------------------------------------------------------------ language and text


def test_default_lang_from_presentation_then_master_then_runs(tmp_path: Path) -> None:
    default = '<p:defaultTextStyle><a:defPPr><a:defRPr lang="en-US"/></a:defPPr></p:defaultTextStyle>'
    doc = load(deck(tmp_path, [sp("T", "Hej alla", TITLE_PH)], pres_extra=default, name="a.pptx"))
    assert (doc.lang, doc.content_lang, doc.content_lang_share) == ("en-US", "sv-SE", 1.0)
    styles = (
        '<p:txStyles><p:bodyStyle><a:lvl1pPr><a:defRPr lang="sv-FI"/></a:lvl1pPr></p:bodyStyle></p:txStyles>'
    )
    assert (
        load(deck(tmp_path, [sp("T", "Hej", TITLE_PH)], master_extra=styles, name="b.pptx")).lang == "sv-FI"
    )
    assert load(deck(tmp_path, [sp("T", "Hej", TITLE_PH)], name="c.pptx")).lang == "sv-SE"


def test_notes_text_and_links_are_read(tmp_path: Path) -> None:
    notes = (
        f"<p:notes {NSDECL}><p:cSld><p:spTree>{GRP}"
        + sp("Notes 2", "Talarens anteckning", '<p:ph type="body" idx="1"/>')
        + "</p:spTree></p:cSld></p:notes>"
    )
    extra = f'<Relationship Id="rId9" Type="{REL}/notesSlide" Target="../notesSlides/notesSlide1.xml"/>'
    doc = load(
        deck(
            tmp_path,
            [sp("T", "Rubrik", TITLE_PH)],
            slide_rels=[extra],
            extra_parts={"ppt/notesSlides/notesSlide1.xml": notes},
        )
    )
    assert doc.text_chars == len("Rubrik") + len("Talarens anteckning")
    assert doc.native.slides[0].title == "Rubrik"
    assert all(c.location.part != "notes" for c in doc.contrast)


def test_strict_namespaces_are_read(tmp_path: Path) -> None:
    path = deck(tmp_path, [sp("T", "Strikt", TITLE_PH) + pic("P")])
    strict = tmp_path / "strict.pptx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(strict, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            for old, new in (
                (
                    b"http://schemas.openxmlformats.org/presentationml/2006/main",
                    b"http://purl.oclc.org/ooxml/presentationml/main",
                ),
                (
                    b"http://schemas.openxmlformats.org/drawingml/2006/main",
                    b"http://purl.oclc.org/ooxml/drawingml/main",
                ),
                (
                    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                    b"http://purl.oclc.org/ooxml/officeDocument/relationships",
                ),
            ):
                data = data.replace(old, new)
            dst.writestr(name, data)
    doc = load(strict)
    assert doc.native.slides[0].title == "Strikt"
    assert [i.name for i in doc.images] == ["P"]


# ------------------------------------------------------------------ reading order


def shape(name: str, x: int, y: int, cx: int = 100, cy: int = 50, title: bool = False) -> ShapeInfo:
    return ShapeInfo(name, "sp", Box(x, y, cx, cy), text=name, placeholder="title" if title else None)


def test_visual_order_rows_with_tolerance() -> None:
    left, right = (
        shape("left", 0, 210),
        shape("right", 500, 200),
    )  # same row: tops differ by less than half a height
    below = shape("below", 0, 400)
    top = shape("top", 0, 0, title=True)
    assert [s.name for s in visual_order([below, right, left, top])] == ["top", "left", "right", "below"]


def test_reading_order_problem_kinds() -> None:
    top, left, right = shape("T", 0, 0, title=True), shape("L", 0, 200), shape("R", 500, 200)
    assert reading_order_problem(SlideInfo(1, "s", shapes=[top, left, right])) is None
    kind, _order, visual = reading_order_problem(SlideInfo(1, "s", shapes=[top, right, left]))  # type: ignore[misc]
    assert kind == "differs" and [s.name for s in visual] == ["T", "L", "R"]
    kind, *_ = reading_order_problem(SlideInfo(1, "s", shapes=[left, right, top]))  # type: ignore[misc]
    assert kind == "title-not-first"


def test_column_by_column_reading_is_accepted() -> None:
    # PowerPoint's "Comparison" layout: title, then left heading + text, then right heading + text.
    title = shape("T", 0, 0, cx=1000, cy=100, title=True)
    lh, lc = shape("LH", 0, 150, cx=450, cy=50), shape("LC", 0, 220, cx=450, cy=300)
    rh, rc = shape("RH", 550, 150, cx=450, cy=50), shape("RC", 550, 220, cx=450, cy=300)
    assert reading_order_problem(SlideInfo(1, "s", shapes=[title, lh, lc, rh, rc])) is None
    assert reading_order_problem(SlideInfo(1, "s", shapes=[title, lh, rh, lc, rc])) is None
    kind, *_ = reading_order_problem(SlideInfo(1, "s", shapes=[title, lc, lh, rh, rc]))  # type: ignore[misc]
    assert kind == "differs"


def test_background_picture_read_last_is_not_an_inversion() -> None:
    background = ShapeInfo("Foto", "pic", Box(0, 0, 1000, 750), alt="Kommunhuset")
    title, body = shape("T", 50, 50, cx=900, title=True), shape("B", 50, 200, cx=900)
    assert reading_order_problem(SlideInfo(1, "s", shapes=[title, body, background])) is None
    kind, *_ = reading_order_problem(SlideInfo(1, "s", shapes=[background, title, body]))  # type: ignore[misc]
    assert kind == "differs"  # the title should still be read first; a person decides


def test_reading_order_skips_empty_hidden_and_decorative() -> None:
    empty = ShapeInfo("empty", "sp", Box(0, 900, 10, 10), placeholder="body")
    hidden = ShapeInfo("hidden", "pic", Box(0, 950, 10, 10), hidden=True)
    deco = ShapeInfo("deco", "pic", Box(0, 990, 10, 10), decorative=True)
    slide = SlideInfo(1, "s", shapes=[empty, hidden, deco, shape("T", 0, 0, title=True), shape("B", 0, 300)])
    assert [s.name for s in slide.content_shapes()] == ["T", "B"]
    assert reading_order_problem(slide) is None


# ------------------------------------------------------------------ bad input


def test_missing_presentation_part_is_corrupt(tmp_path: Path) -> None:
    path = deck(tmp_path, [sp("T", "x", TITLE_PH)])
    broken = tmp_path / "broken.pptx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as dst:
        for name in src.namelist():
            if name != "ppt/presentation.xml":
                dst.writestr(name, src.read(name))
    with pytest.raises(DocumentError) as err:
        load(broken)
    assert err.value.code == "corrupt"


def test_broken_xml_and_truncated_zip_are_corrupt(tmp_path: Path) -> None:
    bad = deck(tmp_path, ["<p:sp><unclosed>"], name="bad.pptx")
    with pytest.raises(DocumentError) as err:
        load(bad)
    assert err.value.code == "corrupt"
    good = deck(tmp_path, [sp("T", "x", TITLE_PH)], name="good.pptx")
    truncated = tmp_path / "trunc.pptx"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    entry = check_file(truncated)
    assert entry["error"]["code"] == "corrupt"


def test_hostile_files() -> None:
    hostile = require(SHARED / "corpora" / "hostile", "the hostile corpus")
    encrypted = check_file(require(hostile / "encrypted_pptx.pptx", "encrypted_pptx.pptx"))
    assert encrypted["error"]["code"] == "encrypted"
    not_zip = check_file(require(hostile / "Divino_Revelado.pptx", "Divino_Revelado.pptx"))
    assert not_zip["error"]["code"] in ("corrupt", "unsupported-format")


# ------------------------------------------------------------------ more reading details


def test_table_cell_colours_from_builtin_style(tmp_path: Path) -> None:
    cell = "<a:tc><a:txBody><a:bodyPr/><a:p><a:r><a:t>{}</a:t></a:r></a:p></a:txBody><a:tcPr/></a:tc>"
    rows = "".join(f'<a:tr h="10">{cell.format(f"r{r}a")}{cell.format(f"r{r}b")}</a:tr>' for r in range(2))
    table = (
        '<a:tbl><a:tblPr firstRow="1" bandRow="1"><a:tableStyleId>{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}'
        f'</a:tableStyleId></a:tblPr><a:tblGrid><a:gridCol w="5"/><a:gridCol w="5"/></a:tblGrid>{rows}</a:tbl>'
    )
    unknown = table.replace("5C22544A-7EE6-4342-B048-85BDC9FD1C3A", "00000000-0000-0000-0000-000000000000")
    doc = load(deck(tmp_path, [frame("T", TABLE_URI, table) + frame("U", TABLE_URI, unknown)]))
    got = [
        (c.location.name, c.location.row, c.foreground, c.background, c.bold, c.reason) for c in doc.contrast
    ]
    header = ("T", 1, (255, 255, 255), (79, 129, 189), True, None)  # lt1 bold on accent1
    assert got[0] == header and got[1] == header
    assert got[2][:3] == ("T", 2, (0, 0, 0)) and got[2][3] is not None  # dk1 on a light accent1 band
    assert [g[5] for g in got[4:]] == ["table-style"] * 4


def test_shape_link_picture_fill_and_font_scale(tmp_path: Path) -> None:
    linked = (
        '<p:sp><p:nvSpPr><p:cNvPr id="5" name="Knapp" descr="Till budgeten"><a:hlinkClick r:id="rId5"/></p:cNvPr>'
        "<p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr><a:blipFill/></p:spPr></p:sp>"
    )
    shrunk = (
        '<p:sp><p:nvSpPr><p:cNvPr id="6" name="Liten"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr/><p:txBody>'
        '<a:bodyPr><a:normAutofit fontScale="50000"/></a:bodyPr><a:p><a:r><a:rPr sz="2000"/><a:t>Krympt</a:t>'
        "</a:r></a:p></p:txBody></p:sp>"
    )
    extra = f'<Relationship Id="rId5" Type="{REL}/hyperlink" Target="https://knivsta.se/b" TargetMode="External"/>'
    doc = load(deck(tmp_path, [linked + shrunk], slide_rels=[extra]))
    assert [(lk.text, lk.href) for lk in doc.links] == [("Till budgeten", "https://knivsta.se/b")]
    assert [(i.name, i.kind, i.alt) for i in doc.images] == [("Knapp", "picture", "Till budgeten")]
    assert doc.contrast[0].size_pt == 10.0


def test_notes_links_have_notes_part(tmp_path: Path) -> None:
    body = (
        f'<p:notes {NSDECL}><p:cSld><p:spTree>{GRP}<p:sp><p:nvSpPr><p:cNvPr id="3" name="N"/><p:cNvSpPr/>'
        '<p:nvPr><p:ph type="body" idx="1"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:p><a:r><a:rPr>'
        '<a:hlinkClick r:id="rId1"/></a:rPr><a:t>Läs mer</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld>'
        "</p:notes>"
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/hyperlink" Target="https://knivsta.se" TargetMode="External"/>'
        "</Relationships>"
    )
    extra = f'<Relationship Id="rId9" Type="{REL}/notesSlide" Target="../notesSlides/notesSlide1.xml"/>'
    parts = {"ppt/notesSlides/notesSlide1.xml": body, "ppt/notesSlides/_rels/notesSlide1.xml.rels": rels}
    doc = load(deck(tmp_path, [sp("T", "Rubrik", TITLE_PH)], slide_rels=[extra], extra_parts=parts))
    assert [(lk.text, lk.location.part, lk.location.slide) for lk in doc.links] == [("Läs mer", "notes", 1)]


def test_alternate_content_takes_the_choice(tmp_path: Path) -> None:
    choice, fallback = pic("Video", 'descr="Film"'), pic("Fallback")
    mc = (
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f'<mc:Choice Requires="p14">{choice}</mc:Choice><mc:Fallback>{fallback}</mc:Fallback></mc:AlternateContent>'
    )
    doc = load(deck(tmp_path, [mc]))
    assert [i.name for i in doc.images] == ["Video"]


def test_mutated_packages_never_crash(tmp_path: Path) -> None:
    """Byte-level damage inside XML parts gives a Document or a DocumentError, never another exception."""
    import random

    source = deck(tmp_path, [sp("T", "Rubrik", TITLE_PH) + pic("P") + frame("T", TABLE_URI, tbl(True))])
    with zipfile.ZipFile(source) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    rng = random.Random(4711)
    for k in range(60):
        name = rng.choice(sorted(parts))
        data = bytearray(parts[name])
        for _ in range(3):
            data[rng.randrange(len(data))] = rng.choice(b'<>"=/ xa0')
        path = tmp_path / f"m{k}.pptx"
        with zipfile.ZipFile(path, "w") as zf:
            for n, d in parts.items():
                zf.writestr(n, bytes(data) if n == name else d)
        with contextlib.suppress(DocumentError):
            load(path)


def test_hidden_group_hides_its_children(tmp_path: Path) -> None:
    hidden = group("G", pic("P") + sp("S", "Dold text", xfrm=(0, 0, 10, 10)), 'hidden="1"')
    doc = load(deck(tmp_path, [hidden]))
    assert doc.images == [] and doc.contrast == []
    assert doc.native.slides[0].shapes[0].hidden is True


def test_hidden_slide_without_title_uses_its_own_message(tmp_path: Path) -> None:
    from tillgang.checks.slides import slide_title

    doc = load(deck(tmp_path, [sp("X", "Text")], slide_attrs=['show="0"']))
    out = Results()
    slide_title(doc, out)
    assert [(r.message_key, r.location.slide) for r in out.items] == [("missing-hidden", 1)]


def test_run_highlight_is_the_background(tmp_path: Path) -> None:
    run = '<a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill><a:highlight><a:srgbClr val="FFFF00"/></a:highlight>'
    doc = load(deck(tmp_path, [colored_sp("H", run)]))
    assert (doc.contrast[0].foreground, doc.contrast[0].background) == ((255, 255, 255), (255, 255, 0))


def test_many_shapes_compare_neighbours_only() -> None:
    from tillgang.checks.slides import MAX_PAIRWISE

    column = [shape(f"S{i}", 0, i * 100) for i in range(MAX_PAIRWISE + 50)]
    assert reading_order_problem(SlideInfo(1, "s", shapes=column)) is None
    column[10], column[11] = column[11], column[10]
    kind, *_ = reading_order_problem(SlideInfo(1, "s", shapes=column))  # type: ignore[misc]
    assert kind == "differs"
