"""The report contract (README, "The JSON report") as types.

``tillgang check --format json`` prints a :class:`Report`; the API returns its document entries and the
register stores them. These TypedDicts describe exactly what the engine emits, so that mypy checks every
module that builds or reads a report.

**Stable contract** (README, "The JSON report": add fields freely, never change these):

- ``Report``: ``tool`` and ``documents``;
- ``ToolInfo``: ``name``, ``version``, ``catalogue``;
- ``DocumentEntry``: ``source``, ``format``, ``sha256``, ``error``, ``rules``, ``findings``;
- ``Finding``: ``rule``, ``outcome``, ``severity``, ``wcag``, ``location``, ``message``;
- ``ErrorDict``: ``code``, ``message``;
- the outcome values ``failed``, ``cantTell``, ``passed``, ``inapplicable``.

Every other key is emitted today and typed here, but is not promised to consumers: it may gain siblings
(add keys freely, as ``NotRequired`` when some producer leaves them out), but keys of the stable contract are
never renamed, removed or given another meaning.

This module is the bottom layer: it imports nothing from tillgang.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

__all__ = [
    "CrawlEntry",
    "DocumentEntry",
    "DocumentResults",
    "ErrorDict",
    "Finding",
    "FindingOutcome",
    "LocationDict",
    "NoticeDict",
    "OutcomeValue",
    "Redirect",
    "Report",
    "ToolInfo",
]

OutcomeValue = Literal["failed", "cantTell", "passed", "inapplicable"]
"""A rule's outcome for a document (the JSON value of ``tillgang.outcomes.Outcome``)."""

FindingOutcome = Literal["failed", "cantTell"]
"""The outcomes a finding can have: passed and inapplicable results are never listed as findings."""


class ToolInfo(TypedDict):
    """``report["tool"]``: which tillgang and which rule catalogue made the report (all stable)."""

    name: str  # always "tillgang"
    version: str
    catalogue: str  # sha256 of rules/
    notices: NotRequired[list[str]]  # e.g. the rules that need --render and were not run (when any)
    rule_set: NotRequired[str]  # "wcag22" with --rule-set wcag22; absent for the default (EN 301 549) set


class NoticeDict(TypedDict):
    """One of ``entry["notices"]``: something the reader had to assume to check the document at all (for
    example an unknown charset read with a fallback encoding). ``code`` is one of
    ``tillgang.errors.NOTICE_CODES``; ``message`` is in the report's language."""

    code: str
    message: str


class ErrorDict(TypedDict):
    """``entry["error"]`` when the document could not be checked (both keys stable).

    ``code`` is one of ``tillgang.errors.ERROR_CODES``: ``encrypted``, ``corrupt``, ``unsupported-format``,
    ``too-large``, ``timeout``, ``fetch-failed``, ``internal``; ``message`` is for a person (Swedish or English)
    and ends with the technical detail in parentheses.
    """

    code: str
    message: str


class LocationDict(TypedDict, total=False):
    """``finding["location"]``: ``tillgang.model.Location.as_dict()``, only the keys that apply.

    The key set is the fields of ``Location``; a consumer must accept any subset, also the empty location."""

    page: int  # 1-based page (PDF)
    slide: int  # 1-based slide (PowerPoint)
    paragraph: int  # 1-based paragraph within ``part`` (Word)
    part: str  # package part or story: "body", "header1", "footnotes", "notes", "metadata" ...
    element: str  # PDF structure element path, e.g. "Document/Sect[2]/Figure[1]"
    selector: str  # CSS selector (HTML)
    table: int  # 1-based table index
    row: int
    name: str  # a shape's or object's name, e.g. "Picture 1"
    sheet: str  # a spreadsheet's sheet name (OpenDocument spreadsheet, Excel)
    cell: str  # a cell reference or range on ``sheet``, e.g. "B3" or "A1:C4"


class Finding(TypedDict):
    """One problem (``failed``) or one thing for a person to judge (``cantTell``). Every key is stable."""

    rule: str  # the rule id in the catalogue, e.g. "image-alt"
    outcome: FindingOutcome
    severity: str  # "critical" | "serious" | "moderate" | "minor"
    wcag: list[str]  # success criteria, e.g. ["1.1.1"]
    location: LocationDict
    message: str  # for a person, in the report's language
    screenshot: NotRequired[str]  # rendered mode with --out: a PNG of the element, relative to the report


class DocumentResults(TypedDict):
    """What ``engine.check_document`` returns: the checked part of a document entry."""

    rules: dict[str, OutcomeValue]  # rule id -> outcome, every rule that applies to the format (stable)
    findings: list[Finding]  # worst first (stable)
    passed_targets: dict[str, int]  # rule id -> how many targets passed (not part of the stable contract)


class DocumentEntry(TypedDict):
    """One entry of ``report["documents"]``: one checked (or uncheckable) document.

    Always present: ``source``, ``format``, ``sha256``, ``error`` (stable). A document with an ``error`` has
    no ``rules``, ``findings`` or ``passed_targets``; one whose reading failed has no ``title``, ``lang`` or
    ``pages`` either. ``size`` is always emitted by the engine but not by the register's rebuilt entries
    (``register.store.items_for_statement``), so it is ``NotRequired``. ``warnings`` only when the reader had
    any.
    """

    source: str  # path or URL as given (stable)
    # "docx" | "pptx" | "xlsx" | "odt" | "odp" | "ods" | "pdf" | "html"; None when it could not be told (stable)
    format: str | None
    sha256: str | None  # of the file's bytes; None when they could not be read (stable)
    error: ErrorDict | None  # stable
    size: NotRequired[int | None]  # bytes
    title: NotRequired[str | None]
    lang: NotRequired[str | None]  # the document's default language as written in the file
    pages: NotRequired[int | None]  # pages (PDF), slides (PowerPoint), or as the reader counts them
    rules: NotRequired[dict[str, OutcomeValue]]  # stable, absent with an error
    findings: NotRequired[list[Finding]]  # stable, absent with an error
    passed_targets: NotRequired[dict[str, int]]  # absent with an error
    warnings: NotRequired[list[str]]  # reader notes (not findings), only when there are any
    notices: NotRequired[list[NoticeDict]]  # what the reader had to assume (e.g. an unknown charset), if any
    rendered: NotRequired[bool]  # True when checked in a browser (--render); absent in static mode


class Redirect(TypedDict):
    """One hop of a crawl entry's ``redirects``."""

    status: int
    url: str


class CrawlEntry(DocumentEntry, total=False):
    """A page or document entry of the crawler's ``run.json`` (``pages`` and ``documents``): a
    :class:`DocumentEntry` plus what the fetch and the crawl add. The register stores these. None of these
    keys belongs to the stable §4 contract (docs/crawl.md describes them)."""

    url: str  # the URL as requested
    final_url: str  # after redirects
    status: int | None  # HTTP status
    fetched_at: str | None  # ISO 8601, UTC ("...Z")
    etag: str | None
    last_modified: str | None
    content_type: str | None
    reused: bool  # the previous run's result, the document being unchanged
    depth: int
    discovered_via: str  # "start" | "sitemap" | "link" ...
    redirects: list[Redirect]
    x_robots_tag: str
    canonical: str  # rel=canonical of a page
    meta_robots: str  # <meta name="robots"> of a page
    linked_from: list[str]  # pages linking here (this run)
    linked_from_count: int


class Report(TypedDict):
    """The whole report of ``tillgang check --format json`` (``engine.report``); both keys stable."""

    tool: ToolInfo
    documents: list[DocumentEntry]
