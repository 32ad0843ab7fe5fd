"""The pdf-only rules. They read the facts the PDF reader decided (``doc.native``), never the file."""

from __future__ import annotations

import re

from ..model import Document, Location
from ..readers.pdf import SCAN_MIN_COVER, PdfFacts
from ..registry import Results, check
from ..textutil import collapse

DOC = Location(part="catalog")
# A page is scan-like when it shows no text at all and paints an image that covers at least a quarter of the page
# with at least half a megapixel, or at least half the page with at least 50,000 pixels (a low-resolution scan).
SCAN_PIXELS = 500_000
SCAN_MIN_PIXELS = 50_000
SCAN_COVER = SCAN_MIN_COVER  # the reader reads inline images' sizes from this share on
SCAN_COVER_LOW_RES = 0.5
BOOKMARK_PAGES = 21
MAX_LISTED_PAGES = 12
EXPECTED_PARENT = {"Link": "Link", "Widget": "Form"}
NOT_CHECKED_ANNOTS = {"Popup"}


def facts_of(doc: Document) -> PdfFacts | None:
    return doc.native if isinstance(doc.native, PdfFacts) else None


def page_list(pages: list[int]) -> str:
    """1-based page numbers for a message: "1, 2, 5" or "1, 2, 3 … (40 sidor)"."""
    shown = ", ".join(str(p + 1) for p in pages[:MAX_LISTED_PAGES])
    return shown + (f" … ({len(pages)})" if len(pages) > MAX_LISTED_PAGES else "")


@check("pdf-tagged")
def pdf_tagged(doc: Document, out: Results) -> None:
    facts = facts_of(doc)
    if facts is None:
        return
    if facts.tree is None:
        out.failed("no-structure", DOC)
        return
    if not facts.marked:
        out.failed("not-marked", DOC)
    if not facts.tree.has_kids:
        out.failed("empty", DOC)
    if facts.suspects:
        out.failed("suspects", DOC)
    if facts.marked and facts.tree.has_kids and not facts.suspects:
        out.passed(DOC)


@check("pdf-display-doc-title")
def pdf_display_doc_title(doc: Document, out: Results) -> None:
    facts = facts_of(doc)
    if facts is None:
        return
    if facts.display_doc_title:
        out.passed(DOC)
    elif facts.display_doc_title_set:
        out.failed("false", DOC)
    else:
        out.failed("missing", DOC)


@check("pdf-scanned")
def pdf_scanned(doc: Document, out: Results) -> None:
    facts = facts_of(doc)
    if facts is None:
        return
    scanned: list[int] = []
    unread: list[int] = []
    images = False
    for page in facts.pages:
        if not page.parsed:
            unread.append(page.index)
            continue
        if not page.image_areas:
            continue
        images = True
        if page.text_ops == 0 and any(
            cover >= SCAN_COVER
            and (pixels >= SCAN_PIXELS or (cover >= SCAN_COVER_LOW_RES and pixels >= SCAN_MIN_PIXELS))
            for pixels, cover in zip(page.image_areas, page.image_cover, strict=False)
        ):
            scanned.append(page.index)
    if scanned:
        out.failed(
            "scanned",
            Location(page=scanned[0] + 1),
            pages=page_list(scanned),
            count=len(scanned),
            total=facts.page_count,
        )
    if unread:
        out.cant_tell("not-read", Location(page=unread[0] + 1), pages=page_list(unread))
    if images and not scanned:
        out.passed(DOC)


@check("pdf-fonts-embedded")
def pdf_fonts_embedded(doc: Document, out: Results) -> None:
    facts = facts_of(doc)
    if facts is None:
        return
    for font in sorted(facts.fonts, key=lambda f: (f.name, f.key)):
        where = Location(page=min(font.pages) + 1 if font.pages else None, name=font.name)
        if font.embedded:
            if font.used:
                out.passed(where)
        elif font.used_visible:
            out.failed("not-embedded", where, font=font.name, pages=page_list(sorted(font.pages)))
        elif not font.used and not facts.content_complete:
            out.cant_tell("unknown-use", where, font=font.name)


@check("pdf-unicode")
def pdf_unicode(doc: Document, out: Results) -> None:
    facts = facts_of(doc)
    if facts is None:
        return
    for font in sorted(facts.fonts, key=lambda f: (f.name, f.key)):
        where = Location(page=min(font.pages) + 1 if font.pages else None, name=font.name)
        if not font.used:
            if font.unicode_problem and not facts.content_complete:
                out.cant_tell("unknown-use", where, font=font.name)
            continue
        if font.unicode_problem is None:
            out.passed(where)
        else:
            out.failed(
                font.unicode_problem,
                where,
                font=font.name,
                pages=page_list(sorted(font.pages)),
                count=font.unmapped,
            )


@check("pdf-tab-order")
def pdf_tab_order(doc: Document, out: Results) -> None:
    facts = facts_of(doc)
    if facts is None:
        return
    pages = sorted({a.page for a in facts.annotations})
    missing = [p for p in pages if facts.tabs[p] is None]
    other = [p for p in pages if facts.tabs[p] not in (None, "S")]
    if missing:
        out.failed("missing", Location(page=missing[0] + 1), pages=page_list(missing), count=len(missing))
    for p in other:
        out.failed("other", Location(page=p + 1), page=p + 1, tabs=facts.tabs[p] or "")
    if pages and not missing and not other:
        out.passed(DOC)


@check("pdf-annotations")
def pdf_annotations(doc: Document, out: Results) -> None:
    facts = facts_of(doc)
    if facts is None:
        return
    relevant = [
        a for a in facts.annotations if not a.hidden and not a.outside and a.subtype not in NOT_CHECKED_ANNOTS
    ]
    if not facts.structured:
        untagged = [a for a in relevant if a.subtype != "PrinterMark"]
        if untagged:
            pages = sorted({a.page for a in untagged})
            out.failed("untagged", Location(page=pages[0] + 1), count=len(untagged), pages=page_list(pages))
    else:
        tree = facts.tree
        for a in relevant:
            where = Location(page=a.page + 1, name=a.subtype)
            if a.parent is not None and tree is not None:
                where = Location(page=a.page + 1, name=a.subtype, element=tree.elements[a.parent].path)
            if a.subtype == "PrinterMark":
                if a.parent is not None:
                    out.failed("printermark-tagged", where, page=a.page + 1)
                continue
            if a.subtype == "TrapNet":
                out.failed("trapnet", where, page=a.page + 1)
                continue
            expected = EXPECTED_PARENT.get(a.subtype, "Annot")
            if a.parent is None:
                out.failed("not-tagged", where, subtype=a.subtype, page=a.page + 1)
                continue
            if a.parent_type != expected:
                out.failed(
                    "wrong-parent",
                    where,
                    subtype=a.subtype,
                    expected=expected,
                    actual=a.parent_type or "?",
                    page=a.page + 1,
                )
                continue
            if expected == "Annot" and tree is not None:
                alt = tree.elements[a.parent].alt
                if not collapse(a.contents) and not collapse(alt):
                    out.failed("no-description", where, subtype=a.subtype, page=a.page + 1)
                    continue
            out.passed(where)
    for field in facts.fields:
        if not field.shown:
            continue  # hidden widgets, or widgets outside the page, are exempt (as in veraPDF)
        where = Location(page=field.page + 1 if field.page is not None else None, name=field.name)
        if collapse(field.tooltip) or (field.widget_alts and all(collapse(alt) for alt in field.widget_alts)):
            out.passed(where)
        else:
            out.failed("field-no-name", where, field=field.name)
    if facts.xfa_dynamic:
        out.cant_tell("xfa", DOC)


@check("pdf-accessibility-permission")
def pdf_accessibility_permission(doc: Document, out: Results) -> None:
    facts = facts_of(doc)
    if facts is None or not facts.encrypted:
        return
    if facts.permissions is None:
        out.failed("no-permissions", DOC)
    elif not facts.permissions & 0x200:
        out.failed("blocked", DOC, p=facts.permissions)
    else:
        out.passed(DOC)


@check("pdf-role-map")
def pdf_role_map(doc: Document, out: Results) -> None:
    facts = facts_of(doc)
    if facts is None or facts.tree is None or not facts.tree.elements:
        return
    tree = facts.tree
    counts: dict[str, int] = {}
    first_path: dict[str, str] = {}
    for elem in tree.elements:
        counts[elem.raw] = counts.get(elem.raw, 0) + 1
        first_path.setdefault(elem.raw, elem.path)
    problems = 0
    for raw in sorted(counts):
        _std, problem = tree.resolve(raw)
        if problem is None:
            continue
        problems += 1
        where = Location(element=first_path[raw])
        if problem == "remapped":
            out.failed("remapped", where, type=raw, target=tree.role_map.get(raw, ""), count=counts[raw])
        else:
            out.failed(problem, where, type=raw, count=counts[raw])
    if not problems:
        out.passed(DOC)


@check("pdf-ua-identifier")
def pdf_ua_identifier(doc: Document, out: Results) -> None:
    facts = facts_of(doc)
    if facts is None:
        return
    where = Location(part="metadata")
    if facts.xmp_error:
        out.cant_tell("xmp-unreadable", where, error=facts.xmp_error[:120])
    elif not facts.xmp_present:
        out.failed("no-xmp", where)
    elif facts.pdfua_part is None and facts.wtpdf:
        out.passed(where)  # WTPDF's accessibility conformance (PDF Declarations) in place of pdfuaid
    elif facts.pdfua_part is None:
        out.failed("missing", where)
    elif facts.pdfua_part not in ("1", "2"):
        out.failed("other-part", where, part=facts.pdfua_part)
    elif facts.pdfua_part == "2" and not re.fullmatch(r"\d{4}", facts.pdfua_rev or ""):
        out.failed("no-rev", where, rev=facts.pdfua_rev or "")
    elif facts.pdfua_prefix_problems:
        out.failed("prefix", where, names=", ".join(facts.pdfua_prefix_problems))
    else:
        out.passed(where)


@check("pdf-bookmarks")
def pdf_bookmarks(doc: Document, out: Results) -> None:
    facts = facts_of(doc)
    if facts is None or facts.page_count < BOOKMARK_PAGES:
        return
    if facts.has_outline_items:
        out.passed(DOC)
    else:
        out.failed("missing", DOC, pages=facts.page_count)


_LIST_KIDS = {"L": ("LI", "L", "Caption"), "LI": ("Lbl", "LBody")}
_LIST_PARENTS = {"LI": ("L",), "LBody": ("LI",)}  # Lbl also labels notes and TOC entries


@check("pdf-list-structure")
def pdf_list_structure(doc: Document, out: Results) -> None:
    facts = facts_of(doc)
    if facts is None or facts.tree is None or not facts.structured:
        return
    tree = facts.tree
    lists = 0
    problems = 0
    for elem in tree.elements:
        std = elem.std
        if std not in ("L", "LI", "Lbl", "LBody"):
            continue
        lists += std == "L"
        where = Location(element=elem.path, page=elem.page + 1 if elem.page is not None else None)
        if std in _LIST_PARENTS:
            parent = tree.elements[elem.parent].std if elem.parent >= 0 else None
            if parent not in _LIST_PARENTS[std]:
                problems += 1
                out.failed(
                    "parent",
                    where,
                    type=std,
                    parent=parent or "StructTreeRoot",
                    expected=_LIST_PARENTS[std][0],
                )
        if std in _LIST_KIDS:
            kinds = [tree.elements[k].std or tree.elements[k].raw for k in elem.kids]
            wrong = sorted({k for k in kinds if k not in _LIST_KIDS[std]})
            if wrong:
                problems += 1
                out.failed("children", where, type=std, children=", ".join(wrong))
            captions = [i for i, k in enumerate(kinds) if k == "Caption"]
            if std == "L" and (len(captions) > 1 or any(i != 0 for i in captions)):
                problems += 1
                out.failed("caption", where)
    if lists and not problems:
        out.passed(Location(part="structure"))
