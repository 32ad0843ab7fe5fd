"""PowerPoint-only rules: pptx-slide-title, pptx-slide-title-unique, pptx-reading-order.

They read ``doc.native`` (``readers.native.PresentationInfo``): slides in p:sldIdLst order, each with its
title text and its top-level shapes in p:spTree order with resolved positions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import Document, Location
from ..readers.native import PresentationInfo, ShapeInfo, SlideInfo
from ..registry import Results, check
from ..textutil import collapse

__all__ = ["clearly_before", "inversions", "normalise_title", "reading_order_problem", "visual_order"]

MAX_NAMES = 8
MAX_PAIRWISE = 300


def _slides(doc: Document) -> list[SlideInfo]:
    native = doc.native
    return native.slides if isinstance(native, PresentationInfo) else []


@check("pptx-slide-title", formats=("pptx",))
def slide_title(doc: Document, out: Results) -> None:
    for slide in _slides(doc):
        where = Location(slide=slide.number)
        if slide.title is not None and collapse(slide.title):
            out.passed(where)
        elif slide.hidden:
            out.failed("missing-hidden", where, slide=slide.number)
        elif slide.title_placeholder:
            out.failed("empty", where, slide=slide.number)
        else:
            out.failed("missing", where, slide=slide.number, layout=slide.layout or "?")


_TRAILING = re.compile(r"[\s.,:;!?…–—-]+$")


def normalise_title(title: str) -> str:
    """Casefold, collapse whitespace, strip trailing punctuation: "Resultat." and "resultat" are the same."""
    return _TRAILING.sub("", collapse(title).casefold())


@check("pptx-slide-title-unique", formats=("pptx",))
def slide_title_unique(doc: Document, out: Results) -> None:
    groups: dict[str, list[SlideInfo]] = {}
    for slide in _slides(doc):
        key = normalise_title(slide.title or "")
        if key:  # slides without a title are pptx-slide-title's business
            groups.setdefault(key, []).append(slide)
    for slides in groups.values():
        if len(slides) == 1:
            out.passed(Location(slide=slides[0].number))
            continue
        numbers = ", ".join(str(s.number) for s in slides)
        title = collapse(slides[0].title)[:80]
        out.failed("duplicate", Location(slide=slides[0].number), slides=numbers, title=title)


def visual_order(shapes: Sequence[ShapeInfo]) -> list[ShapeInfo]:
    """Top to bottom, then left to right. Shapes whose vertical centres (or tops) lie within half the smaller
    height of the row's first shape are one row."""
    placed = sorted((s for s in shapes if s.box is not None), key=lambda s: (s.box.y, s.box.x))  # type: ignore[union-attr]
    rows: list[list[ShapeInfo]] = []
    for shape in placed:
        box = shape.box
        assert box is not None
        if rows:
            first = rows[-1][0].box
            assert first is not None
            tolerance = min(first.cy, box.cy) / 2
            if abs(box.centre_y - first.centre_y) <= tolerance or abs(box.y - first.y) <= tolerance:
                rows[-1].append(shape)
                continue
        rows.append([shape])
    return [s for row in rows for s in sorted(row, key=lambda s: s.box.x)]  # type: ignore[union-attr]


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return min(a1, b1) - max(a0, b0)


def clearly_before(b: ShapeInfo, a: ShapeInfo) -> bool:
    """True when ``b`` must be read before ``a``: it is above ``a`` in the same column, or left of it in the same
    row. Shapes in different columns, and large shapes that span others (backgrounds), never are."""
    ba, bb = a.box, b.box
    if ba is None or bb is None:
        return False
    min_w, min_h = min(ba.cx, bb.cx), min(ba.cy, bb.cy)
    same_column = _overlap(ba.x, ba.x + ba.cx, bb.x, bb.x + bb.cx) > 0.1 * min_w
    if same_column and bb.y + bb.cy <= ba.y + 0.5 * min_h:
        return True
    same_row = _overlap(ba.y, ba.y + ba.cy, bb.y, bb.y + bb.cy) > 0.5 * min_h
    return same_row and bb.x + bb.cx <= ba.x + 0.5 * min_w


def inversions(order: Sequence[ShapeInfo]) -> list[tuple[ShapeInfo, ShapeInfo]]:
    """Pairs (read earlier, read later) where the later one is clearly before the earlier one on the slide."""
    n = len(order)
    if n > MAX_PAIRWISE:  # a slide with hundreds of shapes: compare neighbours only (linear, not quadratic)
        return [(order[i], order[i + 1]) for i in range(n - 1) if clearly_before(order[i + 1], order[i])]
    return [
        (order[i], order[j]) for i in range(n) for j in range(i + 1, n) if clearly_before(order[j], order[i])
    ]


def reading_order_problem(slide: SlideInfo) -> tuple[str, list[ShapeInfo], list[ShapeInfo]] | None:
    """None when the order is fine; else ("title-not-first" | "differs", reading order, visual order).

    The reading order is fine when no shape is read after one that it clearly precedes (above it in the same
    column, or left of it in the same row) and the title, if any, is read first: both row-by-row and
    column-by-column reading pass. "title-not-first" (a failure): a shape below the title is read before it.
    Slides with fewer than two placed content shapes are the caller's "inapplicable".
    """
    content = [s for s in slide.content_shapes() if s.box is not None]
    visual = visual_order(content)
    wrong = inversions(content)
    if any(later.is_title for _earlier, later in wrong):
        return "title-not-first", content, visual
    titles = [s for s in content if s.is_title]
    if wrong or (titles and content[0] is not titles[0]):
        return "differs", content, visual
    return None


def _names(shapes: Sequence[ShapeInfo]) -> str:
    names = [s.name for s in shapes[:MAX_NAMES]]
    if len(shapes) > MAX_NAMES:
        names.append("…")
    return ", ".join(names)


@check("pptx-reading-order", formats=("pptx",))
def reading_order(doc: Document, out: Results) -> None:
    for slide in _slides(doc):
        content = [s for s in slide.content_shapes() if s.box is not None]
        if len(content) < 2:
            continue
        where = Location(slide=slide.number)
        problem = reading_order_problem(slide)
        if problem is None:
            out.passed(where)
            continue
        key, order, visual = problem
        if key == "title-not-first":
            # The slide shows its title first but a screen reader reads something else first: a wrong sequence.
            first = collapse(order[0].text)[:60] or order[0].name
            out.failed(key, where, slide=slide.number, first=first)
        else:
            out.cant_tell(key, where, slide=slide.number, order=_names(order), visual=_names(visual))
