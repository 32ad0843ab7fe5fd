"""``tillgang register store RUN.json`` and ``tillgang register verify``: crawl runs and evidence records."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..textutil import sv_count
from .db import add_db_argument, require_migrated, setup_database

__all__ = ["add_register_commands", "store_output"]


def store_output(
    output: dict[str, Any], activity_ref: str | int | None, folder: Path | None = None
) -> tuple[Any, Any]:
    """Store a run (and, with a control activity, a draft evidence record); Django must be set up.

    Returns (CrawlRun, Evidence or None). The run and its draft are one transaction: when the draft cannot be
    made (a lost database connection), nothing is stored and the error is raised, so a reported failure is
    true, and storing the run again stores both. ``folder``: where run.json is (its findings' screenshots)."""
    from django.db import transaction

    with transaction.atomic():
        return _store_output(output, activity_ref, folder)


def _store_output(
    output: dict[str, Any], activity_ref: str | int | None, folder: Path | None = None
) -> tuple[Any, Any]:
    from ..register.evidence import build_manifest, canonical, create_evidence, manifest_of
    from ..register.models import Evidence
    from ..register.store import resolve_activity, store_run

    activity = resolve_activity(activity_ref, on_risk=True)
    run = store_run(output, activity, folder)
    activity = activity or run.activity
    if activity is None:
        return run, None
    draft = Evidence.objects.filter(run=run, activity=activity, status="draft").order_by("-pk").first()
    if draft is not None and not Evidence.objects.filter(supersedes=draft).exists():
        # the run was stored again (resumed): the draft follows the fuller run
        record = manifest_of(draft).get("record")
        manifest = build_manifest(run, activity, "")
        if record:
            manifest["record"] = record
        draft.manifest = canonical(manifest)
        draft.partial = run.status != "complete"
        suffix = " (ofullständig körning)"
        if not draft.partial and draft.title.endswith(suffix):
            draft.title = draft.title[: -len(suffix)]
            if record:
                manifest["record"]["title"] = draft.title
                draft.manifest = canonical(manifest)
        draft.save(update_fields=["manifest", "partial", "title"])
        return run, draft
    if Evidence.objects.filter(run=run, activity=activity).exists():
        return run, None  # sealed already: a correction is a new version, made by a person
    return run, create_evidence(run, activity)


def describe(run: Any, evidence: Any) -> str:
    from ..register.store import run_comparison

    comparison = run_comparison(run)
    status = {"complete": "klar", "partial": "ofullständig", "interrupted": "avbruten"}.get(
        run.status, run.status
    )
    pages = run.items.filter(kind="page").count()
    documents = run.items.filter(kind="document").count()
    lines = [
        f"Körningen {run.run_id} ({status}) är sparad i registret: {sv_count(pages, 'sida', 'sidor')}, "
        f"{documents} dokument; "
        f"{len(comparison['new'])} nya, {len(comparison['fixed'])} åtgärdade och "
        f"{comparison['persisting']} kvarstående avvikelser."
    ]
    if evidence is not None:
        lines.append(
            f"Underlag {evidence.pk} (utkast, version {evidence.version}) på kontrollaktiviteten "
            f"{evidence.activity_id}: väntar på granskning och försegling."
        )
    elif run.activity_id is None:
        lines.append("Ingen kontrollaktivitet angavs (--activity), så inget underlag skapades.")
    return "\n".join(lines)


def cmd_store(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        output = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UsageError(f"filen finns inte: {args.file}") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"{path.name}: ingen körning i JSON-format ({exc})") from exc
    if not isinstance(output, dict) or not isinstance(output.get("run"), dict) or "pages" not in output:
        raise UsageError(f"{path.name}: ingen körning från 'tillgang crawl --out'")
    setup_database(args)
    require_migrated()
    from ..register.store import ActivityError

    try:
        run, evidence = store_output(output, args.activity, path.parent)
    except (ActivityError, ValueError) as exc:
        raise UsageError(str(exc)) from exc
    print(describe(run, evidence))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    setup_database(args)
    require_migrated()
    from ..register.evidence import verify_all
    from ..register.models import Evidence
    from ..register.store import ActivityError, resolve_activity

    try:
        activity = resolve_activity(args.activity)
    except ActivityError as exc:
        raise UsageError(str(exc)) from exc
    if args.record is not None:
        from ..register.evidence import verify

        one = Evidence.objects.filter(pk=args.record).first()
        if one is None:
            raise UsageError(f"det finns inget underlag med id {args.record}")
        if one.status != "sealed":
            raise UsageError(f"underlag {one.pk} är ett utkast: det finns inget sigill att kontrollera")
        report = {one.pk: verify(one)}
    else:
        report = verify_all(activity)
    bad = 0
    for pk, problems in report.items():
        evidence = Evidence.objects.filter(pk=pk).first()  # None: removed (the checkpoint log remembers it)
        if problems or evidence is None:
            bad += 1
            for problem in problems:
                print(f"FEL  {problem}")
        else:
            print(f"ok   underlag {pk} version {evidence.version} sigill {evidence.seal}")
    print(
        (
            "1 förseglat underlag kontrollerat"
            if len(report) == 1
            else f"{len(report)} förseglade underlag kontrollerade"
        )
        + f", {bad} med fel."
        if report
        else "Inga förseglade underlag att kontrollera."
    )
    return 1 if bad else 0


def add_register_commands(sub: Any) -> None:
    q = sub.add_parser("store", help="store a crawl run (run.json) and make a draft evidence record")
    q.add_argument("file", metavar="RUN.json", help="the output of 'tillgang crawl --out'")
    q.add_argument(
        "--activity", default=None, metavar="ID", help="the control activity (id or text of 'kontrollmoment')"
    )
    add_db_argument(q, suppress=True)
    q.set_defaults(func=cmd_store)

    q = sub.add_parser("verify", help="recompute the seals and the chain of sealed evidence records")
    q.add_argument(
        "record", nargs="?", type=int, default=None, metavar="ID", help="only this evidence record"
    )
    q.add_argument("--activity", default=None, metavar="ID", help="only this control activity")
    add_db_argument(q, suppress=True)
    q.set_defaults(func=cmd_verify)
