"""Crawl runs into the register: runs, items (pages and documents) and findings across runs (issue 5).

``store_run(output)`` takes the crawler's ``run.json`` (``tillgang.crawl.run.Crawl.build_output``) and writes,
in one transaction, the run, one ``Item`` per page and document, and the findings. A finding is the same
finding across runs when URL, rule and location match (``Finding.identity_of``): it keeps its first and last
run, and becomes fixed when a later run checked its URL without error and no longer finds it. What the run
added, fixed and kept is recorded in ``CrawlRun.summary["register"]`` (finding ids), so an older run's
comparison stays what it was when it was stored, whatever later runs and triage do to the findings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F, Q

from ..report import CrawlEntry, ErrorDict, FindingOutcome
from ..report import Finding as ReportFinding
from .models import (
    ControlActivity,
    CrawlRun,
    Finding,
    FindingScreenshot,
    FindingStatus,
    Item,
    ItemKind,
    Risk,
    RunStatus,
)

__all__ = [
    "ActivityError",
    "findings_of_run",
    "items_for_statement",
    "latest_run",
    "location_key_of",
    "resolve_activity",
    "run_comparison",
    "screenshot_path",
    "store_run",
    "store_screenshots",
]

OUTCOMES: tuple[FindingOutcome, ...] = (
    "failed",
    "cantTell",
)  # the outcomes a finding can have (passed findings are not stored)
MAX_URL = 2048  # Item.url / Finding.url
MAX_LOCATION_KEY = 500  # Finding.location_key
_CHUNK = 500  # ids per IN (...) query


class ActivityError(Exception):
    """The configured control activity does not exist or is ambiguous (Swedish message)."""


# ------------------------------------------------------------------------------------------------ helpers
def _parse_time(value: Any) -> dt.datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def location_key_of(finding: ReportFinding) -> str:
    """The location part of a finding's identity: canonical JSON of its location (sorted keys, no spaces).

    A finding without a location is identified by its message (as the crawler's comparison does); a key longer
    than the column is replaced by its sha256."""
    location = finding.get("location") or {}
    key = canonical_json(location) if location else canonical_json({"message": finding.get("message", "")})
    if len(key) > MAX_LOCATION_KEY:
        key = "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()
    return key


def _clean(value: Any) -> Any:
    """PostgreSQL stores no NUL character (in text or jsonb): a document's title or text may hold one."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _chunks(values: list[Any], size: int = _CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _kind(entry: CrawlEntry, listed_as: str) -> str:
    fmt = entry.get("format")
    if fmt:
        return "page" if fmt == "html" else "document"
    return "page" if listed_as == "pages" else "document"


def _entries(output: dict[str, Any]) -> Iterator[tuple[str, CrawlEntry]]:
    """(list name, entry) for every page and document, once per URL."""
    seen: set[str] = set()
    for listed_as in ("pages", "documents"):
        for entry in output.get(listed_as) or []:
            url = entry.get("url") or entry.get("source") or ""
            if not url or len(url) > MAX_URL or url in seen:
                continue
            seen.add(url)
            yield listed_as, entry


def _status(output: dict[str, Any]) -> str:
    status = (output.get("run") or {}).get("status") or (output.get("summary") or {}).get("status")
    return str(status) if status in RunStatus.values else "partial"


TILLGANG_ACTIVITY = "Automatiserad granskning av publicerade dokument och sidor (tillgang)"


def resolve_activity(value: str | int | None, *, on_risk: bool = False) -> ControlActivity | None:
    """A control activity by id (``12``) or by text contained in its "kontrollmoment" (exactly one match).

    With ``on_risk``, text that names no activity may name a risk instead (its description or process, in the
    latest plan that has a match, exactly one risk): then that risk's activity performed by tillgang is used,
    created when it has none (kept in history). So ``activity = "lagen om tillgänglighet"`` works right after
    importing a plan."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if text.isdigit():
        found = ControlActivity.objects.filter(pk=int(text)).first()
        if found is None:
            raise ActivityError(f"det finns ingen kontrollaktivitet med id {text}")
        return found
    matches = list(ControlActivity.objects.filter(what__icontains=text)[:6])
    if len(matches) > 1:
        ids = ", ".join(str(a.pk) for a in matches[:5])
        raise ActivityError(f"flera kontrollaktiviteter innehåller texten {text!r} (id {ids}): ange id")
    if matches:
        return matches[0]
    if on_risk:
        risk = _risk_named(text)
        if risk is not None:
            existing = (
                risk.activities.filter(performed_by_tillgang=True, retired__isnull=True)
                .order_by("pk")
                .first()
            )
            if existing is not None:
                return existing
            activity = ControlActivity(
                risk=risk,
                what=TILLGANG_ACTIVITY,
                method="Genomsökning av webbplatsen med tillgang; avvikelser granskas och underlaget förseglas",
                performed_by_tillgang=True,
            )
            activity._change_reason = f"skapad av tillgang för {text!r}"
            activity.save()
            return activity
    raise ActivityError(f"ingen kontrollaktivitet innehåller texten {text!r}")


def _risk_named(text: str) -> Risk | None:
    risks = list(
        Risk.objects.filter(Q(description__icontains=text) | Q(process__name__icontains=text))
        .select_related("plan")
        .order_by("-plan__year", "pk")[:20]
    )
    if not risks:
        return None
    latest = [r for r in risks if r.plan.year == risks[0].plan.year]
    if len(latest) > 1:
        ids = ", ".join(str(r.pk) for r in latest[:5])
        raise ActivityError(
            f"flera risker innehåller texten {text!r} (id {ids}): ange kontrollaktivitetens id"
        )
    return latest[0]


# ------------------------------------------------------------------------------------------------ storing
def store_run(
    output: dict[str, Any], activity: ControlActivity | None = None, folder: Path | None = None
) -> CrawlRun:
    """Store a crawl run (the crawler's ``run.json`` as a dict) with its items and findings; with ``folder``
    (where run.json is) the screenshots its findings name are stored with them (``store_screenshots``).

    Idempotent by run id: the same run stored again changes nothing and returns the stored run. A run stored
    while unfinished (``interrupted`` or ``partial``) and later resumed with the same id (a different output,
    finished no earlier) replaces its stored items with the whole run; a ``complete`` run is never replaced."""
    output = _clean(output)
    info = output.get("run") or {}
    run_id = str(info.get("id") or "")
    if not run_id:
        raise ValueError("körningen saknar id (run.id)")
    finished = _parse_time(info.get("finished"))
    digest = hashlib.sha256(canonical_json(output).encode("utf-8", "surrogatepass")).hexdigest()
    with transaction.atomic():
        existing = CrawlRun.objects.select_for_update().filter(run_id=run_id).first()
        if existing is not None:
            stored_digest = ((existing.summary or {}).get("register") or {}).get("output_sha256")
            resumed = (
                existing.status != RunStatus.COMPLETE
                and stored_digest != digest
                and (existing.finished is None or finished is None or finished >= existing.finished)
            )
            if not resumed:
                if activity is not None and existing.activity_id is None:
                    CrawlRun.objects.filter(pk=existing.pk).update(activity=activity)
                    existing.activity = activity
                if folder is not None:
                    store_screenshots(existing, list(_entries(output)), folder)
                return existing
            run = existing
            run.items.all().delete()
        else:
            run = CrawlRun(run_id=run_id)
        tool = output.get("tool") or {}
        summary = dict(output.get("summary") or {})
        summary.pop("register", None)
        run.site = str(info.get("site") or "")[:300]
        run.start_urls = list(info.get("start_urls") or [])
        run.started = _parse_time(info.get("started")) or finished or dt.datetime.now(dt.UTC)
        run.finished = finished
        run.status = _status(output)
        run.tool_version = str(tool.get("version") or "")[:40]
        run.catalogue = str(tool.get("catalogue") or "")[:64]
        run.config = dict(info.get("config") or {})
        run.summary = summary
        if activity is not None:
            run.activity = activity
        run.previous = (
            CrawlRun.objects.filter(site=run.site)
            .filter(  # started earlier, or in the same second and stored earlier
                Q(started__lt=run.started)
                | (Q(started=run.started, pk__lt=run.pk) if run.pk else Q(started=run.started))
            )
            .exclude(run_id=run_id)
            .exclude(status=RunStatus.INTERRUPTED)
            .order_by("-started", "-pk")
            .first()
        )
        run.save()
        entries = list(_entries(output))
        Item.objects.bulk_create(
            [_item(run, listed_as, entry) for listed_as, entry in entries], batch_size=500
        )
        register = _update_findings(run, [entry for _listed, entry in entries])
        if folder is not None:
            register["screenshots"] = store_screenshots(run, entries, folder)
        run.summary = {**summary, "register": {**register, "output_sha256": digest}}
        run.save(update_fields=["summary"])
    return run


MAX_SCREENSHOT_BYTES = 2_000_000  # the crawler's own cap (browser/check.py); a larger file is not stored
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def screenshot_path(folder: Path, name: Any) -> Path | None:
    """The file a finding's ``screenshot`` names, when it is a relative path inside ``folder`` (the run's
    output folder); None for an absolute path, ``..``, a link out of the folder, or anything but a file."""
    if not isinstance(name, str) or not name or "\x00" in name or "\\" in name:
        return None
    rel = Path(name)
    if rel.is_absolute() or ".." in rel.parts or rel.suffix.lower() != ".png":
        return None
    base = folder.resolve()
    try:
        path = (base / rel).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not path.is_relative_to(base) or not path.is_file():
        return None
    return path


def store_screenshots(run: CrawlRun, entries: list[tuple[str, CrawlEntry]], folder: Path) -> dict[str, int]:
    """Keep the PNG each finding names (``screenshot``) with the stored finding: one per finding, replaced by a
    newer one. Paths outside ``folder``, missing files, non-PNGs and files over ``MAX_SCREENSHOT_BYTES`` are
    refused (counted, never read). Returns {"stored": n, "refused": n}."""
    counts = {"stored": 0, "refused": 0}
    for _listed, entry in entries:
        url = entry.get("url") or entry.get("source") or ""
        for f in entry.get("findings") or []:
            if "screenshot" not in f or not f.get("rule"):
                continue
            path = screenshot_path(folder, f.get("screenshot"))
            data = b""
            if path is not None and path.stat().st_size <= MAX_SCREENSHOT_BYTES:
                data = path.read_bytes()
            found = Finding.objects.filter(
                identity=Finding.identity_of(url, str(f["rule"]), location_key_of(f))
            ).first()
            if not data.startswith(PNG_MAGIC) or found is None:
                counts["refused"] += 1
                continue
            digest = hashlib.sha256(data).hexdigest()
            FindingScreenshot.objects.update_or_create(
                finding=found, defaults={"png": data, "sha256": digest, "run": run}
            )
            counts["stored"] += 1
    return counts


def _item(run: CrawlRun, listed_as: str, entry: CrawlEntry) -> Item:
    error: ErrorDict | dict[str, str] = entry.get("error") or {}
    status = entry.get("status")
    return Item(
        run=run,
        url=entry.get("url") or entry.get("source") or "",
        final_url=(entry.get("final_url") or "")[:MAX_URL],
        kind=_kind(entry, listed_as),
        format=str(entry.get("format") or "")[:8],
        title=str(entry.get("title") or "")[:500],
        sha256=str(entry.get("sha256") or "")[:64],
        http_status=status if isinstance(status, int) and 0 < status < 1000 else None,
        fetched_at=_parse_time(entry.get("fetched_at")),
        error_code=str(error.get("code") or "")[:40] if error else "",
        error_message=str(error.get("message") or "") if error else "",
        rules=dict(entry.get("rules") or {}) if not error else {},
        reused=bool(entry.get("reused")),
    )


_Seen = dict[str, tuple[CrawlEntry, ReportFinding, str]]  # identity -> (entry, finding, location key)


def _update_findings(run: CrawlRun, entries: list[CrawlEntry]) -> dict[str, Any]:
    """Create, renew, reopen and fix findings for this run; returns the run's ``register`` summary."""
    seen, checked_urls = _seen_findings(entries)
    ids = list(seen)
    new, renewed, reopened, changed = _sort_findings(run, seen, _existing_findings(ids))
    _write_findings(run, new, renewed, reopened, changed)
    fixed = _fix_gone(run, set(checked_urls), set(seen))

    seen_pks: list[int] = []
    for chunk in _chunks(ids):
        seen_pks.extend(Finding.objects.filter(identity__in=chunk).values_list("pk", flat=True))
    new_ids = sorted(f.pk for f in Finding.objects.filter(first_seen=run).only("pk"))
    outcomes = Counter(f[1].get("outcome") for f in seen.values())
    return {
        "previous_run": run.previous.run_id if run.previous else None,
        "findings": sorted(seen_pks),
        "new": new_ids,
        "fixed": sorted(f.pk for f in fixed),
        "reopened": sorted(f.pk for f in reopened),
        "persisting": len(seen_pks) - len(new_ids),
        "outcomes": {k: outcomes.get(k, 0) for k in OUTCOMES},
    }


def _seen_findings(entries: list[CrawlEntry]) -> tuple[_Seen, list[str]]:
    """The run's findings by identity (the first of each), and the URLs it checked without error."""
    seen: _Seen = {}
    checked_urls: list[str] = []
    for entry in entries:
        url = entry.get("url") or entry.get("source") or ""
        if entry.get("error"):
            continue  # not checked: finds nothing, fixes nothing
        checked_urls.append(url)
        for f in entry.get("findings") or []:
            if f.get("outcome") not in OUTCOMES or not f.get("rule"):
                continue
            key = location_key_of(f)
            seen.setdefault(Finding.identity_of(url, str(f["rule"]), key), (entry, f, key))
    return seen, checked_urls


def _existing_findings(ids: list[str]) -> dict[str, Finding]:
    """The stored findings with these identities, each with the start of the run that last saw it."""
    existing: dict[str, Finding] = {}
    for chunk in _chunks(ids):
        for finding in Finding.objects.filter(identity__in=chunk).annotate(
            last_started=F("last_seen__started")
        ):
            existing[finding.identity] = finding
    return existing


def _sort_findings(
    run: CrawlRun, seen: _Seen, existing: dict[str, Finding]
) -> tuple[list[Finding], list[int], list[Finding], list[Finding]]:
    """What this run does to each finding it found: (new, renewed pks, reopened, changed). The reopened and
    changed findings are changed here, in memory; nothing is written."""
    new: list[Finding] = []
    renewed: list[int] = []
    reopened: list[Finding] = []
    changed: list[Finding] = []
    for identity, (entry, f, key) in seen.items():
        found = existing.get(identity)
        if found is None:
            new.append(
                Finding(
                    identity=identity,
                    url=entry.get("url") or entry.get("source") or "",
                    rule=str(f["rule"])[:100],
                    location_key=key,
                    location=f.get("location") or {},
                    outcome=str(f["outcome"]),
                    severity=str(f.get("severity") or "")[:10],
                    wcag=list(f.get("wcag") or []),
                    message=str(f.get("message") or ""),
                    format=str(entry.get("format") or "")[:8],
                    first_seen=run,
                    last_seen=run,
                )
            )
            continue
        if found.last_started > run.started:
            continue  # an older run stored late: it never moves a finding back in time
        if found.status == FindingStatus.FIXED:
            found.status = FindingStatus.OPEN
            found.fixed_in = None
            found.last_seen = run
            found.outcome = str(f["outcome"])
            found.message = str(f.get("message") or "")
            reopened.append(found)
        elif found.outcome != f["outcome"] or found.message != (f.get("message") or ""):
            found.last_seen = run
            found.outcome = str(f["outcome"])
            found.message = str(f.get("message") or "")
            changed.append(found)
        elif found.last_seen_id != run.pk:
            renewed.append(found.pk)
    return new, renewed, reopened, changed


def _write_findings(
    run: CrawlRun, new: list[Finding], renewed: list[int], reopened: list[Finding], changed: list[Finding]
) -> None:
    """Store what ``_sort_findings`` decided, with history for every change a person may want to trace."""
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    if new:
        bulk_create_with_history(
            new, Finding, batch_size=500, default_change_reason=f"ny i körning {run.run_id}"
        )
    if reopened:
        bulk_update_with_history(
            reopened,
            Finding,
            ["status", "fixed_in", "last_seen", "outcome", "message"],
            batch_size=500,
            default_change_reason=f"hittades igen i körning {run.run_id}",
        )
    if changed:  # the text or outcome changed (a new catalogue version): kept in history
        bulk_update_with_history(
            changed,
            Finding,
            ["last_seen", "outcome", "message"],
            batch_size=500,
            default_change_reason=f"ändrad i körning {run.run_id}",
        )
    for chunk in _chunks(renewed):  # "last seen" alone is bookkeeping, not a change anyone made
        Finding.objects.filter(pk__in=chunk).update(last_seen=run)


def _fix_gone(run: CrawlRun, checked: set[str], seen_ids: set[str]) -> list[Finding]:
    """Mark fixed, and return, the findings not fixed yet, last seen in an earlier run, on URLs this run checked
    without error, that this run no longer finds. One pass over the unfixed findings (no index on long URLs),
    then the matches."""
    from simple_history.utils import bulk_update_with_history

    gone: list[int] = []
    candidates = (
        Finding.objects.exclude(status=FindingStatus.FIXED)
        .exclude(last_seen=run)
        .filter(last_seen__started__lte=run.started)
        .values_list("pk", "url", "identity")
    )
    for pk, finding_url, identity in candidates.iterator(chunk_size=2000):
        if finding_url in checked and identity not in seen_ids:
            gone.append(pk)
    fixed: list[Finding] = []
    for chunk in _chunks(gone):
        for finding in Finding.objects.filter(pk__in=chunk):
            finding.status = FindingStatus.FIXED
            finding.fixed_in = run
            fixed.append(finding)
    if fixed:
        bulk_update_with_history(
            fixed,
            Finding,
            ["status", "fixed_in"],
            batch_size=500,
            default_change_reason=f"åtgärdad: hittades inte i körning {run.run_id}",
        )
    return fixed


# ------------------------------------------------------------------------------------------------ reading
def latest_run(site: str | None = None) -> CrawlRun | None:
    """The latest stored run (of one site), by start time."""
    runs = CrawlRun.objects.all()
    if site:
        runs = runs.filter(site=site)
    return runs.order_by("-started", "-pk").first()


def _register(run: CrawlRun) -> dict[str, Any]:
    data = (run.summary or {}).get("register")
    return data if isinstance(data, dict) else {}


def _by_ids(ids: Iterable[int]) -> list[Finding]:
    wanted = list(ids)
    out: list[Finding] = []
    for chunk in _chunks(wanted):
        out.extend(Finding.objects.filter(pk__in=chunk))
    return sorted(out, key=lambda f: (f.url, f.rule, f.pk))


def run_comparison(run: CrawlRun) -> dict[str, Any]:
    """{"previous_run": run id or None, "new": [Finding], "fixed": [Finding], "persisting": int} as stored."""
    data = _register(run)
    return {
        "previous_run": data.get("previous_run"),
        "new": _by_ids(data.get("new") or []),
        "fixed": _by_ids(data.get("fixed") or []),
        "persisting": int(data.get("persisting") or 0),
    }


def findings_of_run(run: CrawlRun) -> list[Finding]:
    """Every finding (failed or cantTell) the run found, as stored when the run was stored."""
    data = _register(run)
    if "findings" in data:
        return _by_ids(data["findings"])
    return list(Finding.objects.filter(Q(last_seen=run) | Q(first_seen=run)).distinct())


def items_for_statement(run: CrawlRun) -> dict[str, Any]:
    """A ``run.json``-like dict rebuilt from the stored items, for ``tillgang.statement.build_statement``."""
    pages: list[CrawlEntry] = []
    documents: list[CrawlEntry] = []
    for item in run.items.order_by("url"):
        entry: CrawlEntry = {
            "source": item.url,
            "url": item.url,
            "final_url": item.final_url or item.url,
            "format": item.format or None,
            "title": item.title or None,
            "sha256": item.sha256 or None,
            "status": item.http_status,
            "fetched_at": item.fetched_at.isoformat().replace("+00:00", "Z") if item.fetched_at else None,
            "reused": item.reused,
            "error": {"code": item.error_code, "message": item.error_message} if item.error_code else None,
        }
        if not item.error_code:
            entry["rules"] = dict(item.rules)
        (pages if item.kind == ItemKind.PAGE else documents).append(entry)
    return {
        "tool": {"name": "tillgang", "version": run.tool_version, "catalogue": run.catalogue},
        "run": {
            "id": run.run_id,
            "site": run.site,
            "started": run.started.isoformat().replace("+00:00", "Z"),
            "finished": run.finished.isoformat().replace("+00:00", "Z") if run.finished else None,
            "status": run.status,
            "start_urls": list(run.start_urls),
        },
        "summary": {k: v for k, v in (run.summary or {}).items() if k != "register"},
        "pages": pages,
        "documents": documents,
    }
