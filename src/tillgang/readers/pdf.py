"""PDF reader (pikepdf / qpdf): the neutral ``Document`` plus ``PdfFacts`` for the pdf-only rules.

Every derived fact is decided here, once: tagged or not, the resolved structure tree, the annotation to
structure-parent map, the fonts in use, the per-page text/image summary, title and language sources.
The ``Pdf`` stays open (in ``Document.native``) while checks run; ``Document.close`` closes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from lxml import etree

from ..errors import DocumentError
from ..limits import Limits
from ..model import Document, Heading, Image, Link, Location, Table
from ._pdf_content import SCAN_MIN_COVER, ContentScan, FontInfo, PageFacts, check_codes
from ._pdf_struct import StructElem, StructTree, build_struct_tree, pdf_name, pdf_text

__all__ = ["SCAN_MIN_COVER", "AnnotFacts", "FieldFacts", "PdfFacts", "read", "valid_pdf_lang"]

_PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
_PDFD = "http://pdfa.org/declarations/"  # PDF Declarations (WTPDF: ISO/TS 32005-era "Well-Tagged PDF" 1.0)
_WTPDF_ACCESSIBILITY = "http://pdfa.org/declarations/wtpdf#accessibility"
_DC = "http://purl.org/dc/elements/1.1/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_HEADING = re.compile(r"^H([1-6])$")
# veraPDF's language-tag syntax (7.2-t29): 1-8 letters, then any number of "-" + 1-8 alphanumerics.
_PDF_LANG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
MAX_ANNOTS = 100_000
MAX_FIELDS = 100_000
MAX_XMP_BYTES = 16 * 1024 * 1024


def valid_pdf_lang(tag: str) -> bool:
    return bool(_PDF_LANG.match(tag))


@dataclass(slots=True)
class AnnotFacts:
    page: int  # 0-based
    subtype: str
    objgen: tuple[int, int] | None
    hidden: bool
    outside: bool  # /Rect outside the CropBox
    contents: str | None
    parent: int | None  # structure element index via /StructParent (ParentTree) or OBJR
    parent_type: str | None  # its standard type
    uri: str | None = None
    has_struct_parent: bool = False


@dataclass(slots=True)
class FieldFacts:
    name: str
    tooltip: str | None  # /TU
    widget_alts: list[str | None] = field(default_factory=list)  # /Alt of each shown widget's parent element
    page: int | None = None
    shown: bool = True  # some widget is neither hidden nor outside its page
    widget_langs: list[str] = field(default_factory=list)  # languages of the shown widgets' parent elements


@dataclass(slots=True)
class PdfFacts:
    """Everything the pdf-only checks need. ``close`` closes the Pdf."""

    pdf: pikepdf.Pdf | None
    tree: StructTree | None
    marked: bool  # MarkInfo /Marked is the boolean true
    has_mark_info: bool
    suspects: bool
    display_doc_title: bool
    display_doc_title_set: bool  # the key is present (with whatever value)
    info_title: str | None
    title_source: str | None  # where Document.title came from: "info" (Info /Title), "xmp" (dc:title) or None
    xmp_present: bool
    xmp_error: str | None
    xmp_title: str | None
    pdfua_part: str | None
    pdfua_prefix_problems: list[str]
    encrypted: bool
    permissions: int | None  # /P
    encryption_r: int | None
    page_count: int
    pages: list[PageFacts]
    fonts: list[FontInfo]
    annotations: list[AnnotFacts]
    fields: list[FieldFacts]
    tabs: list[str | None]  # /Tabs per page (None = absent)
    has_outline_items: bool
    has_outlines_dict: bool
    content_complete: bool  # every page's content was parsed (budget not exhausted)
    lang_chars: dict[str | None, int]
    marked_content_langs: list[str]
    xfa_dynamic: bool = False
    qpdf_warnings: list[str] = field(default_factory=list)
    pdfua_rev: str | None = None  # pdfuaid:rev (PDF/UA-2 requires it: the year of the edition)
    wtpdf: str | None = None  # WTPDF accessibility declaration (pdfd:conformsTo)

    @property
    def tagged(self) -> bool:
        """Fully tagged: a non-empty structure tree and MarkInfo /Marked true (what pdf-tagged asks)."""
        return self.tree is not None and self.marked and self.tree.has_kids

    @property
    def structured(self) -> bool:
        """Has a non-empty structure tree, which assistive technology uses even without /Marked."""
        return self.tree is not None and self.tree.has_kids

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()
            self.pdf = None


def _open(path: Path) -> pikepdf.Pdf:
    try:
        return pikepdf.open(path)
    except pikepdf.PasswordError as exc:
        raise DocumentError("encrypted", str(exc)[:200]) from exc
    except pikepdf.PdfError as exc:
        raise DocumentError("corrupt", str(exc)[:200]) from exc
    except (OSError, ValueError, RuntimeError) as exc:
        raise DocumentError("corrupt", f"{type(exc).__name__}: {str(exc)[:200]}") from exc


def _objgen(obj: Any) -> tuple[int, int] | None:
    try:
        og = obj.objgen
    except (AttributeError, pikepdf.PdfError):
        return None
    return og if og != (0, 0) else None


_name = pdf_name


# ------------------------------------------------------------------ XMP


@dataclass(slots=True)
class _Xmp:
    present: bool = False
    error: str | None = None
    title: str | None = None
    pdfua_part: str | None = None
    pdfua_rev: str | None = None
    wtpdf: str | None = None  # the WTPDF accessibility declaration (conformsTo URI), if any
    prefix_problems: list[str] = field(default_factory=list)


def _read_xmp(pdf: pikepdf.Pdf) -> _Xmp:
    xmp = _Xmp()
    if "/Metadata" not in pdf.Root:
        return xmp
    xmp.present = True
    stream = pdf.Root.get("/Metadata")
    if not isinstance(stream, pikepdf.Stream):
        xmp.error = "the /Metadata entry is not a stream"
        return xmp
    length = stream.get("/Length")
    if isinstance(length, int) and int(length) > MAX_XMP_BYTES:
        xmp.error = f"the metadata stream is larger than {MAX_XMP_BYTES} bytes"
        return xmp
    try:
        data = stream.read_bytes()
    except pikepdf.PdfError as exc:  # DataDecodingError is a PdfError
        xmp.error = str(exc)[:160] or type(exc).__name__
        return xmp
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    try:
        start = data.find(b"<")
        root = etree.fromstring(data[start:] if start > 0 else data, parser)
    except etree.XMLSyntaxError as exc:
        xmp.error = str(exc)[:160]
        return xmp
    if root is None:
        xmp.error = "no XML in the metadata stream"
        return xmp
    # dc:title: rdf:Alt/rdf:li, prefer x-default
    for title in root.iter(f"{{{_DC}}}title"):
        items = list(title.iter(f"{{{_RDF}}}li"))
        chosen = next((li for li in items if li.get(_XML_LANG) == "x-default"), items[0] if items else None)
        text = (chosen.text if chosen is not None else title.text) or ""
        if text.strip():
            xmp.title = text.replace("\x00", "").strip()
            break
    for desc in root.iter(f"{{{_RDF}}}Description"):
        for child in desc:
            if not isinstance(child.tag, str) or not child.tag.startswith(f"{{{_PDFUAID}}}"):
                continue
            local = child.tag.split("}", 1)[1]
            if local == "part" and xmp.pdfua_part is None:
                xmp.pdfua_part = (child.text or "").strip()
            if local == "rev" and xmp.pdfua_rev is None:
                xmp.pdfua_rev = (child.text or "").strip()
            if local in ("part", "amd", "corr") and child.prefix != "pdfuaid":
                xmp.prefix_problems.append(f"{child.prefix}:{local}")
        for attr, value in desc.attrib.items():
            if not attr.startswith(f"{{{_PDFUAID}}}"):
                continue
            local = attr.split("}", 1)[1]
            if local == "part" and xmp.pdfua_part is None:
                xmp.pdfua_part = value.strip()
            if local == "rev" and xmp.pdfua_rev is None:
                xmp.pdfua_rev = value.strip()
            prefixes = [p for p, uri in (desc.nsmap or {}).items() if uri == _PDFUAID]
            if local in ("part", "amd", "corr") and "pdfuaid" not in prefixes:
                xmp.prefix_problems.append(f"{prefixes[0] if prefixes else '?'}:{local}")
    xmp.wtpdf = _wtpdf_declaration(root)
    return xmp


def _wtpdf_declaration(root: Any) -> str | None:
    """The WTPDF accessibility declaration: a ``pdfd:conformsTo`` (element or attribute) whose value is
    http://pdfa.org/declarations/wtpdf#accessibility1.0 (or a later version)."""
    for node in root.iter(f"{{{_PDFD}}}conformsTo"):
        value = (node.text or "").strip()
        if value.startswith(_WTPDF_ACCESSIBILITY):
            return value
    for node in root.iter():
        value = node.get(f"{{{_PDFD}}}conformsTo") if isinstance(node.tag, str) else None
        if value and value.strip().startswith(_WTPDF_ACCESSIBILITY):
            return value.strip()
    return None


# ------------------------------------------------------------------ annotations and fields


def _box(page: pikepdf.Page) -> list[float] | None:
    box: Any = page.obj.get("/CropBox") or page.obj.get("/MediaBox")
    try:
        return [float(x) for x in box]
    except (TypeError, ValueError):
        return None


def _rect_outside(rect: Any, b: list[float] | None) -> bool:
    if b is None or rect is None:
        return False
    try:
        r = [float(x) for x in rect]
    except (TypeError, ValueError):
        return False
    if len(r) != 4 or len(b) != 4:
        return False
    rx0, rx1 = sorted((r[0], r[2]))
    ry0, ry1 = sorted((r[1], r[3]))
    bx0, bx1 = sorted((b[0], b[2]))
    by0, by1 = sorted((b[1], b[3]))
    return rx1 < bx0 or rx0 > bx1 or ry1 < by0 or ry0 > by1


def _dest_href(dest: Any, page_index: dict[tuple[int, int], int]) -> str | None:
    """An internal destination as a PDF open-parameter fragment: #page=N or #nameddest=NAME."""
    if isinstance(dest, pikepdf.Array) and len(dest):
        target = _objgen(dest[0])
        if target is not None and target in page_index:
            return f"#page={page_index[target] + 1}"
        return None
    named = pdf_text(dest)
    return f"#nameddest={named}" if named else None


def _annotations(
    pdf: pikepdf.Pdf, tree: StructTree | None, scan: ContentScan, page_index: dict[tuple[int, int], int]
) -> list[AnnotFacts]:
    parent_tree: Any = None
    if tree is not None:
        root = pdf.Root.get("/StructTreeRoot")
        pt = root.get("/ParentTree") if isinstance(root, pikepdf.Dictionary) else None
        if isinstance(pt, pikepdf.Dictionary):
            try:
                parent_tree = pikepdf.NumberTree(pt)
            except (pikepdf.PdfError, TypeError, ValueError):
                parent_tree = None
    out: list[AnnotFacts] = []
    for index, page in enumerate(pdf.pages):
        annots = page.obj.get("/Annots")
        if not isinstance(annots, pikepdf.Array):
            continue
        box = _box(page)
        for annot in annots:
            if len(out) >= MAX_ANNOTS:
                return out
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            present = set(annot.keys())

            def get(k: str, annot: Any = annot, present: set[str] = present) -> Any:
                return annot.get(k) if k in present else None

            subtype = _name(get("/Subtype")) or "?"
            flags = get("/F")
            hidden = isinstance(flags, int) and bool(int(flags) & 2)
            og = _objgen(annot)
            parent: int | None = None
            sp = get("/StructParent")
            if tree is not None and isinstance(sp, int) and parent_tree is not None:
                try:
                    target = parent_tree[int(sp)]
                except (KeyError, IndexError, pikepdf.PdfError, TypeError, ValueError):
                    target = None
                tog = _objgen(target)
                if tog is not None:
                    parent = tree.by_objgen.get(tog)
            if parent is None and tree is not None and og is not None:
                parent = tree.objr_parent.get(og)
            uri = None
            action = get("/A")
            dest = get("/Dest")
            if isinstance(action, pikepdf.Dictionary):
                uri = pdf_text(action.get("/URI"))
                if uri is None and _name(action.get("/S")) == "GoTo":
                    dest = action.get("/D")
            if uri is None and dest is not None:
                uri = _dest_href(dest, page_index)
            out.append(
                AnnotFacts(
                    page=index,
                    subtype=subtype,
                    objgen=og,
                    hidden=hidden,
                    outside=_rect_outside(get("/Rect"), box),
                    contents=pdf_text(get("/Contents")),
                    parent=parent,
                    parent_type=tree.elements[parent].std
                    if tree is not None and parent is not None
                    else None,
                    uri=uri,
                    has_struct_parent=isinstance(sp, int),
                )
            )
            ap = get("/AP")
            if isinstance(ap, pikepdf.Dictionary) and not hidden:
                normal = ap.get("/N")
                if isinstance(normal, pikepdf.Stream):
                    scan.scan_appearance(normal, index)
                elif isinstance(normal, pikepdf.Dictionary):
                    for value in list(normal.values())[:8]:
                        scan.scan_appearance(value, index)
    return out


def _fields(pdf: pikepdf.Pdf, tree: StructTree | None, annots: list[AnnotFacts]) -> list[FieldFacts]:
    form = pdf.Root.get("/AcroForm")
    if not isinstance(form, pikepdf.Dictionary):
        return []
    top = form.get("/Fields")
    if not isinstance(top, pikepdf.Array):
        return []
    by_objgen = {a.objgen: a for a in annots if a.objgen is not None}
    out: list[FieldFacts] = []
    visited: set[tuple[int, int]] = set()
    stack: list[tuple[Any, str, str | None]] = [(f, "", None) for f in reversed(list(top))]
    while stack and len(out) < MAX_FIELDS:
        node, prefix, inherited_tu = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        og = _objgen(node)
        if og is not None:
            if og in visited:
                continue
            visited.add(og)
        partial = pdf_text(node.get("/T"))
        name = f"{prefix}.{partial}" if prefix and partial else (partial or prefix)
        tu = pdf_text(node.get("/TU"))
        tooltip = tu if tu and tu.strip() else inherited_tu
        kids = node.get("/Kids")
        kid_dicts = (
            [k for k in kids if isinstance(k, pikepdf.Dictionary)] if isinstance(kids, pikepdf.Array) else []
        )
        field_kids = [k for k in kid_dicts if "/T" in k]
        if field_kids:
            for k in reversed(field_kids):
                stack.append((k, name, tooltip))
            continue
        widgets = kid_dicts or [node]
        alts: list[str | None] = []
        langs: list[str] = []
        page: int | None = None
        shown = False
        for w in widgets[:1000]:
            wog = _objgen(w)
            facts = by_objgen.get(wog) if wog is not None else None
            if facts is None or facts.hidden or facts.outside:
                continue
            shown = True
            page = facts.page if page is None else page
            elem = facts.parent
            alts.append(tree.elements[elem].alt if tree is not None and elem is not None else None)
            lang = tree.elements[elem].inherited_lang if tree is not None and elem is not None else None
            if lang:
                langs.append(lang)
        out.append(
            FieldFacts(
                name=name or "?",
                tooltip=tooltip,
                widget_alts=alts,
                page=page,
                shown=shown,
                widget_langs=langs,
            )
        )
    return out


# ------------------------------------------------------------------ model


def _elem_text(tree: StructTree, scan: ContentScan, elem: StructElem, cap: int = 200) -> str:
    """Readable text of an element: /ActualText, /Alt, else the text shown by its marked content."""
    for value in (elem.actual_text, elem.alt):
        if value and value.strip():
            return value
    parts: list[str] = []
    length = 0
    stack = [elem.index]
    seen = 0
    while stack and seen < 500 and length < cap:
        e = tree.elements[stack.pop()]
        seen += 1
        for page, mcid in e.mcids:
            if page is not None:
                for part in scan.mcid_text.get((page, mcid), ()):
                    parts.append(part)
                    length += len(part)
        stack.extend(reversed(e.kids))
    return " ".join("".join(parts).split())[:cap]


def _loc(elem: StructElem) -> Location:
    return Location(element=elem.path, page=elem.page + 1 if elem.page is not None else None)


def _table(tree: StructTree, elem: StructElem, number: int) -> Table:
    rows: list[StructElem] = []
    has_th = False
    for kid in elem.kids:
        k = tree.elements[kid]
        if k.std == "TR":
            rows.append(k)
        elif k.std in ("THead", "TBody", "TFoot"):
            if k.std == "THead":
                has_th = True
            rows.extend(tree.elements[g] for g in k.kids if tree.elements[g].std == "TR")
    cols = 0
    for row in rows:
        cells = [tree.elements[c] for c in row.kids if tree.elements[c].std in ("TH", "TD")]
        has_th = has_th or any(c.std == "TH" for c in cells)
        cols = max(cols, sum(c.col_span for c in cells))
    header: bool | None = has_th if rows else None
    return Table(
        location=Location(
            element=elem.path, page=elem.page + 1 if elem.page is not None else None, table=number
        ),
        rows=len(rows),
        cols=cols,
        header=header,
    )


def _content_lang(tree: StructTree | None, scan: ContentScan) -> tuple[str | None, float | None]:
    weighted = {k: v for k, v in scan.lang_chars.items() if k and k.strip()}
    total = sum(scan.lang_chars.values())
    if weighted and total:
        lang, chars = max(weighted.items(), key=lambda kv: (kv[1], kv[0]))
        return lang.strip(), chars / total
    if tree is not None:
        counts: dict[str, int] = {}
        for e in tree.elements:
            if e.lang and e.lang.strip():
                counts[e.lang.strip()] = counts.get(e.lang.strip(), 0) + 1
        if counts:
            lang = max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
            return lang, None
    return None, None


def read(path: Path, source: str, limits: Limits) -> Document:
    pdf = _open(path)
    try:
        return _read(pdf, path, source, limits)
    except DocumentError:
        pdf.close()
        raise
    except pikepdf.PdfError as exc:
        pdf.close()
        raise DocumentError("corrupt", str(exc)[:200]) from exc
    except BaseException:
        pdf.close()
        raise


def _read(pdf: pikepdf.Pdf, path: Path, source: str, limits: Limits) -> Document:
    """Read in phases: catalog and pages, structure tree, the pdf-only facts (metadata, content,
    annotations, forms), then the neutral model built from the tree and the annotations."""
    size = pdf.trailer.get("/Size")
    if isinstance(size, int) and int(size) > limits.max_pdf_objects:
        raise DocumentError("too-large", f"{int(size)} objects, the limit is {limits.max_pdf_objects}")
    warnings: list[str] = []
    root = pdf.Root
    if not isinstance(root, pikepdf.Dictionary):
        raise DocumentError("corrupt", "the document catalog is missing")
    page_count = len(pdf.pages)
    page_index: dict[tuple[int, int], int] = {}
    for i, page in enumerate(pdf.pages):
        og = _objgen(page.obj)
        if og is not None:
            page_index[og] = i

    tree = build_struct_tree(pdf, page_index, limits.max_struct_elements, limits.max_struct_depth)
    if tree is not None and tree.truncated:
        warnings.append(f"The structure tree was only read in part (limit on {tree.truncated}).")
    facts, scan = _read_facts(pdf, root, tree, page_index, page_count, limits, warnings)

    title = facts.info_title if facts.title_source == "info" else facts.xmp_title
    lang_value = root.get("/Lang")
    lang = pdf_text(lang_value) if lang_value is not None else None
    content_lang, share = _content_lang(tree, scan)
    headings: list[Heading] | None = None
    images: list[Image] | None = None
    tables: list[Table] | None = None
    if facts.structured and tree is not None:
        headings, images, tables = _structure_model(tree, scan)
    return Document(
        format="pdf",
        source=source,
        filename=path.name,
        title=title,
        lang=lang,
        content_lang=content_lang,
        content_lang_share=share,
        headings=headings,
        images=images,
        tables=tables,
        links=_links(tree, scan, facts.annotations),
        contrast=None,
        text_chars=sum(p.chars for p in scan.pages),
        page_count=page_count,
        warnings=warnings,
        native=facts,
    )


def _read_facts(
    pdf: pikepdf.Pdf,
    root: pikepdf.Dictionary,
    tree: StructTree | None,
    page_index: dict[tuple[int, int], int],
    page_count: int,
    limits: Limits,
    warnings: list[str],
) -> tuple[PdfFacts, ContentScan]:
    """The pdf-only facts, read in this order (qpdf's warnings, read last, are those of all the reading)."""
    mark_info = root.get("/MarkInfo")
    marked = isinstance(mark_info, pikepdf.Dictionary) and mark_info.get("/Marked") is True
    suspects = isinstance(mark_info, pikepdf.Dictionary) and mark_info.get("/Suspects") is True
    prefs = root.get("/ViewerPreferences")
    display_doc_title = isinstance(prefs, pikepdf.Dictionary) and prefs.get("/DisplayDocTitle") is True
    info_title = _info_title(pdf)
    xmp = _read_xmp(pdf)
    if xmp.error:
        warnings.append(f"The XMP metadata could not be read: {xmp.error}")
    encrypted = pdf.is_encrypted
    permissions, enc_r = _encryption(pdf) if encrypted else (None, None)
    scan, annotations, fields = _scan_content(pdf, tree, page_index, limits)
    tabs = [_name(p.obj.get("/Tabs")) for p in pdf.pages]
    outlines: Any = root.get("/Outlines")
    has_outlines = isinstance(outlines, pikepdf.Dictionary)
    has_items = has_outlines and isinstance(outlines.get("/First"), pikepdf.Dictionary)
    form = root.get("/AcroForm")
    xfa_dynamic = (
        isinstance(form, pikepdf.Dictionary) and "/XFA" in form and bool(root.get("/NeedsRendering") is True)
    )
    if scan.exhausted:
        warnings.append("Some page content was not read (limit on content-stream operators).")
    qpdf_warnings = [str(w) for w in pdf.get_warnings()][:20]
    if qpdf_warnings:
        warnings.append(f"The file is damaged; qpdf repaired it ({len(qpdf_warnings)} warnings).")

    facts = PdfFacts(
        pdf=pdf,
        tree=tree,
        marked=marked,
        has_mark_info=isinstance(mark_info, pikepdf.Dictionary),
        suspects=suspects,
        display_doc_title=display_doc_title,
        display_doc_title_set=isinstance(prefs, pikepdf.Dictionary) and "/DisplayDocTitle" in prefs,
        info_title=info_title,
        title_source="info" if info_title and info_title.strip() else ("xmp" if xmp.title else None),
        xmp_present=xmp.present,
        xmp_error=xmp.error,
        xmp_title=xmp.title,
        pdfua_part=xmp.pdfua_part,
        pdfua_prefix_problems=xmp.prefix_problems,
        encrypted=encrypted,
        permissions=permissions,
        encryption_r=enc_r,
        page_count=page_count,
        pages=scan.pages,
        fonts=list(scan.fonts.values()),
        annotations=annotations,
        fields=fields,
        tabs=tabs,
        has_outline_items=bool(has_items),
        has_outlines_dict=has_outlines,
        content_complete=not scan.exhausted and all(p.parsed for p in scan.pages),
        lang_chars=dict(scan.lang_chars),
        marked_content_langs=list(scan.marked_langs),
        xfa_dynamic=xfa_dynamic,
        qpdf_warnings=qpdf_warnings,
        pdfua_rev=xmp.pdfua_rev,
        wtpdf=xmp.wtpdf,
    )
    return facts, scan


def _info_title(pdf: pikepdf.Pdf) -> str | None:
    try:
        info = pdf.trailer.get("/Info")
        if isinstance(info, pikepdf.Dictionary):
            return pdf_text(info.get("/Title"))
    except pikepdf.PdfError:
        return None
    return None


def _encryption(pdf: pikepdf.Pdf) -> tuple[int | None, int | None]:
    """/P (the permissions) and /R (the revision) of an encrypted file's /Encrypt dictionary."""
    encrypt = pdf.trailer.get("/Encrypt")
    if not isinstance(encrypt, pikepdf.Dictionary):
        return None, None
    p = encrypt.get("/P")
    r = encrypt.get("/R")
    return (int(p) if isinstance(p, int) else None), (int(r) if isinstance(r, int) else None)


def _scan_content(
    pdf: pikepdf.Pdf, tree: StructTree | None, page_index: dict[tuple[int, int], int], limits: Limits
) -> tuple[ContentScan, list[AnnotFacts], list[FieldFacts]]:
    """Every page's content stream, then the annotations, the fonts' character codes and the form fields."""
    scan = ContentScan(tree, limits.max_content_ops)
    for i, page in enumerate(pdf.pages):
        scan.scan_page(page, i)
    annotations = _annotations(pdf, tree, scan, page_index)
    for font in scan.fonts.values():
        check_codes(font, complete=not scan.exhausted)
    return scan, annotations, _fields(pdf, tree, annotations)


def _structure_model(tree: StructTree, scan: ContentScan) -> tuple[list[Heading], list[Image], list[Table]]:
    """Headings, figures and tables of a structured file, from its structure tree."""
    headings: list[Heading] = []
    images: list[Image] = []
    tables: list[Table] = []
    for elem in tree.elements:
        std = elem.std
        if std is None:
            continue
        m = _HEADING.match(std)
        if m or std == "H":
            level = int(m.group(1)) if m else 1
            headings.append(Heading(level=level, text=_elem_text(tree, scan, elem), location=_loc(elem)))
        elif std in ("Figure", "Formula"):
            alt = elem.alt if elem.alt and elem.alt.strip() else elem.actual_text
            # An empty /ActualText replaces the figure with nothing: it is decorative (veraPDF accepts it).
            decorative = not (alt and alt.strip()) and elem.actual_text is not None
            images.append(
                Image(
                    location=_loc(elem),
                    kind=std.lower(),
                    alt=alt,
                    decorative=decorative,
                    name=elem.path.rsplit("/", 1)[-1],
                )
            )
        elif std == "Table":
            tables.append(_table(tree, elem, len(tables) + 1))
    return headings, images, tables


def _links(tree: StructTree | None, scan: ContentScan, annotations: list[AnnotFacts]) -> list[Link]:
    """The shown link annotations, named by their /Contents, else by their structure element's text."""
    links: list[Link] = []
    for annot in annotations:
        if annot.subtype != "Link" or annot.hidden or annot.outside:
            continue
        text = annot.contents or ""
        where = Location(page=annot.page + 1)
        if tree is not None and annot.parent is not None:
            elem = tree.elements[annot.parent]
            where = Location(page=annot.page + 1, element=elem.path)
            if not text.strip():
                text = elem.alt or _elem_text(tree, scan, elem)
        links.append(Link(location=where, text=text, href=annot.uri))
    return links
