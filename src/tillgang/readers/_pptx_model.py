"""The PowerPoint-only model (``Document.native`` for .pptx): slides, their titles and shapes in reading order.

Built by ``tillgang.readers.pptx``; read by the ``pptx-*`` checks. Positions are in EMU on the slide, already
resolved through the placeholder chain (slide -> layout -> master) and group transforms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Box", "PresentationInfo", "ShapeInfo", "SlideInfo"]


@dataclass(frozen=True, slots=True)
class Box:
    x: int
    y: int
    cx: int
    cy: int

    @property
    def centre_y(self) -> float:
        return self.y + self.cy / 2

    def contains_point(self, px: float, py: float) -> bool:
        return self.x <= px <= self.x + self.cx and self.y <= py <= self.y + self.cy


@dataclass(slots=True)
class ShapeInfo:
    """One top-level shape of a slide's ``p:spTree``, in document (= reading) order."""

    name: str
    kind: str  # sp | pic | graphicFrame | grpSp | cxnSp | contentPart
    box: Box | None  # position on the slide; None when neither the shape nor its placeholder chain has one
    text: str = ""  # the shape's visible text (paragraphs joined by newlines)
    placeholder: str | None = (
        None  # effective placeholder type (title, ctrTitle, body, obj …), None if not one
    )
    hidden: bool = False
    decorative: bool = False
    alt: str | None = None

    @property
    def is_title(self) -> bool:
        return self.placeholder in ("title", "ctrTitle")

    @property
    def is_content(self) -> bool:
        """Counts for reading order: visible, not decorative, not an empty placeholder or a bare connector."""
        if self.hidden or self.decorative or self.kind == "cxnSp":
            return False
        if self.kind == "sp" and not self.text.strip():
            # Empty placeholders are not shown; a text-less, alt-less shape is layout (a line, a coloured box).
            return bool(self.placeholder is None and self.alt)
        return True


@dataclass(slots=True)
class SlideInfo:
    number: int  # 1-based position in p:sldIdLst
    part: str
    hidden: bool = False
    title: str | None = None  # text of the first title placeholder with text; None when none has text
    title_placeholder: bool = False  # the slide has a title/ctrTitle placeholder (maybe empty)
    layout: str | None = None  # the layout's name, e.g. "Title and Content"
    shapes: list[ShapeInfo] = field(default_factory=list)

    def content_shapes(self) -> list[ShapeInfo]:
        return [s for s in self.shapes if s.is_content]


@dataclass(slots=True)
class PresentationInfo:
    slides: list[SlideInfo] = field(default_factory=list)
    width: int | None = None  # p:sldSz in EMU
    height: int | None = None

    def close(self) -> None:  # nothing is held open: the package is closed when reading ends
        return None
