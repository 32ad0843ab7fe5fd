"""The PDF reader: structure tree, RoleMap, content facts, encryption, limits, and the hostile corpus."""

from __future__ import annotations

import time
import zlib
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from tillgang.engine import CheckOptions, check_file
from tillgang.errors import DocumentError
from tillgang.limits import DEFAULT_LIMITS, Limits
from tillgang.readers.pdf import PdfFacts, read

from .conftest import FIXTURES, SHARED, require

HOSTILE = SHARED / "corpora" / "hostile"


def _font(pdf: pikepdf.Pdf) -> Any:
    return pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica, Encoding=Name.WinAnsiEncoding)
    )


def _image(pdf: pikepdf.Pdf, width: int = 1000, height: int = 1000) -> Any:
    stream = pdf.make_stream(zlib.compress(bytes(width * height)))
    stream.Type, stream.Subtype = Name.XObject, Name.Image
    stream.Width, stream.Height = width, height
    stream.ColorSpace, stream.BitsPerComponent, stream.Filter = Name.DeviceGray, 8, Name.FlateDecode
    return stream


def _pdf(content: bytes = b"", image: bool = False) -> tuple[pikepdf.Pdf, pikepdf.Page]:
    pdf = pikepdf.new()
    page = pikepdf.Page(Dictionary(Type=Name.Page, MediaBox=[0, 0, 595, 842]))
    page.obj.Resources = Dictionary(Font=Dictionary(F1=_font(pdf)), XObject=Dictionary())
    if image:
        page.obj.Resources.XObject.Im1 = _image(pdf)
    pdf.pages.append(page)
    page = pdf.pages[0]
    page.obj.Contents = pdf.make_stream(content)
    return pdf, page


def _tag(pdf: pikepdf.Pdf, kids: list[Any], role_map: dict[str, str] | None = None) -> Any:
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array(kids)))
    for kid in kids:
        kid.P = root
    if role_map:
        root.RoleMap = Dictionary({"/" + k: Name("/" + v) for k, v in role_map.items()})
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    return root


def _elem(
    pdf: pikepdf.Pdf, kind: str, page: pikepdf.Page | None = None, kids: list[Any] | None = None, **kw: Any
) -> Any:
    node = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + kind), K=Array(kids or [])))
    if page is not None:
        node.Pg = page.obj
    for key, value in kw.items():
        node[Name("/" + key)] = value
    for kid in kids or []:
        if isinstance(kid, pikepdf.Dictionary):
            kid.P = node
    return node


def _save_read(pdf: pikepdf.Pdf, path: Path, limits: Limits = DEFAULT_LIMITS, **save: Any) -> Any:
    pdf.save(path, **save)
    return read(path, str(path), limits)


def test_untagged_pdf_has_unknown_structure(tmp_path: Path) -> None:
    pdf, _page = _pdf(b"BT /F1 12 Tf 72 700 Td (Hej) Tj ET")
    doc = _save_read(pdf, tmp_path / "u.pdf")
    try:
        assert doc.headings is None and doc.tables is None and doc.images is None
        assert doc.text_chars == 3 and doc.page_count == 1
        assert isinstance(doc.native, PdfFacts) and not doc.native.tagged
    finally:
        doc.close()


def test_cyclic_structure_tree_is_walked_once(tmp_path: Path) -> None:
    pdf, page = _pdf(b"/P <</MCID 0>> BDC BT /F1 12 Tf 72 700 Td (Hej) Tj ET EMC")
    para = _elem(pdf, "P", page, [0])
    sect = _elem(pdf, "Sect", page, [para])
    doc_elem = _elem(pdf, "Document", page, [sect])
    para.K.append(doc_elem)  # a kid pointing back to an ancestor
    sect.K.append(sect)  # and to itself
    _tag(pdf, [doc_elem])
    doc = _save_read(pdf, tmp_path / "cycle.pdf")
    try:
        tree = doc.native.tree
        assert [e.path for e in tree.elements] == ["Document", "Document/Sect[1]", "Document/Sect[1]/P[1]"]
        assert tree.cycles == 2
    finally:
        doc.close()


def test_rolemap_cycle_and_chain(tmp_path: Path) -> None:
    pdf, page = _pdf(b"")
    kids = [_elem(pdf, "Loop", page), _elem(pdf, "Chain", page), _elem(pdf, "Orphan", page)]
    _tag(pdf, kids, {"Loop": "Loop2", "Loop2": "Loop", "Chain": "Mid", "Mid": "Figure"})
    pdf.save(tmp_path / "roles.pdf")
    entry = check_file(tmp_path / "roles.pdf", CheckOptions(rules=frozenset({"pdf-role-map"})))
    messages = [f["message"] for f in entry["findings"]]
    assert entry["rules"]["pdf-role-map"] == "failed"
    assert len(messages) == 2 and "Loop" in messages[0] and "Orphan" in messages[1]
    doc = read(tmp_path / "roles.pdf", "roles.pdf", DEFAULT_LIMITS)
    try:
        assert doc.native.tree.resolve("Chain") == ("Figure", None)
        assert doc.native.tree.resolve("Loop") == (None, "circular")
        # an identity entry on a standard type, as LibreOffice's plain tagged export writes them
        doc.native.tree.role_map["P"] = "P"
        assert doc.native.tree.resolve("P") == ("P", "self")
    finally:
        doc.close()


def test_role_mapped_heading_and_table(tmp_path: Path) -> None:
    pdf, page = _pdf(b"/P <</MCID 0>> BDC BT /F1 12 Tf 72 700 Td (Ekonomi) Tj ET EMC")
    heading = _elem(pdf, "Rubrik", page, [0])
    th = _elem(pdf, "TH", page)
    td = _elem(pdf, "TD", page)
    table = _elem(pdf, "Table", None, [_elem(pdf, "TR", None, [th, td])])
    _tag(pdf, [_elem(pdf, "Document", page, [heading, table])], {"Rubrik": "H2"})
    doc = _save_read(pdf, tmp_path / "h.pdf")
    try:
        assert [(h.level, h.text, h.location.element) for h in doc.headings] == [
            (2, "Ekonomi", "Document/Rubrik[1]")
        ]
        assert doc.headings[0].location.page == 1
        assert [(t.rows, t.cols, t.header) for t in doc.tables] == [(1, 2, True)]
    finally:
        doc.close()


def test_artifact_image_is_not_an_image_to_describe(tmp_path: Path) -> None:
    pdf, page = _pdf(b"/Artifact BMC q 100 0 0 100 0 0 cm /Im1 Do Q EMC", image=True)
    _tag(pdf, [_elem(pdf, "Document", page, [_elem(pdf, "P", page)])])
    doc = _save_read(pdf, tmp_path / "a.pdf")
    try:
        assert doc.images == []
        assert doc.native.pages[0].image_areas == [1_000_000]
    finally:
        doc.close()


def test_empty_actual_text_makes_a_figure_decorative(tmp_path: Path) -> None:
    pdf, page = _pdf(b"")
    _tag(pdf, [_elem(pdf, "Figure", page, ActualText=String("")), _elem(pdf, "Figure", page)])
    doc = _save_read(pdf, tmp_path / "f.pdf")
    try:
        assert [(i.decorative, i.alt) for i in doc.images] == [(True, ""), (False, None)]
    finally:
        doc.close()


def test_invisible_ocr_text_counts_as_text(tmp_path: Path) -> None:
    content = b"q 595 0 0 842 0 0 cm /Im1 Do Q BT 3 Tr /F1 12 Tf 72 700 Td (Skannad text) Tj ET"
    pdf, _page = _pdf(content, image=True)
    pdf.save(tmp_path / "ocr.pdf")
    entry = check_file(
        tmp_path / "ocr.pdf", CheckOptions(rules=frozenset({"pdf-scanned", "pdf-fonts-embedded"}))
    )
    assert entry["rules"] == {"pdf-scanned": "passed", "pdf-fonts-embedded": "inapplicable"}
    pdf, _page = _pdf(b"q 595 0 0 842 0 0 cm /Im1 Do Q", image=True)
    pdf.save(tmp_path / "scan.pdf")
    entry = check_file(tmp_path / "scan.pdf", CheckOptions(rules=frozenset({"pdf-scanned"})))
    assert entry["rules"] == {"pdf-scanned": "failed"}


@pytest.mark.parametrize(
    ("size", "placement", "expected"),
    [
        ((1000, 1000), b"60 0 0 60 72 700", "passed"),  # a big logo drawn small: not a scan
        ((300, 400), b"595 0 0 842 0 0", "failed"),  # a low-resolution scan over the whole page
        ((300, 400), b"0 842 -595 0 595 0", "failed"),  # the same, rotated
        ((100, 100), b"595 0 0 842 0 0", "passed"),  # a tiny background image
    ],
)
def test_scan_detection_uses_page_coverage(
    tmp_path: Path, size: tuple[int, int], placement: bytes, expected: str
) -> None:
    pdf, page = _pdf(b"q " + placement + b" cm /Im1 Do Q")
    page.obj.Resources.XObject.Im1 = _image(pdf, *size)
    pdf.save(tmp_path / "scan.pdf")
    entry = check_file(tmp_path / "scan.pdf", CheckOptions(rules=frozenset({"pdf-scanned"})))
    assert entry["rules"] == {"pdf-scanned": expected}


def test_content_budget_makes_content_rules_cant_tell(tmp_path: Path) -> None:
    pdf, _page = _pdf(b"q 595 0 0 842 0 0 cm /Im1 Do Q", image=True)
    pdf.save(tmp_path / "budget.pdf")
    limits = DEFAULT_LIMITS.with_overrides(max_content_ops=0)
    doc = read(tmp_path / "budget.pdf", "budget.pdf", limits)
    try:
        assert doc.native.content_complete is False
        assert any("content-stream" in w for w in doc.warnings)
    finally:
        doc.close()
    entry = check_file(tmp_path / "budget.pdf", CheckOptions(rules=frozenset({"pdf-scanned"}), limits=limits))
    assert entry["rules"] == {"pdf-scanned": "cantTell"}


def test_content_stream_qpdf_cannot_index_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """qpdf raises std::out_of_range (IndexError in Python) on some damaged pages (govdocs1 492484.pdf): that page's
    content is unread, the document is still checked."""
    pdf, _page = _pdf(b"BT /F1 12 Tf 72 700 Td (Hej) Tj ET")
    pdf.save(tmp_path / "index.pdf")

    def out_of_range(*_args: Any, **_kwargs: Any) -> Any:
        raise IndexError("vector::_M_range_check")

    monkeypatch.setattr(pikepdf, "parse_content_stream", out_of_range)
    entry = check_file(tmp_path / "index.pdf", CheckOptions(rules=frozenset({"pdf-scanned"})))
    assert entry["error"] is None
    assert entry["rules"] == {"pdf-scanned": "cantTell"}


def test_self_drawing_form_xobject_ends(tmp_path: Path) -> None:
    pdf, page = _pdf(b"/Fm1 Do")
    form = pdf.make_stream(b"BT /F1 12 Tf (A) Tj ET /Fm1 Do")
    form.Type, form.Subtype, form.BBox = Name.XObject, Name.Form, [0, 0, 10, 10]
    form.Resources = Dictionary(Font=Dictionary(F1=_font(pdf)), XObject=Dictionary(Fm1=form))
    page.obj.Resources.XObject.Fm1 = form
    doc = _save_read(pdf, tmp_path / "form.pdf")
    try:
        assert doc.text_chars == 1
    finally:
        doc.close()


def test_struct_depth_limit_truncates_with_a_warning(tmp_path: Path) -> None:
    pdf, page = _pdf(b"")
    node = _elem(pdf, "Span", page)
    for _ in range(30):
        node = _elem(pdf, "Div", page, [node])
    _tag(pdf, [node])
    doc = _save_read(pdf, tmp_path / "deep.pdf", DEFAULT_LIMITS.with_overrides(max_struct_depth=10))
    try:
        assert len(doc.native.tree.elements) == 10
        assert doc.native.tree.truncated == "depth"
        assert any("structure tree" in w for w in doc.warnings)
    finally:
        doc.close()


def test_xmp_title_is_used_when_info_has_none(tmp_path: Path) -> None:
    pdf, _page = _pdf(b"")
    xml = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" pdfuaid:part="1" '
        b'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"><dc:title><rdf:Alt><rdf:li xml:lang="sv">Svensk</rdf:li>'
        b'<rdf:li xml:lang="x-default">Standard</rdf:li></rdf:Alt></dc:title></rdf:Description></rdf:RDF>'
        b"</x:xmpmeta>"
    )
    pdf.Root.Metadata = pdf.make_stream(xml)
    doc = _save_read(pdf, tmp_path / "xmp.pdf")
    try:
        assert doc.title == "Standard" and doc.native.title_source == "xmp"
        assert doc.native.pdfua_part == "1" and doc.native.pdfua_prefix_problems == []
    finally:
        doc.close()


def test_owner_only_encryption_opens_and_user_password_does_not(tmp_path: Path) -> None:
    pdf, _page = _pdf(b"BT /F1 12 Tf 72 700 Td (Hej) Tj ET")
    deny = pikepdf.Permissions(accessibility=False, extract=True)
    pdf.save(
        tmp_path / "owner.pdf",
        encryption=pikepdf.Encryption(owner="o", user="", R=3, aes=False, metadata=False, allow=deny),
    )
    doc = read(tmp_path / "owner.pdf", "owner.pdf", DEFAULT_LIMITS)
    try:
        assert doc.native.encrypted and doc.native.permissions is not None
        assert not doc.native.permissions & 0x200
    finally:
        doc.close()
    pdf, _page = _pdf(b"")
    pdf.save(tmp_path / "user.pdf", encryption=pikepdf.Encryption(owner="o", user="u", R=6))
    with pytest.raises(DocumentError) as err:
        read(tmp_path / "user.pdf", "user.pdf", DEFAULT_LIMITS)
    assert err.value.code == "encrypted"


def test_garbage_is_corrupt(tmp_path: Path) -> None:
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 10)
    with pytest.raises(DocumentError) as err:
        read(tmp_path / "bad.pdf", "bad.pdf", DEFAULT_LIMITS)
    assert err.value.code == "corrupt"


def test_object_count_limit(tmp_path: Path) -> None:
    pdf, _page = _pdf(b"")
    pdf.save(tmp_path / "small.pdf")
    with pytest.raises(DocumentError) as err:
        read(tmp_path / "small.pdf", "small.pdf", DEFAULT_LIMITS.with_overrides(max_pdf_objects=2))
    assert err.value.code == "too-large"


# ---------------------------------------------------------------------- hostile corpus

HOSTILE_EXPECTED = {
    "enc-R6-user-password.pdf": "encrypted",
    "enc-R2-user-password.pdf": "encrypted",
    "enc-R6-owner-only.pdf": None,
    "issue6961.pdf": None,
    "bug1669099.pdf": None,
    "bug1978317.pdf": None,
    "PDFBOX-3148-2-fuzzed.pdf": None,
    "invalid_creationdate.pdf": None,
}


@pytest.mark.parametrize("name", sorted(HOSTILE_EXPECTED))
def test_hostile_pdf(name: str) -> None:
    path = require(HOSTILE / name, f"the hostile corpus file {name}")
    start = time.perf_counter()
    entry = check_file(path)
    elapsed = time.perf_counter() - start
    print(f"\n{name}: {elapsed:.2f} s, error={entry['error'] and entry['error']['code']}")
    expected = HOSTILE_EXPECTED[name]
    if expected is None:
        assert entry["error"] is None, entry["error"]
        assert entry["rules"]
    else:
        assert entry["error"] is not None and entry["error"]["code"] == expected


def test_hostile_fuzzed_xmp_is_a_metadata_finding() -> None:
    path = require(HOSTILE / "PDFBOX-3148-2-fuzzed.pdf", "the hostile corpus")
    entry = check_file(path)
    assert any("XMP" in w for w in entry["warnings"])
    assert entry["rules"]["pdf-ua-identifier"] == "cantTell"


def test_hostile_owner_only_reports_permissions() -> None:
    entry = check_file(require(HOSTILE / "enc-R6-owner-only.pdf", "the hostile corpus"))
    assert entry["rules"]["pdf-accessibility-permission"] == "passed"  # P = -2368 has bit 10 set


def test_hostile_32768_structure_elements() -> None:
    path = require(HOSTILE / "bug1978317.pdf", "the hostile corpus")
    doc = read(path, str(path), DEFAULT_LIMITS)
    try:
        assert len(doc.native.tree.elements) == 32768
    finally:
        doc.close()


def test_hostile_null_where_a_dict_is_expected() -> None:
    entry = check_file(require(HOSTILE / "issue12823.pdf", "the hostile corpus"))
    assert entry["error"] is None or entry["error"]["code"] == "corrupt"


def test_hostile_pdfs_in_a_batch_are_all_accounted_for() -> None:
    """The pool run (killable workers, per-document time limit) gives every hostile PDF an entry."""
    from tillgang.engine import check_files

    folder = require(HOSTILE, "the hostile corpus")
    paths = sorted(str(p) for p in folder.glob("*.pdf"))
    entries = check_files([(p, p) for p in paths], CheckOptions(), jobs=2)
    assert [e["source"] for e in entries] == paths
    errors = {Path(e["source"]).name: e["error"]["code"] for e in entries if e["error"]}
    assert errors == {"enc-R2-user-password.pdf": "encrypted", "enc-R6-user-password.pdf": "encrypted"}


def test_names_that_are_not_utf8(tmp_path: Path) -> None:
    pdf, page = _pdf(b"/Zzz <</MCID 0>> BDC BT /F1 12 Tf 72 700 Td (Hej) Tj ET EMC")
    page.obj.Resources.Font.Zqq = _font(pdf)
    _tag(pdf, [_elem(pdf, "Zzz", page, [0], A=Dictionary(O=Name("/Zyy")))])
    pdf.save(tmp_path / "plain.pdf", qdf=True, compress_streams=False)
    data = (tmp_path / "plain.pdf").read_bytes()
    for name in (b"/Zzz", b"/Zqq", b"/Zyy"):
        data = data.replace(name, name[:2] + b"\x8d" + name[3:])
    (tmp_path / "latin.pdf").write_bytes(data)
    doc = read(tmp_path / "latin.pdf", "latin.pdf", DEFAULT_LIMITS)
    try:
        assert [e.raw for e in doc.native.tree.elements] == [
            "Z#8dz"
        ]  # unparsed form of a name that is not UTF-8
        assert doc.text_chars == 3
    finally:
        doc.close()
    entry = check_file(tmp_path / "latin.pdf", CheckOptions(rules=frozenset({"pdf-role-map"})))
    assert entry["rules"] == {"pdf-role-map": "failed"}


def test_parse_tounicode_ranges_and_bad_targets() -> None:
    from tillgang.readers._pdf_content import parse_tounicode, tounicode_map

    cmap = (
        b"2 beginbfchar <01> <0041> <02> <0042> endbfchar\n"
        b"2 beginbfrange <10> <1F> <0061> <20> <22> [<0030> <0031> <0032>] endbfrange"
    )
    assert parse_tounicode(cmap) == ([(1, 2), (16, 34)], False)  # sorted and merged
    mapping = tounicode_map(cmap)
    assert (mapping[1], mapping[2], mapping[16], mapping[31], mapping[32], mapping[34]) == (
        "A",
        "B",
        "a",
        "p",
        "0",
        "2",
    )
    assert parse_tounicode(b"1 beginbfchar <01> <FFFE> endbfchar")[1] is True
    assert parse_tounicode(b"1 beginbfrange <01> <02> <0000> endbfrange")[1] is True


def _type0(pdf: pikepdf.Pdf, cmap: bytes | None) -> Any:
    cid = Dictionary(
        Type=Name.Font,
        Subtype=Name.CIDFontType2,
        BaseFont=Name("/Exempel"),
        CIDSystemInfo=Dictionary(Registry=String("Adobe"), Ordering=String("Identity"), Supplement=0),
    )
    font = Dictionary(
        Type=Name.Font,
        Subtype=Name.Type0,
        BaseFont=Name("/Exempel"),
        Encoding=Name("/Identity-H"),
        DescendantFonts=[pdf.make_indirect(cid)],
    )
    if cmap is not None:
        font.ToUnicode = pdf.make_stream(cmap)
    return pdf.make_indirect(font)


@pytest.mark.parametrize(
    ("cmap", "expected"),
    [
        (None, "failed"),  # Identity-H without ToUnicode
        (b"1 beginbfrange <0024> <0025> <0041> endbfrange", "passed"),
        (b"1 beginbfchar <0024> <0041> endbfchar", "failed"),  # <0025> is shown but not mapped
    ],
)
def test_unicode_of_the_codes_actually_shown(tmp_path: Path, cmap: bytes | None, expected: str) -> None:
    pdf, page = _pdf(b"BT /F2 12 Tf 72 700 Td <00240025> Tj ET")
    page.obj.Resources.Font.F2 = _type0(pdf, cmap)
    pdf.save(tmp_path / "u.pdf")
    entry = check_file(tmp_path / "u.pdf", CheckOptions(rules=frozenset({"pdf-unicode"})))
    assert entry["rules"] == {"pdf-unicode": expected}, entry["findings"]


def test_annex_d_names_are_the_latin_and_symbol_sets() -> None:
    """ISO 32000-1 9.10.2: the names a Differences array may use without ToUnicode are Annex D's (Table D.2, the
    standard Latin character set, 229 names, and Table D.5, the Symbol set's 144 further names), not every name
    the Adobe Glyph List can read."""
    from tillgang.readers._pdf_fonts import annex_d_names

    names = annex_d_names()

    assert len(names) == 229 + 144
    for name in (
        "A",
        "Aring",
        "Scaron",
        "onesuperior",
        "Euro",
        "fi",
        "dotlessi",
        "alpha",
        "Omega",
        "therefore",
    ):
        assert name in names, name
    for name in (".notdef", "uni0041", "f_f", "ff", "one.oldstyle", "g12", "nbspace", "a12", ""):
        assert name not in names, name


@pytest.mark.parametrize(
    ("key", "subtype", "data", "flate", "expected"),
    [
        ("/FontFile", None, b"%!FontType1-1.0: X", True, True),
        ("/FontFile", None, b"\x80\x01\x10\x00", False, True),  # PFB segment header
        ("/FontFile", None, b"\x00\x01\x00\x00", True, False),  # an sfnt under the Type 1 key
        ("/FontFile2", None, b"\x00\x01\x00\x00\x00\x0c", True, True),
        ("/FontFile2", None, b"\x01\x00\x04\x02", True, False),  # CFF under the TrueType key
        ("/FontFile3", "CIDFontType0C", b"\x01\x00\x04\x02", True, True),
        ("/FontFile3", "Type1C", b"OTTO\x00\x0a", True, False),  # OpenType labelled bare CFF
        ("/FontFile3", "CIDFontType0C", b"", False, False),  # an empty program
    ],
)
def test_font_program_format(key: str, subtype: str | None, data: bytes, flate: bool, expected: bool) -> None:
    from tillgang.readers._pdf_fonts import program_format_matches

    pdf = pikepdf.new()
    stream = pdf.make_stream(zlib.compress(data) if flate else data)
    if flate:
        stream.Filter = Name.FlateDecode
    assert program_format_matches(key, subtype, stream) is expected


def _type1_program(builtin: dict[int, str]) -> bytes:
    """The cleartext part of a Type 1 program with a built-in encoding (enough for the encoding reader)."""
    entries = b"".join(b"dup %d /%s put\n" % (code, name.encode()) for code, name in builtin.items())
    return (
        b"%!FontType1-1.0: Egen 001.000\n/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\n"
        + entries
        + b"readonly def\ncurrentdict end\ncurrentfile eexec\n"
    )


@pytest.mark.parametrize(
    ("builtin", "expected"),
    [
        ({65: "A", 66: "B"}, "passed"),
        ({65: "A", 66: "f_f"}, "failed"),  # a shown code whose built-in name is not an Annex D name
        ({65: "A", 66: "B", 67: "f_f"}, "passed"),  # a name no shown code uses does not matter
    ],
)
def test_type1_builtin_encoding_names(tmp_path: Path, builtin: dict[int, str], expected: str) -> None:
    pdf, page = _pdf(b"BT /F2 12 Tf 72 700 Td (AB) Tj ET")
    descriptor = Dictionary(
        Type=Name.FontDescriptor,
        FontName=Name("/ABCDEF+Egen"),
        Flags=4,
        FontBBox=[0, 0, 500, 700],
        ItalicAngle=0,
        Ascent=700,
        Descent=0,
        CapHeight=700,
        StemV=80,
        FontFile=pdf.make_stream(_type1_program(builtin)),
    )
    font = Dictionary(
        Type=Name.Font, Subtype=Name.Type1, BaseFont=Name("/ABCDEF+Egen"), FontDescriptor=descriptor
    )
    page.obj.Resources.Font.F2 = pdf.make_indirect(font)
    pdf.save(tmp_path / "b.pdf")
    entry = check_file(tmp_path / "b.pdf", CheckOptions(rules=frozenset({"pdf-unicode"})))
    assert entry["rules"] == {"pdf-unicode": expected}, entry["findings"]


def test_mutated_corpus_files_give_a_report_or_a_document_error(tmp_path: Path) -> None:
    """Seeded byte-level mutations (flips, truncation, zeroed runs) of the veraPDF corpus: never a crash."""
    import random

    from tillgang.engine import check_document

    root = require(SHARED / "corpora" / "verapdf-pdfua1", "the veraPDF PDF/UA-1 corpus")
    files = sorted(root.rglob("*.pdf"))
    rng = random.Random(20261201)
    outcomes: dict[str, int] = {}
    for i in range(120):
        data = bytearray(rng.choice(files).read_bytes())
        mode = i % 3
        if mode == 0:
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif mode == 1:
            data = data[: rng.randrange(len(data))]
        else:
            start = rng.randrange(len(data))
            data[start : start + 300] = bytes(len(data[start : start + 300]))
        path = tmp_path / f"m{i}.pdf"
        path.write_bytes(bytes(data))
        try:
            doc = read(path, path.name, DEFAULT_LIMITS)
        except DocumentError as exc:
            outcomes[exc.code] = outcomes.get(exc.code, 0) + 1
            continue
        try:
            result = check_document(doc, CheckOptions(lang="en"))
            crashed = [f["rule"] for f in result["findings"] if "internal error" in f["message"]]
            assert crashed == [], (path, crashed)  # a check that raised is reported as an internal error
            outcomes["checked"] = outcomes.get("checked", 0) + 1
        finally:
            doc.close()
    assert set(outcomes) <= {"checked", "corrupt"}
    assert outcomes["checked"] > 60


def test_heading_text_through_tounicode(tmp_path: Path) -> None:
    pdf, page = _pdf(b"/H1 <</MCID 0>> BDC BT /F2 12 Tf 72 700 Td <00240025> Tj ET EMC")
    page.obj.Resources.Font.F2 = _type0(pdf, b"1 beginbfrange <0024> <0025> <00C5> endbfrange")
    _tag(pdf, [_elem(pdf, "Document", page, [_elem(pdf, "H1", page, [0])])])
    doc = _save_read(pdf, tmp_path / "t0.pdf")
    try:
        assert [(h.level, h.text) for h in doc.headings] == [(1, "ÅÆ")]
        assert doc.text_chars == 2
    finally:
        doc.close()


def test_unbalanced_nesting_is_bounded(tmp_path: Path) -> None:
    body = b"/Span <</MCID 0>> BDC q " * 20_000 + b"BT /F1 12 Tf (Hej) Tj ET" + b" Q EMC" * 30_000
    pdf, _page = _pdf(body)
    doc = _save_read(pdf, tmp_path / "nest.pdf")
    try:
        assert doc.text_chars == 3 and doc.native.content_complete
    finally:
        doc.close()


@pytest.mark.parametrize(
    ("fixture", "areas"),
    [
        ("fail-pdf-inline-image-page.pdf", [1000 * 1400]),  # no text, covers the page: read
        ("pass-pdf-text-and-inline-image.pdf", [0]),  # the page shows text: never a scan, not read
        ("pass-pdf-small-inline-image-without-text.pdf", [0]),  # covers far less than a quarter: not read
    ],
)
def test_inline_image_size_is_read_only_where_a_scan_could_be(fixture: str, areas: list[int]) -> None:
    doc = read(FIXTURES / "pdf-scanned" / fixture, fixture, DEFAULT_LIMITS)
    try:
        assert doc.native.pages[0].image_areas == areas
        assert len(doc.native.pages[0].image_cover) == 1
    finally:
        doc.close()
