"""image-alt and image-alt-quality: written once against the model's images."""

from __future__ import annotations

from ..model import Document
from ..registry import Results, check
from ..textutil import alt_text_problem, collapse


@check("image-alt")
def image_alt(doc: Document, out: Results) -> None:
    for image in doc.images or ():
        if image.decorative or collapse(image.alt):
            out.passed(image.location)
        else:
            out.failed("missing", image.location, name=image.name or image.kind, kind=image.kind)


@check("image-alt-quality")
def image_alt_quality(doc: Document, out: Results) -> None:
    for image in doc.images or ():
        text = collapse(image.alt)
        if image.decorative or not text:
            continue  # nothing to judge: image-alt decides whether text is needed
        problem = alt_text_problem(text)
        if problem is None:
            out.passed(image.location)
        else:
            shown = text if len(text) <= 80 else text[:77] + "…"
            out.failed(problem, image.location, name=image.name or image.kind, alt=shown, length=len(text))
