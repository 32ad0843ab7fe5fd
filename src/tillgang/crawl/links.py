"""Link extraction from a fetched page: one lxml pass, or none when the checker's tree is given (docs/crawl.md)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

__all__ = ["PageLinks", "extract_links", "links_from_tree"]

_SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "sms:", "callto:", "ftp:", "file:")
_REFRESH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[;,]?\s*(?:url\s*=\s*)?['\"]?([^'\"]*)['\"]?\s*$", re.I)
_MAX_REFRESH_DELAY = 100.0

# element -> attribute holding a URL to follow
_LINK_ATTRS = {
    "a": "href",
    "area": "href",
    "iframe": "src",
    "frame": "src",
    "object": "data",
    "embed": "src",
}


@dataclass
class PageLinks:
    links: list[tuple[str, bool]] = field(default_factory=list)  # (absolute URL, nofollow)
    canonical: str | None = None
    meta_robots: str | None = None


def extract_links(body: bytes, base_url: str, encoding: str | None = None) -> PageLinks:
    """Absolute URLs of ``a``/``area`` ``href``, ``iframe``/``frame``/``embed`` ``src``, ``object data`` and a
    short-delay meta refresh, resolved against ``<base href>``. ``mailto:``, ``tel:``, ``javascript:`` and
    forms are skipped; ``rel=nofollow`` is reported, not applied (the caller decides)."""
    if not body.strip():
        return PageLinks()
    try:
        parser = lxml.html.HTMLParser(encoding=encoding) if encoding else None
        root = lxml.html.document_fromstring(body, parser=parser)
    except (etree.ParserError, ValueError, LookupError):
        try:
            root = lxml.html.document_fromstring(body)
        except (etree.ParserError, ValueError):
            return PageLinks()
    return links_from_tree(root, base_url)


def links_from_tree(root: etree._Element, base_url: str) -> PageLinks:
    """The links of a page already parsed (the checker's tree, so that a page is parsed once)."""
    result = PageLinks()
    base = base_url
    for el in root.iter("base"):
        href = (el.get("href") or "").strip()
        if href:
            base = urljoin(base_url, href)
        break
    seen: set[str] = set()
    for el in root.iter(*_LINK_ATTRS, "meta", "link"):
        tag = el.tag
        if tag == "meta":
            name = (el.get("name") or "").lower()
            if name == "robots":
                result.meta_robots = el.get("content")
            elif (el.get("http-equiv") or "").lower() == "refresh":
                m = _REFRESH.match(el.get("content") or "")
                if m and m.group(2) and float(m.group(1)) <= _MAX_REFRESH_DELAY:
                    _add(result, seen, base, m.group(2), False)
            continue
        if tag == "link":
            rels = (el.get("rel") or "").lower().split()
            if "canonical" in rels and el.get("href"):
                result.canonical = urljoin(base, el.get("href", "").strip())
            continue
        if not isinstance(tag, str):
            continue
        value = el.get(_LINK_ATTRS[tag])
        if value is None:
            continue
        nofollow = "nofollow" in (el.get("rel") or "").lower().split()
        _add(result, seen, base, value, nofollow)
    return result


def _add(result: PageLinks, seen: set[str], base: str, value: str, nofollow: bool) -> None:
    value = value.strip()
    if not value or value.startswith("#") or value.lower().startswith(_SKIP_SCHEMES):
        return
    absolute = _join(base, value)
    if absolute is None:
        return
    absolute = absolute.split("#", 1)[0]
    if not absolute.lower().startswith(("http://", "https://")) or absolute in seen:
        return
    seen.add(absolute)
    result.links.append((absolute, nofollow))


_PLAIN_PATH = re.compile(r"/(?!/)[^\\\s]*")  # a root-relative reference without "\" or whitespace


def _join(base: str, value: str) -> str | None:
    """``urljoin(base, value)``, without its cost for the two commonest forms of a link: a root-relative path
    without dot segments ("/kontakt?x=1") is put after the base's scheme and host, and an absolute http(s) URL
    is taken as it is. Everything else goes to urljoin."""
    if _PLAIN_PATH.fullmatch(value) and "/." not in value:
        origin = _origin(base)
        if origin:
            return origin + value
    elif value.startswith(("http://", "https://")) and "/." not in value and "\\" not in value:
        return value
    try:
        return urljoin(base, value)
    except ValueError:
        return None


@functools.lru_cache(maxsize=256)
def _origin(base: str) -> str | None:
    try:
        parts = urlsplit(base)
    except ValueError:
        return None
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
