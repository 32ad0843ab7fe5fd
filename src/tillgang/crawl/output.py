"""The output of a crawl run (``run.json``): entries, broken links, orphan pages, the summary, and the
comparison with the previous run of the same site (new, fixed, persisting findings), and the exit status."""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..engine import tool_info
from ..timeutil import iso_z_from_epoch
from .config import CrawlConfig
from .frontier import MAX_SKIPPED_PER_REASON
from .state import StateStore

__all__ = ["RunFacts", "build_output", "compare_findings", "exit_status", "finding_key"]


@dataclass(frozen=True)
class RunFacts:
    """What the output needs beyond the results in the state file."""

    run_id: str
    site: str
    status: str
    started: float  # epoch seconds
    config: CrawlConfig
    partial_reasons: Iterable[str]
    skipped: Mapping[str, int]  # counts by reason
    skipped_list: list[dict[str, Any]]
    ref_count: Mapping[str, int]  # how often each canonical URL is linked
    robots: dict[str, dict[str, Any]]  # by host, with its effective delay
    sitemaps: list[dict[str, Any]]
    requests: int


def build_output(store: StateStore, facts: RunFacts) -> dict[str, Any]:
    pages, documents, skipped, current = _results(store, facts)
    broken = [
        {
            "url": e["url"],
            "status": e.get("status"),
            "error": e["error"]["message"],
            "linked_from": e.get("linked_from", []),
            "linked_from_count": e.get("linked_from_count", 0),
        }
        for e in [*pages, *documents]
        if e.get("error") and e["error"]["code"] == "fetch-failed"
    ]
    orphans = [e["url"] for e in pages if e.get("discovered_via") == "sitemap" and not e.get("linked_from")]
    comparison = compare(store, facts.site, facts.run_id, current)
    listed, omitted = _skipped_listed(skipped, facts.skipped)
    finished = time.time()
    summary = _summary(facts, pages, documents, broken, comparison, finished)
    return {
        "tool": tool_info(),
        "run": {
            "id": facts.run_id,
            "site": facts.site,
            "started": iso_z_from_epoch(facts.started),
            "finished": iso_z_from_epoch(finished),
            "status": facts.status,
            "start_urls": list(facts.config.start_urls),
            "config": facts.config.as_dict(),
            "robots": facts.robots,
            "sitemaps": facts.sitemaps,
        },
        "summary": summary,
        "pages": pages,
        "documents": documents,
        "broken_links": broken,
        "orphan_pages": orphans,
        "skipped": listed,
        "skipped_omitted": omitted,
        "comparison": comparison,
    }


def _skipped_listed(
    skipped: list[dict[str, Any]], counts: Mapping[str, int]
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The skipped URLs listed in run.json, at most ``MAX_SKIPPED_PER_REASON`` per reason so that one reason
    (thousands of ``max-pages``) never crowds out the others, and per reason how many were not listed
    (``summary.skipped`` has the counts of every reason)."""
    listed: list[dict[str, Any]] = []
    per_reason: Counter[str] = Counter()
    for entry in skipped:
        reason = str(entry.get("reason"))
        if per_reason[reason] < MAX_SKIPPED_PER_REASON:
            per_reason[reason] += 1
            listed.append(entry)
    omitted = {
        reason: count - per_reason[reason]
        for reason, count in sorted(counts.items())
        if count > per_reason[reason] and per_reason[reason] >= MAX_SKIPPED_PER_REASON
    }
    return listed, omitted


def _results(
    store: StateStore, facts: RunFacts
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The run's page and document entries (with who links them), its skipped URLs, and the checked entries
    by canonical URL."""
    pages: list[dict[str, Any]] = []
    documents: list[dict[str, Any]] = []
    skipped = list(facts.skipped_list)
    referrers = store.referrers(facts.run_id)
    current: dict[str, dict[str, Any]] = {}
    for url, kind, entry in store.results(facts.run_id):
        if kind == "page":
            pages.append(entry)
        elif kind == "document":
            documents.append(entry)
        else:
            skipped.append(entry)
            continue
        current[url] = entry
        links = referrers.get(url)
        if links:
            entry["linked_from"] = links
            entry["linked_from_count"] = max(facts.ref_count.get(url, 0), len(links))
    return pages, documents, skipped, current


def _summary(
    facts: RunFacts,
    pages: list[dict[str, Any]],
    documents: list[dict[str, Any]],
    broken: list[dict[str, Any]],
    comparison: dict[str, Any],
    finished: float,
) -> dict[str, Any]:
    entries = [*pages, *documents]
    errors: Counter[str] = Counter()
    rules_failed: Counter[str] = Counter()
    outcomes = {"failed": 0, "cantTell": 0}
    for e in entries:
        if e.get("error"):
            errors[e["error"]["code"]] += 1
        for rule, outcome in (e.get("rules") or {}).items():
            if outcome == "failed":
                rules_failed[rule] += 1
        for f in e.get("findings") or []:
            if f.get("outcome") in outcomes:
                outcomes[f["outcome"]] += 1
    duration = max(finished - facts.started, 1e-9)
    return {
        "status": facts.status,
        "partial_reasons": sorted(facts.partial_reasons),
        "pages": len(pages),
        "documents": len(documents),
        "checked": sum(1 for e in entries if not e.get("reused") and "rules" in e),
        "reused": sum(1 for e in entries if e.get("reused")),
        "not_checked": sum(1 for e in entries if e.get("error")),
        "errors": dict(errors),
        "broken_links": len(broken),
        "skipped": dict(Counter(facts.skipped)),
        "rules_failed": dict(rules_failed),
        "findings": outcomes,
        "new": len(comparison["new"]),
        "fixed": len(comparison["fixed"]),
        "persisting": comparison["persisting"],
        "requests": facts.requests,
        "duration_s": round(duration, 3),
        "urls_per_s": round(len(entries) / duration, 2),
    }


# ------------------------------------------------------------------ comparison with the previous run
def compare(store: StateStore, site: str, run_id: str, current: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """New, fixed and persisting findings against the previous finished run of the same site. "Fixed" only
    when the URL was checked in this run (no error) and the finding is gone (notes §8.10)."""
    prev_id = store.previous_run(site, run_id)
    previous = store.results(prev_id) if prev_id else iter(())
    return {"previous_run": prev_id, **compare_findings(previous, current)}


def finding_key(url: str, finding: dict[str, Any]) -> tuple[str, str | None]:
    """Finding identity (notes §8.10): (canonical URL, rule, location), and a second key on the
    fingerprint when the reader gives one, so a finding whose positional selector shifted still matches."""
    loc = dict(finding.get("location") or {})
    fingerprint = loc.pop("fingerprint", None)
    where = json.dumps(loc, sort_keys=True, ensure_ascii=False) if loc else finding.get("message", "")
    primary = f"{url}\x1f{finding.get('rule')}\x1f{where}"
    secondary = f"{url}\x1f{finding.get('rule')}\x1f#{fingerprint}" if fingerprint else None
    return primary, secondary


def compare_findings(
    previous_results: Iterable[tuple[str, str, dict[str, Any]]], current: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """New, fixed and persisting findings. ``previous_results``: (canonical URL, kind, entry) of the previous
    run; ``current``: this run's entries by canonical URL. Matching is on (URL, rule, location) first, then on
    the fingerprint; each previous finding matches at most one current finding."""
    # every previous finding, numbered; a key may occur more than once (the same finding twice on a page)
    previous: list[tuple[str, dict[str, Any]]] = []
    by_primary: dict[str, list[int]] = defaultdict(list)
    by_secondary: dict[str, list[int]] = defaultdict(list)
    for url, kind, entry in previous_results:
        if kind not in ("page", "document"):
            continue
        for f in entry.get("findings") or []:
            primary, secondary = finding_key(url, f)
            by_primary[primary].append(len(previous))
            if secondary:
                by_secondary[secondary].append(len(previous))
            previous.append((url, f))
    matched: set[int] = set()
    new: list[dict[str, Any]] = []
    unmatched: list[tuple[str, str | None, str, dict[str, Any]]] = []
    for url, entry in current.items():  # first pass: the same location
        for f in entry.get("findings") or []:
            primary, secondary = finding_key(url, f)
            hit = next((i for i in by_primary.get(primary, ()) if i not in matched), None)
            if hit is not None:
                matched.add(hit)
            else:
                unmatched.append((primary, secondary, entry["url"], f))
    for _primary, secondary, url, f in unmatched:  # second pass: the same fingerprint elsewhere
        hit = next((i for i in by_secondary.get(secondary or "", ()) if i not in matched), None)
        if hit is not None:
            matched.add(hit)
        else:
            new.append(_finding_ref(url, f))
    fixed = []
    for index, (url, f) in enumerate(previous):
        if index in matched:
            continue
        checked = current.get(url)
        if checked is not None and not checked.get("error"):
            fixed.append(_finding_ref(checked["url"], f))
    return {"new": new, "fixed": fixed, "persisting": len(matched)}


def _finding_ref(url: str, f: dict[str, Any]) -> dict[str, Any]:
    return {
        "url": url,
        "rule": f.get("rule"),
        "outcome": f.get("outcome"),
        "location": f.get("location"),
        "message": f.get("message"),
    }


def exit_status(output: dict[str, Any]) -> int:
    """0 nothing failed; 1 some rule failed or some link is broken; 3 some URL could not be fetched or
    checked (and nothing failed) — the convention of ``tillgang check``."""
    entries = [*output["pages"], *output["documents"]]
    if output["broken_links"] or any("failed" in (e.get("rules") or {}).values() for e in entries):
        return 1
    if any(e.get("error") for e in entries) or output["summary"]["status"] != "complete":
        return 3
    return 0
