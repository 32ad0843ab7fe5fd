"""What the page probe measured, judged in Python: visibility and boxes per element, and one contrast sample
per visible text node (WCAG 1.4.3, ACT rule afw4f7).

The probe (probes/page.js) reports, for each text node, its computed colour, font and the stack of elements
that paint at the middle of its first line box. Here the stack is composited (alpha, opacity) into the
colour behind the text. Anything that keeps the colour behind the text from being one known colour (an image,
a gradient, a text shadow, a blend mode or filter, an element that only partly covers the text or lies over it)
gives a sample without a background and a reason: the rule says cantTell, never failed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..aria import role_is_a
from ..colour import RGB, contrast_ratio
from ..model import ContrastSample
from ..readers.native import Info, Page

__all__ = ["ElementFacts", "RenderFacts", "contrast_samples", "parse_colour"]

RGBA = tuple[float, float, float, float]
_RGB = re.compile(r"^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$")
_LANGUAGE = re.compile(r"[^\W_]")  # a letter or digit: the text can express something in human language
_FORM_TAGS = frozenset(["button", "input", "select", "textarea", "optgroup", "option", "fieldset"])
WHITE: RGBA = (255.0, 255.0, 255.0, 1.0)


@dataclass(frozen=True, slots=True)
class ElementFacts:
    box: tuple[float, float, float, float]  # x, y, width, height in CSS pixels, page coordinates
    shown: bool  # has a box and is not display:none / visibility:hidden


@dataclass(slots=True)
class RenderFacts:
    """The browser's facts about one page, keyed by the elements of the page model (``Document.native``)."""

    elements: dict[Any, ElementFacts] = field(default_factory=dict)
    indices: dict[Any, int] = field(default_factory=dict)  # element -> its probe number (for screenshots)
    final_url: str = ""
    truncated: bool = False
    interaction: Any = None  # checks.html_rendered.InteractionFacts (browser/interaction.py)
    media: dict[Any, Any] = field(default_factory=dict)  # audio/video element -> checks.html_media.MediaState
    keytrap: Any = None  # checks.html_keytrap.KeyTrapFacts (browser/keytrap.py)


def parse_colour(value: str) -> RGBA | None:
    """A computed CSS colour (``rgb()``/``rgba()``, as Chromium returns them) as r, g, b (0-255) and alpha."""
    m = _RGB.match(value.strip())
    if not m:
        return None
    r, g, b, a = m.groups()
    alpha = 1.0
    if a is not None:
        alpha = float(a[:-1]) / 100 if a.endswith("%") else float(a)
    return float(r), float(g), float(b), max(0.0, min(1.0, alpha))


def _over(top: RGBA, bottom: RGB | tuple[float, float, float]) -> tuple[float, float, float]:
    a = top[3]
    return (
        top[0] * a + bottom[0] * (1 - a),
        top[1] * a + bottom[1] * (1 - a),
        top[2] * a + bottom[2] * (1 - a),
    )


def _rgb(c: Iterable[float]) -> RGB:
    r, g, b = (max(0, min(255, round(x))) for x in c)
    return (r, g, b)


def _premultiplied(layers: list[RGBA]) -> tuple[tuple[float, float, float], float]:
    """Layers (bottom first) composited over nothing: premultiplied colour and coverage."""
    colour = (0.0, 0.0, 0.0)
    alpha = 0.0
    for r, g, b, a in layers:
        colour = (r * a + colour[0] * (1 - a), g * a + colour[1] * (1 - a), b * a + colour[2] * (1 - a))
        alpha = a + alpha * (1 - a)
    return colour, alpha


def _in_group(
    backdrop: tuple[float, float, float], colour: tuple[float, float, float], alpha: float, opacity: float
) -> tuple[float, float, float]:
    """A premultiplied group result, faded by the group's opacity, over an opaque backdrop."""
    k = opacity * alpha
    return (
        backdrop[0] * (1 - k) + colour[0] * opacity,
        backdrop[1] * (1 - k) + colour[1] * opacity,
        backdrop[2] * (1 - k) + colour[2] * opacity,
    )


@dataclass(frozen=True, slots=True)
class _Resolved:
    fg: RGB | None
    bg: RGB | None
    reason: str | None = None
    # Where the background may be any of several colours (the stops of a gradient, a text shadow or not): the
    # (text, background) pair for each. The check's "highest possible contrast" decides (checks/contrast.py).
    pairs: tuple[tuple[RGB, RGB], ...] = ()


_COLOURS = re.compile(r"rgba?\([^)]*\)")


def _resolve(text: dict[str, Any]) -> _Resolved:
    """The text's colour and the colour behind it, or the reason they cannot be known."""
    fg = parse_colour(str(text.get("fg", "")))
    fill = str(text.get("fill") or "")
    if fill and parse_colour(fill) is not None:
        fg = parse_colour(fill)  # -webkit-text-fill-color paints the glyphs when set
    if fg is None:
        return _Resolved(None, None, "colour")
    if text.get("clipText") or text.get("stroke"):
        return _Resolved(None, None, "gradient-text")
    if text.get("varies"):
        return _Resolved(None, None, "overlap")
    opacity = float(text.get("opacity", 1.0))
    variants, reason = _variants(list(text.get("layers") or ()), str(text.get("shadow") or ""), opacity)
    if reason is not None:
        return _Resolved(None, None, reason)
    pairs: list[tuple[RGB, RGB]] = []
    for layers in variants:
        got = _composite(fg, layers, opacity)
        if got.fg is None or got.bg is None:
            return got
        pairs.append((got.fg, got.bg))
    if len(pairs) == 1:
        return _Resolved(pairs[0][0], pairs[0][1])
    return _Resolved(None, None, "shadow" if text.get("shadow") else "gradient", tuple(pairs))


def _variants(
    layers: list[dict[str, Any]], shadow: str, opacity: float
) -> tuple[list[list[dict[str, Any]]], str | None]:
    """The stacks to try: a gradient layer once per colour stop, and a text shadow's colours as the topmost
    background (the shadow is drawn between the text and its background) or absent."""
    variants = [layers]
    for n, layer in enumerate(layers):
        image = str(layer.get("image") or "")
        if not image:
            continue
        if "url(" in image or "gradient(" not in image:
            return [], "picture"
        stops = _COLOURS.findall(image)
        if not stops or any(parse_colour(c) is None for c in stops) or "gradient(" in image.split(")", 1)[1]:
            return [], "gradient"  # no stops read, or several gradients on one element
        plain = {**layer, "image": ""}
        variants = [[*layers[:n], {**plain, "color": stop}, plain, *layers[n + 1 :]] for stop in stops]
        break
    if shadow:
        colours = _COLOURS.findall(shadow)
        if not colours:
            return [], "shadow"
        drawn = [{"color": c, "image": "", "opacity": opacity, "ancestor": True} for c in colours]
        variants = [*variants, *([d, *v] for v in variants for d in drawn)]
    return variants, None


def _composite(fg: RGBA, layers: list[dict[str, Any]], opacity: float) -> _Resolved:
    """The text's colour and its background through one stack of layers (top first), with alpha and the
    opacity of the text's group."""
    outside: list[RGBA] = []  # backgrounds not faded with the text's opacity group (top first)
    inside: list[RGBA] = []
    for layer in layers:
        if layer.get("above"):
            return _Resolved(None, None, "overlap")
        if layer.get("blend"):
            return _Resolved(None, None, "blend")
        if layer.get("image"):
            return _Resolved(None, None, "picture")
        if layer.get("replaced"):
            return _Resolved(None, None, "picture")
        colour = parse_colour(str(layer.get("color", "")))
        if colour is None:
            return _Resolved(None, None, "colour")
        if colour[3] == 0:
            continue
        if not layer.get("ancestor") and not layer.get("covers", True):
            return _Resolved(None, None, "overlap")
        layer_opacity = float(layer.get("opacity", 1.0))
        if abs(layer_opacity - opacity) < 1e-6 and opacity < 1:
            inside.append(colour)
        elif layer_opacity < 1 - 1e-6:
            return _Resolved(None, None, "opacity")  # a background faded by another group than the text's
        else:
            outside.append(colour)
        if colour[3] >= 1 and layer_opacity >= 1:
            break  # an opaque background: nothing below it shows
    backdrop: tuple[float, float, float] = WHITE[:3]  # the canvas
    for colour in reversed(outside):
        backdrop = _over(colour, backdrop)
    inner_colour, inner_alpha = _premultiplied(list(reversed(inside)))
    bg = _in_group(backdrop, inner_colour, inner_alpha, opacity) if inside else backdrop
    text_colour, text_alpha = _premultiplied([*reversed(inside), fg])
    shown = _in_group(backdrop, text_colour, text_alpha, opacity)
    return _Resolved(_rgb(shown), _rgb(bg))


def _disabled_labels(page: Page) -> frozenset[Any]:
    """Elements that aria-labelledby makes part of the accessible name of a disabled widget."""
    found: set[Any] = set()
    for info in page.infos:
        if "aria-labelledby" in info.attrs and _is_disabled(info):
            for ident in (info.attrs.get("aria-labelledby") or "").split():
                target = page.by_id(ident)
                if target is not None:
                    found.add(target.el)
    return frozenset(found)


def _disabled(page: Page, info: Info, labels: frozenset[Any]) -> bool:
    """The text is in a disabled widget or group, or in the label of a disabled widget (afw4f7's
    applicability)."""
    node: Info | None = info
    while node is not None:
        if _is_disabled(node) or node.el in labels:
            return True
        if node.tag == "label":
            control = _labelled_control(page, node)
            if control is not None and _is_disabled(control):
                return True
        node = node.parent
    return False


def _is_disabled(info: Info) -> bool:
    if info.tag in _FORM_TAGS and ("disabled" in info.attrs or (info.disabled_fs and info.tag != "fieldset")):
        return True
    if (info.attrs.get("aria-disabled") or "").strip().lower() == "true":
        role = info.role
        return role is not None and (role_is_a(role, "widget") or role_is_a(role, "group"))
    return False


def _labelled_control(page: Page, label: Info) -> Info | None:
    target = label.attrs.get("for")
    if target:
        return page.by_id(target.strip())
    for desc in page.subtree(label):
        if desc.tag in ("input", "select", "textarea", "button") and desc is not label:
            return desc
    return None


def _icon_letter(info: Info, words: str) -> bool:
    """A lone character (an "X" or "+") in a control that is named otherwise (aria-label, aria-labelledby): a
    symbol, not text in a human language (afw4f7's expectation)."""
    if len(words.strip()) > 1:
        return False
    node: Info | None = info
    while node is not None:
        if "aria-label" in node.attrs or "aria-labelledby" in node.attrs:
            return bool(node.role) and role_is_a(node.role, "widget")
        node = node.parent
    return False


def contrast_samples(
    page: Page, texts: list[dict[str, Any]], by_index: dict[int, Any]
) -> list[ContrastSample]:
    """One sample per visible text node that afw4f7 applies to, with its location in the page model."""
    samples: list[ContrastSample] = []
    labels = _disabled_labels(page)
    for text in texts:
        el = by_index.get(int(text.get("el", -1)))
        if el is None or not text.get("visible"):
            continue
        info = page.info(el)
        words = str(text.get("text", ""))
        if not _LANGUAGE.search(words) or _icon_letter(info, words) or _disabled(page, info, labels):
            continue
        size_px = float(text.get("size") or 0)
        bold = int(text.get("weight") or 400) >= 700
        resolved = _resolve(text)
        fg_rgba = parse_colour(str(text.get("fg", "")))
        if fg_rgba is not None and fg_rgba[3] == 0 and not text.get("fill"):
            continue  # transparent text is not visible
        if _invisible(resolved):
            continue  # the same colour as the background: not visible, so not applicable (afw4f7)
        samples.append(
            ContrastSample(
                location=page.location(el),
                text=words,
                foreground=resolved.fg,
                background=resolved.bg,
                size_pt=size_px * 0.75,
                bold=bold,
                reason=resolved.reason,
                pairs=resolved.pairs,
            )
        )
    return samples


def _invisible(resolved: _Resolved) -> bool:
    """The text has the colour of its background (every possible pair's contrast is 1:1)."""
    pairs = resolved.pairs or ((resolved.fg, resolved.bg),)
    return all(fg is not None and bg is not None and contrast_ratio(fg, bg) <= 1.0 for fg, bg in pairs)
