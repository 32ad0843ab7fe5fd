"""The PDF structure tree, walked once: resolved standard types, inherited language, pages, paths.

The walk is iterative with a visited set keyed by ``objgen`` (cycles exist in real files), bounded by
``Limits.max_struct_elements`` and ``Limits.max_struct_depth``. Document order is depth-first pre-order in
``/K`` order, the order veraPDF uses for heading nesting.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pikepdf

__all__ = ["STANDARD_TYPES", "StructElem", "StructTree", "build_struct_tree", "pdf_name", "pdf_text"]

# The standard structure types of PDF 1.7: what PDF/UA-1 means by "standard".
STANDARD_TYPES = frozenset(
    [
        "Document",
        "Part",
        "Art",
        "Sect",
        "Div",
        "BlockQuote",
        "Caption",
        "TOC",
        "TOCI",
        "Index",
        "NonStruct",
        "Private",
        "P",
        "H",
        "H1",
        "H2",
        "H3",
        "H4",
        "H5",
        "H6",
        "L",
        "LI",
        "Lbl",
        "LBody",
        "Table",
        "TR",
        "TH",
        "TD",
        "THead",
        "TBody",
        "TFoot",
        "Span",
        "Quote",
        "Note",
        "Reference",
        "BibEntry",
        "Code",
        "Link",
        "Annot",
        "Ruby",
        "RB",
        "RT",
        "RP",
        "Warichu",
        "WT",
        "WP",
        "Figure",
        "Formula",
        "Form",
    ]
)


def pdf_text(value: Any) -> str | None:
    """A PDF string (or name) as Python text, NULs removed; None when absent or not a string."""
    if value is None:
        return None
    if isinstance(value, pikepdf.String):
        try:
            text = str(value)
        except (UnicodeDecodeError, ValueError):
            text = bytes(value).decode("latin-1")
        return text.replace("\x00", "")
    if isinstance(value, pikepdf.Name):
        return str(value)[1:]
    if isinstance(value, str):
        return value.replace("\x00", "")
    return None


def pdf_name(value: Any) -> str | None:
    """A PDF name without its slash; names that are not UTF-8 are decoded as Latin-1."""
    if not isinstance(value, pikepdf.Name):
        return None
    try:
        return str(value)[1:]
    except UnicodeDecodeError:
        return bytes(value.unparse())[1:].decode("latin-1")


_name = pdf_name


def _key(obj: Any) -> tuple[int, int] | None:
    """objgen of an indirect object, None for a direct one (direct objects cannot form cycles)."""
    try:
        og = obj.objgen
    except (AttributeError, pikepdf.PdfError):
        return None
    return og if og != (0, 0) else None


# ISO 32000-2 (PDF 2.0) standard structure namespace and its types (PDF/UA-2 uses them; 14.8.6): an element whose
# /NS is this namespace is standard with these names, without a RoleMap entry. Hn is any H followed by digits.
PDF2_NAMESPACE = "http://iso.org/pdf2/ssn"
PDF2_TYPES = frozenset(
    [
        "Document",
        "DocumentFragment",
        "Part",
        "Sect",
        "Div",
        "Aside",
        "NonStruct",
        "P",
        "H",
        "Title",
        "FENote",
        "Sub",
        "Lbl",
        "Span",
        "Em",
        "Strong",
        "Link",
        "Annot",
        "Form",
        "Ruby",
        "RB",
        "RT",
        "RP",
        "Warichu",
        "WT",
        "WP",
        "L",
        "LI",
        "LBody",
        "Table",
        "TR",
        "TH",
        "TD",
        "THead",
        "TBody",
        "TFoot",
        "Caption",
        "Figure",
        "Formula",
        "Artifact",
    ]
)
_PDF2_HEADING = re.compile(r"^H[1-9][0-9]*$")


def pdf2_standard(raw: str) -> bool:
    return raw in PDF2_TYPES or bool(_PDF2_HEADING.match(raw))


@dataclass(slots=True)
class StructElem:
    index: int
    raw: str  # /S as written
    std: str | None  # resolved standard type; None when it does not resolve
    parent: int  # index of the parent element, -1 for a child of StructTreeRoot
    depth: int
    page: int | None  # 0-based page index (own /Pg or inherited)
    path: str  # "Document/Sect[2]/H1[1]"
    lang: str | None = None  # own /Lang
    inherited_lang: str | None = None  # own or the nearest ancestor's /Lang
    alt: str | None = None
    actual_text: str | None = None
    expansion: str | None = None
    ident: bytes | None = None  # /ID
    kids: list[int] = field(default_factory=list)
    mcids: list[tuple[int | None, int]] = field(default_factory=list)  # (page index, MCID)
    objrs: list[tuple[int, int]] = field(default_factory=list)  # objgen of OBJR targets
    scope: str | None = None  # Table attribute /Scope (Row, Column, Both)
    headers: list[bytes] = field(default_factory=list)  # Table attribute /Headers
    row_span: int = 1
    col_span: int = 1


@dataclass(slots=True)
class StructTree:
    elements: list[StructElem] = field(default_factory=list)
    by_objgen: dict[tuple[int, int], int] = field(default_factory=dict)
    objr_parent: dict[tuple[int, int], int] = field(default_factory=dict)  # annotation objgen -> element
    mcid_elem: dict[tuple[int, int], int] = field(default_factory=dict)  # (page, mcid) -> element
    role_map: dict[str, str] = field(default_factory=dict)
    role_cache: dict[str, tuple[str | None, str | None]] = field(
        default_factory=dict
    )  # raw -> (std, problem)
    pdf2_types: set[str] = field(default_factory=set)  # types used in the PDF 2.0 namespace (standard there)
    has_kids: bool = False
    truncated: str | None = None  # "elements" or "depth" when a limit stopped the walk
    cycles: int = 0

    def resolve(self, raw: str) -> tuple[str | None, str | None]:
        """(standard type, problem) for a raw type. Problems: remapped, unmapped, circular, self (a standard type mapped to itself)."""
        cached = self.role_cache.get(raw)
        if cached is not None:
            return cached
        result: tuple[str | None, str | None]
        if raw in self.pdf2_types and raw not in STANDARD_TYPES:
            result = (raw, None)  # a PDF 2.0 standard type, declared by the element's namespace
        elif raw in STANDARD_TYPES:
            target = self.role_map.get(raw)
            if target is None:
                result = (raw, None)
            elif target == raw:
                result = (raw, "self")  # a self-mapping is a loop for veraPDF (7.1-t06-fail-a: /LI /LI)
            else:
                result = (raw, "remapped")  # the element keeps its standard meaning; the remap is the defect
        else:
            seen = {raw}
            current = raw
            result = (None, "unmapped")
            while True:
                nxt = self.role_map.get(current)
                if nxt is None:
                    break
                if nxt in seen:
                    result = (None, "circular")
                    break
                if nxt in STANDARD_TYPES:
                    result = (nxt, None)
                    break
                seen.add(nxt)
                current = nxt
        self.role_cache[raw] = result
        return result


def _attributes(elem: StructElem, node: pikepdf.Dictionary, class_map: Any) -> None:
    dicts: list[Any] = []
    classes = node.get("/C")
    if classes is not None and isinstance(class_map, pikepdf.Dictionary):
        names = classes if isinstance(classes, pikepdf.Array) else [classes]
        for c in names:
            if isinstance(c, pikepdf.Name) and c in class_map:
                value = class_map[c]
                dicts.extend(value if isinstance(value, pikepdf.Array) else [value])
    attrs = node.get("/A")
    if attrs is not None:
        dicts.extend(attrs if isinstance(attrs, pikepdf.Array) else [attrs])  # direct /A last: it wins
    for d in dicts:
        if not isinstance(d, pikepdf.Dictionary):
            continue  # revision numbers interleaved with attribute dicts
        if _name(d.get("/O")) != "Table":
            continue
        scope = _name(d.get("/Scope"))
        if scope:
            elem.scope = scope
        headers = d.get("/Headers")
        if isinstance(headers, pikepdf.Array):
            elem.headers = [bytes(h) for h in headers if isinstance(h, pikepdf.String)]
        for key, attr in (("/RowSpan", "row_span"), ("/ColSpan", "col_span")):
            span = d.get(key)
            if isinstance(span, int) and 1 <= int(span) <= 10_000:
                setattr(elem, attr, int(span))


def build_struct_tree(
    pdf: pikepdf.Pdf, page_index: dict[tuple[int, int], int], max_elements: int, max_depth: int
) -> StructTree | None:
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary):
        return None
    tree = StructTree()
    role_map = root.get("/RoleMap")
    if isinstance(role_map, pikepdf.Dictionary):
        for k in list(role_map.keys())[:10_000]:
            target = _name(role_map.get(k))
            if target is not None:
                tree.role_map[k[1:]] = target
    class_map = root.get("/ClassMap")
    kids = root.get("/K")
    if kids is None:
        return tree
    first = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    tree.has_kids = bool(first)
    _walk(tree, first, _key(root), page_index, class_map, max_elements, max_depth)
    _inherit_pages(tree)
    return tree


def _walk(
    tree: StructTree,
    first: list[Any],
    root_key: tuple[int, int] | None,
    page_index: dict[tuple[int, int], int],
    class_map: Any,
    max_elements: int,
    max_depth: int,
) -> None:
    """Walk the tree from StructTreeRoot's kids ``first``, depth-first in /K order, appending the elements."""
    visited: set[tuple[int, int]] = set()
    if root_key:
        visited.add(root_key)
    # stack of (node, parent index, depth, inherited page, inherited lang, parent path)
    stack: list[tuple[Any, int, int, int | None, str | None, str]] = [
        (k, -1, 0, None, None, "") for k in reversed(first)
    ]
    sibling_counts: dict[int, dict[str, int]] = {}
    while stack:
        node, parent, depth, page, lang, parent_path = stack.pop()
        if isinstance(node, int) and not isinstance(node, bool):
            if parent >= 0:
                tree.elements[parent].mcids.append((page, int(node)))
                if page is not None:
                    tree.mcid_elem.setdefault((page, int(node)), parent)
            continue
        if not isinstance(node, pikepdf.Dictionary):
            continue
        key = _key(node)
        if key is not None:
            if key in visited:
                tree.cycles += 1
                continue
            visited.add(key)
        present = set(node.keys())

        def get(k: str, node: Any = node, present: set[str] = present) -> Any:
            return node.get(k) if k in present else None

        node_type = _name(get("/Type"))
        if node_type in ("MCR", "OBJR") or (node_type is None and "/MCID" in node and "/S" not in node):
            _reference(tree, node_type, get, parent, page, page_index)
            continue
        raw = _name(get("/S"))
        if raw is None:
            continue
        if len(tree.elements) >= max_elements:
            tree.truncated = "elements"
            break
        if depth >= max_depth:
            tree.truncated = "depth"
            continue
        counts = sibling_counts.setdefault(parent, {})
        counts[raw] = counts.get(raw, 0) + 1
        path = f"{parent_path}/{raw}[{counts[raw]}]" if parent_path else f"{raw}[{counts[raw]}]"
        if parent == -1 and len(first) == 1:
            path = raw  # the usual single Document root needs no index
        elem = _element(tree, get, raw, parent, depth, page, lang, path, page_index)
        if "/A" in present or "/C" in present:
            _attributes(elem, node, class_map)
        tree.elements.append(elem)
        if key is not None:
            tree.by_objgen[key] = elem.index
        if parent >= 0:
            tree.elements[parent].kids.append(elem.index)
        node_kids = get("/K")
        if node_kids is None:
            continue
        children = list(node_kids) if isinstance(node_kids, pikepdf.Array) else [node_kids]
        for child in reversed(children):
            stack.append((child, elem.index, depth + 1, elem.page, elem.inherited_lang, path))


def _element(
    tree: StructTree,
    get: Callable[[str], Any],
    raw: str,
    parent: int,
    depth: int,
    page: int | None,
    lang: str | None,
    path: str,
    page_index: dict[tuple[int, int], int],
) -> StructElem:
    """A structure element from its own entries; ``page`` and ``lang`` are what it inherits."""
    own_page = page_index.get(_key(get("/Pg")) or (0, 0))
    own_lang = pdf_text(get("/Lang"))
    namespace = get("/NS")
    if (
        isinstance(namespace, pikepdf.Dictionary)
        and pdf_text(namespace.get("/NS")) == PDF2_NAMESPACE
        and pdf2_standard(raw)
        and raw not in tree.pdf2_types
    ):
        tree.pdf2_types.add(raw)
        tree.role_cache.pop(raw, None)
    std, _problem = tree.resolve(raw)
    ident = get("/ID")
    return StructElem(
        index=len(tree.elements),
        raw=raw,
        std=std,
        parent=parent,
        depth=depth,
        page=own_page if own_page is not None else page,
        path=path,
        lang=own_lang,
        inherited_lang=own_lang if own_lang is not None else lang,
        alt=pdf_text(get("/Alt")),
        actual_text=pdf_text(get("/ActualText")),
        expansion=pdf_text(get("/E")),
        ident=bytes(ident) if isinstance(ident, pikepdf.String) else None,
    )


def _reference(
    tree: StructTree,
    node_type: str | None,
    get: Callable[[str], Any],
    parent: int,
    page: int | None,
    page_index: dict[tuple[int, int], int],
) -> None:
    """A marked-content reference (MCR) or an object reference (OBJR): content of the ``parent`` element."""
    if node_type == "OBJR":
        obj_key = _key(get("/Obj"))
        if parent >= 0 and obj_key is not None:
            tree.elements[parent].objrs.append(obj_key)
            tree.objr_parent.setdefault(obj_key, parent)
        return
    mcid = get("/MCID")
    pg = page_index.get(_key(get("/Pg")) or (0, 0), page)
    if parent >= 0 and isinstance(mcid, int):
        tree.elements[parent].mcids.append((pg, int(mcid)))
        if pg is not None:
            tree.mcid_elem.setdefault((pg, int(mcid)), parent)


def _inherit_pages(tree: StructTree) -> None:
    """An element without a page of its own (a Table, a Sect) is on the page of its first content."""
    for elem in reversed(tree.elements):
        if elem.page is None:
            elem.page = next((p for p, _mcid in elem.mcids if p is not None), None)
        if elem.page is None:
            elem.page = next(
                (tree.elements[k].page for k in elem.kids if tree.elements[k].page is not None), None
            )
