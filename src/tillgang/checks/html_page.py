"""HTML page rules: valid-lang, meta-viewport, meta-refresh, page-has-heading-one, landmark-one-main, bypass."""

from __future__ import annotations

import re

from ..lang import LangStatus, act_lang_status
from ..model import Document, Location
from ..readers.native import Info, Page, parse_int
from ..registry import Results, check
from .html_common import at, page_of, short

PAGE = Location(selector="html")
MENU_LINKS = 3  # links on a page with no way to skip them: treated as a repeated block


def _texts_by_lang_owner(page: Page) -> set[int]:
    """Indexes of elements with a ``lang`` attribute that visible or exposed text inherits its language from."""
    owners: set[int] = set()
    for info in page.infos:
        el = info.el
        if (
            el.text
            and el.text.strip()
            and not (info.prog_hidden and not info.visible)
            and info.lang_el is not None
            and info.tag not in ("script", "style", "template", "noscript")
        ):
            owners.add(page.info(info.lang_el).index)
        parent = info.parent
        if (
            el.tail
            and el.tail.strip()
            and parent is not None
            and parent.lang_el is not None
            and not (parent.prog_hidden and not parent.visible)
        ):
            owners.add(page.info(parent.lang_el).index)
    return owners


@check("valid-lang", formats=("html",))
def valid_lang(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    if not any(i.el is not page.root for i in page.having("lang")):
        return  # no lang attribute below html: nothing to check
    owners = _texts_by_lang_owner(page)
    for info in page.having("lang"):
        value = info.el.get("lang")
        if value is None or value == "" or info.tag == "html" or info.index not in owners:
            continue
        if not _in_body(info):
            continue
        if act_lang_status(value) is LangStatus.OK:
            out.passed(at(page, info))
        else:
            out.failed("invalid", at(page, info), lang=short(value, 40))


def _in_body(info: Info) -> bool:
    p = info.parent
    while p is not None:
        if p.tag == "body":
            return True
        p = p.parent
    return False


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


@check("meta-refresh", formats=("html",))
def meta_refresh(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in page.iter("meta"):
        if (info.el.get("http-equiv") or "").strip().lower() != "refresh":
            continue
        seconds = refresh_seconds(info.el.get("content") or "")
        if seconds is None:
            continue
        if seconds == 0 or seconds > 72000:
            out.passed(at(page, info))
        else:
            out.failed("delay", at(page, info), seconds=seconds)
        return  # only the first valid one counts


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


@check("bypass", formats=("html",))
def bypass(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    links = [i for i in page.iter("a") if i.el.get("href") is not None]
    if not links:
        return
    if any(not i.prog_hidden for i in page.with_role("main")):
        out.passed(PAGE)
        return
    if any(i.in_at for i in page.with_role("heading")):
        out.passed(PAGE)
        return
    for info in links:
        href = (info.el.get("href") or "").strip()
        if href.startswith("#") and len(href) > 1 and href[1:2] not in ("/", "!"):
            target = href[1:]
            if page.by_id(target) is not None or any(i.el.get("name") == target for i in page.iter("a")):
                # A skip link exists, but only a person can see whether it leads past the repeated blocks.
                out.cant_tell("skip-link", PAGE, href=href[:60])
                return
    # No main, heading or skip link. With a block of links (a menu) and nothing a script could use to
    # collapse it, the repeated block cannot be skipped; otherwise a person must judge.
    landmarks = any(
        i.role in ("navigation", "banner", "complementary", "contentinfo", "region", "search", "form")
        and not i.prog_hidden
        for i in page.infos
    )
    scripted = any(i.role in ("button", "tab") or i.tag in ("details", "script") for i in page.infos)
    if len(links) >= MENU_LINKS and not landmarks and not scripted:
        out.failed("missing", PAGE, links=len(links))
    else:
        out.cant_tell("unknown", PAGE)
