"""HTML rules about what links and frames are for: generic link texts (link-purpose-generic), each link with
its context for a person to judge (link-purpose-review, link-purpose-link-only), links and iframes with the same
name that lead to different resources (link-identical-name, link-identical-name-context, iframe-identical-name).

The link context is ACT's "programmatically determined link context": the link's list item ancestors, its
closest block container ancestor, its closest cell ancestor and that cell's header cells (the elements in the
accessibility tree). Resources are compared as parsed URLs: identical URLs are the same resource; different
URLs may still be equivalent (or redirect to one page), which only a person can tell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit
from weakref import WeakKeyDictionary

from ..catalogue import load
from ..model import Document
from ..readers.html import LINK_ROLES
from ..readers.native import BLOCK_TAGS, Info, Page, style_declarations
from ..registry import Results, check
from .html_common import at, page_of, short

__all__ = ["generic_key", "link_context", "resource"]

# Leading and trailing characters left out when a name is compared with the generic texts: punctuation, quotes,
# arrows and the "»" "›" "..." that CMS templates put after "Läs mer".
_TRIM = " \t\r\n.,:;!?…»«›‹<>→←↗⟶–—-_\"'“”‘’()[]{}|/*+#"
# BLOCK_TAGS that are not block containers themselves (their children are the boxes a link sits in)
_NOT_CONTAINERS = frozenset(
    {"br", "hr", "table", "tbody", "thead", "tfoot", "tr", "ul", "ol", "dl", "option"}
)
_CONTAINER_DISPLAY = frozenset(
    {"block", "inline-block", "list-item", "flow-root", "table-cell", "table-caption"}
)
_WORD = re.compile(r"\w")
# A relative URL is resolved against a deep made-up base when the page has no <base>: two hrefs that resolve
# to one URL here do so from any page up to that depth.
_NO_BASE = "https://tillgang.invalid/a/b/c/d/e/f/g/h/page.html"
_PHONE_CHARS = re.compile(r"[\s\-().+/]")
# a table's th elements by the columns and by the rows they cover
_Headers = tuple[dict[int, list[Any]], dict[int, list[Any]]]


@lru_cache(maxsize=4)
def _generic_names(rules_dir: str) -> frozenset[str]:
    rule = load(rules_dir)["link-purpose-generic"]
    return frozenset(generic_key(name) for name in rule.data.get("generic-names", ()))


def generic_key(name: str) -> str:
    """A name as it is compared with the generic texts: case-folded, whitespace collapsed, punctuation trimmed."""
    return " ".join(name.casefold().split()).strip(_TRIM)


def _matching(name: str) -> str:
    """ACT's matching characters: whitespace trimmed and collapsed, letter case ignored."""
    return " ".join(name.split()).casefold()


def _links(page: Page) -> Iterator[tuple[Info, str]]:
    """The links in the accessibility tree with a non-empty accessible name, in tree order."""
    for info in page.with_role(*LINK_ROLES):
        if not info.in_at:
            continue
        name = page.name(info.el)
        if name.strip():
            yield info, name


# ------------------------------------------------------------------ context


def _block_container(info: Info) -> bool:
    if info.tag in ("body", "html", "td", "th", "li"):
        return True
    style = info.attrs.get("style")
    if style and "display" in style:
        for prop, value, _ in style_declarations(style):
            if prop == "display":
                return value.split()[0] in _CONTAINER_DISPLAY if value else False
    return info.tag in BLOCK_TAGS and info.tag not in _NOT_CONTAINERS


def _table_headers(page: Page, table: Info) -> _Headers:
    """A table's th cells by the columns and by the rows they cover."""
    by_col: dict[int, list[Any]] = {}
    by_row: dict[int, list[Any]] = {}
    for el, (row, col, rowspan, colspan) in page.table_grid(table.el).position.items():
        if el.tag != "th":
            continue
        for c in range(col, col + colspan):
            by_col.setdefault(c, []).append(el)
        for r in range(row, row + rowspan):
            by_row.setdefault(r, []).append(el)
    return by_col, by_row


def _header_cells(page: Page, cell: Info, cache: dict[int, _Headers]) -> list[Info]:
    """The header cells of a table cell: ``headers`` when given, else the th of its row and column."""
    ids = (cell.attrs.get("headers") or "").split()
    if ids:
        return [header for ident in ids if (header := page.by_id(ident)) is not None]
    table = cell.ancestor("table")
    if table is None:
        return []
    grid = page.table_grid(table.el)
    position = grid.position.get(cell.el)
    if position is None:
        return []
    if table.index not in cache:
        cache[table.index] = _table_headers(page, table)
    by_col, by_row = cache[table.index]
    row, col, rowspan, colspan = position
    els = [el for c in range(col, col + colspan) for el in by_col.get(c, ())]
    els += [el for r in range(row, row + rowspan) for el in by_row.get(r, ())]
    found: list[Info] = []
    for el in els:
        if el is not cell.el and page.info(el) not in found:
            found.append(page.info(el))
    return found


def link_context(page: Page, link: Info, tables: dict[int, _Headers] | None = None) -> list[Info]:
    """The link's programmatically determined context (ACT): its listitem ancestors, its closest block
    container ancestor, its closest cell ancestor and that cell's header cells; those not hidden. ``tables``
    keeps each table's header cells between calls."""
    tables = {} if tables is None else tables
    found: list[Info] = []
    block = cell = None
    node = link.parent
    while node is not None:
        if node.role == "listitem":
            found.append(node)
        if block is None and _block_container(node):
            block = node
            found.append(node)
        if cell is None and node.role in ("cell", "gridcell"):
            cell = node
            found.append(node)
            found.extend(_header_cells(page, node, tables))
        node = node.parent
    unique = {info.index: info for info in found if not info.prog_hidden}
    return [unique[i] for i in sorted(unique)]


def _visible_text(page: Page, root: Info, skip: Info, limit: int = 600) -> str:
    """The rendered text of ``root``'s subtree without ``skip``'s subtree and hidden elements (at most about
    ``limit`` characters)."""
    parts: list[str] = []
    size = 0
    stack: list[tuple[bool, object]] = [(False, root.el)]
    while stack and size < limit:
        is_text, item = stack.pop()
        if is_text:
            parts.append(str(item))
            size += len(str(item))
            continue
        el: object = item
        tail = getattr(el, "tail", None)
        if el is not root.el and tail:
            stack.append((True, tail))
        if not isinstance(getattr(el, "tag", None), str):
            continue
        info = page.by_el.get(el)
        if info is None or info.prog_hidden or info is skip:
            continue
        stack.extend((False, child) for child in reversed(list(el)))  # type: ignore[call-overload]
        text = getattr(el, "text", None)
        if text:
            stack.append((True, text))
    return " ".join("".join(parts).split())


def _context_text(page: Page, link: Info, context: list[Info]) -> str:
    """The text of the link's context (outer elements only, header cells after) and of its aria-describedby
    targets, without the link's own text."""
    outer = [
        info for info in context if not any(o is not info and o.index < info.index <= o.end for o in context)
    ]
    texts = [_visible_text(page, info, link) for info in outer]
    for ident in (link.attrs.get("aria-describedby") or "").split():
        target = page.by_id(ident)
        if target is not None:
            texts.append(page.text(target.el))
    return " ".join(t for t in texts if t)


# ------------------------------------------------------------------ resources


def _base(page: Page) -> str:
    for info in page.iter("base"):
        href = (info.attrs.get("href") or "").strip()
        if href:
            return urljoin(_NO_BASE, href)
    return _NO_BASE


def _normalise(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path or ("/" if parts.netloc else "")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, parts.fragment))


def resource(page: Page, info: Info, base: str) -> str | None:
    """The parsed URL a link leads to or an iframe embeds, or None when the markup does not say (a link with
    no URL, ``href="#"``, a javascript: URL or an ``onclick`` handler)."""
    if info.tag in ("iframe", "frame"):
        if "srcdoc" in info.attrs and info.tag == "iframe":
            return "about:srcdoc " + " ".join(info.attrs["srcdoc"].split())
        src = (info.attrs.get("src") or "").strip()
        return _normalise(urljoin(base, src)) if src else "about:blank"
    href = next(
        (v for k, v in info.attrs.items() if k in ("href", "xlink:href") or k.endswith("}href")),
        None,
    )
    href = (href or "").strip()
    # no URL, a script URL, or "#"/"" with a script handler (where the link goes is up to the script)
    if not href or href == "#" or href.lower().startswith("javascript:") or "onclick" in info.attrs:
        return None
    return _normalise(urljoin(base, href))


def _names_own_target(name: str, target: str | None) -> bool:
    """A mailto: or tel: link whose text is the address or number it opens: its purpose is stated."""
    if not target:
        return False
    scheme, _, rest = target.partition(":")
    value = rest.split("?")[0]
    if scheme == "mailto" and value:
        return _matching(name) == _matching(value)
    if scheme == "tel" and value:
        digits = _PHONE_CHARS.sub("", value)
        return bool(digits) and _PHONE_CHARS.sub("", name) == digits
    return False


def _shown(info: Info) -> str:
    """An element's target as written in the markup, for a message ("–" when it has none)."""
    if info.tag == "iframe" and "srcdoc" in info.attrs:
        return "srcdoc"
    written = info.attrs.get("src" if info.tag == "iframe" else "href")
    return short(written.strip(), 60) if written and written.strip() else "–"


def _target_param(href: str | None) -> str:
    return short(href, 80) if href else "none"


class _PageLinks:
    """One page's links with their contexts, context texts and resources, worked out once for all the rules
    of this module (a page may have thousands of links)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.links = list(_links(page))
        self.base = _base(page)
        self._tables: dict[int, _Headers] = {}
        self._contexts: dict[int, list[Info]] = {}
        self._texts: dict[int, str] = {}
        self._resources: dict[int, str | None] = {}

    def context(self, info: Info) -> list[Info]:
        found = self._contexts.get(info.index)
        if found is None:
            found = self._contexts[info.index] = link_context(self.page, info, self._tables)
        return found

    def context_text(self, info: Info) -> str:
        text = self._texts.get(info.index)
        if text is None:
            text = self._texts[info.index] = _context_text(self.page, info, self.context(info))
        return text

    def resource(self, info: Info) -> str | None:
        if info.index not in self._resources:
            self._resources[info.index] = resource(self.page, info, self.base)
        return self._resources[info.index]


_ANALYSED: WeakKeyDictionary[Page, _PageLinks] = WeakKeyDictionary()


def _page_links(doc: Document) -> _PageLinks | None:
    page = page_of(doc)
    if page is None:
        return None
    found = _ANALYSED.get(page)
    if found is None:
        found = _ANALYSED[page] = _PageLinks(page)
    return found


def _review(links: _PageLinks, out: Results, info: Info, name: str, codes: tuple[str, str]) -> None:
    """cantTell with the context text (``codes[0]``) or, when no text around the link explains it, without
    (``codes[1]``)."""
    context = links.context_text(info)
    where = at(links.page, info)
    target = _target_param(info.attrs.get("href"))
    if _WORD.search(context):
        out.cant_tell(codes[0], where, name=short(name), context=short(context, 120), target=target)
    else:
        out.cant_tell(codes[1], where, name=short(name), target=target)


# ------------------------------------------------------------------ link-purpose-generic and the reviews


@check("link-purpose-generic", formats=("html",))
def link_purpose_generic(doc: Document, out: Results) -> None:
    links = _page_links(doc)
    if links is None:
        return
    generic = _generic_names(str(load().directory))
    for info, name in links.links:
        if generic_key(name) in generic:
            _review(links, out, info, name, ("generic-context", "generic-alone"))
        else:
            out.passed(at(links.page, info))


@check("link-purpose-review", formats=("html",))
def link_purpose_review(doc: Document, out: Results) -> None:
    links = _page_links(doc)
    if links is None:
        return
    for info, name in links.links:
        if _names_own_target(name, links.resource(info)):
            out.passed(at(links.page, info))
        else:
            _review(links, out, info, name, ("context", "alone"))


@check("link-purpose-link-only", formats=("html",))
def link_purpose_link_only(doc: Document, out: Results) -> None:
    links = _page_links(doc)
    if links is None:
        return
    for info, name in links.links:
        where = at(links.page, info)
        if _names_own_target(name, links.resource(info)):
            out.passed(where)
        else:
            out.cant_tell("review", where, name=short(name), target=_target_param(info.attrs.get("href")))


# ------------------------------------------------------------------ identical names


def _judge_groups(
    page: Page, groups: dict[object, list[tuple[Info, str]]], targets: dict[int, str | None], out: Results
) -> None:
    """Each set of two or more elements: passed when all resolve to one known resource (``targets`` by element
    index), else cantTell naming the targets."""
    for members in groups.values():
        if len(members) < 2:
            continue
        found = {targets[info.index] for info, _ in members}
        if None not in found and len(found) == 1:
            for info, _ in members:
                out.passed(at(page, info))
            continue
        shown = list(dict.fromkeys(_shown(info) for info, _ in members))
        listed = ", ".join(shown[:3]) + (" …" if len(shown) > 3 else "")
        for info, name in members:
            out.cant_tell(
                "different", at(page, info), name=short(name), count=str(len(members)), targets=listed
            )


def _grouped_links(links: _PageLinks, by_context: bool) -> dict[object, list[tuple[Info, str]]]:
    groups: dict[object, list[tuple[Info, str]]] = {}
    for info, name in links.links:
        key: object = _matching(name)
        if by_context:
            # Links whose context holds no text besides the link have identical (empty) contexts: nothing
            # around them tells them apart either (the rule's background: identical contexts fail 2.4.4 too).
            same: object = tuple(i.index for i in links.context(info))
            if not _WORD.search(links.context_text(info)):
                same = "no context"
            key = (key, same)
        groups.setdefault(key, []).append((info, name))
    return groups


def _judge_links(links: _PageLinks, by_context: bool, out: Results) -> None:
    groups = _grouped_links(links, by_context)
    targets = {
        info.index: links.resource(info)
        for members in groups.values()
        if len(members) > 1
        for info, _ in members
    }
    _judge_groups(links.page, groups, targets, out)


@check("link-identical-name", formats=("html",))
def link_identical_name(doc: Document, out: Results) -> None:
    links = _page_links(doc)
    if links is not None:
        _judge_links(links, False, out)


@check("link-identical-name-context", formats=("html",))
def link_identical_name_context(doc: Document, out: Results) -> None:
    links = _page_links(doc)
    if links is not None:
        _judge_links(links, True, out)


@check("iframe-identical-name", formats=("html",))
def iframe_identical_name(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    groups: dict[object, list[tuple[Info, str]]] = {}
    for info in page.iter("iframe"):
        if info.prog_hidden:
            continue
        name = page.name(info.el)
        if name.strip():
            groups.setdefault(_matching(name), []).append((info, name))
    base = _base(page)
    targets = {info.index: resource(page, info, base) for members in groups.values() for info, _ in members}
    _judge_groups(page, groups, targets, out)
