"""DrawingML helpers shared by the Word and PowerPoint readers: colours, themes, non-visual properties."""

from __future__ import annotations

import colorsys

from lxml import etree

from ._ooxml import NS, is_on

__all__ = [
    "RGB",
    "alt_of",
    "apply_transforms",
    "color_of",
    "hex_to_rgb",
    "is_decorative",
    "theme_colors",
]

from ..colour import RGB

A = "{%s}" % NS["a"]

# Preset colour names that occur in practice (DrawingML ST_PresetColorVal, the common part).
PRESET = {
    "black": (0, 0, 0),
    "white": (255, 255, 255),
    "red": (255, 0, 0),
    "green": (0, 128, 0),
    "blue": (0, 0, 255),
    "yellow": (255, 255, 0),
    "gray": (128, 128, 128),
    "grey": (128, 128, 128),
    "darkGray": (169, 169, 169),
    "lightGray": (211, 211, 211),
    "silver": (192, 192, 192),
    "navy": (0, 0, 128),
    "orange": (255, 165, 0),
}
SYSTEM = {"windowText": (0, 0, 0), "window": (255, 255, 255)}


def hex_to_rgb(value: str | None) -> RGB | None:
    if not value:
        return None
    v = value.strip().lstrip("#")
    if len(v) != 6:
        return None
    try:
        return (int(v[0:2], 16), int(v[2:4], 16), int(v[4:6], 16))
    except ValueError:
        return None


def _pct(el: etree._Element) -> float:
    """A DrawingML percentage: 1/1000 of a percent (75000) or, in Strict, '75%'."""
    raw = (el.get("val") or "0").strip()
    try:
        if raw.endswith("%"):
            return float(raw[:-1]) / 100
        return int(raw) / 100_000
    except ValueError:
        return 0.0


def apply_transforms(rgb: RGB, color_el: etree._Element) -> RGB:
    """Apply lumMod/lumOff/tint/shade/satMod children of a colour element, in document order."""
    r, g, b = (c / 255 for c in rgb)
    for child in color_el:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        if name in ("lumMod", "lumOff", "satMod", "satOff"):
            h, light, s = colorsys.rgb_to_hls(r, g, b)
            v = _pct(child)
            if name == "lumMod":
                light *= v
            elif name == "lumOff":
                light += v
            elif name == "satMod":
                s *= v
            else:
                s += v
            light, s = min(max(light, 0.0), 1.0), min(max(s, 0.0), 1.0)
            r, g, b = colorsys.hls_to_rgb(h, light, s)
        elif name == "tint":  # towards white
            v = _pct(child)
            r, g, b = (1 - (1 - c) * v for c in (r, g, b))
        elif name == "shade":  # towards black
            v = _pct(child)
            r, g, b = (c * v for c in (r, g, b))
    return (round(r * 255), round(g * 255), round(b * 255))


def theme_colors(theme_root: etree._Element | None) -> dict[str, RGB]:
    """Scheme colour name (dk1, lt1, accent1 …) -> RGB from a theme part."""
    colors: dict[str, RGB] = {}
    if theme_root is None:
        return colors
    scheme = theme_root.find(f".//{A}clrScheme")
    if scheme is None:
        return colors
    for slot in scheme:
        if not isinstance(slot.tag, str):
            continue
        name = etree.QName(slot).localname
        for c in slot:
            if not isinstance(c.tag, str):
                continue
            kind = etree.QName(c).localname
            if kind == "srgbClr":
                rgb = hex_to_rgb(c.get("val"))
            elif kind == "sysClr":
                rgb = hex_to_rgb(c.get("lastClr")) or SYSTEM.get(c.get("val") or "")
            else:
                rgb = None
            if rgb is not None:
                colors[name] = rgb
            break
    return colors


# Word and PowerPoint name theme colours differently from the scheme slots.
_ALIASES = {
    "tx1": "dk1",
    "bg1": "lt1",
    "tx2": "dk2",
    "bg2": "lt2",
    "dark1": "dk1",
    "light1": "lt1",
    "dark2": "dk2",
    "light2": "lt2",
    "text1": "dk1",
    "background1": "lt1",
    "text2": "dk2",
    "background2": "lt2",
    "hyperlink": "hlink",
    "followedHyperlink": "folHlink",
}


def color_of(
    fill_or_color: etree._Element | None,
    theme: dict[str, RGB],
    color_map: dict[str, str] | None = None,
    placeholder: RGB | None = None,
) -> RGB | None:
    """The RGB of a colour choice element (srgbClr, schemeClr, sysClr, prstClr …) or of a solidFill holding one.

    ``color_map`` is PowerPoint's clrMap (bg1 -> lt1 …); ``placeholder`` resolves schemeClr val="phClr".
    """
    if fill_or_color is None:
        return None
    el = fill_or_color
    if etree.QName(el).localname == "solidFill":
        el = next((c for c in el if isinstance(c.tag, str)), None)  # type: ignore[assignment]
        if el is None:
            return None
    kind = etree.QName(el).localname
    base: RGB | None
    if kind == "srgbClr":
        base = hex_to_rgb(el.get("val"))
    elif kind == "sysClr":
        base = hex_to_rgb(el.get("lastClr")) or SYSTEM.get(el.get("val") or "")
    elif kind == "prstClr":
        base = PRESET.get(el.get("val") or "")
    elif kind == "schemeClr":
        val = el.get("val") or ""
        if val == "phClr":
            base = placeholder
        else:
            mapped = (color_map or {}).get(val, val)
            base = theme.get(_ALIASES.get(mapped, mapped))
    elif kind == "scrgbClr":
        try:
            base = tuple(round(min(max(int(el.get(k) or 0) / 100_000, 0), 1) * 255) for k in "rgb")  # type: ignore[assignment]
        except ValueError:
            base = None
    elif kind == "hslClr":
        try:
            h = int(el.get("hue") or 0) / 21_600_000
            s = int(el.get("sat") or 0) / 100_000
            light = int(el.get("lum") or 0) / 100_000
        except ValueError:
            return None
        r, g, b = colorsys.hls_to_rgb(h, light, s)
        base = (round(r * 255), round(g * 255), round(b * 255))
    else:
        return None
    if base is None:
        return None
    return apply_transforms(base, el)


def is_decorative(cnvpr: etree._Element | None) -> bool:
    """Office's "Mark as decorative": an adec:decorative element with val on, in the cNvPr/docPr extension list."""
    if cnvpr is None:
        return False
    for el in cnvpr.iter("{%s}decorative" % NS["adec"]):
        return is_on(el.get("val"), default=True)
    return False


def alt_of(cnvpr: etree._Element | None) -> str | None:
    """The alternative text of a wp:docPr / p:cNvPr / pic:cNvPr: descr, else title; None when neither is set."""
    if cnvpr is None:
        return None
    for attr in ("descr", "title"):
        value = cnvpr.get(attr)
        if value is not None and value.strip():
            return value
    return None
