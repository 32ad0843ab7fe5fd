"""The paragraph model of word-processing documents, shared by the Word and the OpenDocument text readers.

The paragraph rules (fake headings, typed lists, empty paragraphs for spacing) read it from ``doc.native``: a
``DocxNative`` for Word, a ``TextInfo`` for Writer (.odt). Each reader decides the facts (style, heading level, list
membership, effective bold and size) from its own format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Location

__all__ = ["Para", "TextInfo"]


@dataclass(slots=True)
class Para:
    """One paragraph as the paragraph rules see it."""

    part: str  # "body", "header1", "footnotes" ...
    index: int  # 1-based within the part, document order (text-box paragraphs follow their anchor)
    text: str  # visible text (hidden text and field instructions left out; tabs and spaces kept)
    style_name: str  # effective paragraph style's user-visible name, lower-cased
    heading: int | None  # 1..9 or None
    list_item: bool  # a real list item (Word: effective w:numPr with numId != 0; ODF: inside text:list)
    in_table: bool
    in_textbox: bool
    container: int  # block container id: paragraphs are adjacent when container matches and pos differs by 1
    pos: int  # position among the container's blocks (tables count too)
    has_object: bool = False  # drawing, object, field, content control, math, note reference, hidden text
    page_break: bool = False
    section_break: bool = False  # Word: w:pPr/w:sectPr
    after_table: bool = False  # directly follows a table in its container
    last_in_cell: bool = False
    bold: bool = False  # every visible non-blank character bold (effective)
    size: float | None = None  # the most common effective size by characters (pt)
    sym_bullet: bool = False  # starts with a symbol-font or private-use character (a typed bullet)
    frame: bool = False  # Word: w:framePr without a drop cap

    @property
    def location(self) -> Location:
        return Location(part=self.part, paragraph=self.index)


@dataclass(slots=True)
class TextInfo:
    """A text document's paragraphs, and what its body text looks like."""

    paragraphs: list[Para] = field(default_factory=list)
    body_size: float | None = None  # most common effective size of body text (pt)
    body_bold: bool = False  # most body text is bold

    def body(self) -> list[Para]:
        return [p for p in self.paragraphs if p.part == "body"]

    def close(self) -> None:
        return None
