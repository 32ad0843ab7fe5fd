"""Checking a page in the browser: render it, read the rendered DOM into the same ``Document`` as static HTML,
add the browser's facts, run every HTML rule (those with ``render = true`` too), and take screenshots of the
elements a person must judge."""

from __future__ import annotations

import hashlib
import logging
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from lxml import etree

from ..checks.html_media import MediaState
from ..engine import CheckOptions, base_entry, fill_entry
from ..errors import DocumentError
from ..limits import Limits
from ..model import Document
from ..readers.html import read_bytes
from ..report import DocumentEntry
from .facts import ElementFacts, RenderFacts, contrast_samples
from .interaction import interaction_facts
from .keytrap import keytrap_facts
from .session import Browser, LivePage, Rendered

__all__ = ["check_rendered", "rendered_document"]

log = logging.getLogger(__name__)
MARK = "data-tillgang"


def rendered_document(
    rendered: Rendered, source: str, limits: Limits, filename: str | None = None
) -> Document:
    """The rendered DOM as a ``Document`` (``native`` is the page model), with ``contrast`` and ``rendered``."""
    by_index: dict[int, Any] = {}

    raw_facts: list[dict[str, Any]] = list(rendered.facts.get("elements") or ())

    def take_marks(root: etree._Element) -> None:
        for el in root.iter(etree.Element):
            mark = el.attrib.pop(MARK, None)
            if mark is not None and mark.isdigit():
                by_index[int(mark)] = el
        computed_visibility(root, {el: raw_facts[i] for i, el in by_index.items() if i < len(raw_facts)})

    data = rendered.html.encode("utf-8")
    kind = str(rendered.facts.get("contentType") or "text/html").split(";")[0].strip().lower()
    if kind not in ("image/svg+xml", "application/xml", "text/xml", "application/mathml+xml"):
        kind = "text/html"  # an HTML or XHTML page; an SVG or XML document is not a web page (docs/html.md)
    doc = read_bytes(
        data, source, limits, filename=filename, content_type=f"{kind}; charset=utf-8", prepare=take_marks
    )
    if doc.format != "html":
        return doc
    facts = RenderFacts(final_url=rendered.url, truncated=bool(rendered.facts.get("truncated")))
    for index, raw in enumerate(rendered.facts.get("elements") or ()):
        el = by_index.get(index)
        if el is not None:
            box = tuple(float(v) for v in raw.get("box", (0, 0, 0, 0)))[:4]
            facts.elements[el] = ElementFacts((box[0], box[1], box[2], box[3]), bool(raw.get("shown")))
            if isinstance(raw.get("media"), dict):
                facts.media[el] = MediaState.from_probe(raw["media"])
    facts.indices = {el: index for index, el in by_index.items()}
    facts.interaction = interaction_facts(rendered.facts.get("interaction"), by_index)
    if facts.interaction is None:
        doc.warnings.append(
            "the interaction probe failed on this page; focus, scrolling, zoom and frames not checked"
        )
    facts.keytrap = keytrap_facts(rendered.facts.get("keytrap"), by_index)
    if facts.keytrap is not None and facts.keytrap.truncated:
        doc.warnings.append(
            "the keyboard-trap test ran out of time on this page; some elements were not tried"
        )
    doc.rendered = facts
    doc.contrast = contrast_samples(doc.native, list(rendered.facts.get("texts") or ()), by_index)
    if facts.truncated:
        doc.warnings.append(
            "the page has more elements than the browser probe measures; the rest were not checked"
        )
    return doc


# Not content, or hidden by the browser's own style sheet while still in the accessibility tree (an image map's
# areas): the page model's own reading stands.
_NOT_CONTENT = frozenset(["script", "style", "template", "noscript", "title", "meta", "link", "base", "area"])


def computed_visibility(root: etree._Element, facts: dict[Any, dict[str, Any]]) -> None:
    """Write what the browser computed about hiding into the body's ``style`` attributes, so that the page model
    (which reads inline styles) sees content hidden or shown by style sheets and scripts as the browser does:
    ``display: none``, the display of a ``hidden`` element that CSS shows, and ``visibility`` where it differs
    from the parent's."""
    body = root.find("body")
    if body is None:
        return
    for el in body.iter(etree.Element):
        if not isinstance(el.tag, str) or el.tag in _NOT_CONTENT or ":" in el.tag or "}" in el.tag:
            continue
        raw = facts.get(el)
        if raw is None:
            continue
        fixes = []
        if raw.get("none"):
            fixes.append("display: none")
        elif raw.get("display") and "hidden" in el.attrib:
            fixes.append(f"display: {raw['display']}")
        parent = el.getparent()
        parent_hidden = bool(facts.get(parent, {}).get("vh")) if parent is not None else False
        if bool(raw.get("vh")) != parent_hidden:
            fixes.append("visibility: hidden" if raw.get("vh") else "visibility: visible")
        if fixes:
            style = (el.get("style") or "").strip().rstrip(";")
            el.set("style", "; ".join([style, *fixes] if style else fixes))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_rendered(
    browser: Browser,
    target: str,
    source: str,
    options: CheckOptions,
    *,
    allow_private: bool = False,
    shots: Path | None = None,
    body: bytes | None = None,
    content_type: str | None = None,
    trusted_hosts: frozenset[str] = frozenset(),
    on_document: Callable[[Document], None] | None = None,
    max_shots: int | None = None,
) -> DocumentEntry:
    """One page (a file path or a URL) checked in the browser. Never raises for a bad page: the error goes into
    the entry. ``shots``: the folder of the report, where ``screenshots/`` are written for cantTell findings
    (at most ``max_shots`` of them for this page; None: no limit)."""
    is_file = "://" not in target
    entry = base_entry(source, None, "html", None)
    if is_file:
        try:
            raw = Path(target).read_bytes()
            entry["size"], entry["sha256"] = len(raw), _sha(raw)
        except OSError as exc:
            entry["error"] = DocumentError("corrupt", f"cannot read the file: {exc.strerror or exc}").as_dict(
                options.lang
            )
            return entry
    render_options = replace(options, render=True)
    try:
        with browser.open(
            target,
            allow_private=allow_private,
            timeout_s=options.limits.timeout_s,
            body=body,
            content_type=content_type,
            trusted_hosts=trusted_hosts,
            targets="wcag22" in render_options.rule_set.split(",")
            and (options.rules is None or "target-size" in options.rules),
            keys=options.rules is None or "keyboard-trap" in options.rules,
        ) as live:
            html = live.rendered.html.encode("utf-8")
            if not is_file:
                entry["size"], entry["sha256"] = len(html), _sha(html)
            doc = rendered_document(
                live.rendered, source, options.limits, Path(target).name if is_file else None
            )
            entry["format"] = doc.format
            fill_entry(entry, doc, render_options)
            entry["rendered"] = True
            if shots is not None:
                _screenshots(entry, doc, live, shots, max_shots)
            if on_document is not None:
                on_document(doc)
            doc.close()
    except DocumentError as exc:
        entry["error"] = exc.as_dict(options.lang)
    except Exception as exc:  # the browser or the page did something unexpected: this page only
        log.error("rendering %s failed:\n%s", source, traceback.format_exc())
        entry["error"] = DocumentError("corrupt", f"{type(exc).__name__}: {exc}").as_dict(options.lang)
    if entry["error"] is not None:
        for key in ("rules", "findings", "passed_targets", "rendered"):
            entry.pop(key, None)  # type: ignore[misc]
    return entry


SHOT_MAX_BYTES = 2_000_000  # a larger PNG (a huge element) is dropped: evidence, not an archive of the page


def _shoot(live: LivePage, index: int, path: Path) -> bool:
    """The element's PNG at ``path``, or False (and no file) when it cannot be taken or is too large."""
    if not live.screenshot(index, path):
        return False
    if path.stat().st_size > SHOT_MAX_BYTES:
        path.unlink(missing_ok=True)
        return False
    return True


def _screenshots(
    entry: DocumentEntry, doc: Document, live: LivePage, folder: Path, limit: int | None = None
) -> None:
    """A PNG of each element with a cantTell finding (at most ``limit`` files, each at most
    ``SHOT_MAX_BYTES``), named by hashes of the page and the element's number, so a rerun overwrites instead of
    adding; linked from the finding as ``screenshot`` (relative to the report's folder)."""
    facts = doc.rendered
    wanted = [
        f for f in entry.get("findings", ()) if f["outcome"] == "cantTell" and f["location"].get("selector")
    ]
    if not wanted or not isinstance(facts, RenderFacts):
        return
    by_selector = {
        doc.native.selector(el): index
        for el, index in facts.indices.items()
        if el in facts.elements and facts.elements[el].shown and min(facts.elements[el].box[2:]) >= 1
    }  # only elements with a box can be photographed
    page_key = _sha(entry["source"].encode("utf-8"))[:12]
    taken: dict[int, str | None] = {}
    for finding in wanted:
        index = by_selector.get(str(finding["location"].get("selector")))
        if index is None:
            continue
        if index not in taken:
            if limit is not None and sum(1 for t in taken.values() if t) >= limit:
                break
            name = f"screenshots/{page_key}-{index}.png"
            (folder / "screenshots").mkdir(parents=True, exist_ok=True)
            taken[index] = name if _shoot(live, index, folder / name) else None
        shot = taken[index]
        if shot:
            finding["screenshot"] = shot
