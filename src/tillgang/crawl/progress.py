"""Progress on a terminal (stderr, only when it is a terminal, about twice a second) and the end summary."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

__all__ = ["Counters", "Progress", "summary_text"]


@dataclass
class Counters:
    pages: int = 0
    documents: int = 0
    reused: int = 0
    errors: int = 0
    skipped: int = 0
    queued: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def done(self) -> int:
        return self.pages + self.documents

    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0


_LABELS = {
    "sv": ("sidor", "dokument", "återanvända", "fel", "i kö", "per s"),
    "en": ("pages", "documents", "reused", "errors", "queued", "per s"),
}


class Progress:
    def __init__(
        self, counters: Counters, lang: str = "sv", stream: TextIO | None = None, force: bool = False
    ):
        self.counters = counters
        self.lang = lang if lang in _LABELS else "sv"
        self.stream = stream or sys.stderr
        self.enabled = force or self.stream.isatty()
        self._task: asyncio.Task[None] | None = None

    def line(self) -> str:
        c = self.counters
        pages, docs, reused, errors, queued, per_s = _LABELS[self.lang]
        return (
            f"{pages} {c.pages} · {docs} {c.documents} · {reused} {c.reused} · {errors} {c.errors} · "
            f"{queued} {c.queued} · {c.rate():.1f} {per_s}"
        )

    async def _loop(self) -> None:
        while True:
            self.stream.write("\r\x1b[K" + self.line())
            self.stream.flush()
            await asyncio.sleep(0.5)

    def start(self) -> None:
        if self.enabled:
            self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self.stream.write("\r\x1b[K" + self.line() + "\n")
            self.stream.flush()
            self._task = None


_STATUS = {
    "sv": {"complete": "klar", "partial": "ofullständig (en gräns nåddes)", "interrupted": "avbruten"},
    "en": {"complete": "complete", "partial": "partial (a limit was reached)", "interrupted": "interrupted"},
}


def summary_text(output: dict[str, Any], lang: str = "sv") -> str:
    """The summary a person reads at the end of a crawl."""
    s = output["summary"]
    sv = lang != "en"
    status = _STATUS["sv" if sv else "en"].get(s["status"], s["status"])
    lines = []
    if sv:
        lines.append(f"Genomsökning {output['run']['id']}: {status} på {s['duration_s']:.0f} s")
        lines.append(
            f"  Sidor: {s['pages']}   Dokument: {s['documents']}   Återanvända resultat: {s['reused']}   "
            f"Förfrågningar: {s['requests']}"
        )
        lines.append(
            f"  Fel i regler: {s['findings']['failed']}   Att granska manuellt: {s['findings']['cantTell']}   "
            f"Trasiga länkar: {s['broken_links']}   Kunde inte kontrolleras: {s['not_checked']}"
        )
    else:
        lines.append(f"Crawl {output['run']['id']}: {status} in {s['duration_s']:.0f} s")
        lines.append(
            f"  Pages: {s['pages']}   Documents: {s['documents']}   Reused results: {s['reused']}   "
            f"Requests: {s['requests']}"
        )
        lines.append(
            f"  Rule failures: {s['findings']['failed']}   To review: {s['findings']['cantTell']}   "
            f"Broken links: {s['broken_links']}   Could not be checked: {s['not_checked']}"
        )
    if s["rules_failed"]:
        top = sorted(s["rules_failed"].items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        head = (
            "  Vanligaste felen (antal sidor/dokument):"
            if sv
            else "  Most common failures (pages/documents):"
        )
        lines.append(head)
        lines.extend(f"    {rule}: {n}" for rule, n in top)
    comp = output["comparison"]
    if comp["previous_run"]:
        lines.append(
            (
                f"  Jämfört med {comp['previous_run']}: {len(comp['new'])} nya, {len(comp['fixed'])} åtgärdade, "
                f"{comp['persisting']} kvarstår"
            )
            if sv
            else (
                f"  Compared with {comp['previous_run']}: {len(comp['new'])} new, {len(comp['fixed'])} fixed, "
                f"{comp['persisting']} persisting"
            )
        )
    for host, info in sorted((output["run"].get("robots") or {}).items()):
        if info.get("status") == "unavailable":
            code = info.get("http_status") or ("inget svar" if sv else "no answer")
            lines.append(
                f"  robots.txt för {host} kunde inte läsas ({code}): värden genomsöktes inte (RFC 9309)."
                if sv
                else f"  robots.txt of {host} could not be read ({code}): the host was not crawled (RFC 9309)."
            )
    if s["skipped"]:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(s["skipped"].items()))
        lines.append(("  Hoppade över: " if sv else "  Skipped: ") + parts)
    if s["errors"]:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(s["errors"].items()))
        lines.append(("  Fel: " if sv else "  Errors: ") + parts)
    return "\n".join(lines) + "\n"
