"""Evidence records (underlag) for a control activity: manifest, sign-off and seal, versions, verification.

The manifest is the record as canonical JSON (RFC 8785, ``rfc8785.dumps``) holding these fields (docs/evidence.md):
control link, scope, population, method and versions, every item with its sha256, results per rule and WCAG
criterion, the comparison with the previous run, and the seal of the previous sealed record of the same
activity (a chain). Sealing stores the exact bytes and ``seal = sha256(bytes)``; a sealed record never changes
(``Evidence.save``/``delete`` raise ``SealedError``), a correction is a new version that points to the old one.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Iterable
from importlib import metadata
from typing import Any

import rfc8785
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.signals import pre_delete
from django.utils import timezone

from ..report import DocumentEntry, Report
from ..timeutil import iso_z
from .models import (
    ControlActivity,
    CrawlRun,
    DecisionKind,
    Evidence,
    EvidenceCheckpoint,
    EvidenceStatus,
    ItemKind,
    RunStatus,
    SealedError,
    StatementDecision,
)
from .store import findings_of_run

__all__ = [
    "SCHEMA",
    "build_manifest",
    "checkpoint_mac",
    "create_evidence",
    "manifest_of",
    "new_version",
    "seal",
    "summary_by_rule",
    "summary_of_items",
    "upload_results",
    "verify",
    "verify_all",
]

SCHEMA = "tillgang-evidence/1"
SEAL_PERMISSION = "register.seal_evidence"
LIBRARIES = ("django", "pikepdf", "python-docx", "python-pptx", "lxml", "beautifulsoup4", "httpx", "rfc8785")
LIMIT_KEYS = (
    "max_pages",
    "max_documents",
    "max_depth",
    "max_url_length",
    "max_query_params",
    "max_query_variants",
    "max_repeated_segment",
    "date_window_years",
    "max_duration_s",
    "max_html_bytes",
    "max_document_bytes",
    "check_timeout",
)


def canonical(manifest: dict[str, Any]) -> bytes:
    """RFC 8785 canonical JSON bytes."""
    return bytes(rfc8785.dumps(manifest))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_of(evidence: Evidence) -> dict[str, Any]:
    """The stored manifest as a dict (``{}`` when empty or unreadable)."""
    raw = bytes(evidence.manifest or b"")
    if not raw:
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# ------------------------------------------------------------------------------------------------ results
def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _counts() -> dict[str, Any]:
    return {"checked": 0, "failed": 0, "cant_tell": 0, "share": 0.0}


def summary_by_rule(run: CrawlRun) -> dict[str, Any]:
    """Results per rule and per WCAG criterion over the run's items checked without error (see
    ``summary_of_items``)."""
    pairs = run.items.filter(error_code="").values_list("kind", "rules").iterator()
    return summary_of_items(("page" if kind == ItemKind.PAGE else "document", rules) for kind, rules in pairs)


def upload_results(manifest: dict[str, Any]) -> dict[str, Any]:
    """``summary_of_items`` over an uploaded file's manifest ``items`` (an HTML file is a page), for the record
    of an upload, which has no run: its results as the page and the follow-up help read them."""
    items = [i for i in manifest.get("items") or [] if isinstance(i, dict) and not i.get("error")]
    return summary_of_items(
        ("page" if i.get("format") == "html" else "document", i.get("rules") or {}) for i in items
    )


def summary_of_items(items: Iterable[tuple[str, dict[str, str] | None]]) -> dict[str, Any]:
    """Results per rule and per WCAG criterion over (kind, rule outcomes) of items checked without error.

    ``{"items_checked": {"page": n, "document": n, "total": n},
       "items_failed": {"page": n, "document": n, "total": n},   # items with at least one failed rule
       "rules": {rule: {"wcag": [...], "en301549": [...], "severity": s, "title": sv,
                        "checked": n, "failed": n, "cant_tell": n, "share": pct,
                        "by_kind": {"page": {...same counts}, "document": {...}}}},
       "wcag": {sc: {"rules": [...], "checked": n, "failed": n, "cant_tell": n, "share": pct, "by_kind": {...}}}}``

    ``checked`` = items the rule applied to (outcome passed, failed or cantTell; not inapplicable); ``failed``
    = items where it failed; ``cant_tell`` = items where a person must judge (and it did not fail); ``share`` =
    failed / checked in per cent, one decimal. For a criterion an item counts once: failed when any of its
    rules failed. Keys are sorted (rule ids; criteria numerically)."""
    from tillgang.catalogue import load

    catalogue = load()
    items_checked = {"page": 0, "document": 0}
    items_failed = {"page": 0, "document": 0}
    rules: dict[str, dict[str, Any]] = {}
    criteria: dict[str, dict[str, Any]] = {}

    def bump(bucket: dict[str, Any], kind: str, outcome: str) -> None:
        by_kind = bucket.setdefault("by_kind", {})
        for target in (bucket, by_kind.setdefault(kind, _counts())):
            target["checked"] += 1
            if outcome == "failed":
                target["failed"] += 1
            elif outcome == "cantTell":
                target["cant_tell"] += 1

    for kind, outcomes in items:
        items_checked[kind] += 1
        items_failed[kind] += "failed" in (outcomes or {}).values()
        per_sc: dict[str, str] = {}
        for rule_id, outcome in sorted((outcomes or {}).items()):
            if outcome not in ("passed", "failed", "cantTell"):
                continue
            rule = catalogue.rules.get(catalogue.resolve(rule_id))
            wcag = list(rule.wcag) if rule is not None else []
            bucket = rules.get(rule_id)
            if bucket is None:
                bucket = rules[rule_id] = {
                    "wcag": wcag,
                    "en301549": list(rule.refs.get("en301549", ())) if rule is not None else [],
                    "severity": rule.severity if rule is not None else "",
                    "title": rule.text("title", "sv") if rule is not None else rule_id,
                    **_counts(),
                }
            bump(bucket, kind, outcome)
            for sc in wcag:
                before = per_sc.get(sc)
                if before is None or outcome == "failed" or (outcome == "cantTell" and before == "passed"):
                    per_sc[sc] = outcome
                criteria.setdefault(sc, {"rules": [], **_counts()})
                if rule_id not in criteria[sc]["rules"]:
                    criteria[sc]["rules"].append(rule_id)
        for sc, outcome in per_sc.items():
            bump(criteria[sc], kind, outcome)

    def finish(bucket: dict[str, Any]) -> dict[str, Any]:
        bucket["share"] = _pct(bucket["failed"], bucket["checked"])
        for counts in bucket.get("by_kind", {}).values():
            counts["share"] = _pct(counts["failed"], counts["checked"])
        bucket.setdefault("by_kind", {})
        return bucket

    def sc_key(sc: str) -> tuple[int, ...]:
        return tuple(int(x) if x.isdigit() else 0 for x in sc.split("."))

    return {
        "items_checked": {**items_checked, "total": items_checked["page"] + items_checked["document"]},
        "items_failed": {**items_failed, "total": items_failed["page"] + items_failed["document"]},
        "rules": {rule_id: finish(rules[rule_id]) for rule_id in sorted(rules)},
        "wcag": {sc: finish(criteria[sc]) for sc in sorted(criteria, key=sc_key)},
    }


# ------------------------------------------------------------------------------------------------ manifest
def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def _rule_set() -> str:
    try:
        from tillgang.statement import criteria_data

        return str(criteria_data().get("rule_set") or "EN301549-V3.2.1")
    except Exception:  # the statement data is optional here
        return "EN301549-V3.2.1"


def _control(activity: ControlActivity, run: CrawlRun) -> dict[str, Any]:
    risk = activity.risk
    plan = risk.plan
    return {
        "board": plan.board.name,
        "plan_year": plan.year,
        "plan": str(plan),
        "process": str(risk.process),
        "risk": {"id": risk.pk, "description": risk.description, "value": risk.value},
        "activity": {
            "id": activity.pk,
            "what": activity.what,
            "method": activity.method,
            "frequency": activity.frequency,
            "performed_by_tillgang": activity.performed_by_tillgang,
            "crawl_profile": activity.crawl_profile,
        },
        "responsible": activity.responsible,
        "period": {"from": iso_z(run.started), "to": iso_z(run.finished)},
        "actual_date": timezone.localtime(run.started).date().isoformat(),
    }


def _scope(run: CrawlRun) -> dict[str, Any]:
    from tillgang.readers import READERS

    config = run.config or {}
    exemptions = [
        {"id": d.pk, "subject": d.subject, "sha256": d.sha256, "decided_by": d.decided_by, "reason": d.reason}
        for d in StatementDecision.objects.filter(kind=DecisionKind.EXEMPT).order_by("pk")
    ]
    return {
        "site": run.site,
        "start_urls": list(run.start_urls),
        "allowed_hosts": list(config.get("allowed_hosts") or []),
        "include_subdomains": bool(config.get("include_subdomains", False)),
        "exclude": list(config.get("exclude") or []),
        "obey_robots": config.get("obey_robots", True),
        "use_sitemaps": config.get("use_sitemaps", True),
        "limits": {key: config[key] for key in LIMIT_KEYS if key in config},
        "file_types": sorted(READERS),
        "date_rule": None,
        "exemptions": exemptions,
    }


def _population(run: CrawlRun) -> dict[str, Any]:
    by_kind = {"page": 0, "document": 0}
    by_format: dict[str, int] = {}
    errors: dict[str, int] = {}
    reused = 0
    for kind, fmt, code, was_reused in run.items.values_list("kind", "format", "error_code", "reused"):
        by_kind["page" if kind == ItemKind.PAGE else "document"] += 1
        by_format[fmt or "unknown"] = by_format.get(fmt or "unknown", 0) + 1
        if code:
            errors[code] = errors.get(code, 0) + 1
        reused += bool(was_reused)
    summary = run.summary or {}
    return {
        "items": {**by_kind, "total": by_kind["page"] + by_kind["document"]},
        "by_format": dict(sorted(by_format.items())),
        "errors": dict(sorted(errors.items())),
        "not_checked": sum(errors.values()),
        "reused": reused,
        "skipped": summary.get("skipped") or {},
        "broken_links": summary.get("broken_links", 0),
        "sampling": {"method": "full", "seed": None, "size": by_kind["page"] + by_kind["document"]},
    }


def _method(run: CrawlRun) -> dict[str, Any]:
    from tillgang.catalogue import load

    catalogue = load()
    rules = [
        {
            "id": rule.id,
            "version": rule.version,
            "automation": rule.automation,
            "wcag": list(rule.wcag),
            "en301549": list(rule.refs.get("en301549", ())),
        }
        for rule in catalogue
    ]
    return {
        "tool": "tillgang",
        "tool_version": run.tool_version,
        "commit": None,
        "catalogue_sha256": run.catalogue,
        "catalogue_matches_installed": catalogue.version == run.catalogue,
        "rule_set": _rule_set(),
        "wcag": "2.1 AA",
        "config_sha256": sha256_hex(canonical(_jsonable(run.config or {}))),
        "config": _jsonable(run.config or {}),
        "rules": rules,
        "environment": {"platform": platform.platform(terse=True), "versions": _versions()},
    }


def _jsonable(value: Any) -> Any:
    """JSON values only (RFC 8785 has no NaN/Infinity and no integers beyond 2**53)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**53 else str(value)
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    return str(value)


def _items(run: CrawlRun) -> list[dict[str, Any]]:
    return [
        {
            "url": item.url,
            "final_url": item.final_url or item.url,
            "kind": item.kind,
            "format": item.format,
            "fetched_at": iso_z(item.fetched_at),
            "http_status": item.http_status,
            "sha256": item.sha256,
            "reused": item.reused,
            "error": item.error_code or None,
            "rules": dict(sorted((item.rules or {}).items())),
        }
        for item in run.items.order_by("url")
    ]


def _findings(run: CrawlRun) -> list[dict[str, Any]]:
    return [
        {
            "id": f.pk,
            "url": f.url,
            "rule": f.rule,
            "outcome": f.outcome,
            "wcag": list(f.wcag or []),
            "location": f.location,
            "message": f.message,
        }
        for f in sorted(findings_of_run(run), key=lambda f: f.pk)
    ]


def _comparison(run: CrawlRun) -> dict[str, Any]:
    data = (run.summary or {}).get("register") or {}
    new = list(data.get("new") or [])
    fixed = list(data.get("fixed") or [])
    return {
        "previous_run": data.get("previous_run") or (run.previous.run_id if run.previous else None),
        "new": len(new),
        "fixed": len(fixed),
        "persisting": int(data.get("persisting") or 0),
        "new_ids": new,
        "fixed_ids": fixed,
        "fixed_rule": "fixed only for items checked in both runs",
    }


def _conclusion(run: CrawlRun, results: dict[str, Any]) -> dict[str, Any]:
    documents = results["items_checked"]["document"]
    pages = results["items_checked"]["page"]
    n_docs = results["items_failed"]["document"]
    n_pages = results["items_failed"]["page"]
    return {
        "run_status": run.status,
        "partial": run.status != RunStatus.COMPLETE,
        "partial_reasons": list((run.summary or {}).get("partial_reasons") or []),
        "documents_checked": documents,
        "documents_with_failed_rule": n_docs,
        "documents_with_failed_rule_share": _pct(n_docs, documents),
        "pages_checked": pages,
        "pages_with_failed_rule": n_pages,
        "pages_with_failed_rule_share": _pct(n_pages, pages),
    }


def performed_by(activity: ControlActivity) -> str:
    """Who performed the control: the activity's responsible user (full name, else user name) when set, else
    the free-text responsible. Only new drafts are built with it; a sealed manifest never changes."""
    user = activity.responsible_user
    if user is not None:
        name = (user.get_full_name() or "").strip() or user.get_username()
        if name:
            return str(name)
    return activity.responsible


def build_manifest(run: CrawlRun, activity: ControlActivity, previous_seal: str) -> dict[str, Any]:
    """The record's content (docs/evidence.md) as a dict of JSON values, ready for ``rfc8785.dumps``."""
    results = summary_by_rule(run)
    items = _items(run)
    summary = run.summary or {}
    manifest = {
        "schema": SCHEMA,
        "control": _control(activity, run),
        "run": {
            "id": run.run_id,
            "site": run.site,
            "started": iso_z(run.started),
            "finished": iso_z(run.finished),
            "status": run.status,
            "partial_reasons": list(summary.get("partial_reasons") or []),
            "requests": summary.get("requests"),
            "duration_s": summary.get("duration_s"),
        },
        "scope": _scope(run),
        "population": _population(run),
        "method": _method(run),
        "items": items,
        "items_sha256": sha256_hex(canonical(_jsonable(items))),
        "results": results,
        "findings": _findings(run),
        "comparison": _comparison(run),
        "conclusion": _conclusion(run, results),
        "manual": None,
        "sign_off": {"performed_by": performed_by(activity), "sealed_by": None, "sealed_at": None},
        "records": {
            "confidentiality": "Underlaget namnger bara titlar och URL:er, inga kopior av dokumenten.",
        },
        "previous_seal": previous_seal,
    }
    result: dict[str, Any] = _jsonable(manifest)
    return result


def _default_title(run: CrawlRun) -> str:
    when = timezone.localtime(run.started).strftime("%Y-%m-%d")
    partial = " (ofullständig körning)" if run.status != RunStatus.COMPLETE else ""
    return f"Automatisk granskning av {run.site} {when}{partial}"[:300]


def _record_part(evidence: Evidence, reason: str | None = None) -> dict[str, Any]:
    old = evidence.supersedes
    part: dict[str, Any] = {
        "id": evidence.pk,
        "title": evidence.title,
        "version": evidence.version,
        "supersedes": old.pk if old else None,
        "supersedes_seal": old.seal if old else None,
    }
    if reason is not None:
        part["correction_reason"] = reason
    return part


def _write_manifest(evidence: Evidence, manifest: dict[str, Any]) -> None:
    evidence.manifest = canonical(manifest)
    evidence.save(update_fields=["manifest"])


def create_evidence(run: CrawlRun, activity: ControlActivity, title: str | None = None) -> Evidence:
    """A draft record for ``run`` on ``activity``, its manifest built (``previous_seal`` is set at sealing)."""
    with transaction.atomic():
        evidence = Evidence.objects.create(
            activity=activity,
            run=run,
            title=(title or _default_title(run))[:300],
            partial=run.status != RunStatus.COMPLETE,
            manifest=b"",
        )
        manifest = build_manifest(run, activity, "")
        manifest["record"] = _record_part(evidence)
        _write_manifest(evidence, manifest)
    return evidence


def _previous_sealed(activity_id: int, exclude: int | None = None) -> Evidence | None:
    records = Evidence.objects.filter(activity_id=activity_id, status=EvidenceStatus.SEALED)
    if exclude is not None:
        records = records.exclude(pk=exclude)
    return records.order_by("-sealed_at", "-pk").first()


def seal(evidence: Evidence, user: Any) -> Evidence:
    """Sign off and seal a draft: the manifest gets the sign-off and the previous seal of the same activity,
    is stored as RFC 8785 bytes, and ``seal = sha256(bytes)``. A run that stopped half-way is sealed as
    ``partial``. Raises ``PermissionDenied`` without ``register.seal_evidence`` and ``SealedError`` when the
    record is already sealed."""
    if user is None or not user.has_perm(SEAL_PERMISSION):
        raise PermissionDenied("du får inte godkänna och försegla underlag")
    with transaction.atomic():
        ControlActivity.objects.select_for_update().filter(pk=evidence.activity_id).first()  # one sealer
        current = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if current.status == EvidenceStatus.SEALED:
            raise SealedError("underlaget är redan förseglat")
        manifest = manifest_of(current)
        if not manifest:
            if current.run is None:
                raise ValueError("underlaget saknar manifest")
            manifest = build_manifest(current.run, current.activity, "")
            manifest["record"] = _record_part(current)
        previous = _previous_sealed(current.activity_id, exclude=current.pk)
        previous_seal = previous.seal if previous else ""
        now = timezone.now()
        partial = current.partial or (current.run is not None and current.run.status != RunStatus.COMPLETE)
        manifest["previous_seal"] = previous_seal
        manifest["partial"] = partial
        manifest.setdefault("sign_off", {})
        manifest["sign_off"].update(
            {"sealed_by": user.get_username(), "sealed_at": iso_z(now), "approved": True}
        )
        if current.file_sha256:
            manifest["file"] = {"name": current.file_name, "sha256": current.file_sha256}
        data = canonical(_jsonable(manifest))
        current.manifest = data
        current.seal = sha256_hex(data)
        current.previous_seal = previous_seal
        current.partial = partial
        current.sealed_at = now
        current.sealed_by = user
        current.status = EvidenceStatus.SEALED
        current.save()
        write_checkpoint(current)
    return current


def new_version(evidence: Evidence, reason: str) -> Evidence:
    """A correction: a new draft record (version + 1) that supersedes ``evidence``, which stays as it is."""
    if not reason or not reason.strip():
        raise ValueError("ange varför en ny version behövs")
    with transaction.atomic():
        if Evidence.objects.filter(supersedes=evidence).exists():
            raise ValueError("det finns redan en nyare version av underlaget")
        new = Evidence.objects.create(
            activity=evidence.activity,
            run=evidence.run,
            title=evidence.title,
            version=evidence.version + 1,
            supersedes=evidence,
            partial=evidence.partial,
            manifest=b"",
            file_name=evidence.file_name,
            file_content=evidence.file_content,
            file_sha256=evidence.file_sha256,
        )
        if evidence.run is not None:
            manifest = build_manifest(evidence.run, evidence.activity, "")
        else:
            manifest = {k: v for k, v in manifest_of(evidence).items() if k not in ("sign_off", "record")}
            manifest["previous_seal"] = ""
        manifest["record"] = _record_part(new, reason.strip())
        _write_manifest(new, manifest)
    return new


# ------------------------------------------------------------------------------------------------ verify
def verify(evidence: Evidence) -> list[str]:
    """Recompute the seal and the chain; ``[]`` when intact, else problems in Swedish. A draft has no seal
    to check and gives ``[]``."""
    fresh = Evidence.objects.filter(pk=evidence.pk).first()
    if fresh is None:
        return [f"underlag {evidence.pk} finns inte längre"]
    if fresh.status != EvidenceStatus.SEALED:
        return []
    problems: list[str] = []
    name = f"underlag {fresh.pk} (version {fresh.version})"
    data = bytes(fresh.manifest or b"")
    if sha256_hex(data) != fresh.seal:
        problems.append(f"{name}: sigillet stämmer inte med innehållet (manifestet har ändrats)")
    manifest = manifest_of(fresh)
    if not manifest:
        problems.append(f"{name}: manifestet går inte att läsa")
    else:
        try:
            if canonical(manifest) != data:
                problems.append(f"{name}: manifestet är inte kanonisk JSON (RFC 8785)")
        except Exception:  # any value rfc8785 refuses
            problems.append(f"{name}: manifestet är inte kanonisk JSON (RFC 8785)")
        if manifest.get("previous_seal", "") != fresh.previous_seal:
            problems.append(f"{name}: föregående sigill i manifestet skiljer sig från det lagrade")
        record = manifest.get("record") or {}
        if record.get("id") not in (None, fresh.pk) or record.get("version") not in (None, fresh.version):
            problems.append(f"{name}: manifestet hör till ett annat underlag")
        problems.extend(column_problems(fresh, manifest, name))
    content = fresh.file_content
    if content is not None and fresh.file_sha256 and sha256_hex(bytes(content)) != fresh.file_sha256:
        problems.append(f"{name}: den sparade filen stämmer inte med sin sha256")
    problems.extend(checkpoint_problems(fresh, name))
    previous = (
        Evidence.objects.filter(activity_id=fresh.activity_id, status=EvidenceStatus.SEALED)
        .exclude(pk=fresh.pk)
        .filter(sealed_at__lte=fresh.sealed_at)
        .exclude(sealed_at=fresh.sealed_at, pk__gt=fresh.pk)
        .order_by("-sealed_at", "-pk")
        .first()
    )
    expected = previous.seal if previous else ""
    if fresh.previous_seal != expected:
        if previous is None:
            problems.append(
                f"{name}: kedjan är bruten: det pekar på ett föregående underlag som inte längre finns"
            )
        else:
            problems.append(
                f"{name}: kedjan är bruten: föregående förseglade underlag ({previous.pk}) har ett annat sigill"
            )
    return problems


def verify_all(activity: ControlActivity | None = None) -> dict[int, list[str]]:
    """``verify`` for every sealed record (of one activity): record id -> problems (``[]`` when intact).

    A record that the checkpoint log says was sealed but that is no longer a sealed record (removed, or made a
    draft again behind the model's back) is reported under its id too."""
    records = Evidence.objects.filter(status=EvidenceStatus.SEALED)
    if activity is not None:
        records = records.filter(activity=activity)
    report = {e.pk: verify(e) for e in records.order_by("activity_id", "sealed_at", "pk")}
    report.update(missing_from_log(activity, set(report)))
    return report


# ------------------------------------------------------------------------------------------------ anchoring
# Threat model (docs/security.md, "Evidence integrity"): someone who can write to the database but does not have
# the secret key. They can change any column, rewrite a record's bytes and recompute its seal, and re-seal the
# records after it so that the chain holds. What they cannot do is write a checkpoint whose HMAC verifies, so
# every column shown is tied to the sealed manifest, the manifest to its seal, and the seal to the checkpoint.
CHECKPOINT_SALT = "tillgang.register.evidence.checkpoint"  # also in migration 0005


def checkpoint_mac(
    record: int, activity: int, seal: str, previous_seal: str, secret: str | None = None
) -> str:
    """HMAC-SHA256, keyed by the secret key (``secret``: another key, e.g. one of SECRET_KEY_FALLBACKS)."""
    from django.utils.crypto import salted_hmac

    message = f"{record}\x1f{activity}\x1f{seal}\x1f{previous_seal}"
    return salted_hmac(CHECKPOINT_SALT, message, secret=secret, algorithm="sha256").hexdigest()


def _mac_ok(point: EvidenceCheckpoint) -> bool:
    import hmac

    from django.conf import settings

    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        expected = checkpoint_mac(point.record, point.activity, point.seal, point.previous_seal, secret)
        if hmac.compare_digest(expected, point.mac):
            return True
    return False


def write_checkpoint(evidence: Evidence) -> EvidenceCheckpoint:
    """Append the seal to the checkpoint log (in the sealing transaction)."""
    return EvidenceCheckpoint.objects.create(
        record=evidence.pk,
        activity=evidence.activity_id,
        seal=evidence.seal,
        previous_seal=evidence.previous_seal,
        mac=checkpoint_mac(evidence.pk, evidence.activity_id, evidence.seal, evidence.previous_seal),
    )


def checkpoint_problems(evidence: Evidence, name: str) -> list[str]:
    """The sealed record against the checkpoint log: its seal must have a checkpoint whose HMAC verifies."""
    points = list(EvidenceCheckpoint.objects.filter(record=evidence.pk).order_by("pk"))
    genuine = [p for p in points if _mac_ok(p)]
    problems: list[str] = []
    if len(genuine) < len(points):
        problems.append(
            f"{name}: kontrollpunktsloggen har en kontrollpunkt som inte är äkta (fel HMAC): den har skrivits "
            "utan registrets hemliga nyckel"
        )
    if not genuine:
        problems.append(
            f"{name}: det saknas en äkta kontrollpunkt för förseglingen: sigillet kan ha räknats om efter "
            "förseglingen (underlaget skrivet om)"
        )
        return problems
    if not any(
        p.seal == evidence.seal
        and p.previous_seal == evidence.previous_seal
        and p.activity == evidence.activity_id
        for p in genuine
    ):
        problems.append(
            f"{name}: sigillet stämmer inte med kontrollpunkten från förseglingen ({genuine[-1].seal[:12]}): "
            "underlaget har skrivits om och förseglats om efter förseglingen"
        )
    elif any(p.seal != evidence.seal for p in genuine):
        problems.append(
            f"{name}: underlaget förseglades tidigare med ett annat sigill (enligt kontrollpunkten)"
        )
    return problems


def missing_from_log(activity: ControlActivity | None, seen: set[int]) -> dict[int, list[str]]:
    """Records with a genuine checkpoint that are not sealed records any more: record id -> problems."""
    points = EvidenceCheckpoint.objects.exclude(record__in=seen)
    if activity is not None:
        points = points.filter(activity=activity.pk)
    out: dict[int, list[str]] = {}
    for point in points.order_by("pk"):
        if point.record in out or not _mac_ok(point):
            continue
        current = Evidence.objects.filter(pk=point.record).values_list("status", flat=True).first()
        if current == EvidenceStatus.SEALED:
            continue  # sealed, on another activity than the checkpoint says: its own verify reports that
        what = "finns inte längre" if current is None else "är inte längre förseglat"
        out[point.record] = [
            f"underlag {point.record}: förseglades {point.created:%Y-%m-%d} (sigill {point.seal[:12]}, enligt "
            f"kontrollpunktsloggen) men {what}"
        ]
    return out


def column_problems(evidence: Evidence, manifest: dict[str, Any], name: str) -> list[str]:
    """Every column that the pages show, against the sealed manifest (and the stored file's bytes)."""
    problems: list[str] = []
    record = manifest.get("record") or {}
    sign_off = manifest.get("sign_off") or {}

    def differs(what: str, stored: Any, sealed: Any) -> None:
        problems.append(f"{name}: {what} i registret ({stored}) skiljer sig från det förseglade ({sealed})")

    if "title" in record and record["title"] != evidence.title:
        differs("rubriken", evidence.title, record["title"])
    if "supersedes" in record and record["supersedes"] != evidence.supersedes_id:
        differs("underlaget det ersätter", evidence.supersedes_id, record["supersedes"])
    activity_id = ((manifest.get("control") or {}).get("activity") or {}).get("id")
    if activity_id is not None and activity_id != evidence.activity_id:
        differs("kontrollaktiviteten", evidence.activity_id, activity_id)
    run_id = (manifest.get("run") or {}).get("id")
    stored_run = evidence.run.run_id if evidence.run_id else None
    if run_id != stored_run:
        differs("genomsökningen", stored_run or "ingen", run_id or "ingen")
    if "partial" in manifest and bool(manifest["partial"]) != evidence.partial:
        differs("markeringen ofullständig", evidence.partial, manifest["partial"])
    sealed_by = evidence.sealed_by.get_username() if evidence.sealed_by_id else None
    if sign_off.get("sealed_by") != sealed_by:
        differs("vem det förseglades av", sealed_by or "ingen", sign_off.get("sealed_by") or "ingen")
    if sign_off.get("sealed_at") != iso_z(evidence.sealed_at):
        differs("förseglingens tidpunkt", iso_z(evidence.sealed_at), sign_off.get("sealed_at"))
    problems.extend(_file_problems(evidence, manifest.get("file"), name))
    return problems


def _file_problems(evidence: Evidence, sealed: Any, name: str) -> list[str]:
    if not isinstance(sealed, dict):
        if evidence.file_name or evidence.file_sha256 or evidence.file_content is not None:
            return [
                f"{name}: registret har en fil ({evidence.file_name}) som inte finns i det förseglade underlaget"
            ]
        return []
    problems = []
    if sealed.get("name") != evidence.file_name:
        problems.append(
            f"{name}: filnamnet i registret ({evidence.file_name}) skiljer sig från det förseglade "
            f"({sealed.get('name')})"
        )
    if sealed.get("sha256") != evidence.file_sha256:
        problems.append(f"{name}: filens sha256 i registret skiljer sig från den förseglade")
    content = evidence.file_content
    if content is None or sha256_hex(bytes(content)) != sealed.get("sha256"):
        problems.append(f"{name}: den sparade filen är inte den som förseglades (sha256 stämmer inte)")
    return problems


def refuse_sealed_delete(sender: Any, instance: Evidence, **kwargs: Any) -> None:
    """``pre_delete`` guard: a queryset ``delete()`` bypasses ``Evidence.delete()``, but not this signal."""
    if instance.status == EvidenceStatus.SEALED:
        raise SealedError("ett förseglat underlag kan inte tas bort")


pre_delete.connect(refuse_sealed_delete, sender=Evidence, dispatch_uid="tillgang.register.evidence.sealed")


def refuse_change(evidence: Evidence) -> None:
    """Raise ``SealedError`` when the record is sealed (for callers that change drafts)."""
    if evidence.status == EvidenceStatus.SEALED:
        raise SealedError("ett förseglat underlag kan inte ändras; skapa en ny version")


# ------------------------------------------------------------------------------------------------ uploads
def create_upload_evidence(
    activity: ControlActivity, file_name: str, content: bytes, report: Report, user: Any
) -> Evidence:
    """A draft record holding an uploaded file and its report, for a web editor who chose to save a check.

    The file itself is kept (content-addressed by its sha256), so the sealed record proves what was checked."""
    import hashlib

    from tillgang import __version__

    digest = hashlib.sha256(content).hexdigest()
    documents = report.get("documents") or []
    entry: DocumentEntry | dict[str, Any] = documents[0] if documents else {}
    risk = activity.risk
    now = timezone.now()
    with transaction.atomic():
        evidence = Evidence.objects.create(
            activity=activity,
            run=None,
            title=f"Granskat dokument: {file_name}"[:300],
            manifest=b"",
            file_name=file_name[:300],
            file_content=content,
            file_sha256=digest,
        )
        manifest: dict[str, Any] = {
            "schema": SCHEMA,
            "control": {
                "board": risk.plan.board.name,
                "plan_year": risk.plan.year,
                "plan": str(risk.plan),
                "process": str(risk.process),
                "risk": {"id": risk.pk, "description": risk.description, "value": risk.value},
                "activity": {"id": activity.pk, "what": activity.what},
                "responsible": activity.responsible,
                "actual_date": timezone.localtime(now).date().isoformat(),
            },
            "scope": {
                "kind": "upload",
                "file": file_name,
                "saved_by": getattr(user, "get_username", lambda: "")(),
            },
            "method": {
                "tool": "tillgang",
                "version": __version__,
                "catalogue": (report.get("tool") or {}).get("catalogue"),
                "rule_set": "EN301549-V3.2.1",
            },
            "items": [
                {
                    "file": file_name,
                    "sha256": digest,
                    "size": len(content),
                    "format": entry.get("format"),
                    "checked_at": iso_z(now),
                    "error": entry.get("error"),
                    "rules": entry.get("rules") or {},
                }
            ],
            "findings": entry.get("findings") or [],
            "previous_seal": "",
        }
        manifest["results"] = upload_results(manifest)
        manifest["record"] = _record_part(evidence)
        _write_manifest(evidence, _jsonable(manifest))
    return evidence
