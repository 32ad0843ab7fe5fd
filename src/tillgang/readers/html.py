"""HTML reader: static HTML (no scripts, no external CSS) into the neutral ``Document``.

lxml's HTML parser builds the tree; ``_html_model.Page`` decides every shared fact once (roles, hidden state,
focus, accessible names, languages, table grids). ``Document.native`` is that ``Page`` for the HTML-only
checks. A standalone SVG or XML document is not a web page: it gets the format ``svg``/``xml`` so that no HTML
page rule applies to it (docs/html.md).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from lxml import etree

from ..errors import DocumentError
from ..limits import Limits
from ..model import Document, Heading, Image, Link, Location, Table
from ._html_model import Info, Page, norm, parse_int

__all__ = ["http_charset", "read", "read_bytes"]

MAX_ELEMENTS = 200_000
PARSER_MAX_DEPTH = 255  # libxml2's HTML parser does not nest deeper than this
_PROLOG = re.compile(
    rb"^(?:\xef\xbb\xbf)?(?:\s+|<\?xml[^>]*>|<!--.*?-->|<!doctype[^>]*>)*<([a-zA-Z][\w:.-]*)", re.I | re.S
)
_META_CHARSET = re.compile(rb"<meta[^>]+charset", re.I)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_LABEL = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([^\s\"'>/;]+)", re.I)


def read(path: Path, source: str, limits: Limits) -> Document:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentError("corrupt", f"cannot read the file: {exc.strerror or exc}") from exc
    if size > limits.max_html_bytes:
        raise DocumentError("too-large", f"{size} bytes of HTML, the limit is {limits.max_html_bytes}")
    return read_bytes(path.read_bytes(), source, limits, filename=path.name)


def document_kind(data: bytes, content_type: str | None = None) -> str:
    """'html', 'svg' or 'xml': by Content-Type when given, else by the root element."""
    if content_type:
        ct = content_type.split(";")[0].strip().lower()
        if ct == "image/svg+xml":
            return "svg"
        if ct in ("application/xml", "text/xml", "application/mathml+xml"):
            return "xml"
        if ct in ("text/html", "application/xhtml+xml"):
            return "html"
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    m = _PROLOG.match(head)
    if m:
        root = m.group(1).lower()
        if root == b"svg":
            return "svg"
        if root == b"math" or (head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml") and root != b"html"):
            return "xml"
    return "html"


def http_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header, if any."""
    m = _CHARSET.search(content_type or "")
    return m.group(1) if m else None


@lru_cache(maxsize=64)
def _known_encoding(label: str) -> bool:
    """Both Python and lxml (libxml2) can decode ``label``."""
    try:
        codecs.lookup(label)
        etree.HTMLParser(encoding=label)
    except (LookupError, ValueError):
        return False
    return True


Notice = tuple[str, dict[str, str]]


def _encoding(data: bytes, content_type: str | None) -> tuple[str | None, list[Notice]]:
    """The encoding to parse with, in the HTML standard's order: a BOM; the HTTP charset; a meta charset (None:
    lxml reads the BOM or the meta element itself); else UTF-8 if the bytes decode as it, else windows-1252.
    A charset that names an unknown encoding is skipped for the next source, with an ``unknown-charset``
    notice."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return None, []
    unknown: list[tuple[str, str]] = []
    charset = http_charset(content_type)
    if charset:
        if _known_encoding(charset):
            return charset, []
        unknown.append(("http", charset))
    encoding: str | None
    head = data[:2048]
    meta = _META_LABEL.search(head)
    label = meta.group(1).decode("ascii", "replace") if meta else ""
    if (meta and _known_encoding(label)) or (not meta and _META_CHARSET.search(head)):
        encoding, used = None, label or "meta"
    else:
        if meta:
            unknown.append(("meta", label))
        try:
            data.decode("utf-8")
            encoding = used = "utf-8"
        except UnicodeDecodeError:
            encoding = used = "windows-1252"
    notices = [
        (
            "unknown-charset",
            {"label": name[:40], "source": source, "used": used.upper() if used == "utf-8" else used},
        )
        for source, name in unknown
    ]
    return encoding, notices


def parse(data: bytes, content_type: str | None = None) -> etree._Element:
    return parse_with_notices(data, content_type)[0]


def parse_with_notices(data: bytes, content_type: str | None = None) -> tuple[etree._Element, list[Notice]]:
    encoding, notices = _encoding(data, content_type)
    parser = etree.HTMLParser(
        encoding=encoding, no_network=True, remove_blank_text=False, default_doctype=False
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except (etree.ParserError, ValueError, LookupError) as exc:
        raise DocumentError("corrupt", f"not readable as HTML: {exc}") from exc
    if root is None:
        raise DocumentError("corrupt", "no HTML content")
    return root, notices


def read_bytes(
    data: bytes,
    source: str,
    limits: Limits,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    prepare: Callable[[etree._Element], None] | None = None,
) -> Document:
    """Read a page from bytes (the crawler's path; ``content_type`` gives the HTTP charset and type)."""
    if len(data) > limits.max_html_bytes:
        raise DocumentError("too-large", f"{len(data)} bytes of HTML, the limit is {limits.max_html_bytes}")
    kind = document_kind(data, content_type)
    # A URL's last segment is a slug made from the page title ("/bygglov" for "Bygglov"), so it must not make
    # the title look like a file-name placeholder: only a local file's name counts.
    name = filename or ("" if "://" in source else source.rstrip("/").rsplit("/", 1)[-1])
    if not data.strip():
        raise DocumentError("corrupt", "the file is empty")
    root, notices = parse_with_notices(data, content_type)
    if prepare is not None:  # the rendered mode takes its probe's marks off the tree (browser/)
        prepare(root)
    page = Page(root, kind, MAX_ELEMENTS)
    if kind != "html":
        return Document(format=kind, source=source, filename=name, native=page, notices=notices)
    doc = Document(
        notices=notices,
        format="html",
        source=source,
        filename=name,
        title=_title(page),
        lang=root.get("lang") if root.tag == "html" else None,
        headings=_headings(page),
        images=_images(page),
        tables=_tables(page),
        links=_links(page),
        native=page,
    )
    counts = _text_by_lang(page)
    total = sum(counts.values())
    doc.text_chars = total
    marked = {k: v for k, v in counts.items() if k}
    if total and marked:
        # the language most of the text is marked with: document-lang compares it with html@lang
        doc.content_lang = max(marked, key=lambda k: marked[k])
        doc.content_lang_share = marked[doc.content_lang] / total
    if page.max_depth >= PARSER_MAX_DEPTH:
        doc.warnings.append(
            f"the page nests elements {PARSER_MAX_DEPTH} levels deep or more: the parser stops nesting there, "
            "so deeper content may not have been checked"
        )
    if page.shadow_roots:
        doc.warnings.append("declarative shadow roots are not checked (they need a browser)")
    return doc


def loc(page: Page, info: Info) -> Location:
    return page.location(info.el)


def _title(page: Page) -> str | None:
    """The first HTML ``title`` descendant of the document element (ACT 2779a5): not SVG's or MathML's, and
    not one inside ``template`` (its content is not in the document) or ``noscript`` (raw text to a browser
    that runs scripts)."""
    for info in page.iter("title"):
        if info.in_svg or info.ancestor("math", "template", "noscript") is not None:
            continue
        return "".join(info.el.itertext())
    return None


def heading_level(info: Info) -> int:
    level = parse_int(info.el.get("aria-level"))
    if level is not None and level >= 1:
        return level
    if info.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return int(info.tag[1])
    return 2


def _headings(page: Page) -> list[Heading]:
    out = []
    for info in page.with_role("heading"):
        if info.in_at:
            out.append(Heading(heading_level(info), page.name(info.el), loc(page, info)))
    return out


def _images(page: Page) -> list[Image]:
    """``img`` elements in the accessibility tree. input[type=image], area, object and role=img elements have
    their own rules (input-image-alt, area-alt, object-alt, role-img-alt, svg-img-alt)."""
    out = []
    for info in page.iter("img"):
        if info.prog_hidden or info.in_svg or info.role not in ("img", "none", "presentation"):
            continue  # an img with another explicit role (button, link ...) is judged by that role's rule
        decorative = info.role in ("none", "presentation")
        src = info.el.get("src") or ""
        out.append(
            Image(
                location=loc(page, info),
                kind="img",
                alt=None if decorative else page.name(info.el),
                decorative=decorative,
                name=src.rsplit("/", 1)[-1][:80] or "img",
            )
        )
    return out


def _tables(page: Page) -> list[Table]:
    out = []
    for info in page.iter("table"):
        if info.prog_hidden or info.in_svg:
            continue
        grid = page.table_grid(info.el)
        layout = info.role in ("none", "presentation")
        filled_rows = 0
        filled_cols: set[int] = set()
        has_header = False
        only_controls = True
        for row in grid.rows:
            row_filled = False
            for cell in row:
                if not isinstance(cell.tag, str) or cell.tag.lower() not in ("td", "th"):
                    continue
                cinfo = page.info(cell)
                if cell.tag.lower() == "th" or cinfo.role in ("columnheader", "rowheader"):
                    has_header = True
                if cell.get("headers", "").strip():
                    has_header = True
                text = norm("".join(cell.itertext()))
                if text or any(
                    isinstance(e.tag, str) and e.tag.lower() in ("img", "input", "select")
                    for e in cell.iter()
                ):
                    row_filled = True
                    filled_cols.add(grid.position[cell][1])
                if text:
                    only_controls = False
            if row_filled:
                filled_rows += 1
        if not has_header:
            for desc in info.el.iter(etree.Element):
                role = (desc.get("role") or "").strip().lower()
                if role in ("columnheader", "rowheader"):
                    has_header = True
                    break
        nested = any(d is not info.el for d in info.el.iter("table"))
        header: bool | None = has_header
        if not has_header and (nested or only_controls):
            header = None
        out.append(
            Table(
                location=loc(page, info),
                rows=filled_rows,
                cols=len(filled_cols),
                header=header,
                layout=layout,
            )
        )
    return out


LINK_ROLES = frozenset({"link", "doc-backlink", "doc-biblioref", "doc-glossref", "doc-noteref"})


def _links(page: Page) -> list[Link]:
    out = []
    for info in page.with_role(*LINK_ROLES):
        if info.tag == "area":
            continue  # area-alt
        if info.in_at:
            out.append(Link(loc(page, info), page.name(info.el), info.el.get("href")))
    return out


def _text_by_lang(page: Page) -> dict[str | None, int]:
    """Characters of rendered text per language they are marked with (the nearest ``lang``; None = unmarked)."""
    counts: dict[str | None, int] = {}
    for info in page.infos:
        if info.not_rendered:
            continue
        el = info.el
        text = el.text
        if text and not text.isspace():
            key = _lang_of(info)
            counts[key] = counts.get(key, 0) + len(text.strip())
        tail = el.tail
        parent = info.parent
        if tail and not tail.isspace() and parent is not None and not parent.not_rendered:
            key = _lang_of(parent)
            counts[key] = counts.get(key, 0) + len(tail.strip())
    return counts


def _lang_of(info: Info) -> str | None:
    owner = info.lang_el
    if owner is None:
        return None
    return _primary((owner.get("lang") or "").strip())


@lru_cache(maxsize=256)
def _primary(value: str) -> str | None:
    return value.split("-")[0].lower() or None
