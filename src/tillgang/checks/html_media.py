"""Audio and video on web pages: what WCAG 1.2.1-1.2.5 ask a person to judge (media-alternative) and audio that
plays automatically (media-autoplay, WCAG 1.4.2).

``media-alternative`` only lists (cantTell): whether a video has sound, and whether its captions, audio
description or transcript match what it says and shows, cannot be read from the page. ``media-autoplay`` decides
what is certain (a clip known to be short, native controls, a long audio clip on a page without scripts or any
other control) and asks a person otherwise. In rendered mode the browser's playback facts (``MediaState``, built
by browser/check.py from probes/page.js) add the duration, ``muted`` and the volume.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..model import Document
from ..readers.native import Info, Page
from ..registry import Results, check
from .html_common import at, offscreen, page_of, short

__all__ = ["LONG_SECONDS", "MediaState", "fragment_span", "media_sources", "wav_seconds"]

LONG_SECONDS = 3.0  # WCAG 1.4.2: audio that plays automatically "for more than 3 seconds"

# Words of a link or button near a clip that offers an alternative (Swedish and English).
_OFFER = re.compile(
    r"transkri|textversion|text version|textalternativ|i textform|som text\b|syntolk|textning|textad|undertext|"
    r"teckenspråk|transcript|captions?\b|subtitle|audio description|described version|sign language",
    re.IGNORECASE,
)
# Hosts of embedded video players (iframe src): the player's own captions cannot be seen from the page.
_PLAYERS = ("youtube.com", "youtube-nocookie.com", "youtu.be", "vimeo.com", "screen9.com", "screen9.tv",
            "qbrick.com", "kaltura.com", "dreambroker.com")  # fmt: skip
_ON_ATTRS = ("onclick", "onkeydown", "onkeyup", "onkeypress", "onpointerdown", "onpointerup", "onmousedown")
# Script types that hold data and never run (JSON-LD, import maps, templates).
_DATA_SCRIPT = re.compile(
    r"^(application/(ld\+)?json|importmap|speculationrules|text/(template|x-template|html|plain))$",
    re.IGNORECASE,
)
_NPT = re.compile(r"^(?:npt:)?([0-9:.]*)(?:,([0-9:.]*))?$")


@dataclass(frozen=True, slots=True)
class MediaState:
    """What the browser says of an ``audio``/``video`` element after the page settled. ``duration``: seconds,
    None when unknown (no metadata), -1 for a stream; ``fragment``: the temporal media fragment of the source
    it chose (``#t=8,10`` gives "8,10")."""

    paused: bool
    muted: bool
    volume: float
    duration: float | None
    fragment: str = ""

    @staticmethod
    def from_probe(raw: dict[str, Any]) -> MediaState:
        duration = raw.get("duration")
        return MediaState(
            paused=bool(raw.get("paused", True)),
            muted=bool(raw.get("muted")),
            volume=float(raw.get("volume", 1.0) or 0.0),
            duration=float(duration) if isinstance(duration, (int, float)) else None,
            fragment=str(raw.get("frag") or ""),
        )


def _clock(value: str) -> float | None:
    """An NPT time ("10", "1:30", "0:01:30.5") in seconds."""
    try:
        parts = [float(p) for p in value.split(":")]
    except ValueError:
        return None
    if not parts or len(parts) > 3:
        return None
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


def fragment_span(fragment: str, duration: float | None = None) -> float | None:
    """How long a source with the temporal media fragment ``fragment`` ("8,10", "npt:5", ",3") plays, in
    seconds: its end (else ``duration``) minus its start; None when that cannot be known."""
    m = _NPT.match(fragment.strip())
    if not m:
        return None
    start = _clock(m.group(1)) if m.group(1) else 0.0
    end = _clock(m.group(2)) if m.group(2) else duration
    if start is None or end is None or end < 0:
        return None
    if duration is not None and duration >= 0:
        end = min(end, duration)
    return max(0.0, end - start)


def wav_seconds(url: str) -> float | None:
    """The length of a WAV file given as a ``data:`` URL (base64), read from its header; None otherwise."""
    head, sep, payload = url.partition(",")
    if not sep or not head.lower().startswith("data:audio/") or not head.lower().endswith(";base64"):
        return None
    try:
        data = base64.b64decode(payload.split("#", 1)[0], validate=False)
    except (binascii.Error, ValueError):
        return None
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    pos, byte_rate, size = 12, 0, None
    while pos + 8 <= len(data):
        chunk, length = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        if chunk == b"fmt " and length >= 12 and pos + 20 <= len(data):
            byte_rate = struct.unpack("<I", data[pos + 16 : pos + 20])[0]
        elif chunk == b"data":
            size = min(length, len(data) - pos - 8)
            break
        pos += 8 + length + (length & 1)
    if not byte_rate or size is None:
        return None
    return size / byte_rate


def media_sources(page: Page, info: Info) -> list[str]:
    """The addresses an ``audio``/``video`` element may play: its ``src``, else its ``source`` children's."""
    src = (info.attrs.get("src") or "").strip()
    if src:
        return [src]
    return [(c.attrs.get("src") or "").strip() for c in _children(page, info, "source")]


def _children(page: Page, info: Info, tag: str) -> list[Info]:
    """``source``/``track`` elements of the clip with a ``src``. libxml2's HTML parser does not know these void
    elements and may nest one in the other, so they are the descendants whose nearest clip is ``info``."""
    return [
        c
        for c in page.subtree(info)[1:]
        if c.tag == tag and c.ancestor("video", "audio") is info and (c.attrs.get("src") or "").strip()
    ]


def _describe(info: Info, sources: list[str], tag: bool = True) -> str:
    """``video`` / ``audio`` with its file name (a data: URL by its type); without ``tag`` the name alone."""
    if not sources:
        return info.tag
    src = sources[0]
    if src.lower().startswith("data:"):
        name = src.split(",", 1)[0][5:].split(";", 1)[0]
    else:
        name = urlsplit(src).path.rstrip("/").rsplit("/", 1)[-1] or src
    return short(f"{info.tag} ({name})" if tag else name, 60)


def _shown(doc: Document, info: Info) -> bool:
    """Visible to a sighted user, as far as the page model (and in rendered mode the browser's box) tells."""
    if not info.visible or offscreen(info):
        return False
    elements = getattr(doc.rendered, "elements", None)
    if elements is not None and info.el in elements:
        fact = elements[info.el]
        return bool(fact.shown) and fact.box[2] > 1 and fact.box[3] > 1
    return True


def _nearby_offer(page: Page, info: Info) -> str | None:
    """The text of a link, button or summary near the clip (in its container, up to two levels up, not the
    whole page) or referenced by ``aria-describedby``, that mentions a transcript, captions or description."""
    scope = info
    for _ in range(2):
        parent = scope.parent
        if parent is None or parent.tag in ("body", "html", "main"):
            break
        scope = parent
    candidates = [c for c in page.subtree(scope) if c.tag in ("a", "button", "summary") or c.role == "link"]
    for ident in (info.attrs.get("aria-describedby") or "").split():
        target = page.by_id(ident)
        if target is not None:
            candidates.insert(0, target)
    for cand in candidates:
        text = page.text(cand.el) or (cand.attrs.get("aria-label") or "")
        if _OFFER.search(text):
            return '"' + short(text, 60).rstrip(".") + '"'
    return None


def _tracks(page: Page, info: Info) -> str:
    kinds = []
    for c in _children(page, info, "track"):
        kind = (c.attrs.get("kind") or "subtitles").strip().lower()
        label = f'track kind="{kind}"'
        if label not in kinds:
            kinds.append(label)
    return ", ".join(kinds) or "none"


def _player_host(src: str) -> bool:
    try:
        host = (urlsplit(src.strip()).hostname or "").lower()
    except ValueError:
        return False
    return any(host == h or host.endswith("." + h) for h in _PLAYERS)


@check("media-alternative", formats=("html",))
def media_alternative(doc: Document, out: Results) -> None:
    """Every shown video with media, every audio element with controls shown or that plays automatically, and
    every shown embedded video player: cantTell, naming what the page offers."""
    page = page_of(doc)
    if page is None:
        return
    for info in page.iter("video", "audio", "iframe"):
        if info.ancestor("video", "audio") is not None:
            continue
        if info.tag == "iframe":
            if _player_host(info.attrs.get("src") or "") and _shown(doc, info):
                link = _nearby_offer(page, info) or "none"
                element = short(info.attrs.get("title") or info.attrs.get("src") or "iframe", 60)
                out.cant_tell("embed", at(page, info), element=element, link=link)
            continue
        sources = media_sources(page, info)
        if not sources:
            continue
        if info.tag == "video":
            applicable = _shown(doc, info)
        else:  # an audio element is shown only with its controls; one that plays is heard anyway
            applicable = ("controls" in info.attrs and _shown(doc, info)) or "autoplay" in info.attrs
        if not applicable:
            continue
        out.cant_tell(
            info.tag,
            at(page, info),
            element=_describe(info, sources, tag=False),
            tracks=_tracks(page, info),
            link=_nearby_offer(page, info) or "none",
        )


def _other_control(page: Page, info: Info) -> bool:
    """Anything else on the page that could pause or mute the clip: a script, an element with an event
    handler attribute, or an element that can take focus (a link, a button, a field, a frame...)."""
    for script in page.iter("script"):
        if not _DATA_SCRIPT.match((script.attrs.get("type") or "").strip()):
            return True
    inside = range(info.index, info.end + 1)
    for other in page.infos:
        if other.index in inside:
            continue
        if other.focusable or any(a in other.attrs for a in _ON_ATTRS):
            return True
    return False


def _play_seconds(sources: list[str], state: MediaState | None) -> float | None:
    """How long the clip plays, in seconds, when that can be known: the browser's duration within the source's
    time fragment, else (every source) a time fragment with an end, or the length of an inline WAV file."""
    if state is not None and state.duration is not None:
        if state.duration < 0:
            return float("inf")  # a stream
        span = fragment_span(state.fragment, state.duration) if state.fragment else state.duration
        if span is not None:
            return span
    spans = []
    for src in sources:
        _, _, fragment = src.partition("#t=")
        span = fragment_span(fragment.split("&", 1)[0]) if fragment else None
        if span is None:
            wav = wav_seconds(src)
            span = fragment_span(fragment, wav) if fragment and wav is not None else wav
        if span is None:
            return None
        spans.append(span)
    return max(spans) if spans else None


@check("media-autoplay", formats=("html",))
def media_autoplay(doc: Document, out: Results) -> None:
    """Audio or video that plays automatically (``autoplay``, or found playing in rendered mode) and is not
    muted: passed when it plays at most 3 s or has shown native controls; failed when it certainly plays audio
    for more than 3 s and nothing else on the page could stop it; cantTell otherwise."""
    page = page_of(doc)
    if page is None:
        return
    states: dict[Any, MediaState] = getattr(doc.rendered, "media", None) or {}
    for info in page.iter("video", "audio"):
        sources = media_sources(page, info)
        state = states.get(info.el)
        plays = "autoplay" in info.attrs or (state is not None and not state.paused)
        if not sources or not plays or info.ancestor("video", "audio") is not None:
            continue
        if "muted" in info.attrs or (state is not None and (state.muted or state.volume <= 0)):
            continue
        where, element = at(page, info), _describe(info, sources)
        seconds = _play_seconds(sources, state)
        if seconds is not None and seconds <= LONG_SECONDS:
            out.passed(where)
        elif "controls" in info.attrs:
            if _shown(doc, info):
                out.passed(where)
            else:
                out.cant_tell("hidden-controls", where, element=element)
        elif seconds is None:
            out.cant_tell("unknown", where, element=element, reason="duration")
        elif info.tag == "video" and not any(wav_seconds(s) is not None for s in sources):
            out.cant_tell("unknown", where, element=element, reason="video-audio")
        elif _other_control(page, info):
            out.cant_tell("unknown", where, element=element, reason="other-controls")
        else:
            shown = "∞" if seconds == float("inf") else f"{seconds:.0f}"
            out.failed("no-control", where, element=element, seconds=shown)
