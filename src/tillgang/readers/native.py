"""The readers' native models: what a format-only check reads from ``doc.native``.

Checks never parse files; for format-only rules they read the model the reader built beside the neutral
``Document``. These are the public names of those models (their modules are private to the readers).
"""

from __future__ import annotations

from ._html_model import BLOCK_TAGS, Info, Page, parse_int, style_declarations
from ._pdf_struct import StructElem, StructTree
from ._pptx_model import PresentationInfo, ShapeInfo, SlideInfo
from ._sheet_model import CellRange, SheetInfo, WorkbookInfo
from ._text_model import Para, TextInfo

__all__ = [
    "BLOCK_TAGS",
    "CellRange",
    "Info",
    "Page",
    "Para",
    "PresentationInfo",
    "ShapeInfo",
    "SheetInfo",
    "SlideInfo",
    "StructElem",
    "StructTree",
    "TextInfo",
    "WorkbookInfo",
    "parse_int",
    "style_declarations",
]
