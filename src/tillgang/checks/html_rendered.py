"""HTML rules that need the browser (``render = true``): they read what ``browser/`` measured
(``Document.rendered``) and are run only with ``--render``."""

from __future__ import annotations

from ..model import Document
from ..registry import Results, check

__all__: list[str] = []

TOLERANCE_DEG = 1.0


def _quarter_turn(landscape: float, portrait: float) -> float | None:
    """The relative rotation when it is (within a degree) a quarter turn either way (90 or 270), else None."""
    relative = (landscape - portrait) % 360
    for quarter in (90.0, 270.0):
        if abs(relative - quarter) <= TOLERANCE_DEG:
            return quarter
    return None


@check("css-orientation-lock")
def css_orientation_lock(doc: Document, out: Results) -> None:
    """ACT b33eff: an element that an orientation media query turns must not turn a quarter between landscape
    and portrait."""
    facts = doc.rendered
    if facts is None or not facts.orientation:
        return  # no orientation media query, or nothing it rotates: inapplicable
    for sample in facts.orientation:
        quarter = _quarter_turn(sample.landscape, sample.portrait)
        if quarter is None:
            out.passed(sample.location)
        else:
            out.failed("locked", sample.location, angle="90")
