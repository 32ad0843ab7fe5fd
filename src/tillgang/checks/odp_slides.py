"""Impress (.odp) slide rules: odp-slide-title, odp-slide-title-unique, odp-reading-order.

The OpenDocument reader gives an .odp the same slide model as PowerPoint (``PresentationInfo``: slides in
``draw:page`` order, the ``presentation:class="title"`` frame as the title, shapes in document order), so these
rules share the PowerPoint rules' logic; they are their own rules because the ids of format-only rules name the
format, and the fix advice is Impress's.
"""

from __future__ import annotations

from ..model import Document
from ..registry import Results, check
from . import slides

__all__: list[str] = []


@check("odp-slide-title", formats=("odp",))
def odp_slide_title(doc: Document, out: Results) -> None:
    slides.slide_title(doc, out)


@check("odp-slide-title-unique", formats=("odp",))
def odp_slide_title_unique(doc: Document, out: Results) -> None:
    slides.slide_title_unique(doc, out)


@check("odp-reading-order", formats=("odp",))
def odp_reading_order(doc: Document, out: Results) -> None:
    slides.reading_order(doc, out)
