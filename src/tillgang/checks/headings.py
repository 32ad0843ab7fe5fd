"""headings-present and heading-order: written once against the model's headings."""

from __future__ import annotations

from ..model import Document, Location
from ..registry import Results, check
from ..textutil import collapse

# "More than about two pages of text": about 1,000 words of body text, or three pages with real text on them.
LONG_TEXT_CHARS = 6_000
LONG_PAGES = 3
MIN_CHARS_FOR_PAGES = 2_500


def is_long(doc: Document) -> bool:
    chars = doc.text_chars or 0
    if chars >= LONG_TEXT_CHARS:
        return True
    return (doc.page_count or 0) >= LONG_PAGES and chars >= MIN_CHARS_FOR_PAGES


@check("headings-present")
def headings_present(doc: Document, out: Results) -> None:
    if doc.headings is None or not is_long(doc):
        return  # unknown headings (untagged PDF: pdf-tagged reports it) or a short document
    where = Location(part="body")
    if doc.headings:
        out.passed(where)
    else:
        out.failed("missing", where, pages=doc.page_count or "", chars=doc.text_chars or 0)


@check("heading-order")
def heading_order(doc: Document, out: Results) -> None:
    headings = doc.headings or ()
    previous: int | None = None
    for heading in headings:
        text = collapse(heading.text)[:80]
        if previous is None:
            if heading.level != 1 and doc.format != "html":
                # On web pages a logo or navigation often comes before the h1: page-has-heading-one covers it.
                out.failed("first-not-1", heading.location, level=heading.level, text=text)
            else:
                out.passed(heading.location)
        elif heading.level > previous + 1:
            out.failed("skipped", heading.location, level=heading.level, previous=previous, text=text)
        else:
            out.passed(heading.location)
        previous = heading.level
