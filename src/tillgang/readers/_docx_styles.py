"""Word styles, run properties and colours: the style map built once per document, memoised per style id.

Precedence of run properties (ECMA-376 §17.7.2): docDefaults < table style (conditional parts) < paragraph
style chain < character style chain < direct ``w:rPr``. Toggle properties (bold, hidden) flip when set on more
than one *style* level; direct formatting sets them absolutely. Heading levels come from the style's name
("heading 1") or outline level, following ``w:basedOn`` — never from the style id, which Word localises.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ._drawingml import RGB, hex_to_rgb
from ._ooxml import NS, is_on

__all__ = [
    "AUTO",
    "UNRESOLVED",
    "ColorScheme",
    "StyleMap",
    "W",
    "parse_rpr",
    "shd_spec",
]

W = "{%s}" % NS["w"]
W14 = "{%s}" % NS["w14"]
MAX_CHAIN = 64  # table-style chains deeper than this are cut (cycles are detected separately)
_UNDECIDED = object()
_NO_TABLE_STYLE: tuple[dict[str, Any], None] = ({}, None)  # shared: run-property memo keys use its id

AUTO = "auto"  # automatic colour: black or white, chosen against the background
UNRESOLVED = "unresolved"

# On/off ("toggle") run properties we track.
TOGGLES = ("b", "vanish")

HEADING_NAME = re.compile(r"heading\s*([1-9])")
LOCAL_HEADING_NAME = re.compile(
    r"(?:rubrik|überschrift|uberschrift|titre|título|titulo|kop|otsikko|overskrift)\s*([1-9])"
)

HIGHLIGHT = {
    "yellow": (255, 255, 0),
    "green": (0, 255, 0),
    "cyan": (0, 255, 255),
    "magenta": (255, 0, 255),
    "blue": (0, 0, 255),
    "red": (255, 0, 0),
    "darkBlue": (0, 0, 128),
    "darkCyan": (0, 128, 128),
    "darkGreen": (0, 128, 0),
    "darkMagenta": (128, 0, 128),
    "darkRed": (128, 0, 0),
    "darkYellow": (128, 128, 0),
    "darkGray": (128, 128, 128),
    "lightGray": (192, 192, 192),
    "black": (0, 0, 0),
    "white": (255, 255, 255),
}

# Word theme colour names -> DrawingML scheme slots (after w:clrSchemeMapping).
_WORD_SLOT = {
    "dark1": "dk1",
    "light1": "lt1",
    "dark2": "dk2",
    "light2": "lt2",
    "accent1": "accent1",
    "accent2": "accent2",
    "accent3": "accent3",
    "accent4": "accent4",
    "accent5": "accent5",
    "accent6": "accent6",
    "hyperlink": "hlink",
    "followedHyperlink": "folHlink",
}
# themeColor values that go through w:clrSchemeMapping, and the mapping attribute that decides them.
_MAPPED = {"text1": "t1", "background1": "bg1", "text2": "t2", "background2": "bg2"}
_DEFAULT_MAPPING = {"t1": "dark1", "bg1": "light1", "t2": "dark2", "bg2": "light2"}


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def _hexbyte(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return int(value.strip(), 16) / 255
    except ValueError:
        return None


@dataclass
class ColorScheme:
    """Theme colours and Word's colour-scheme mapping; resolves ``w:color`` and ``w:shd`` specs."""

    theme: dict[str, RGB] = field(default_factory=dict)  # dk1, lt1, accent1 ...
    mapping: dict[str, str] = field(default_factory=lambda: dict(_DEFAULT_MAPPING))

    def drawing_map(self) -> dict[str, str]:
        """DrawingML tx1/bg1/tx2/bg2 -> scheme slot, for color_of()."""
        out = {}
        for dml, key in (("tx1", "t1"), ("bg1", "bg1"), ("tx2", "t2"), ("bg2", "bg2")):
            out[dml] = _WORD_SLOT.get(self.mapping.get(key, _DEFAULT_MAPPING[key]), "dk1")
        return out

    def theme_rgb(self, name: str | None) -> RGB | None:
        if not name:
            return None
        if name in _MAPPED:
            key = _MAPPED[name]
            name = self.mapping.get(key, _DEFAULT_MAPPING[key])
        slot = _WORD_SLOT.get(name)
        return self.theme.get(slot) if slot else None

    def resolve(
        self, val: str | None, theme: str | None, tint: str | None, shade: str | None
    ) -> RGB | str | None:
        """AUTO, an RGB, or None when nothing usable is written."""
        rgb = self.theme_rgb(theme) if theme else None
        if rgb is not None:
            t, s = _hexbyte(tint), _hexbyte(shade)
            if t is not None or s is not None:
                h, light, sat = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
                if t is not None:
                    light = light * t + (1 - t)
                if s is not None:
                    light = light * s
                r, g, b = colorsys.hls_to_rgb(h, min(max(light, 0.0), 1.0), sat)
                rgb = (round(r * 255), round(g * 255), round(b * 255))
            return rgb
        if val is None:
            return None
        if val.strip().lower() == "auto":
            return AUTO
        return hex_to_rgb(val)

    def color(self, spec: tuple[str | None, ...] | None) -> RGB | str | None:
        if spec is None:
            return None
        return self.resolve(*spec)

    def shading(self, spec: tuple[str | None, ...] | None) -> RGB | str | None:
        """The colour a ``w:shd`` paints: RGB, None (no shading) or UNRESOLVED (a pattern we cannot mix)."""
        if spec is None:
            return None
        val, color, fill, theme_fill, fill_tint, fill_shade, theme_color = spec
        pattern = (val or "clear").strip()
        fill_rgb = self.resolve(fill, theme_fill, fill_tint, fill_shade)
        if pattern in ("nil", "none"):
            return None
        if pattern == "clear":
            return fill_rgb if isinstance(fill_rgb, tuple) else None
        pat_rgb = self.resolve(color, theme_color, None, None)
        fg = pat_rgb if isinstance(pat_rgb, tuple) else (0, 0, 0)
        if pattern == "solid":
            return fg
        m = re.fullmatch(r"pct(\d{1,3})", pattern)
        if m:
            p = min(int(m.group(1)), 100) / 100
            bg = fill_rgb if isinstance(fill_rgb, tuple) else (255, 255, 255)
            return tuple(round(b * (1 - p) + f * p) for b, f in zip(bg, fg, strict=True))  # type: ignore[return-value]
        return UNRESOLVED


def shd_spec(el: etree._Element | None) -> tuple[str | None, ...] | None:
    if el is None:
        return None
    g = el.get
    return (
        g(W + "val"),
        g(W + "color"),
        g(W + "fill"),
        g(W + "themeFill"),
        g(W + "themeFillTint"),
        g(W + "themeFillShade"),
        g(W + "themeColor"),
    )


def parse_rpr(rpr: etree._Element | None) -> dict[str, Any]:
    """The run properties we use, from one ``w:rPr``: b, vanish (bool), sz (pt), color, lang, highlight, shd."""
    out: dict[str, Any] = {}
    if rpr is None:
        return out
    for child in rpr:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag.startswith(W):
            name = tag[len(W) :]
            if name in TOGGLES:
                out[name] = is_on(child.get(W + "val"))
            elif name == "sz":
                n = _int(child.get(W + "val"))
                if n is not None and 0 < n < 10_000:
                    out["sz"] = n / 2
            elif name == "color":
                out["color"] = (
                    child.get(W + "val"),
                    child.get(W + "themeColor"),
                    child.get(W + "themeTint"),
                    child.get(W + "themeShade"),
                )
            elif name == "lang":
                val = child.get(W + "val")
                if val:
                    out["lang"] = val.strip()
            elif name == "highlight":
                out["highlight"] = child.get(W + "val")
            elif name == "shd":
                out["shd"] = shd_spec(child)
            elif name == "rStyle":
                out["rStyle"] = child.get(W + "val")
        elif tag == W14 + "textFill":
            for fill in child:
                if isinstance(fill.tag, str) and etree.QName(fill).localname in ("gradFill", "blipFill"):
                    out["gradient"] = True
    return out


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    if not over:
        return base
    if not base:
        return over
    result = dict(base)
    result.update(over)
    return result


@dataclass
class Style:
    id: str
    type: str
    name: str  # lower-cased w:name
    based_on: str | None
    default: bool
    outline_lvl: int | None
    num_id: str | None  # w:pPr/w:numPr/w:numId
    ppr_shd: tuple[str | None, ...] | None
    rpr: dict[str, Any]
    # table styles: whole-table cell shading and the conditional parts (type -> (rPr, shd))
    tc_shd: tuple[str | None, ...] | None = None
    conditional: dict[str, tuple[dict[str, Any], tuple[str | None, ...] | None]] = field(default_factory=dict)
    band_size: int = 1


class StyleMap:
    """Every style of ``styles.xml`` by id, with memoised effective properties. O(styles) to build and resolve."""

    def __init__(self, root: etree._Element | None) -> None:
        self.styles: dict[str, Style] = {}  # parsed styles, filled on demand
        self._elements: dict[str, etree._Element] = {}
        self.default_para: str | None = None
        self.default_table: str | None = None
        self.defaults_rpr: dict[str, Any] = {}
        self._rpr: dict[str, dict[str, Any]] = {}
        self._level: dict[str, Any] = {}
        self._local_level: dict[str, Any] = {}
        self._num: dict[str, Any] = {}
        self._shd: dict[str, Any] = {}
        self._cond: dict[
            tuple[str, tuple[str, ...]], tuple[dict[str, Any], tuple[str | None, ...] | None]
        ] = {}
        if root is None:
            return
        defaults = root.find(W + "docDefaults")
        if defaults is not None:
            self.defaults_rpr = parse_rpr(defaults.find(f"{W}rPrDefault/{W}rPr"))
        # Index only: a style is parsed when first used (a template holds hundreds, a document uses a few).
        for el in root.iterchildren(W + "style"):  # styles are children of w:styles
            sid = el.get(W + "styleId")
            if sid is None or sid in self._elements:  # the first definition wins, as in Word
                continue
            self._elements[sid] = el
            if is_on(el.get(W + "default"), default=False):
                stype = el.get(W + "type") or "paragraph"
                if stype == "paragraph" and self.default_para is None:
                    self.default_para = sid
                elif stype == "table" and self.default_table is None:
                    self.default_table = sid

    def has(self, style_id: str | None) -> bool:
        return bool(style_id) and style_id in self._elements

    def style(self, style_id: str | None) -> Style | None:
        if not style_id:
            return None
        style = self.styles.get(style_id)
        if style is None:
            el = self._elements.get(style_id)
            if el is None:
                return None
            style = _parse_style(style_id, el)
            self.styles[style_id] = style
        return style

    # ----------------------------------------------------------------- lookups
    def para_style(self, style_id: str | None) -> str | None:
        """The paragraph style id in effect: the given one if it exists, else the default paragraph style."""
        if style_id and style_id in self._elements:
            return style_id
        return self.default_para

    def name(self, style_id: str | None) -> str:
        style = self.style(style_id)
        return style.name if style else ""

    def _chain(self, style_id: str | None) -> list[Style]:
        chain: list[Style] = []
        seen: set[str] = set()
        sid = style_id
        while sid and sid not in seen and len(chain) < MAX_CHAIN:
            style = self.style(sid)
            if style is None:
                break
            seen.add(sid)
            chain.append(style)
            sid = style.based_on
        return chain

    def _inherit(self, style_id: str | None, own: Callable[[Style], Any], memo: dict[str, Any]) -> Any:
        """The first decided value up the basedOn chain (``own`` returns _UNDECIDED to go on). Memoised for
        every style on the way, iteratively, so a whole style sheet costs O(styles) whatever the chain depth."""
        path: list[str] = []
        seen: set[str] = set()
        result: Any = _UNDECIDED
        sid = style_id
        while sid and sid not in seen:
            if sid in memo:
                result = memo[sid]
                break
            style = self.style(sid)
            if style is None:
                break
            seen.add(sid)
            value = own(style)
            if value is not _UNDECIDED:
                result = value
                memo[sid] = value
                break
            path.append(sid)
            sid = style.based_on
        for sid in path:
            memo[sid] = result
        return result

    def rpr(self, style_id: str | None) -> dict[str, Any]:
        """The style's run properties merged over its basedOn chain (derived wins). Memoised, iterative."""
        if not style_id:
            return {}
        cached = self._rpr.get(style_id)
        if cached is not None:
            return cached
        path: list[Style] = []
        seen: set[str] = set()
        result: dict[str, Any] = {}
        sid: str | None = style_id
        while sid and sid not in seen:
            if sid in self._rpr:
                result = self._rpr[sid]
                break
            style = self.style(sid)
            if style is None:
                break
            seen.add(sid)
            path.append(style)
            sid = style.based_on
        for style in reversed(path):
            result = merge(result, style.rpr)
            self._rpr[style.id] = result
        return result

    @staticmethod
    def _own_level(style: Style) -> Any:
        if style.outline_lvl is not None:
            return style.outline_lvl + 1 if 0 <= style.outline_lvl < 9 else None
        m = HEADING_NAME.fullmatch(style.name)
        return int(m.group(1)) if m else _UNDECIDED

    @staticmethod
    def _own_local_level(style: Style) -> Any:
        m = LOCAL_HEADING_NAME.fullmatch(style.name)
        return int(m.group(1)) if m else _UNDECIDED

    def heading_level(self, style_id: str | None) -> int | None:
        """1..9 from the first style in the chain with an outline level or a "heading N" name; None = body.
        Localised names ("Rubrik 1", "Überschrift 1") count only when the chain has neither."""
        if not style_id:
            return None
        level = self._inherit(style_id, self._own_level, self._level)
        if level is _UNDECIDED:
            level = self._inherit(style_id, self._own_local_level, self._local_level)
        return None if level is _UNDECIDED else level

    def num_id(self, style_id: str | None) -> str | None:
        if not style_id:
            return None
        value = self._inherit(style_id, lambda s: s.num_id if s.num_id is not None else _UNDECIDED, self._num)
        return None if value is _UNDECIDED else value

    def para_shd(self, style_id: str | None) -> tuple[str | None, ...] | None:
        if not style_id:
            return None
        value = self._inherit(style_id, lambda s: s.ppr_shd if s.ppr_shd else _UNDECIDED, self._shd)
        return None if value is _UNDECIDED else value

    def table_parts(
        self, style_id: str | None, conditions: tuple[str, ...]
    ) -> tuple[dict[str, Any], tuple[str | None, ...] | None]:
        """A table style's run properties and cell shading for a cell with these conditions (in order)."""
        if not self.has(style_id):
            return _NO_TABLE_STYLE
        assert style_id is not None
        key = (style_id, conditions)
        cached = self._cond.get(key)
        if cached is not None:
            return cached
        rpr: dict[str, Any] = {}
        shd: tuple[str | None, ...] | None = None
        for style in reversed(self._chain(style_id)):
            rpr = merge(rpr, style.rpr)
            if style.tc_shd:
                shd = style.tc_shd
        for cond in conditions:
            for style in reversed(self._chain(style_id)):
                part = style.conditional.get(cond)
                if part is not None:
                    rpr = merge(rpr, part[0])
                    if part[1]:
                        shd = part[1]
        result = (rpr, shd)
        self._cond[key] = result
        return result

    def band_size(self, style_id: str | None) -> int:
        style = self.style(style_id)
        return style.band_size if style else 1

    def effective(self, table_rpr: dict[str, Any], pstyle: str | None, rstyle: str | None) -> dict[str, Any]:
        """Run properties before direct formatting: defaults < table style < paragraph style < character style."""
        levels = (table_rpr, self.rpr(pstyle), self.rpr(rstyle) if self.has(rstyle) else {})
        result = dict(self.defaults_rpr)
        for level in levels:
            for k, v in level.items():
                if k not in TOGGLES:
                    result[k] = v
        for toggle in TOGGLES:
            on = [lvl[toggle] for lvl in levels if toggle in lvl]
            if any(on):
                flips = sum(1 for v in on if v)
                result[toggle] = flips % 2 == 1
            elif on:  # set off explicitly at some style level
                result[toggle] = False
        return result


def _parse_style(sid: str, el: etree._Element) -> Style:
    stype = el.get(W + "type") or "paragraph"
    name_el = el.find(W + "name")
    name = (name_el.get(W + "val") or "") if name_el is not None else ""
    based_el = el.find(W + "basedOn")
    ppr = el.find(W + "pPr")
    outline = num_id = None
    ppr_shd = None
    if ppr is not None:
        o = ppr.find(W + "outlineLvl")
        if o is not None:
            outline = _int(o.get(W + "val"))
        n = ppr.find(f"{W}numPr/{W}numId")
        if n is not None:
            num_id = n.get(W + "val")
        ppr_shd = shd_spec(ppr.find(W + "shd"))
    style = Style(
        id=sid,
        type=stype,
        name=" ".join(name[:200].split()).casefold(),
        based_on=based_el.get(W + "val") if based_el is not None else None,
        default=is_on(el.get(W + "default"), default=False),
        outline_lvl=outline,
        num_id=num_id,
        ppr_shd=ppr_shd,
        rpr=parse_rpr(el.find(W + "rPr")),
    )
    if stype == "table":
        style.tc_shd = shd_spec(el.find(f"{W}tcPr/{W}shd")) or shd_spec(el.find(f"{W}tblPr/{W}shd"))
        band = el.find(f"{W}tblPr/{W}tblStyleRowBandSize")
        style.band_size = max(1, _int(band.get(W + "val")) or 1) if band is not None else 1
        for part in el.findall(W + "tblStylePr"):
            ptype = part.get(W + "type")
            if ptype:
                style.conditional[ptype] = (
                    parse_rpr(part.find(W + "rPr")),
                    shd_spec(part.find(f"{W}tcPr/{W}shd")),
                )
    return style
