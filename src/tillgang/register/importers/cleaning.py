"""Cell text cleaning for imported plans: HTML fragments to text, hyphenation from line breaks, whitespace."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

__all__ = ["clean_cell", "dehyphenate", "html_to_text", "join_fragments", "looks_like_html"]

_TAG = re.compile(r"</?(?:p|i|b|em|strong|u|br|div|span|ul|ol|li|h[1-6]|a|font|sup|sub)\b[^>]*>", re.I)
_BLOCK = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table"}
# a word of 3+ letters (optionally capitalised, not an acronym), a hyphen, then a lower-case continuation
_HYPHENATED = re.compile(r"(?<![\w-])([^\W\d_][^\W\d_A-ZÅÄÖ]{2,})-([^\W\d_A-ZÅÄÖ]{2,})(?![\w-])")


def looks_like_html(text: str) -> bool:
    return bool(_TAG.search(text))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = [[]]

    def _break(self) -> None:
        if self.paragraphs[-1]:
            self.paragraphs.append([])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK or tag == "br":
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self._break()

    def handle_data(self, data: str) -> None:
        self.paragraphs[-1].append(data)


def html_to_text(text: str) -> str:
    """Paragraph and line-break tags become blank-line paragraph breaks; inline tags disappear."""
    parser = _Text()
    parser.feed(text)
    parser.close()
    paragraphs = [" ".join("".join(p).split()) for p in parser.paragraphs]
    return "\n\n".join(p for p in paragraphs if p)


def dehyphenate(text: str) -> str:
    """Join words split by a hyphen at a line break ("Projektport-följen"); keep real hyphens.

    Real hyphens are kept: after one or two letters ("e-post"), after an acronym or before a capital
    ("IT-stöd", "Ann-Marie"), before a space ("Word- och"), and around digits ("covid-19").
    """
    return _HYPHENATED.sub(lambda m: m.group(1) + m.group(2), text)


def join_fragments(first: str, second: str) -> str:
    """Join a cell's text split by a page break, removing a hyphen that split a word."""
    first, second = first.rstrip(), second.lstrip()
    if not first:
        return second
    if not second:
        return first
    if re.search(r"[^\W\d_]{2}-$", first) and second[:1].islower():
        return first[:-1] + second
    return first + " " + second


def normalise(text: str) -> str:
    """Collapse spaces inside paragraphs, keep paragraph breaks (a blank line), strip soft hyphens."""
    text = text.replace("\u00ad", "").replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = re.split(r"\n\s*\n", text)
    cleaned = [" ".join(p.split()) for p in paragraphs]
    return "\n\n".join(p for p in cleaned if p)


def clean_cell(text: str, *, extracted: bool) -> str:
    """HTML to text, then (for text extracted from Word/PDF) remove line-break hyphenation, then whitespace."""
    text = unescape(text) if not looks_like_html(text) else html_to_text(text)
    if extracted:
        text = dehyphenate(text)
    return normalise(text)
