"""keyboard-trap (WCAG 2.1.2, ACT 80af7b, a1b64e, ebe86a): what the browser's keyboard-trap phase found
(browser/keytrap.py, real Tab, Shift+Tab and Escape presses from each focusable element) is judged here.

The facts are plain data defined in this module, so that the browser layer can build them and the checks never
import it. In static mode ``Document.rendered`` is None and the check finds nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..model import Document
from ..registry import Results, check
from .html_common import page_of

__all__ = ["KeyTrap", "KeyTrapFacts", "has_key_instructions", "keytrap_of", "trap_outcome"]

# Words of a keyboard instruction ("Tryck Esc för att stänga", "Press the M key to exit"): a page that says
# something like this may tell the way out of a trap by a key other than Tab, Shift+Tab and Escape (ACT ebe86a).
_INSTRUCTION = re.compile(
    r"\b(\w*tangent\w*|tryck\w*|\w*kommando\w*|press\w*|key\w*|shortcut\w*|esc(ape)?|tabb?"
    r"|shift|skift|ctrl|control|alt|enter|retur|mellanslag|space(bar)?|f\d{1,2})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class KeyTrap:
    """A focusable element tried with key presses. Each walk: "out" (focus reached the browser's interface),
    "cycle" (focus went round the same elements twice, or stayed put), "far" (the presses or the time ran out),
    "error" (a script error on the way: a handler that calls a script that did not load), "" (not tried)."""

    element: Any
    forward: str = ""  # Tab
    backward: str = ""  # Shift+Tab
    escape: str = ""  # Escape, then Tab
    # the cycle holds an element that Enter, Space or an arrow key acts on (not pressed: the way out may be there)
    activatable: bool = False


@dataclass(slots=True)
class KeyTrapFacts:
    listening: bool = False  # a script listens to key or focus events (else no trap is possible)
    results: list[KeyTrap] = field(default_factory=list)
    text: str = ""  # the page's visible text, for keyboard instructions
    truncated: bool = False  # the time budget or the element cap left elements untried


def keytrap_of(doc: Document) -> KeyTrapFacts | None:
    facts = getattr(doc.rendered, "keytrap", None)
    return facts if isinstance(facts, KeyTrapFacts) else None


def has_key_instructions(text: str) -> bool:
    return _INSTRUCTION.search(text) is not None


def trap_outcome(trap: KeyTrap) -> str:
    """The element's outcome: "passed" (Tab, Shift+Tab or Escape then Tab gets focus to the browser's interface: ACT 80af7b asks for
    one direction), "trapped" (every one of them went round a cycle), "activate" (so did they, but through an
    element that Enter, Space or an arrow key may act on: those keys are not pressed), "error" (a script error on the way, and
    no way out found) or "far" (not decided: the presses or the time ran out)."""
    walks = (trap.forward, trap.backward, trap.escape)
    if "out" in walks:
        return "passed"
    if all(w == "cycle" for w in walks):
        return "activate" if trap.activatable else "trapped"
    return "error" if "error" in walks else "far"


@check("keyboard-trap")
def keyboard_trap(doc: Document, out: Results) -> None:
    """ACT 80af7b: focus can leave each focusable element by Tab or Shift+Tab (a1b64e; Escape too), or the page
    tells how (ebe86a: cantTell, a person checks the instructions). Failed only when every standard key kept
    focus in a cycle and the page has no text that reads as a keyboard instruction."""
    page, facts = page_of(doc), keytrap_of(doc)
    if page is None or facts is None or not facts.listening:
        return
    instructions = has_key_instructions(facts.text)
    for trap in facts.results:
        location = page.location(trap.element)
        outcome = trap_outcome(trap)
        if outcome == "passed":
            out.passed(location)
        elif outcome == "trapped":
            if instructions:
                out.cant_tell("instructions", location)
            else:
                out.failed("trapped", location)
        else:
            out.cant_tell("unsure", location, reason=outcome)
