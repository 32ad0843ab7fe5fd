"""color-contrast: WCAG 1.4.3 from the colours the reader resolved. Unresolvable is cantTell, never passed.

``judge_samples`` is the one contrast judgement: color-contrast (Office formats), color-contrast-html (1.4.3,
ACT afw4f7) and color-contrast-enhanced (1.4.6, ACT 09o5cg, checks/html_aaa.py) differ only in the threshold.
"""

from __future__ import annotations

from ..colour import RGB, contrast_ratio, required_ratio
from ..model import ContrastSample, Document
from ..registry import Results, check

__all__ = ["decide", "judge_samples"]


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


def _meets(fg: RGB, bg: RGB, required: float) -> bool:
    # Compare on the ratio rounded down to two decimals, so 4.499 does not pass as 4.5.
    return int(contrast_ratio(fg, bg) * 100) / 100 >= required


def decide(sample: ContrastSample, required: float) -> tuple[RGB, RGB] | None:
    """The (text, background) pair that decides the sample against ``required``, or None (cantTell). A sample
    with several possible backgrounds (``pairs``) is judged on ACT's "highest possible contrast": failed when
    even the highest contrast is too low (that pair stands for it), passed when even the lowest is enough (that
    pair), otherwise it cannot be told."""
    if sample.pairs:
        ranked = sorted(sample.pairs, key=lambda p: contrast_ratio(*p))
        if not _meets(*ranked[-1], required):
            return ranked[-1]
        if _meets(*ranked[0], required):
            return ranked[0]
        return None
    if sample.foreground is None or sample.background is None:
        return None
    return sample.foreground, sample.background


def judge_samples(doc: Document, out: Results, enhanced: bool = False) -> None:
    """Each contrast sample against the minimum (1.4.3), or with ``enhanced`` the enhanced contrast (1.4.6)."""
    for sample in doc.contrast or ():
        text = sample.text[:60]
        required = required_ratio(sample.size_pt, sample.bold, enhanced)
        pair = decide(sample, required)
        if pair is None:
            out.cant_tell("unresolved", sample.location, text=text, reason=sample.reason or "")
            continue
        fg, bg = pair
        if _meets(fg, bg, required):
            out.passed(sample.location)
        else:
            out.failed(
                "low",
                sample.location,
                text=text,
                ratio=f"{contrast_ratio(fg, bg):.2f}",
                required=f"{required:g}",
                fg=_hex(fg),
                bg=_hex(bg),
            )
