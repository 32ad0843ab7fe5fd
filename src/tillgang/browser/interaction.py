"""The interaction probe (probes/interaction.js): run after the page probe, in the same tab, for the rules that
need more than the page as it was loaded: scrollable regions (ACT 0ssw9k), rotations that depend on the
orientation (ACT b33eff, the page measured in a portrait and a landscape viewport) and what changes when each
element in sequential focus navigation is focused (ACT oj04fd). The raw measurements go into
``Rendered.facts["interaction"]``; ``interaction_facts`` turns them into the checks' facts
(checks/html_rendered.py)."""

from __future__ import annotations

from importlib import resources
from typing import Any

from ..checks.html_rendered import (
    FocusChange,
    Frame,
    InteractionFacts,
    PointerTarget,
    Rotation,
    ScrollRegion,
    ZoomedText,
)

__all__ = ["LANDSCAPE", "PORTRAIT", "ZOOMED", "interaction_facts", "measure"]

PORTRAIT: Any = {"width": 768, "height": 1024}  # playwright ViewportSize
LANDSCAPE: Any = {"width": 1024, "height": 768}
ZOOMED: Any = {"width": 640, "height": 512}  # 1280×1024 at 200 % (ACT 59br37)


def _source() -> str:
    return (resources.files("tillgang.browser") / "probes" / "interaction.js").read_text(encoding="utf-8")


def measure(page: Any, viewport: Any, error: type[Exception], targets: bool = False) -> dict[str, Any] | None:
    """The probe's raw facts, the viewport restored afterwards; None when the page would not be measured (the
    rules then find nothing, and the page's other results stand). ``targets``: the pointer targets too (only
    target-size, in the wcag22 rule set, needs them)."""
    source = _source()
    try:
        raw: dict[str, Any] = page.evaluate(source, {"phase": "scan", "indices": []})
        rotating = [int(i) for i in raw.get("rotating") or ()]
        if rotating:
            angles: dict[str, Any] = {}
            try:
                for name, size in (("portrait", PORTRAIT), ("landscape", LANDSCAPE)):
                    page.set_viewport_size(size)
                    angles[name] = page.evaluate(source, {"phase": "angles", "indices": rotating})
            finally:
                page.set_viewport_size(viewport)
            raw["angles"] = angles
        if raw.get("needsZoom"):  # hiding overflow now, or one that a media query on the size may add
            try:
                page.set_viewport_size(ZOOMED)
                raw["zoom"] = page.evaluate(source, {"phase": "zoom", "indices": []})
            finally:
                page.set_viewport_size(viewport)
        raw["focus"] = page.evaluate(source, {"phase": "focus", "indices": []})
        if targets:
            raw["targets"] = page.evaluate(source, {"phase": "targets", "indices": []})
    except error:
        return None
    return raw


def _angle(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None


def interaction_facts(raw: dict[str, Any] | None, by_index: dict[int, Any]) -> InteractionFacts | None:
    """The checks' facts, keyed by the elements of the page model."""
    if not isinstance(raw, dict):
        return None
    facts = InteractionFacts(unreadable_sheets=len(raw.get("unreadable") or ()))
    for item in raw.get("scrollable") or ():
        el = by_index.get(int(item.get("el", -1)))
        if el is not None:
            facts.scrollable.append(ScrollRegion(el, bool(item.get("reachable")), bool(item.get("inert"))))
    angles = raw.get("angles") or {}
    portrait, landscape = angles.get("portrait") or {}, angles.get("landscape") or {}
    for index in raw.get("rotating") or ():
        el = by_index.get(int(index))
        if el is not None:
            key = str(index)
            facts.rotations.append(Rotation(el, _angle(portrait.get(key)), _angle(landscape.get(key))))
    for item in raw.get("frames") or ():
        el = by_index.get(int(item.get("el", -1)))
        if el is not None:
            count = item.get("focusable")
            facts.frames.append(
                Frame(el, bool(item.get("negative")), int(count) if count is not None else None)
            )
    for item in raw.get("zoom") or ():
        el = by_index.get(int(item.get("el", -1)))
        if el is not None:
            facts.zoom.append(
                ZoomedText(el, str(item.get("outcome") or "unsure"), str(item.get("text") or ""))
            )
    focus = raw.get("focus") or {}
    facts.focusable = int(focus.get("targets") or 0)
    facts.focus_uncertain = bool(focus.get("far")) or int(focus.get("unreadable") or 0) > 0
    facts.focus_truncated = bool(focus.get("truncated"))
    for item in focus.get("results") or ():
        el = by_index.get(int(item.get("el", -1)))
        if el is not None:
            facts.focus.append(FocusChange(el, str(item.get("outcome") or "unsure")))
    _pointer_targets(facts, raw.get("targets"), by_index)
    return facts


def _pointer_targets(facts: InteractionFacts, raw: Any, by_index: dict[int, Any]) -> None:
    """The pointer targets (WCAG 2.2 2.5.8); a target outside the page model stays as a neighbour."""
    if not isinstance(raw, dict):
        return
    facts.targets_truncated = bool(raw.get("truncated"))
    for item in raw.get("targets") or ():
        box = item.get("box")
        if not (isinstance(box, list) and len(box) == 4 and all(isinstance(v, (int, float)) for v in box)):
            continue
        facts.targets.append(
            PointerTarget(
                by_index.get(int(item.get("el", -1))),
                (float(box[0]), float(box[1]), float(box[2]), float(box[3])),
                inline=bool(item.get("inline")),
                agent=bool(item.get("agent")),
                name=str(item.get("name") or ""),
                href=str(item.get("href") or ""),
            )
        )
