"""The keyboard-trap phase (WCAG 2.1.2, ACT 80af7b, a1b64e, ebe86a): real key presses (Tab, Shift+Tab, Escape)
from each focusable element, to find out whether focus can leave it and reach the browser's own interface.

Run after the interaction probe, in the same tab. A keyboard trap needs a script that reacts to keys or focus
(a ``keydown`` handler that cancels Tab, a ``blur`` handler that takes focus back): ``WATCH_JS``, installed in
every frame before the page's scripts run, notes whether the page adds a listener for keydown, keypress, keyup,
focus, blur, focusin or focusout, and counts the page's own ``focus()`` calls. A page without such a listener
(and without an ``on…`` handler for them) is not tested: the rule does not apply there.

On a page that listens, a rehearsal without key presses comes first: each element is focused in turn and sent
a synthetic Tab and Shift+Tab; when no handler cancelled one, the page called no ``focus()`` and no script
failed, every element passes (most pages end here). Otherwise real keys decide: focus walks forward with Tab from
the first element of the tab order without pauses (the fast walk); when every press moved focus without a
``focus()`` call of the page and the walk got past the end of the page, every element on the way can leave
forward. Otherwise each element is tried on its own, with a pause after each press (a script that takes focus
back on a timer), forward and, when that does not get out, backward, and then with Escape. The
raw results go into ``Rendered.facts["keytrap"]``; ``keytrap_facts`` turns them into the check's facts
(checks/html_keytrap.py)."""

from __future__ import annotations

import time
from typing import Any

from ..checks.html_keytrap import KeyTrap, KeyTrapFacts

__all__ = ["WATCH_JS", "keytrap_facts", "measure"]

WAIT_MS = 30  # the pause after a key press in the careful walk: a script that refocuses on a timer acts in it
BUDGET_S = 4.0  # the whole phase on one page; elements left when it runs out are not judged
FAST_STEPS = 300  # presses of the fast walk
MAX_STEPS = 10  # presses of one careful walk before it gives up (cantTell)
MAX_ELEMENTS = 60  # elements tried one by one on a page

WATCH_JS = """(() => {
  const KEYS = /^(keydown|keypress|keyup|focus|blur|focusin|focusout)$/i;
  const state = { listening: false, calls: 0, errors: 0, ids: new WeakMap(), next: 1, moves: [] };
  const real = new Map([[HTMLElement.prototype, HTMLElement.prototype.focus],
    [SVGElement.prototype, SVGElement.prototype.focus]]);
  Object.defineProperty(window, "__tillgangKeys", { value: state, enumerable: false });
  state.focus = (el) => (el instanceof SVGElement ? real.get(SVGElement.prototype) : real.get(HTMLElement.prototype))
    .call(el, { preventScroll: true });
  const add = EventTarget.prototype.addEventListener;
  // While the test moves focus to the element it starts from, the page does not hear the old element lose it
  // (a blur handler that takes focus back would otherwise pull the test into a trap it did not start in).
  const hush = (e) => { if (state.quiet) e.stopImmediatePropagation(); };
  for (const type of ["blur", "focusout"]) add.call(window, type, hush, true);
  // where focus lands first after a key press, and how many focus() calls the page had made by then: the landing
  // of the press itself, before any handler (a keyup that sends focus back) moves it on
  add.call(window, "focusin", (e) => { if (state.moves.length < 50) state.moves.push([e.target, state.calls]); }, true);
  // focus left the page for the browser's interface (not for a frame of the page: then the page keeps focus)
  add.call(window, "blur", (e) => {
    if (e.target === window && !document.hasFocus() && state.moves.length < 50) state.moves.push([null, state.calls]);
  }, true);
  // a script error while keys are pressed (a handler that calls a function of a script that did not load)
  add.call(window, "error", () => { state.errors += 1; }, true);
  EventTarget.prototype.addEventListener = function addEventListener(type, listener, options) {
    if (typeof type === "string" && KEYS.test(type)) state.listening = true;
    return add.call(this, type, listener, options);
  };
  for (const [proto, original] of real) {
    proto.focus = function focus(options) { state.calls += 1; return original.call(this, options); };
  }
})();"""

# Whether the page listens (also by on… handlers, and in same-origin frames), its focusable elements in
# document order (the data-tillgang numbers of the page probe) and its visible text (for instructions).
_SCAN_JS = """() => {
  const ATTR = "data-tillgang";
  const HANDLERS = ["onkeydown", "onkeypress", "onkeyup", "onfocus", "onblur", "onfocusin", "onfocusout"];
  const state = window.__tillgangKeys;
  let listening = !!(state && state.listening);
  const handles = (t) => { try { return HANDLERS.some((h) => typeof t[h] === "function"); } catch (e) { return false; } };
  if (handles(window) || handles(document)) listening = true;
  const all = document.body ? document.body.querySelectorAll("*") : [];
  const selector = HANDLERS.map((h) => "[" + h + "]").join(",");
  if (!listening && document.querySelector(selector)) listening = true;
  for (let i = 0; !listening && i < all.length; i++) if (handles(all[i])) listening = true;
  for (const frame of document.querySelectorAll("iframe, frame")) {
    try { const s = frame.contentWindow.__tillgangKeys; if (s && s.listening) listening = true; } catch (e) {}
  }
  if (!listening) return { listening, targets: [] };
  const shown = (el) => {
    const s = getComputedStyle(el);
    return s.visibility === "visible" && s.display !== "none" && el.getClientRects().length > 0;
  };
  const NATIVE = /^(button|select|textarea|iframe|summary)$/;
  const focusable = (el) => {
    if (el.closest("[inert]") || el.matches(":disabled") || !shown(el)) return false;
    const tabindex = el.getAttribute("tabindex");
    if (tabindex !== null && /^\\s*-?\\d+\\s*$/.test(tabindex)) return true;
    const tag = el.localName;
    if ((tag === "a" || tag === "area") && el.hasAttribute("href")) return true;
    if (tag === "input") return (el.getAttribute("type") || "").toLowerCase() !== "hidden";
    if (tag === "summary") return !!el.parentElement && el.parentElement.localName === "details";
    if ((tag === "audio" || tag === "video") && el.hasAttribute("controls")) return true;
    return NATIVE.test(tag) || (el.isContentEditable && !(el.parentElement && el.parentElement.isContentEditable));
  };
  const targets = [], positive = [], rest = [];
  for (const el of all) {
    const v = el.getAttribute(ATTR);
    if (v === null || !/^\\d+$/.test(v) || !focusable(el)) continue;
    const index = parseInt(v, 10);
    targets.push(index);
    const tabindex = parseInt(el.getAttribute("tabindex") || "0", 10);
    if (tabindex > 0) positive.push([tabindex, index]);
    else if (!(tabindex < 0)) rest.push(index);
  }
  // the sequential focus navigation order of the document: positive tabindex values first, in ascending order
  const order = [...positive.sort((a, b) => a[0] - b[0]).map((p) => p[1]), ...rest];
  const text = (document.body ? document.body.innerText : "").slice(0, 20000);
  return { listening, targets, order, text };
}"""

# Where focus is after a pause: out (the browser's interface), or a key for the element that has it (followed into
# shadow trees and same-origin frames; a frame of another origin is opaque), and how often the page called focus().
_READ_BODY = """async (wait) => {
  if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
  const state = window.__tillgangKeys;
  if (!state) return { out: false, key: 0, opaque: true, calls: 0, errors: 0 };
  if (!document.hasFocus()) return { out: true, key: 0, opaque: false, calls: state.calls, errors: state.errors };
  let a = document.activeElement, opaque = false;
  for (let depth = 0; a && depth < 20; depth++) {
    if (a.shadowRoot && a.shadowRoot.activeElement) { a = a.shadowRoot.activeElement; continue; }
    if (a.localName === "iframe" || a.localName === "frame") {
      let doc = null;
      try { doc = a.contentDocument; } catch (e) { doc = null; }
      if (!doc) { opaque = true; break; }
      if (doc.activeElement && doc.activeElement !== doc.body) { a = doc.activeElement; continue; }
    }
    break;
  }
  if (!a) return { out: false, key: 0, opaque: true, calls: state.calls, errors: state.errors };
  if (!state.ids.has(a)) state.ids.set(a, state.next++);
  const number = (e) => {
    const mark = e && e.ownerDocument === document && e.getAttribute ? e.getAttribute("data-tillgang") : null;
    return mark !== null && /^\\d+$/.test(mark) ? parseInt(mark, 10) : -1;
  };
  // el: the element itself when it is in this document; top: the element of this document that holds focus
  // (the frame or shadow host around it); landed: where focus first landed since the last read (-1: nowhere, -2: the
  // browser's interface)
  const landing = state.moves.length ? state.moves[0] : null;
  state.moves = [];
  return { out: false, key: state.ids.get(a), el: number(a), top: number(document.activeElement), opaque,
    calls: state.calls, errors: state.errors, landed: landing ? (landing[0] ? number(landing[0]) : -2) : -1,
    landedCalls: landing ? landing[1] : state.calls };
}"""
_READ_JS = f"async ({{ wait }}) => ({_READ_BODY})(wait)"

# Focus an element (the number of the page probe), or leave focus where it is (null), after a pause (``wait``) for
# what its focus handlers do; the page's focus() count starts again from 0.
_FOCUS_JS = """async ({ index, wait }) => {
  const READ = __READ__;
  const state = window.__tillgangKeys;
  if (index !== null) {
    const el = document.querySelector(`[data-tillgang="${index}"]`);
    if (!el || !state) return null;
    state.quiet = true;
    try {
      let a = document.activeElement;
      while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
      if (a && a !== el && a.blur) a.blur();
    } finally {
      state.quiet = false;
    }
    state.focus(el);
    if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  if (state) { state.calls = 0; state.errors = 0; state.moves = []; }
  return READ(0);
}""".replace("__READ__", _READ_BODY)


# The rehearsal, in the page without key presses: each element focused in turn by focus() (which fires the blur and
# focusout handlers of the one before and its own focus handlers) and sent a synthetic Tab and Shift+Tab (keydown
# and keyup). Whether a handler cancelled a keydown, the page called focus(), a script failed, or focus was not
# where it was put; after a pause for timers.
_REHEARSE_JS = """async ({ indices, wait }) => {
  const state = window.__tillgangKeys;
  if (!state) return { prevented: 0, calls: 1, errors: 0, lost: 0 };
  state.calls = 0; state.errors = 0;
  let prevented = 0, lost = 0;
  for (const i of indices) {
    const el = document.querySelector(`[data-tillgang="${i}"]`);
    if (!el) continue;
    state.focus(el);
    let target = document.activeElement;
    while (target && target.shadowRoot && target.shadowRoot.activeElement) target = target.shadowRoot.activeElement;
    if (target !== el && document.activeElement !== el) { lost++; continue; }
    for (const shiftKey of [false, true]) {
      for (const type of ["keydown", "keyup"]) {
        const ev = new KeyboardEvent(type, { key: "Tab", code: "Tab", shiftKey, bubbles: true, cancelable: true,
          composed: true, view: window });
        for (const legacy of ["keyCode", "which"]) Object.defineProperty(ev, legacy, { get: () => 9 });
        try { target.dispatchEvent(ev); } catch (e) { state.errors++; }
        if (type === "keydown" && ev.defaultPrevented) prevented++;
      }
    }
  }
  if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
  return { prevented, calls: state.calls, errors: state.errors, lost };
}"""


# Whether any of the elements (numbers of the page probe; -1: in a frame or shadow tree) is one that Enter, Space
# or an arrow key acts on by itself: a link, a button or other control, a field in a form (Enter submits it), an
# element with a widget role, a media player or embedded content.
_ACTIVATABLE_JS = r"""(indices) => indices.some((i) => {
  const el = i >= 0 ? document.querySelector(`[data-tillgang="${i}"]`) : null;
  if (!el) return true;
  const tag = el.localName, type = (el.getAttribute("type") || "text").toLowerCase();
  const role = (el.getAttribute("role") || "").trim().split(/\s+/)[0].toLowerCase();
  if (/^(button|link|checkbox|radio|switch|tab|menuitem|menuitemcheckbox|menuitemradio|option|combobox|slider|spinbutton|treeitem|gridcell|row|listbox|menu|menubar|tablist|tree|treegrid|grid|radiogroup|scrollbar)$/.test(role)) return true;
  if ((tag === "a" || tag === "area") && el.hasAttribute("href")) return true;
  if (/^(button|select|summary|details|audio|video|iframe|frame|object|embed)$/.test(tag)) return true;
  if (tag === "input" && !/^(text|search|email|url|tel|password|number)$/.test(type)) return true;
  return tag === "input" && !!el.form;
})"""


class _Walker:
    """Key presses in one tab, within the page's time budget. ``first`` and ``last``: the ends of the page's
    sequential focus navigation order (the elements focus wraps round to)."""

    def __init__(self, page: Any, deadline: float, first: int, last: int) -> None:
        self.page = page
        self.deadline = deadline
        self.ends = {"Tab": first, "Shift+Tab": last}
        self.outside = False  # focus is in the browser's interface
        self.last: dict[str, Any] = {}  # the last state read

    def left(self) -> bool:
        return time.monotonic() < self.deadline

    def read(self, wait: int) -> dict[str, Any]:
        return self._note(self.page.evaluate(_READ_JS, {"wait": wait}))

    def focus(self, start: int | None, wait: int) -> dict[str, Any] | None:
        """Focus ``start`` (None: leave focus where it is); where focus is then."""
        state = self.page.evaluate(_FOCUS_JS, {"index": start, "wait": wait})
        return self._note(state) if isinstance(state, dict) else None

    def _note(self, state: dict[str, Any]) -> dict[str, Any]:
        self.outside = bool(state["out"])
        self.last = state
        return state

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def wrapped(self, key: str, before: dict[str, Any], after: dict[str, Any]) -> bool:
        """Whether a press went past the end of the page: focus reached the browser's interface, or (headless
        Chromium has no interface to hold it, and after the first time wraps round at once) it landed on the
        element at the other end of the order without a focus() call of the page."""
        if after["out"]:
            return True
        end = self.ends.get(key, -1)
        # where the press itself put focus (a keyup or focus handler may have moved it on since: in a browser with
        # an interface, focus would be there and the page would not hear those events)
        landed, calls = after.get("landed", -1), after.get("landedCalls", after["calls"])
        if landed == -2 and calls == before["calls"]:
            return (
                True  # it left the page (and a keyup handler, which the page would not hear, brought it back)
            )
        if landed < 0:  # no focus event: focus stayed (or wrapped round to the same element)
            landed, calls = after.get("top", -1), after["calls"]
        if end < 0 or landed != end or calls != before["calls"]:
            return False
        return before.get("top", -1) != end or self.ends["Tab"] == self.ends["Shift+Tab"]

    def walk(
        self,
        start: int | None,
        key: str,
        wait: int,
        steps: int,
        free: set[int],
        trapped: frozenset[int] | set[int] = frozenset(),
    ) -> tuple[str, list[dict[str, Any]]]:
        """``_walk``, and "error" when a script error happened on the way (a handler that calls a script that
        did not load: what the published page does cannot be told)."""
        outcome, seen = self._walk(start, key, wait, steps, free, trapped)
        if outcome != "far" and seen and self.last.get("errors"):
            return "error", seen
        return outcome, seen

    def _walk(
        self,
        start: int | None,
        key: str,
        wait: int,
        steps: int,
        free: set[int],
        trapped: frozenset[int] | set[int],
    ) -> tuple[str, list[dict[str, Any]]]:
        """Press ``key`` from ``start`` (None: where focus is) until focus goes past the end of the page or
        reaches an element known to get there (``free``, keys of elements): "out"; goes round the same cycle
        twice, stays put for three presses or reaches an element that led into a cycle before (``trapped``):
        "cycle"; or the presses or the time run out: "far". Also returns where focus was on the way (with the
        state that closed the cycle). Without pauses (``wait`` 0), "out" after the page called focus() or took
        focus back a moment later is not trusted: "moved"."""
        if start is not None and self.outside:
            self.press("Tab")  # back into the page by the keyboard, as a person would
        first = self.focus(start, 0)
        if first is None:
            return "far", []
        if first["out"]:  # already in the browser's interface (after Escape), or the element took no focus
            return ("out" if start is None else "far"), []
        if start is not None and start not in (first.get("el"), first.get("top")):
            return (
                "far",
                [],
            )  # focus did not land on the element (or its focus handler sent it on): not judged
        seen: list[dict[str, Any]] = [first]
        if int(first["key"]) in free:
            return "out", seen
        if int(first["key"]) in trapped:
            return "cycle", seen
        for _ in range(steps):
            if not self.left():
                return "far", seen
            self.press(key)
            state = self.read(wait)
            if wait == 0 and (state["calls"] or state.get("errors")):
                return "moved", seen  # the page moves focus itself: only the careful walks can tell
            if self.wrapped(key, seen[-1], state) or int(state["key"]) in free:
                if wait == 0 and (state["calls"] or self.read(WAIT_MS)["calls"] != state["calls"]):
                    return "moved", seen
                return "out", seen
            current = int(state["key"])
            if not state["opaque"] and (
                current in trapped or _cycled([int(s["key"]) for s in seen], current)
            ):
                return "cycle", [*seen, state]
            seen.append(state)
        return "far", seen


def _cycled(seen: list[int], current: int) -> bool:
    """Whether the walk, with ``current`` next, has gone round one cycle twice over (a trap): a b a b, or a a a
    (focus stayed put twice)."""
    path = [*seen, current]
    for length in range(1, len(path) // 2 + 1):
        last, before = path[-length:], path[-2 * length : -length]
        if last == before and len(set(last)) == length and (length > 1 or len(path) >= 3):
            return True
    return False


def _keys(seen: list[dict[str, Any]]) -> set[int]:
    return {int(s["key"]) for s in seen}


def _cycle_keys(seen: list[dict[str, Any]]) -> set[int]:
    """The elements a walk that ended in a cycle went round (those it met more than once)."""
    keys = [int(s["key"]) for s in seen]
    return {k for k in keys if keys.count(k) > 1}


def _indices(seen: list[dict[str, Any]]) -> set[int]:
    return {int(s["el"]) for s in seen if int(s.get("el", -1)) >= 0}


def _careful(walker: _Walker, targets: list[int]) -> dict[int, dict[str, Any]]:
    """Each element tried on its own, with pauses: forward (last element first, so that the elements after it
    are known to get out), backward for those that could not, then Escape for those trapped both ways."""
    results: dict[int, dict[str, Any]] = {}
    chosen = targets[:MAX_ELEMENTS]
    for key, order in (("Tab", list(reversed(chosen))), ("Shift+Tab", chosen)):
        free: set[int] = set()
        free_elements: set[int] = set()
        trapped: set[int] = set()
        for index in order:
            entry = results.setdefault(index, {"el": index})
            if entry.get("out") or not walker.left():
                continue
            if index in free_elements:
                entry[key], entry["out"] = "out", True
                continue
            entry[key], seen = walker.walk(index, key, WAIT_MS, MAX_STEPS, free, trapped)
            if entry[key] == "out":
                entry["out"] = True
                free |= _keys(seen)
                free_elements |= _indices(seen)
            elif entry[key] == "cycle":
                trapped |= _keys(seen)  # every element on the way leads into the cycle
    for index, entry in results.items():
        if entry.get("Tab") == "cycle" and entry.get("Shift+Tab") == "cycle" and walker.left():
            walker.walk(index, "Escape", WAIT_MS, 0, set())  # focus the element, no press
            walker.press("Escape")
            entry["Escape"], seen = walker.walk(None, "Tab", WAIT_MS, MAX_STEPS, set())
            entry["out"] = entry["Escape"] == "out"
            if entry["Escape"] == "cycle":
                # Enter, Space and the arrow keys are standard keys too, but pressing them may submit a form or
                # follow a link: they are not pressed; a cycle through an element they act on is not certain
                members = [int(s.get("el", -1)) for s in seen if int(s["key"]) in _cycle_keys(seen)]
                entry["activatable"] = bool(walker.page.evaluate(_ACTIVATABLE_JS, members or [-1]))
    return {i: e for i, e in results.items() if len(e) > 1}


def _fast(walker: _Walker, targets: list[int], first: int) -> dict[int, dict[str, Any]] | None:
    """The walk forward from the first element without pauses, then from each element it did not pass (a
    negative tabindex, or before the first in the tab order); None when the page moved focus itself or focus
    did not get out (the careful walks decide then)."""
    outcome, seen = walker.walk(first if first >= 0 else targets[0], "Tab", 0, FAST_STEPS, set())
    if outcome != "out":
        return None
    free, free_elements = _keys(seen), _indices(seen)
    results: dict[int, dict[str, Any]] = {}
    for index in targets:
        if index not in free_elements:
            if not walker.left():
                break
            outcome, seen = walker.walk(index, "Tab", 0, FAST_STEPS, free)
            if outcome != "out":
                return None
            free |= _keys(seen)
            free_elements |= _indices(seen)
        results[index] = {"el": index, "Tab": "out", "out": True}
    return results


def _rehearsed(page: Any, targets: list[int]) -> dict[int, dict[str, Any]] | None:
    """Every element passed when the rehearsal found nothing that could keep focus (no Tab keydown cancelled, no
    focus() call of the page, no script error, focus where it was put); else None (real key presses decide)."""
    found: dict[str, Any] = page.evaluate(_REHEARSE_JS, {"indices": targets, "wait": WAIT_MS})
    if any(int(found.get(k) or 0) for k in ("prevented", "calls", "errors", "lost")):
        return None
    return {index: {"el": index, "Tab": "out", "out": True} for index in targets}


def measure(page: Any, error: type[Exception], scripted: bool = True) -> dict[str, Any] | None:
    """The phase's raw facts: ``listening`` (False: the rule does not apply), each tried element's walks, the
    page's visible text and whether time or the element cap cut it short. None when the page could not be
    measured. ``scripted`` False: the page probe found no script, inline handler, frame or plug-in (nothing to
    look for)."""
    if not scripted:
        return {"listening": False, "results": []}
    try:
        scan: dict[str, Any] = page.evaluate(_SCAN_JS)
        targets = [int(i) for i in scan.get("targets") or ()]
        if not scan.get("listening") or not targets:
            return {"listening": bool(scan.get("listening")), "results": []}
        order = [int(i) for i in scan.get("order") or ()] or [-1]
        walker = _Walker(page, time.monotonic() + BUDGET_S, order[0], order[-1])
        mode, results = "rehearsed", _rehearsed(page, targets)
        if results is None:
            mode, results = "fast", _fast(walker, targets, order[0])
        if results is None:
            mode, results = "careful", _careful(walker, targets)
        return {
            "listening": True,
            "mode": mode,
            "results": list(results.values()),
            "text": str(scan.get("text") or ""),
            "truncated": len(results) < len(targets),
        }
    except error:
        return None


def keytrap_facts(raw: Any, by_index: dict[int, Any]) -> KeyTrapFacts | None:
    """The check's facts, keyed by the elements of the page model."""
    if not isinstance(raw, dict):
        return None
    facts = KeyTrapFacts(
        listening=bool(raw.get("listening")),
        text=str(raw.get("text") or ""),
        truncated=bool(raw.get("truncated")),
    )
    for item in raw.get("results") or ():
        el = by_index.get(int(item.get("el", -1)))
        if el is None:
            continue
        facts.results.append(
            KeyTrap(
                el,
                forward=str(item.get("Tab") or ""),
                backward=str(item.get("Shift+Tab") or ""),
                escape=str(item.get("Escape") or ""),
                activatable=bool(item.get("activatable")),
            )
        )
    return facts
