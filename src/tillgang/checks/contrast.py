"""color-contrast: WCAG 1.4.3 from the colours the reader resolved. Unresolvable is cantTell, never passed."""

from __future__ import annotations

from ..colour import contrast_ratio, required_ratio
from ..model import Document
from ..registry import Results, check

__all__: list[str] = []


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


@check("color-contrast")
def color_contrast(doc: Document, out: Results) -> None:
    judge_samples(doc, out)


@check("color-contrast-html")
def color_contrast_html(doc: Document, out: Results) -> None:
    """The rendered page's text (ACT afw4f7): the samples browser/facts.py measured, judged like the Office
    formats' (a text whose background cannot be resolved is cantTell)."""
    judge_samples(doc, out)


def judge_samples(doc: Document, out: Results) -> None:
    for sample in doc.contrast or ():
        text = sample.text[:60]
        if sample.foreground is None or sample.background is None:
            out.cant_tell("unresolved", sample.location, text=text, reason=sample.reason or "")
            continue
        ratio = contrast_ratio(sample.foreground, sample.background)
        required = required_ratio(sample.size_pt, sample.bold)
        # Compare on the ratio rounded down to two decimals, so 4.499 does not pass as 4.5.
        if int(ratio * 100) / 100 >= required:
            out.passed(sample.location)
        else:
            out.failed(
                "low",
                sample.location,
                text=text,
                ratio=f"{ratio:.2f}",
                required=f"{required:g}",
                fg=_hex(sample.foreground),
                bg=_hex(sample.background),
            )
