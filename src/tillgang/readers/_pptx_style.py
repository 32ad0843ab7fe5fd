"""PowerPoint masters, layouts, placeholders, text-style chains and fills (for slide titles, positions, contrast).

Every master and layout is parsed once and cached by part name. Colours follow ooxml note §7: run -> paragraph ->
shape list style -> layout placeholder -> master placeholder -> master text styles -> presentation default, with
the slide/layout/master colour map and the master's theme.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from ._drawingml import RGB, color_of, theme_colors
from ._ooxml import NS, Package
from ._pptx_model import Box

__all__ = [
    "A",
    "Fill",
    "LayoutCtx",
    "MasterCtx",
    "P",
    "Styles",
    "emu",
    "fill_of",
    "local",
    "shape_children",
]

P = "{%s}" % NS["p"]
A = "{%s}" % NS["a"]
MC = "{%s}" % NS["mc"]

# Placeholder types that inherit from the master's body placeholder / title placeholder.
_MASTER_TYPE = {"obj": "body", "subTitle": "body", "body": "body", "ctrTitle": "title", "title": "title"}
_FILL_TAGS = {A + n for n in ("solidFill", "gradFill", "noFill", "blipFill", "pattFill", "grpFill")}

_UNITS = {"mm": 36_000, "cm": 360_000, "in": 914_400, "pt": 12_700, "pc": 152_400, "pi": 152_400}


def local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def emu(value: str | None) -> int | None:
    """An EMU coordinate; Strict may write universal measures such as ``2.5cm``."""
    if value is None:
        return None
    v = value.strip()
    try:
        unit = v[-2:]
        if unit in _UNITS:
            return round(float(v[:-2]) * _UNITS[unit])
        return int(v)
    except ValueError:
        return None


def shape_children(container: etree._Element) -> Iterator[etree._Element]:
    """Element children of an spTree/grpSp, with mc:AlternateContent replaced by its first Choice (else Fallback)."""
    for child in container:
        if not isinstance(child.tag, str):
            continue
        if child.tag == MC + "AlternateContent":
            branch = child.find(MC + "Choice")
            if branch is None:
                branch = child.find(MC + "Fallback")
            if branch is not None:
                yield from (c for c in branch if isinstance(c.tag, str))
            continue
        yield child


@dataclass(frozen=True, slots=True)
class Fill:
    """A resolved fill: kind solid (colors[0]), gradient (the stops), none (transparent), or unresolved (reason)."""

    kind: str  # solid | gradient | none | unresolved
    colors: tuple[RGB, ...] = ()
    reason: str = ""


NO_FILL = Fill("none")


def fill_of(
    el: etree._Element | None,
    theme: dict[str, RGB],
    clr_map: dict[str, str],
    placeholder: RGB | None = None,
) -> Fill | None:
    """The fill expressed by a fill element (solidFill, gradFill …); None when ``el`` is not a fill."""
    if el is None:
        return None
    name = local(el)
    if name == "solidFill":
        rgb = color_of(el, theme, clr_map, placeholder)
        return Fill("solid", (rgb,)) if rgb else Fill("unresolved", reason="colour")
    if name == "noFill":
        return NO_FILL
    if name == "gradFill":
        stops: list[RGB] = []
        for gs in el.iter(A + "gs"):
            colour = next((c for c in gs if isinstance(c.tag, str)), None)
            rgb = color_of(colour, theme, clr_map, placeholder) if colour is not None else None
            if rgb is None:
                return Fill("unresolved", reason="gradient")
            stops.append(rgb)
        return Fill("gradient", tuple(stops)) if stops else Fill("unresolved", reason="gradient")
    if name == "blipFill":
        return Fill("unresolved", reason="picture")
    if name == "pattFill":
        return Fill("unresolved", reason="pattern")
    if name == "grpFill":
        return Fill("unresolved", reason="group")  # replaced by the caller with the group's fill
    return None


def first_fill_child(parent: etree._Element | None) -> etree._Element | None:
    if parent is None:
        return None
    for child in parent:
        if child.tag in _FILL_TAGS:
            return child
    return None


def xfrm_box(sp_pr: etree._Element | None) -> Box | None:
    """A shape's position from its spPr's a:xfrm."""
    return None if sp_pr is None else xfrm_box_p(sp_pr.find(A + "xfrm"))


def xfrm_box_p(xfrm: etree._Element | None) -> Box | None:
    """The box of an a:xfrm or a graphic frame's p:xfrm (both have a:off/a:ext children)."""
    if xfrm is None:
        return None
    off, ext = xfrm.find(A + "off"), xfrm.find(A + "ext")
    if off is None or ext is None:
        return None
    x, y, cx, cy = emu(off.get("x")), emu(off.get("y")), emu(ext.get("cx")), emu(ext.get("cy"))
    if x is None or y is None or cx is None or cy is None:
        return None
    return Box(x, y, cx, cy)


def ph_of(shape: etree._Element) -> etree._Element | None:
    """The p:ph element of a shape (p:sp, p:pic, p:graphicFrame), or None."""
    for nv in shape:
        if isinstance(nv.tag, str) and nv.tag.startswith(P + "nv"):
            nvpr = nv.find(P + "nvPr")
            return nvpr.find(P + "ph") if nvpr is not None else None
    return None


def cnvpr_of(shape: etree._Element) -> etree._Element | None:
    for nv in shape:
        if isinstance(nv.tag, str) and nv.tag.startswith(P + "nv"):
            return nv.find(P + "cNvPr")
    return None


@dataclass(slots=True)
class _Placeholders:
    by_idx: dict[str, etree._Element] = field(default_factory=dict)
    by_type: dict[str, etree._Element] = field(default_factory=dict)

    @classmethod
    def of(cls, root: etree._Element | None) -> _Placeholders:
        result = cls()
        if root is None:
            return result
        tree = root.find(f"{P}cSld/{P}spTree")
        if tree is None:
            return result
        for shape in shape_children(tree):
            ph = ph_of(shape)
            if ph is None:
                continue
            result.by_idx.setdefault(ph.get("idx") or "0", shape)
            result.by_type.setdefault(ph.get("type") or "obj", shape)
        return result


def _clr_map(el: etree._Element | None) -> dict[str, str] | None:
    if el is None:
        return None
    return {k: v for k, v in el.attrib.items() if isinstance(k, str)}


@dataclass(slots=True)
class MasterCtx:
    part: str
    root: etree._Element | None
    theme: dict[str, RGB]
    clr_map: dict[str, str]
    fill_styles: list[etree._Element]
    bg_fill_styles: list[etree._Element]
    placeholders: _Placeholders
    tx_styles: dict[str, etree._Element | None]


@dataclass(slots=True)
class LayoutCtx:
    part: str
    root: etree._Element | None
    master: MasterCtx
    clr_map: dict[str, str]  # effective for the layout (override or the master's)
    placeholders: _Placeholders
    name: str | None


_DEFAULT_CLR_MAP = {
    "bg1": "lt1",
    "tx1": "dk1",
    "bg2": "lt2",
    "tx2": "dk2",
    **{f"accent{i}": f"accent{i}" for i in range(1, 7)},
    "hlink": "hlink",
    "folHlink": "folHlink",
}


class Styles:
    """Masters and layouts of one package, each parsed once."""

    def __init__(self, pkg: Package, presentation: etree._Element) -> None:
        self.pkg = pkg
        self.default_text = presentation.find(P + "defaultTextStyle")
        self._masters: dict[str, MasterCtx] = {}
        self._layouts: dict[str, LayoutCtx] = {}
        self.warnings: list[str] = []

    def master(self, part: str | None) -> MasterCtx:
        key = part or ""
        cached = self._masters.get(key)
        if cached is not None:
            return cached
        root = self.pkg.xml(part) if part and self.pkg.has(part) else None
        theme_root = None
        if part:
            for rel in self.pkg.rel_targets(part, "theme"):
                if self.pkg.has(rel.target):
                    theme_root = self.pkg.xml(rel.target)
                    break
        fill_styles: list[etree._Element] = []
        bg_fill_styles: list[etree._Element] = []
        if theme_root is not None:
            lst = theme_root.find(f".//{A}fillStyleLst")
            if lst is not None:
                fill_styles = [c for c in lst if isinstance(c.tag, str)]
            lst = theme_root.find(f".//{A}bgFillStyleLst")
            if lst is not None:
                bg_fill_styles = [c for c in lst if isinstance(c.tag, str)]
        tx = root.find(P + "txStyles") if root is not None else None
        ctx = MasterCtx(
            part=key,
            root=root,
            theme=theme_colors(theme_root),
            clr_map=(_clr_map(root.find(P + "clrMap")) if root is not None else None)
            or dict(_DEFAULT_CLR_MAP),
            fill_styles=fill_styles,
            bg_fill_styles=bg_fill_styles,
            placeholders=_Placeholders.of(root),
            tx_styles={
                "title": tx.find(P + "titleStyle") if tx is not None else None,
                "body": tx.find(P + "bodyStyle") if tx is not None else None,
                "other": tx.find(P + "otherStyle") if tx is not None else None,
            },
        )
        self._masters[key] = ctx
        return ctx

    def notes_layout(self, notes_master: str) -> LayoutCtx:
        """Notes slides inherit from the notes master directly (no layout)."""
        key = "notes:" + notes_master
        cached = self._layouts.get(key)
        if cached is None:
            master = self.master(notes_master)
            cached = LayoutCtx(key, None, master, master.clr_map, master.placeholders, None)
            self._layouts[key] = cached
        return cached

    def layout(self, part: str | None) -> LayoutCtx:
        key = part or ""
        cached = self._layouts.get(key)
        if cached is not None:
            return cached
        root = self.pkg.xml(part) if part and self.pkg.has(part) else None
        master_part = None
        if part:
            masters = self.pkg.rel_targets(part, "slideMaster")
            master_part = masters[0].target if masters else None
        if root is None or master_part is None:
            self.warnings.append(f"layout {part or '(none)'} or its master is missing; defaults used")
        master = self.master(master_part)
        override = None
        if root is not None:
            ovr = root.find(f"{P}clrMapOvr/{A}overrideClrMapping")
            override = _clr_map(ovr)
        csld = root.find(P + "cSld") if root is not None else None
        ctx = LayoutCtx(
            part=key,
            root=root,
            master=master,
            clr_map=override or master.clr_map,
            placeholders=_Placeholders.of(root),
            name=csld.get("name") if csld is not None else None,
        )
        self._layouts[key] = ctx
        return ctx


def match_placeholder(
    ph: etree._Element, layout: LayoutCtx
) -> tuple[etree._Element | None, etree._Element | None]:
    """The layout placeholder (same idx, else same type) and the master placeholder it inherits from.

    A bare ``<p:ph/>`` (neither type nor idx; LibreOffice writes its outline placeholders so) is an ``obj``
    placeholder (ECMA-376 part 1, 19.3.1.36: the defaults are type ``obj``, idx 0): it is matched by that type
    only, never through the implicit idx 0 that title placeholders share, or body text would become the title.
    """
    idx = ph.get("idx") or "0"
    ptype = ph.get("type")
    lay = None
    if ph.get("idx") is None:  # title, date … placeholders are matched by type
        lay = layout.placeholders.by_type.get(ptype or "obj")
        if ptype is None:
            return lay, layout.master.placeholders.by_type.get("body")
    if lay is None:
        lay = layout.placeholders.by_idx.get(idx)
    if lay is None and ptype is not None:
        lay = layout.placeholders.by_type.get(ptype)
    eff_type = ptype
    if eff_type is None and lay is not None:
        lay_ph = ph_of(lay)
        eff_type = lay_ph.get("type") if lay_ph is not None else None
    eff_type = eff_type or "obj"
    master_type = _MASTER_TYPE.get(eff_type, eff_type)
    mas = layout.master.placeholders.by_type.get(master_type)
    return lay, mas


def effective_ph_type(ph: etree._Element, layout: LayoutCtx) -> str:
    ptype = ph.get("type")
    if ptype:
        return ptype
    lay, _ = match_placeholder(ph, layout)
    lay_ph = ph_of(lay) if lay is not None else None
    return (lay_ph.get("type") if lay_ph is not None else None) or "obj"


def tx_category(ph_type: str | None) -> str:
    if ph_type in ("title", "ctrTitle"):
        return "title"
    if ph_type in ("body", "obj", "subTitle"):
        return "body"
    return "other"
