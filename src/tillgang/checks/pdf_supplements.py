"""PDF supplements of cross-format rules: only what the neutral model cannot express.

The model-level checks (metadata.py, text_alternatives.py, headings.py, tables.py, links.py) run on PDFs too;
these add results from the PDF reader's facts (``doc.native``).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..model import Document, Location
from ..readers.pdf import PdfFacts, valid_pdf_lang
from ..registry import Results, check
from ..textutil import collapse
from .headings import is_long
from .pdf_structure import page_list

if TYPE_CHECKING:  # annotations only: readers.native would import every format's model
    from ..readers.native import StructElem, StructTree

META = Location(part="metadata")
_ROW_GROUPS = ("THead", "TBody", "TFoot")
MAX_GRID = 250_000  # table cells placed per table (after spans)


def _facts(doc: Document) -> PdfFacts | None:
    return doc.native if isinstance(doc.native, PdfFacts) else None


@check("document-title", formats=("pdf",))
def pdf_document_title(doc: Document, out: Results) -> None:
    facts = _facts(doc)
    if facts is None:
        return
    if facts.xmp_error:
        out.cant_tell("xmp-unreadable", META, error=facts.xmp_error[:120])
    elif collapse(facts.info_title) and not collapse(facts.xmp_title) and facts.pdfua_part is not None:
        # The file claims PDF/UA, which requires dc:title in XMP (veraPDF 7.1-t09); Info /Title alone is not enough.
        out.failed("xmp-missing", META)


@check("document-lang", formats=("pdf",))
def pdf_document_lang(doc: Document, out: Results) -> None:
    facts = _facts(doc)
    if facts is None:
        return
    tree = facts.tree
    bad: list[tuple[str, Location]] = []
    if tree is not None:
        for elem in tree.elements:
            if elem.lang is not None and not valid_pdf_lang(elem.lang.strip()):
                bad.append(
                    (
                        elem.lang,
                        Location(element=elem.path, page=elem.page + 1 if elem.page is not None else None),
                    )
                )
    for value in facts.marked_content_langs:
        if not valid_pdf_lang(value.strip()):
            bad.append((value, Location(part="content")))
    seen: set[str] = set()
    for value, where in bad:
        if value in seen:
            continue
        seen.add(value)
        out.failed("invalid-element", where, lang=collapse(value) or '""')
    if doc.lang is not None and not valid_pdf_lang(doc.lang.strip()) and not collapse(doc.lang):
        out.failed("invalid", META, lang='""')  # an empty /Lang is malformed in PDF (veraPDF 7.2-t29)
    if collapse(doc.lang) or not facts.structured or tree is None:
        return
    # No default language: every piece of text must get a language from the tags (veraPDF 7.2-t21 ... t34).
    uncovered = facts.lang_chars.get(None, 0)
    if uncovered:
        out.failed("uncovered", META, chars=uncovered)
    alts = [e for e in tree.elements if e.inherited_lang is None and (e.alt or e.actual_text or e.expansion)]
    if alts:
        first = alts[0]
        where = Location(element=first.path, page=first.page + 1 if first.page is not None else None)
        out.failed("uncovered-alt", where, count=len(alts))
    described = [
        a
        for a in facts.annotations
        if not a.hidden
        and collapse(a.contents)
        and (a.parent is None or tree.elements[a.parent].inherited_lang is None)
    ]
    fields = [f for f in facts.fields if f.shown and collapse(f.tooltip) and not f.widget_langs]
    if described or fields:
        out.failed("uncovered-annotations", META, count=len(described) + len(fields))
    if facts.has_outline_items:
        out.failed("uncovered-outline", META)


@check("image-alt", formats=("pdf",))
def pdf_image_alt(doc: Document, out: Results) -> None:
    facts = _facts(doc)
    if facts is None or facts.structured:
        return
    pages = [p.index for p in facts.pages if p.image_areas]
    if pages:
        out.failed("untagged", Location(page=pages[0] + 1), pages=page_list(pages), count=len(pages))


@check("headings-present", formats=("pdf",))
def pdf_headings_present(doc: Document, out: Results) -> None:
    facts = _facts(doc)
    if facts is None or facts.structured or not is_long(doc):
        return
    out.cant_tell("untagged", Location(part="body"), pages=doc.page_count or 0)


def _heading_children(tree: StructTree) -> tuple[int, int, StructElem | None, int]:
    """(numbered count, H count, an element with more than one H child, that count)."""
    numbered = unnumbered = 0
    worst: StructElem | None = None
    worst_count = 0
    h_children: dict[int, int] = {}
    for elem in tree.elements:
        if elem.std == "H":
            unnumbered += 1
            h_children[elem.parent] = h_children.get(elem.parent, 0) + 1
        elif elem.std in ("H1", "H2", "H3", "H4", "H5", "H6"):
            numbered += 1
    for parent, count in h_children.items():
        if count > 1 and count > worst_count:
            worst_count = count
            worst = tree.elements[parent] if parent >= 0 else None
    return numbered, unnumbered, worst, worst_count


@check("heading-order", formats=("pdf",))
def pdf_heading_order(doc: Document, out: Results) -> None:
    facts = _facts(doc)
    if facts is None or facts.tree is None or not facts.structured:
        return
    numbered, unnumbered, parent, count = _heading_children(facts.tree)
    if numbered and unnumbered:
        out.failed("mixed", Location(part="structure"))
    if count > 1:
        out.failed("unnumbered", Location(element=parent.path if parent else "StructTreeRoot"), count=count)


# ------------------------------------------------------------------ tables


def _rows(tree: StructTree, table: StructElem) -> list[StructElem]:
    rows: list[StructElem] = []
    for kid in table.kids:
        k = tree.elements[kid]
        if k.std == "TR":
            rows.append(k)
        elif k.std in _ROW_GROUPS:
            rows.extend(tree.elements[g] for g in k.kids if tree.elements[g].std == "TR")
    return rows


_ALLOWED_PARENTS = {
    "TR": ("Table", "THead", "TBody", "TFoot"),
    "THead": ("Table",),
    "TBody": ("Table",),
    "TFoot": ("Table",),
    "TH": ("TR",),
    "TD": ("TR",),
}
_ALLOWED_KIDS = {"TR": ("TH", "TD"), "THead": ("TR",), "TBody": ("TR",), "TFoot": ("TR",)}


def _misplaced(tree: StructTree) -> list[tuple[StructElem, str]]:
    """Table elements outside their allowed parents or with foreign children (veraPDF 7.2-t04 ... t14)."""
    found: list[tuple[StructElem, str]] = []
    for elem in tree.elements:
        std = elem.std
        if std in _ALLOWED_PARENTS:
            parent = tree.elements[elem.parent].std if elem.parent >= 0 else None
            if parent not in _ALLOWED_PARENTS[std]:
                found.append((elem, f"{std} inside {parent or 'the structure root'}"))
        if std in _ALLOWED_KIDS:
            for k in elem.kids:
                kid = tree.elements[k].std
                if kid not in _ALLOWED_KIDS[std]:
                    found.append((elem, f"{std} contains {kid}"))
    return found


def _structure_problems(tree: StructTree, table: StructElem) -> list[str]:
    """Table children (ISO 32000-1 14.8.4.3.4, veraPDF 7.2-t03): [Caption] TR* | THead? TBody* TFoot? [Caption]."""
    problems: list[str] = []
    kinds = [tree.elements[k].std for k in table.kids]
    for kind in kinds:
        if kind not in ("TR", "THead", "TBody", "TFoot", "Caption"):
            problems.append(f"Table contains {kind}")
    captions = [i for i, k in enumerate(kinds) if k == "Caption"]
    if len(captions) > 1 or any(i not in (0, len(kinds) - 1) for i in captions):
        problems.append("Caption must be the first or last child, once")
    if kinds.count("THead") > 1 or kinds.count("TFoot") > 1:
        problems.append("more than one THead or TFoot")
    if "TR" in kinds and any(k in kinds for k in _ROW_GROUPS):
        problems.append("TR mixed with THead, TBody or TFoot")
    return problems


def _grid(
    tree: StructTree, rows: list[StructElem]
) -> tuple[dict[tuple[int, int], StructElem], list[tuple[StructElem, int, int]], bool]:
    """Cells placed on a grid with their spans; the flag says whether the table is irregular."""
    grid: dict[tuple[int, int], StructElem] = {}
    placed: list[tuple[StructElem, int, int]] = []
    irregular = False
    for r, row in enumerate(rows):
        c = 0
        for kid in row.kids:
            cell = tree.elements[kid]
            if cell.std not in ("TH", "TD"):
                continue
            while (r, c) in grid:
                c += 1
            placed.append((cell, r, c))
            if r + cell.row_span > len(rows):
                irregular = True  # spans past the last row
            if len(grid) + cell.row_span * cell.col_span > MAX_GRID:
                return grid, placed, True  # absurd spans: irregular, and not worth placing
            for dr in range(min(cell.row_span, len(rows) - r)):
                for dc in range(cell.col_span):
                    if (r + dr, c + dc) in grid:
                        irregular = True  # overlapping cells
                    grid.setdefault((r + dr, c + dc), cell)
            c += cell.col_span
    widths = Counter(rr for rr, _cc in grid)
    if len({widths.get(r, 0) for r in range(len(rows))}) > 1:
        irregular = True
    return grid, placed, irregular


def _connected(grid: dict[tuple[int, int], StructElem], cell: StructElem, r: int, c: int) -> bool:
    for col in range(c, c + min(cell.col_span, 64)):
        seen_th = False
        for i in range(r - 1, -1, -1):
            other = grid.get((i, col))
            if other is None or other is cell:
                continue
            if other.std == "TH":
                seen_th = True
                if other.scope in ("Column", "Both"):
                    return True
            elif seen_th:
                break
    for row in range(r, r + min(cell.row_span, 64)):
        seen_th = False
        for j in range(c - 1, -1, -1):
            other = grid.get((row, j))
            if other is None or other is cell:
                continue
            if other.std == "TH":
                seen_th = True
                if other.scope in ("Row", "Both"):
                    return True
            elif seen_th:
                break
    return False


@check("table-header", formats=("pdf",))
def pdf_table_header(doc: Document, out: Results) -> None:
    facts = _facts(doc)
    if facts is None or facts.tree is None or not facts.structured:
        return
    tree = facts.tree
    for elem, detail in _misplaced(tree)[:20]:
        out.failed("structure", _where(elem), detail=detail)
    number = 0
    for table in tree.elements:
        if table.std != "Table":
            continue
        number += 1
        where = _where(table, number)
        problems = _structure_problems(tree, table)
        rows = _rows(tree, table)
        grid, placed, irregular = _grid(tree, rows)
        if irregular:
            problems.append("rows have different numbers of columns, or cells overlap")
        if problems:
            out.failed("structure", where, detail="; ".join(problems[:3]))
        th_ids = {cell.ident for cell, _r, _c in placed if cell.std == "TH" and cell.ident is not None}
        if not any(cell.std == "TH" for cell, _r, _c in placed):
            continue  # no header at all: the model check reports it
        unknown_ids = False
        unconnected = 0
        for cell, r, c in placed:
            if cell.std != "TD" or (not cell.mcids and not cell.kids):
                continue  # an empty cell (such as the top-left corner) needs no header
            if cell.headers:
                if all(h in th_ids for h in cell.headers):
                    continue
                unknown_ids = True
            if not _connected(grid, cell, r, c):
                unconnected += 1
        if unknown_ids:
            out.failed(
                "structure", where, detail="Headers names an ID that is not a header cell of the table"
            )
        if unconnected:
            out.failed("th-no-scope", where)


def _where(elem: StructElem, number: int | None = None) -> Location:
    return Location(element=elem.path, page=elem.page + 1 if elem.page is not None else None, table=number)


@check("link-name", formats=("pdf",))
def pdf_link_name(doc: Document, out: Results) -> None:
    facts = _facts(doc)
    if facts is None:
        return
    shown = [a for a in facts.annotations if a.subtype == "Link" and not a.hidden and not a.outside]
    for annot, link in zip(shown, doc.links or (), strict=False):
        if collapse(annot.contents):
            continue
        if not collapse(link.text):
            continue  # the model check already reports an empty link
        out.failed("no-contents", link.location, href=annot.uri or "?")
