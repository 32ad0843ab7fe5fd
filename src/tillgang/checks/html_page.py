"""HTML page rules: valid-lang, meta-viewport, meta-refresh, page-has-heading-one, landmark-one-main, bypass."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..aria import ROLES, role_is_a
from ..lang import LangStatus, act_lang_status
from ..model import Document, Location
from ..readers.native import Info, Page, parse_int
from ..registry import Results, check
from .html_common import at, offscreen, page_of, short, visually_hidden_class

PAGE = Location(selector="html")


def _lang_owners(page: Page) -> list[int]:
    """Per element (by index), the element it inherits its programmatic language from (ACT): the nearest
    inclusive ancestor with a non-empty ``lang``; -1 when there is none. An empty ``lang=""`` does not stop the
    inheritance."""
    owners: list[int] = []
    for info in page.infos:
        if info.attrs.get("lang"):
            owners.append(info.index)
        else:
            owners.append(owners[info.parent.index] if info.parent is not None else -1)
    return owners


def _shown(info: Info) -> bool:
    """Its text nodes are visible or included in the accessibility tree."""
    return (info.visible or not info.prog_hidden) and info.tag not in (
        "script",
        "style",
        "template",
        "noscript",
    )


def _own_text(info: Info) -> bool:
    """Has a non-blank text node child that is visible or in the accessibility tree."""
    el = info.el
    if not _shown(info):
        return False
    return bool(el.text and el.text.strip()) or any(c.tail and c.tail.strip() for c in el)


def _texts_by_lang_owner(page: Page, owners: list[int]) -> set[int]:
    """Indexes of the elements that some non-blank text inherits its programmatic language from (ACT "text
    inheriting its programmatic language from an element"): visible or exposed text nodes, and the
    accessible names and descriptions of elements in the accessibility tree."""
    found: set[int] = set()
    for info in page.infos:
        owner = owners[info.index]
        if owner < 0 or owner in found:
            continue
        if _own_text(info) or (info.in_at and _accessible_text(page, info)):
            found.add(owner)
    return found


def _accessible_text(page: Page, info: Info) -> bool:
    """The element has a non-empty accessible name or description (aria-describedby, or a ``title``)."""
    attrs = info.attrs
    if page.name(info.el):
        return True
    if (attrs.get("title") or "").strip():
        return True
    for ident in (attrs.get("aria-describedby") or "").split():
        target = page.by_id(ident)
        if target is not None and page.text(target.el):
            return True
    return False


@check("valid-lang", formats=("html",))
def valid_lang(doc: Document, out: Results) -> None:
    """ACT de46e4: a non-empty ``lang`` on an element in ``body`` (body included) that some non-blank text
    inherits its programmatic language from must have a known primary language subtag."""
    page = page_of(doc)
    if page is None:
        return
    if not any(i.el is not page.root for i in page.having("lang")):
        return  # no lang attribute below html: nothing to check
    owners = _lang_owners(page)
    with_text = _texts_by_lang_owner(page, owners)
    for info in page.having("lang"):
        value = info.el.get("lang")
        if not value or info.tag == "html" or info.index not in with_text:
            continue
        if info.tag != "body" and info.ancestor("body") is None:
            continue
        if act_lang_status(value) is LangStatus.OK:
            out.passed(at(page, info))
        else:
            out.failed("invalid", at(page, info), lang=short(value, 40))


# ---------------------------------------------------------------- meta viewport

_SPLIT = re.compile(r"[,;\s]+")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)")


def _viewport_pairs(content: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    text = re.sub(r"\s*=\s*", "=", content.strip())
    for item in _SPLIT.split(text):
        if not item:
            continue
        key, _, value = item.partition("=")
        pairs[key.strip().lower()] = value.strip().lower()
    return pairs


def _viewport_number(value: str) -> float | None:
    if value in ("device-width", "device-height"):
        return 10.0  # keywords that allow zoom
    if value == "yes":
        return 1.0
    m = _NUMBER.match(value)
    return float(m.group(0)) if m else None


@check("meta-viewport", formats=("html",))
def meta_viewport(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in page.iter("meta"):
        if (info.el.get("name") or "").strip().lower() != "viewport":
            continue
        content = info.el.get("content")
        if content is None:
            continue
        pairs = _viewport_pairs(content)
        if "user-scalable" not in pairs and "maximum-scale" not in pairs:
            continue
        problem = None
        if "user-scalable" in pairs:
            value = pairs["user-scalable"]
            if value not in ("yes", "device-width", "device-height"):
                number = _viewport_number(value)
                if number is None or -1 < number < 1:
                    problem = "no-zoom"
        if problem is None and "maximum-scale" in pairs:
            value = pairs["maximum-scale"]
            number = _viewport_number(value)
            if value in ("device-width", "device-height"):
                number = None
                ok = True
            else:
                ok = number is not None and (number < 0 or number >= 2)
            if not ok:
                problem = "max-scale"
        if problem is None:
            out.passed(at(page, info))
        else:
            out.failed(problem, at(page, info), content=short(content, 100))


# ---------------------------------------------------------------- meta refresh


def refresh_seconds(content: str) -> int | None:
    """The delay of a declarative refresh as HTML parses it; None when the content is not valid."""
    i, n = 0, len(content)
    while i < n and content[i] in " \t\n\f\r":
        i += 1
    start = i
    while i < n and content[i].isdigit():
        i += 1
    digits = content[start:i]
    if i < n and content[i] == ".":
        while i < n and (content[i].isdigit() or content[i] == "."):
            i += 1
    elif not digits:
        return None
    if i == start:
        return None
    if i < n and content[i] not in " \t\n\f\r;,":
        return None
    return int(digits) if digits else 0


def first_refresh(page: Page) -> tuple[Info, int] | None:
    """The first ``meta`` element with ``http-equiv="refresh"`` and a valid ``content`` (the one a browser obeys,
    the target of ACT bc659a and bisz58), with its delay in seconds; None when there is none."""
    for info in page.iter("meta"):
        if (info.el.get("http-equiv") or "").strip().lower() != "refresh":
            continue
        seconds = refresh_seconds(info.el.get("content") or "")
        if seconds is not None:
            return info, seconds
    return None


@check("meta-refresh", formats=("html",))
def meta_refresh(doc: Document, out: Results) -> None:
    page = page_of(doc)
    refresh = first_refresh(page) if page is not None else None
    if page is None or refresh is None:
        return
    info, seconds = refresh
    if seconds == 0 or seconds > 72000:
        out.passed(at(page, info))
    else:
        out.failed("delay", at(page, info), seconds=seconds)


# ---------------------------------------------------------------- page structure


@check("page-has-heading-one", formats=("html",))
def page_has_heading_one(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in page.with_role("heading"):
        if not info.in_at:
            continue
        level = parse_int(info.el.get("aria-level"))
        if level is None or level < 1:
            level = int(info.tag[1]) if info.tag in ("h1", "h2", "h3", "h4", "h5", "h6") else 2
        if level == 1:
            out.passed(at(page, info))
            return
    out.failed("missing", PAGE)


@check("landmark-one-main", formats=("html",))
def landmark_one_main(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    mains = [i for i in page.with_role("main") if not i.prog_hidden]
    if mains:
        out.passed(at(page, mains[0]))
    else:
        out.failed("missing", PAGE)


# Landmarks that hold content repeated on every page of a site (ACT "block of repeated content": most often the
# navigation; the banner and complementary content too).
_REPEATED_ROLES = frozenset({"navigation", "banner", "complementary", "contentinfo", "search"})
# The roles inheriting from landmark (ACT b40fd1 accepts any of them that starts the page's own content).
_LANDMARKS = tuple(sorted(r for r in ROLES if role_is_a(r, "landmark") and not ROLES[r].abstract))


def _landmark_starts_content(
    page: Page, landmark: Info, first: int, repeated: Callable[[Info], bool]
) -> bool:
    """ACT b40fd1: the landmark is in the accessibility tree and its first perceivable content is non-repeated
    content after the repeated content (so a main that opens with the navigation does not count)."""
    if not landmark.in_at:
        return False
    for node in page.subtree(landmark):
        if _perceivable(node):
            return node.index > first and not repeated(node)
    return False


def _perceivable(info: Info) -> bool:
    """Has rendered text of its own (or is an image with a text alternative)."""
    if not info.visible or info.tag in ("script", "style", "template", "noscript", "title"):
        return False
    el = info.el
    if el.text and el.text.strip():
        return True
    if info.tag in ("img", "svg", "video", "canvas", "iframe", "object") and not info.prog_hidden:
        return True
    return any(c.tail and c.tail.strip() for c in el)


def _link_block(page: Page, first: Info, body: Info) -> tuple[int, int] | None:
    """The block of links that starts the page without a landmark: the child of ``body`` (or the run of inline
    links at body level) that holds the first link, when its text is (nearly) all link text and it has at least
    two ``a`` elements."""
    top = first
    while top.parent is not None and top.parent is not body:
        top = top.parent
    if top.parent is not body:
        return None
    start, end = top.index, top.end
    if top.tag == "a":
        # inline links directly in body: the run of consecutive ``a`` siblings
        el = top.el
        while True:
            nxt = el.getnext()
            if (el.tail and el.tail.strip()) or nxt is None or not isinstance(nxt.tag, str):
                break
            ninfo = page.info(nxt)
            if ninfo.tag != "a":
                break
            end, el = ninfo.end, nxt
    anchors = [i for i in page.infos[start : end + 1] if i.tag == "a"]
    if len(anchors) < 2:
        return None
    text = total = 0
    for i in page.infos[start : end + 1]:
        own = len(" ".join(((i.el.text or "") + "".join(c.tail or "" for c in i.el)).split()))
        total += own
        if i.tag == "a" or any(a.index <= i.index <= a.end for a in anchors):
            text += own
    return (start, end) if total and text >= 0.8 * total else None


@check("bypass", formats=("html",))
def bypass(doc: Document, out: Results) -> None:
    """2.4.1 as the ACT composite cf77f2: the page passes when one of its atomic rules does (a heading 047fe0, a
    landmark b40fd1, an instrument to the content ye5d6e, collapsible blocks 3e12e1). Repeated content is
    approximated by the navigation-type landmarks, or else by a block of links at the start of the page."""
    page = page_of(doc)
    if page is None:
        return
    links = [i for i in page.iter("a", "area") if i.el.get("href") is not None and i.visible]
    if not links:
        return  # no instrument leads to another page, so no block of content is repeated (ACT definition)
    blocks = [(i.index, i.end) for i in page.with_role(*_REPEATED_ROLES) if i.visible]
    body = next(iter(page.iter("body")), None)
    if not blocks and body is not None:
        block = _link_block(page, links[0], body)
        if block is not None:
            blocks = [block]
    if not blocks:
        # Nothing looks like a repeated block: a main landmark or a heading is enough, else a person judges.
        if any(i.in_at for i in page.with_role("main")) or any(i.in_at for i in page.with_role("heading")):
            out.passed(PAGE)
        else:
            out.cant_tell("unknown", PAGE)
        return
    first = min(start for start, _ in blocks)

    def repeated(info: Info) -> bool:
        return any(start <= info.index <= end for start, end in blocks)

    after = [i for i in page.infos[first:] if not repeated(i)]
    if not any(_perceivable(i) for i in after):
        out.passed(PAGE)  # no non-repeated content after the repeated content: nothing to skip to
        return
    # b40fd1: a landmark in the accessibility tree whose first perceivable content is non-repeated content after
    # the repeated content
    if any(_landmark_starts_content(page, i, first, repeated) for i in page.with_role(*_LANDMARKS)):
        out.passed(PAGE)
        return
    # 047fe0: a visible heading in the accessibility tree in the non-repeated content
    headings = [i for i in after if i.role == "heading" and i.in_at and page.name(i.el)]
    seen = [h for h in headings if not _unseen(h)]
    if seen:
        out.passed(PAGE)
        return
    if headings:
        # The heading may be visually hidden (an "sr-only"/"off-screen" class): a person checks.
        out.cant_tell("heading-unseen", PAGE)
        return
    # ye5d6e: an in-page link to the content
    for info in links:
        href = (info.el.get("href") or "").strip()
        if href.startswith("#") and len(href) > 1 and href[1:2] not in ("/", "!"):
            target = page.by_id(href[1:]) or next(
                (i for i in page.iter("a") if i.el.get("name") == href[1:]), None
            )
            landing = None
            if target is not None:
                landing = next((i for i in page.infos[target.index :] if _perceivable(i)), None)
            if landing is not None and landing.index > first and not repeated(landing):
                # A link to the first non-repeated content (its target may be an empty element just before it).
                # Whether it is visible when focused and comes before the repeated block needs a person.
                out.cant_tell("skip-link", PAGE, href=href[:60])
                return
    # 3e12e1: something a script could use to collapse the repeated blocks
    if any(i.role in ("button", "tab") or i.tag in ("details", "script") for i in page.infos) or any(
        "onclick" in i.attrs for i in links
    ):
        out.cant_tell("unknown", PAGE)
        return
    out.failed("missing", PAGE, links=len(links))


def _unseen(info: Info) -> bool:
    """Probably not visible although in the accessibility tree: a visually-hidden class or an inline
    off-screen position, on it or an ancestor."""
    node: Info | None = info
    while node is not None:
        if visually_hidden_class(node) or node.hint_hidden:
            return True
        node = node.parent
    return offscreen(info)
