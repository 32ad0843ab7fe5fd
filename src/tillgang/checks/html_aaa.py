"""HTML rules of the opt-in ``aaa`` rule set (WCAG level AAA, beyond the law; ``--rule-set aaa``).

Each is the AAA variant of a default rule and shares its reading of the page: color-contrast-enhanced judges the
contrast samples of color-contrast-html with the 1.4.6 thresholds, meta-refresh-no-delay the refresh that
meta-refresh finds, without its 20-hour exception.
"""

from __future__ import annotations

from ..model import Document
from ..registry import Results, check
from .contrast import judge_samples
from .html_common import at, page_of
from .html_page import first_refresh

__all__: list[str] = []


@check("color-contrast-enhanced")
def color_contrast_enhanced(doc: Document, out: Results) -> None:
    """ACT 09o5cg (WCAG 1.4.6): the rendered page's text, as color-contrast-html samples it (the same
    applicability), has at least 7:1, or 4.5:1 for large text. A text whose background cannot be resolved is
    cantTell."""
    judge_samples(doc, out, enhanced=True)


@check("meta-refresh-no-delay", formats=("html",))
def meta_refresh_no_delay(doc: Document, out: Results) -> None:
    """ACT bisz58 (WCAG 2.2.4, 3.2.5): the first meta refresh with a valid content value has a time of 0 (an
    instant redirect); any delay fails, however long."""
    page = page_of(doc)
    refresh = first_refresh(page) if page is not None else None
    if page is None or refresh is None:
        return
    info, seconds = refresh
    if seconds == 0:
        out.passed(at(page, info))
    else:
        out.failed("delay", at(page, info), seconds=seconds)
