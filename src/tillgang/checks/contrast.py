"""color-contrast: WCAG 1.4.3 from the colours the reader resolved. Unresolvable is cantTell, never passed."""

from __future__ import annotations

from ..model import ContrastSample, Document
from ..registry import Results, check

__all__ = ["contrast_ratio", "is_large_text", "relative_luminance"]


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    r, g, b = (_channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def is_large_text(sample: ContrastSample) -> bool:
    size = sample.size_pt or 0
    return size >= 18 or (sample.bold and size >= 14)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


@check("color-contrast")
def color_contrast(doc: Document, out: Results) -> None:
    for sample in doc.contrast or ():
        text = sample.text[:60]
        if sample.foreground is None or sample.background is None:
            out.cant_tell("unresolved", sample.location, text=text, reason=sample.reason or "")
            continue
        ratio = contrast_ratio(sample.foreground, sample.background)
        required = 3.0 if is_large_text(sample) else 4.5
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
