"""The neutral document model that every reader produces and every check reads.

Readers are the only code that parses files. They decide derived facts once (heading level from the
style chain, decorative flags, inherited language, effective colours) and record them here. Checks only
read this model, or the format's native model in ``Document.native`` for format-only rules.

The model is three-valued where it must be: ``None`` means "unknown" (for example the headings of an
untagged PDF), an empty list means "there are none".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from .report import LocationDict

__all__ = [
    "BlankCells",
    "ContrastSample",
    "Document",
    "Heading",
    "Image",
    "Link",
    "Location",
    "Table",
]


@dataclass(frozen=True, slots=True)
class Location:
    """Where in the file a finding is. Only the fields that apply are set."""

    page: int | None = None  # 1-based page (PDF)
    slide: int | None = None  # 1-based slide (PowerPoint)
    paragraph: int | None = None  # 1-based paragraph index within ``part`` (Word)
    part: str | None = None  # package part or story: "body", "header1", "footnotes", "notes" ...
    element: str | None = None  # PDF structure element path, e.g. "Document/Sect[2]/Figure[1]"
    selector: str | None = None  # CSS selector (HTML)
    table: int | None = None  # 1-based table index
    row: int | None = None
    name: str | None = None  # a shape's or object's name, e.g. "Picture 1"
    sheet: str | None = None  # a spreadsheet's sheet name (OpenDocument spreadsheet, Excel)
    cell: str | None = None  # a cell reference on ``sheet``, e.g. "B3"

    def as_dict(self) -> LocationDict:
        """The report's ``location``: the fields that are set (their names are ``report.LocationDict``'s)."""
        return cast(
            LocationDict, {k: getattr(self, k) for k in self.__slots__ if getattr(self, k) is not None}
        )

    def sort_key(self) -> tuple[int, ...]:
        return (self.page or 0, self.slide or 0, self.table or 0, self.row or 0, self.paragraph or 0)


@dataclass(frozen=True, slots=True)
class Heading:
    level: int  # 1..9 (HTML 1..6, or aria-level)
    text: str
    location: Location


@dataclass(frozen=True, slots=True)
class Image:
    """A picture, chart, SmartArt, graphic, PDF Figure/Formula, or HTML img-like element."""

    location: Location
    kind: str  # picture | chart | smartart | shape | group | ole | figure | formula | img | svg ...
    alt: str | None  # the text alternative as the reader found it; None = none at all
    decorative: bool = False  # Office's decorative flag, PDF artifact, HTML alt="" / role=presentation
    name: str | None = None  # the object's own name ("Picture 3"), for messages


@dataclass(frozen=True, slots=True)
class BlankCells:
    """Which cells of a table are blank, by grid position (the table-blank-cells rule reads it).

    A cell is blank when it holds no visible text (whitespace and no-break spaces do not count), no picture, shape,
    object, field or nested table. A merged cell gives its blankness to every grid position it covers; positions
    with no cell at all (Word's ``w:gridBefore``/``w:gridAfter``, ragged rows) are neither blank nor filled."""

    rows: tuple[int, ...] = ()  # 1-based rows whose every cell is blank
    cols: tuple[int, ...] = ()  # 1-based grid columns blank in every row that has a cell there
    header: tuple[
        int, ...
    ] = ()  # 1-based columns (not the first, not wholly blank) with a blank header-row cell
    blank: int = 0  # blank grid positions
    cells: int = 0  # grid positions that hold a cell


@dataclass(frozen=True, slots=True)
class Table:
    location: Location
    rows: int
    cols: int
    header: bool | None  # True = has a header row/cells; None = cannot tell
    layout: bool = False  # the reader knows it is a layout table (e.g. role=presentation)
    # Merged cells (Word w:gridSpan/w:vMerge/w:hMerge, PowerPoint gridSpan/rowSpan, ODF number-*-spanned): each
    # cell that covers more than one grid cell counts once, by the row it starts in. ``merged_body`` are those
    # starting below the marked header rows (all of them when there is no header row).
    merged: int = 0
    merged_body: int = 0
    nested: bool = False  # the table lies inside a cell of another table
    blank: BlankCells | None = None  # None: the reader does not record blank cells (HTML, PDF, sheets)


@dataclass(frozen=True, slots=True)
class Link:
    location: Location
    text: str  # the link's accessible name / visible text, normalised whitespace
    href: str | None = None


@dataclass(frozen=True, slots=True)
class ContrastSample:
    """A run of text with its resolved colours. ``background is None`` means it could not be resolved."""

    location: Location
    text: str
    foreground: tuple[int, int, int] | None
    background: tuple[int, int, int] | None
    size_pt: float | None
    bold: bool
    reason: str | None = None  # why a colour could not be resolved ("image", "gradient", ...)
    # Where the background may be any of several colours (a gradient's stops, a text shadow drawn or not; the
    # colours above are then None): each possible (text, background) pair. The check decides with its own
    # threshold (ACT's "highest possible contrast", checks/contrast.decide).
    pairs: tuple[tuple[tuple[int, int, int], tuple[int, int, int]], ...] = ()


@dataclass(slots=True)
class Document:
    """One checked file, in the shape every cross-format check understands."""

    format: str  # docx | pptx | pdf | html | odt | odp | ods | xlsx
    source: str  # path or URL as given
    filename: str  # the file's base name, for placeholder-title detection
    title: str | None = None
    lang: str | None = None  # default language as written in the file
    content_lang: str | None = None  # the language most of the text is marked with (runs, structure elements)
    content_lang_share: float | None = None  # share of text characters marked with ``content_lang`` (0..1)
    headings: list[Heading] | None = None
    images: list[Image] | None = None
    tables: list[Table] | None = None
    links: list[Link] | None = None
    contrast: list[ContrastSample] | None = None
    text_chars: int | None = None  # characters of body text, for "long document" decisions
    page_count: int | None = None
    warnings: list[str] = field(default_factory=list)  # reader notes for the report (not findings)
    notices: list[tuple[str, dict[str, str]]] = field(
        default_factory=list
    )  # (code, params): errors.NOTICE_CODES
    native: Any = None  # format-specific model for format-only checks
    rendered: Any = None  # what a browser measured (browser.facts.RenderFacts); None in static mode

    def close(self) -> None:
        closer = getattr(self.native, "close", None)
        if callable(closer):
            closer()
