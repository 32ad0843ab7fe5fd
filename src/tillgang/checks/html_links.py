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
from urllib.parse import urljoin, urlsplit, urlunsplit

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


def _header_cells(page: Page, cell: Info) -> list[Info]:
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
    row, col, rowspan, colspan = position
    found: list[Info] = []
    for (r, c), el in grid.slots.items():
        in_column = col <= c < col + colspan and not row <= r < row + rowspan
        in_row = row <= r < row + rowspan and not col <= c < col + colspan
        if (in_column or in_row) and el.tag == "th" and el is not cell.el:
            header = page.info(el)
            if header not in found:
                found.append(header)
    return found


def link_context(page: Page, link: Info) -> list[Info]:
    """The link's programmatically determined context (ACT): its listitem ancestors, its closest block
    container ancestor, its closest cell ancestor and that cell's header cells; those not hidden."""
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
            found.extend(_header_cells(page, node))
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
    """The parsed URL a link leads to or an iframe embeds, or None when the markup does not say (a scripted
    link, a javascript: URL)."""
    if info.tag in ("iframe", "frame"):
        if "srcdoc" in info.attrs and info.tag == "iframe":
            return "about:srcdoc " + " ".join(info.attrs["srcdoc"].split())
        src = (info.attrs.get("src") or "").strip()
        return _normalise(urljoin(base, src)) if src else "about:blank"
    href = next(
        (v for k, v in info.attrs.items() if k in ("href", "xlink:href") or k.endswith("}href")),
        None,
    )
    if href is None or href.strip().lower().startswith("javascript:"):
        return None
    return _normalise(urljoin(base, href.strip()))


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


# ------------------------------------------------------------------ link-purpose-generic and the reviews


@check("link-purpose-generic", formats=("html",))
def link_purpose_generic(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    generic = _generic_names(str(load().directory))
    for info, name in _links(page):
        if generic_key(name) not in generic:
            out.passed(at(page, info))
            continue
        context = _context_text(page, info, link_context(page, info))
        target = _target_param(info.attrs.get("href"))
        if _WORD.search(context):
            out.cant_tell(
                "generic-context",
                at(page, info),
                name=short(name),
                context=short(context, 120),
                target=target,
            )
        else:
            out.cant_tell("generic-alone", at(page, info), name=short(name), target=target)


@check("link-purpose-review", formats=("html",))
def link_purpose_review(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    base = _base(page)
    for info, name in _links(page):
        if _names_own_target(name, resource(page, info, base)):
            out.passed(at(page, info))
            continue
        context = _context_text(page, info, link_context(page, info))
        target = _target_param(info.attrs.get("href"))
        if _WORD.search(context):
            out.cant_tell(
                "context", at(page, info), name=short(name), context=short(context, 120), target=target
            )
        else:
            out.cant_tell("alone", at(page, info), name=short(name), target=target)


@check("link-purpose-link-only", formats=("html",))
def link_purpose_link_only(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    base = _base(page)
    for info, name in _links(page):
        if _names_own_target(name, resource(page, info, base)):
            out.passed(at(page, info))
        else:
            out.cant_tell(
                "review", at(page, info), name=short(name), target=_target_param(info.attrs.get("href"))
            )


# ------------------------------------------------------------------ identical names


def _judge_groups(page: Page, groups: dict[object, list[tuple[Info, str]]], out: Results) -> None:
    """Each set of two or more elements: passed when all resolve to one known resource, else cantTell."""
    base = _base(page)
    for members in groups.values():
        if len(members) < 2:
            continue
        targets = [resource(page, info, base) for info, _ in members]
        if None not in targets and len(set(targets)) == 1:
            for info, _ in members:
                out.passed(at(page, info))
            continue
        shown = list(dict.fromkeys(_shown(info) for info, _ in members))
        listed = ", ".join(shown[:3]) + (" …" if len(shown) > 3 else "")
        for info, name in members:
            out.cant_tell(
                "different", at(page, info), name=short(name), count=str(len(members)), targets=listed
            )


@check("link-identical-name", formats=("html",))
def link_identical_name(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    groups: dict[object, list[tuple[Info, str]]] = {}
    for info, name in _links(page):
        groups.setdefault(_matching(name), []).append((info, name))
    _judge_groups(page, groups, out)


@check("link-identical-name-context", formats=("html",))
def link_identical_name_context(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    groups: dict[object, list[tuple[Info, str]]] = {}
    for info, name in _links(page):
        context = link_context(page, info)
        # Links whose context holds no text besides the link have identical (empty) contexts: nothing around
        # them tells them apart either (the rule's background: identical contexts fail 2.4.4 too).
        same: object = tuple(i.index for i in context)
        if not _WORD.search(_context_text(page, info, context)):
            same = "no context"
        groups.setdefault((_matching(name), same), []).append((info, name))
    _judge_groups(page, groups, out)


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
    _judge_groups(page, groups, out)
