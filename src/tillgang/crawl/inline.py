"""Checking a small page in the crawl process, from its bytes (no temporary file, no worker round trip).

The same engine as ``tillgang check`` (``engine.check_document``) on the HTML reader's ``read_bytes``, which
also gets the HTTP charset. Used for pages up to ``inline_page_max_bytes``; larger pages and every document go
to the worker pool, which has the hard time limit. Never raises: errors go into the entry.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from ..engine import CheckOptions, check_document
from ..errors import DocumentError
from ..model import Document

__all__ = ["check_page_bytes"]

log = logging.getLogger(__name__)


def check_page_bytes(
    data: bytes, source: str, content_type: str | None, options: CheckOptions, sha256: str | None = None
) -> dict[str, Any]:
    from ..readers.html import read_bytes

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
        entry.update({"title": doc.title, "lang": doc.lang, "pages": doc.page_count})
        entry.update(check_document(doc, options))
        if doc.warnings:
            entry["warnings"] = list(doc.warnings)
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
    return entry
