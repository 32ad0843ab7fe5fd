"""Checking a fetched page from its bytes: no temporary file, and one parse for the checks and the links.

The same engine as ``tillgang check`` (``engine.check_document``) on the HTML reader's ``read_bytes``, which
also gets the HTTP charset. The crawler runs it in the worker pool (``AsyncCheckPool.submit_page``, under the hard
time limit), or in its own process for pages up to ``inline_page_max_bytes``. With ``base_url`` the page's
links are taken from the checker's tree and returned under ``PAGE_LINKS`` (the crawler removes the key), so
the crawl process never parses the page itself; a page the checker cannot read gets its links from
``extract_links``'s forgiving parse. Never raises: errors go into the entry.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any, cast

from lxml import etree

from ..engine import CheckOptions, fill_entry
from ..errors import DocumentError
from ..model import Document
from ..report import DocumentEntry
from .links import PageLinks

__all__ = ["PAGE_LINKS", "check_page_bytes", "links_of"]

PAGE_LINKS = "_page_links"  # the entry key carrying the links back to the crawler

log = logging.getLogger(__name__)


def check_page_bytes(
    data: bytes,
    source: str,
    content_type: str | None,
    options: CheckOptions,
    sha256: str | None = None,
    base_url: str | None = None,
) -> dict[str, Any]:
    from ..readers.html import http_charset, read_bytes
    from .links import extract_links, links_from_tree

    entry: dict[str, Any] = {
        "source": source,
        "format": None,
        "sha256": sha256,
        "size": len(data),
        "error": None,
    }
    doc: Document | None = None
    try:
        doc = read_bytes(data, source, options.limits, content_type=content_type)
        entry["format"] = doc.format
        if base_url is not None and isinstance(getattr(doc.native, "root", None), etree._Element):
            entry[PAGE_LINKS] = links_from_tree(doc.native.root, base_url)
        fill_entry(cast(DocumentEntry, entry), doc, options)
    except DocumentError as exc:
        entry["error"] = exc.as_dict(options.lang)
    except (MemoryError, RecursionError):
        entry["error"] = DocumentError("too-large", "the page is too large or nested too deeply").as_dict(
            options.lang
        )
    except Exception as exc:  # the reader met something it did not expect: this page only
        log.error("reading %s failed:\n%s", source, traceback.format_exc())
        entry["error"] = DocumentError("corrupt", f"{type(exc).__name__}: {exc}").as_dict(options.lang)
    finally:
        if doc is not None:
            try:
                doc.close()
            except Exception:
                log.debug("closing %s failed", source, exc_info=True)
    if entry["error"] is not None:
        for key in ("rules", "findings", "passed_targets"):
            entry.pop(key, None)
    if base_url is not None and PAGE_LINKS not in entry:
        try:
            entry[PAGE_LINKS] = extract_links(data, base_url, http_charset(content_type))
        except Exception:  # not even the forgiving parse reads it: a page without links
            log.debug("links of %s", source, exc_info=True)
            entry[PAGE_LINKS] = PageLinks()
    return entry


def links_of(entry: DocumentEntry | dict[str, Any]) -> PageLinks | None:
    """The links a page check returned (and the key removed from the entry), or None when it gave none
    (a check that timed out or whose worker died: the caller extracts them itself)."""
    page: PageLinks | None = cast(dict[str, Any], entry).pop(PAGE_LINKS, None)
    return page
