"""HTML rules that need more than one look at the rendered page (``render = true``): what the browser's
interaction probe measured (browser/interaction.py, probes/interaction.js) is judged here.

The facts are plain data defined in this module, so that the browser layer (above the checks) can build them and
the checks never import it. In static mode ``Document.rendered`` is None and these checks find nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import Document
from ..registry import Results, check
from .html_common import page_of

__all__ = [
    "FocusChange",
    "Frame",
    "InteractionFacts",
    "PointerTarget",
    "Rotation",
    "ScrollRegion",
    "ZoomedText",
    "interaction_of",
    "relative_rotation",
    "target_outcomes",
]

# A rotation counts as a quarter turn within this many degrees (a matrix written by hand is rarely exact).
QUARTER_TOLERANCE = 1.0


@dataclass(frozen=True, slots=True)
class ScrollRegion:
    """An element that can be scrolled (ACT 0ssw9k's applicability: computed overflow auto/scroll, content that
    overflows by more than the padding, something visible inside)."""

    element: Any
    reachable: bool  # it or an element in it is in sequential focus navigation (tabindex >= 0, native)
    inert: bool = False


@dataclass(frozen=True, slots=True)
class Rotation:
    """A visible element that a style rule inside ``@media (orientation: ...)`` rotates (ACT b33eff): its rotation
    about the Z axis in degrees in a portrait and a landscape viewport (None: not measurable)."""

    element: Any
    portrait: float | None
    landscape: float | None


@dataclass(frozen=True, slots=True)
class FocusChange:
    """An element in sequential focus navigation, focused by the probe (ACT oj04fd). ``outcome``: "changed" (what
    it, its pseudo-elements, ancestors, siblings, descendants or label paint differs with focus), "caret" (a text
    field, whose caret shows), "mutated" (a script changed the page, so styles alone cannot tell), "unchanged",
    "unsure" (too many to wait for) or "unfocusable" (focus() did not move focus to it)."""

    element: Any
    outcome: str


@dataclass(frozen=True, slots=True)
class Frame:
    """A shown, not inert iframe (ACT akn7bn): a negative tabindex, and how many visible elements of its document
    are in sequential focus navigation (None: the document cannot be read, another origin)."""

    element: Any
    negative: bool
    focusable: int | None


@dataclass(frozen=True, slots=True)
class ZoomedText:
    """A visible text node with an ancestor whose overflow is hidden or clip, in a 640×512 viewport (ACT 59br37).
    ``outcome``: "fits", "clipped-x", "clipped-y" or "unsure" (a positioned element between them: the ancestor's
    clip may not apply)."""

    element: Any  # the text's parent element
    outcome: str
    text: str


@dataclass(frozen=True, slots=True)
class PointerTarget:
    """A shown, enabled, not inert pointer target (a link, button, form control, summary or element with a widget
    role): its bounding box in CSS pixels (x, y, width, height, page coordinates), whether it sits in a line of
    text (``inline``), whether it is a form control at the browser's own size (``agent``), and what identifies
    its function (``name``, ``href``) for the equivalent exception. ``element`` is None for a target outside the
    page model: it still counts as a neighbour."""

    element: Any
    box: tuple[float, float, float, float]
    inline: bool = False
    agent: bool = False
    name: str = ""
    href: str = ""


@dataclass(slots=True)
class InteractionFacts:
    scrollable: list[ScrollRegion] = field(default_factory=list)
    rotations: list[Rotation] = field(default_factory=list)
    unreadable_sheets: int = 0  # style sheets the page may not read (another origin): not checked
    focus: list[FocusChange] = field(default_factory=list)
    focusable: int = 0  # elements in sequential focus navigation (all of them, also beyond the probe's cap)
    # a style sheet the probe cannot read, or a selector (:focus-within, :has()) that lets focus restyle elements
    # far from the focused one: "unchanged" is then not certain
    focus_uncertain: bool = False
    focus_truncated: bool = False
    frames: list[Frame] = field(default_factory=list)
    zoom: list[ZoomedText] = field(default_factory=list)
    targets: list[PointerTarget] = field(default_factory=list)
    targets_truncated: bool = False


def interaction_of(doc: Document) -> InteractionFacts | None:
    facts = getattr(doc.rendered, "interaction", None)
    return facts if isinstance(facts, InteractionFacts) else None


def relative_rotation(rotation: Rotation) -> float | None:
    """The angle (0-180) between the element's rotation in the two orientations, or None."""
    if rotation.portrait is None or rotation.landscape is None:
        return None
    diff = abs(rotation.landscape - rotation.portrait) % 360
    return 360 - diff if diff > 180 else diff


@check("scrollable-region-focusable")
def scrollable_region_focusable(doc: Document, out: Results) -> None:
    """ACT 0ssw9k: every scrollable element is in sequential focus navigation or has a descendant that is."""
    page, facts = page_of(doc), interaction_of(doc)
    if page is None or facts is None:
        return
    for region in facts.scrollable:
        location = page.location(region.element)
        if region.reachable or region.inert:
            out.passed(location)
        else:
            out.failed("unreachable", location)


@check("css-orientation-lock")
def css_orientation_lock(doc: Document, out: Results) -> None:
    """ACT b33eff: an element rotated by an orientation media rule is not turned a quarter turn between portrait
    and landscape (which would keep the content in one orientation whichever way the device is held)."""
    page, facts = page_of(doc), interaction_of(doc)
    if page is None or facts is None:
        return
    for rotation in facts.rotations:
        location = page.location(rotation.element)
        angle = relative_rotation(rotation)
        if angle is None:
            out.cant_tell("unmeasured", location)
        elif abs(angle - 90) <= QUARTER_TOLERANCE:
            out.failed("locked", location, angle=f"{angle:.0f}")
        else:
            out.passed(location)


@check("focus-visible")
def focus_visible(doc: Document, out: Results) -> None:
    """ACT oj04fd: with at least two elements in sequential focus navigation, each shows a visible change when
    focused. Failed only when nothing it could paint changed, no script reacted and no style sheet could restyle a
    far element; otherwise cantTell."""
    page, facts = page_of(doc), interaction_of(doc)
    if page is None or facts is None or facts.focusable < 2:
        return
    for item in facts.focus:
        location = page.location(item.element)
        if item.outcome in ("changed", "caret"):
            out.passed(location)
        elif item.outcome == "unchanged" and not facts.focus_uncertain:
            out.failed("invisible", location)
        else:
            out.cant_tell(
                "unsure", location, reason=item.outcome if item.outcome != "unchanged" else "sheets"
            )


@check("frame-focusable-content")
def frame_focusable_content(doc: Document, out: Results) -> None:
    """ACT akn7bn: an iframe whose document has visible elements in sequential focus navigation has no negative
    tabindex (which would keep keyboard users out of them). A negative tabindex on a frame of another origin,
    whose document cannot be read: cantTell."""
    page, facts = page_of(doc), interaction_of(doc)
    if page is None or facts is None:
        return
    for frame in facts.frames:
        location = page.location(frame.element)
        if frame.focusable is None:
            if frame.negative:
                out.cant_tell("unreadable", location)
        elif frame.focusable > 0:
            if frame.negative:
                out.failed("unreachable", location, count=frame.focusable)
            else:
                out.passed(location)


@check("zoom-text-clipped")
def zoom_text_clipped(doc: Document, out: Results) -> None:
    """ACT 59br37: at 200 % zoom (a 640×512 viewport) no text is cut off by an ancestor's hidden overflow, except
    a clean cut: one line with an ellipsis (nowrap and a text-overflow other than clip), or a box one line high."""
    page, facts = page_of(doc), interaction_of(doc)
    if page is None or facts is None:
        return
    for item in facts.zoom:
        location = page.location(item.element)
        text = item.text[:60]
        if item.outcome == "fits":
            out.passed(location)
        elif item.outcome in ("clipped-x", "clipped-y"):
            out.failed("clipped", location, text=text, axis=item.outcome.removeprefix("clipped-"))
        else:
            out.cant_tell("unsure", location, text=text)


# WCAG 2.2 2.5.8: the minimum size of a target, and the diameter of the spacing circle, in CSS pixels.
MIN_TARGET = 24.0


def _small(box: tuple[float, float, float, float]) -> bool:
    return box[2] < MIN_TARGET or box[3] < MIN_TARGET


def _centre(box: tuple[float, float, float, float]) -> tuple[float, float]:
    return box[0] + box[2] / 2, box[1] + box[3] / 2


def _circle_meets_box(centre: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    """Whether a circle of diameter MIN_TARGET at ``centre`` intersects the box (touching does not count)."""
    cx, cy = centre
    nx = min(max(cx, box[0]), box[0] + box[2])
    ny = min(max(cy, box[1]), box[1] + box[3])
    return (cx - nx) ** 2 + (cy - ny) ** 2 < (MIN_TARGET / 2) ** 2


def _contains(outer: tuple[float, float, float, float], inner: tuple[float, float, float, float]) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and inner[0] + inner[2] <= outer[0] + outer[2]
        and inner[1] + inner[3] <= outer[1] + outer[3]
    )


def _crowded(target: PointerTarget, others: list[PointerTarget]) -> bool:
    """The spacing exception fails: the 24 px circle on the target's box centre intersects another target, or
    the circle of another undersized target. A target that holds this one, or lies inside it, is the same
    place to click (a button in a link), not a neighbour."""
    centre = _centre(target.box)
    for other in others:
        if other is target or _contains(other.box, target.box) or _contains(target.box, other.box):
            continue
        if _circle_meets_box(centre, other.box):
            return True
        if _small(other.box):
            ox, oy = _centre(other.box)
            if (centre[0] - ox) ** 2 + (centre[1] - oy) ** 2 < MIN_TARGET**2:
                return True
    return False


def target_outcomes(targets: list[PointerTarget]) -> list[tuple[PointerTarget, str]]:
    """Each target in the page model with its outcome: "passed" (24×24 or more, or spaced), "inline" or
    "agent" (an exception applies: not applicable), "equivalent" (undersized and crowded, but another target
    with the same link address or name meets the criterion: cantTell) or "failed" (undersized and crowded)."""
    judged: list[tuple[PointerTarget, str]] = []
    meeting: set[tuple[str, str]] = set()
    for target in targets:
        if not _small(target.box):
            outcome = "passed"
        elif target.inline or target.agent:
            outcome = "inline" if target.inline else "agent"
        else:
            outcome = "failed" if _crowded(target, targets) else "passed"
        if outcome != "failed":  # an exempt target meets the criterion too
            meeting.update({("href", target.href), ("name", target.name.casefold())})
        judged.append((target, outcome))
    result = []
    for target, outcome in judged:
        if outcome == "failed" and (
            (target.href and ("href", target.href) in meeting)
            or (target.name and ("name", target.name.casefold()) in meeting)
        ):
            outcome = "equivalent"
        if target.element is not None:
            result.append((target, outcome))
    return result


@check("target-size")
def target_size(doc: Document, out: Results) -> None:
    """WCAG 2.2 2.5.8 Target Size (Minimum): every pointer target is at least 24×24 CSS px, or undersized but
    spaced (a 24 px circle on its centre meets no other target and no other undersized target's circle). Inline
    targets in text and form controls at the browser's own size are exempt (not applicable). An undersized,
    crowded target is failed, unless another target with the same address or name meets the criterion (the
    equivalent exception: cantTell)."""
    page, facts = page_of(doc), interaction_of(doc)
    if page is None or facts is None:
        return
    for target, outcome in target_outcomes(facts.targets):
        location = page.location(target.element)
        size = f"{target.box[2]:.0f}×{target.box[3]:.0f}"
        if outcome == "passed":
            out.passed(location)
        elif outcome == "failed":
            out.failed("small", location, size=size)
        elif outcome == "equivalent":
            out.cant_tell("equivalent", location, size=size)
