"""WCAG colour maths, once: relative luminance, contrast ratio and the thresholds (WCAG 2.1 1.4.3 AA and 1.4.6
AAA).

Readers use it to pick the worst text/background pair they resolve; the color-contrast check uses it to
decide. Colours are sRGB triples of 0–255 integers.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["RGB", "contrast_ratio", "is_large_text", "relative_luminance", "required_ratio"]

RGB = tuple[int, int, int]


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


@lru_cache(maxsize=4096)
def relative_luminance(rgb: RGB) -> float:
    """Relative luminance of an sRGB colour (WCAG 2.1 definition)."""
    r, g, b = rgb
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: RGB, b: RGB) -> float:
    """(L1 + 0.05) / (L2 + 0.05) with L1 the lighter colour: 1.0 to 21.0."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def is_large_text(size_pt: float | None, bold: bool) -> bool:
    """WCAG "large scale" text: at least 18 pt, or 14 pt bold."""
    size = size_pt or 0
    return size >= 18 or (bold and size >= 14)


def required_ratio(size_pt: float | None, bold: bool, enhanced: bool = False) -> float:
    """The minimum for text of this size: 3:1 for large text, 4.5:1 otherwise (1.4.3 Contrast (Minimum), AA);
    with ``enhanced`` 4.5:1 for large text, 7:1 otherwise (1.4.6 Contrast (Enhanced), AAA)."""
    if enhanced:
        return 4.5 if is_large_text(size_pt, bold) else 7.0
    return 3.0 if is_large_text(size_pt, bold) else 4.5
