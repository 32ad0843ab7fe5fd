"""Bulk triage of every finding matching a filter, with a confirmation step (issue 12).

The findings list posts the current filter and one triage (the same fields and rules as the single-finding
form) here. Without ``bekrafta`` the page states the count and what will change ("Ändra status för 37
avvikelser till Accepterad") and carries a snapshot of the matching findings with their versions. Confirming
applies the triage in one transaction, each finding under the optimistic-locking rule of
``views_review.triage_if_unchanged``: a finding changed since the confirmation page was shown (its version
moved on), or no longer matching the filter, is skipped and reported. Triage needs the same permission as
everywhere else (``views_review.can_triage``: reviewer, admin).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ..textutil import sv_count
from .forms_review import TRIAGE_CHOICES, TriageForm
from .models import CrawlRun, FindingStatus
from .views_review import FINDINGS, _filter_form, can_triage, filter_findings, triage_if_unchanged

SKIPPED_LISTED = 50


def _filter_params(raw: str) -> QueryDict:
    params = QueryDict(raw, mutable=True)
    for key in ("sida", "csrfmiddlewaretoken"):
        params.pop(key, None)
    return params


def _matching(params: QueryDict) -> list[tuple[int, int]]:
    """(id, version) of every finding the filter matches now."""
    qs = filter_findings(_filter_form(params or None).valid_filters())
    return [(pk, version) for pk, version in qs.order_by("pk").values_list("pk", "version")]


def _snapshot(pairs: list[tuple[int, int]]) -> str:
    return ",".join(f"{pk}:{version}" for pk, version in pairs)


def _parse_snapshot(text: str) -> list[tuple[int, int]]:
    out = []
    for part in text.split(","):
        pk, _, version = part.partition(":")
        if pk.isdigit() and version.isdigit():
            out.append((int(pk), int(version)))
    return out


def describe_triage(n: int, data: dict[str, Any]) -> str:
    """'Ändra status för 37 avvikelser till Accepterad', with the assignee when one is given."""
    count = sv_count(n, "avvikelse", "avvikelser")
    labels = dict(TRIAGE_CHOICES)
    assignee = (data.get("assigned_to") or "").strip()
    if data.get("status"):
        text = f"Ändra status för {count} till {labels[data['status']]}"
        return text + (f" och tilldela dem {assignee}" if assignee else "")
    return f"Tilldela {count} till {assignee}"


@require_http_methods(["POST"])
@permission_required(FINDINGS, raise_exception=True)
def triage_filtered(request: HttpRequest) -> HttpResponse:
    """Confirmation (first post) and the bulk triage itself (``bekrafta``) of every finding in the filter."""
    if not can_triage(request.user):
        raise PermissionDenied
    params = _filter_params(request.POST.get("filter", ""))
    back = reverse("register:findings") + ("?" + params.urlencode() if params else "")
    form = TriageForm(request.POST)
    if not form.is_valid():
        problems = [e for errors in form.errors.values() for e in errors]
        messages.error(request, "Ingen avvikelse ändrades: " + " ".join(problems))
        return redirect(back)
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    if not request.POST.get("bekrafta"):
        pairs = _matching(params)
        if not pairs:
            messages.error(request, "Inga avvikelser matchar filtret, så ingen ändrades.")
            return redirect(back)
        context = {
            "summary": describe_triage(len(pairs), data),
            "count": len(pairs),
            "data": data,
            "status_label": dict(TRIAGE_CHOICES).get(data.get("status") or "", ""),
            "filter": params.urlencode(),
            "snapshot": _snapshot(pairs),
            "back": back,
        }
        return render(request, "register/review_triage_confirm.html", context)
    return _apply_all(request, params, data, back)


def _apply_all(request: HttpRequest, params: QueryDict, data: dict[str, Any], back: str) -> HttpResponse:
    shown = _parse_snapshot(request.POST.get("snapshot", ""))
    current = {pk for pk, _ in _matching(params)}
    note = f"bedömning av {len(shown)} avvikelser samtidigt (alla som matchade filtret)"
    done: list[int] = []
    skipped: list[int] = []
    with transaction.atomic():
        for pk, version in shown:
            if pk in current and triage_if_unchanged(pk, dict(data, version=version), note):
                done.append(pk)
            else:
                skipped.append(pk)
    if done:
        verb = "är bedömd" if len(done) == 1 else "är bedömda"
        messages.success(request, f"{sv_count(len(done), 'avvikelse', 'avvikelser')} {verb}.")
    if skipped:
        listed = ", ".join(f"nr {pk}" for pk in skipped[:SKIPPED_LISTED])
        them = "den" if len(skipped) == 1 else "de"
        more = f" och {len(skipped) - SKIPPED_LISTED} till" if len(skipped) > SKIPPED_LISTED else ""
        messages.warning(
            request,
            f"{sv_count(len(skipped), 'avvikelse', 'avvikelser')} hoppades över eftersom {them} har ändrats "
            f"(eller inte längre matchar filtret) sedan bekräftelsen visades: {listed}{more}. "
            f"Öppna listan igen och bedöm {them} på nytt om ändringen ska gälla.",
        )
    return redirect(back)


# ------------------------------------------------------------------ the worst pages and documents

WORST_LIMIT = 100


def _worst_rows(run: Any, by_severity: bool) -> list[dict[str, Any]]:
    """URLs by their open failed findings (in ``run``, or in any run), with the count per severity."""
    from django.db.models import Count, Q

    from .findings_export import SEVERITY_ORDER, severity_label

    qs = filter_findings({"korning": run} if run is not None else {})
    qs = qs.filter(status=FindingStatus.OPEN, outcome="failed").order_by()
    counts = {s: Count("id", filter=Q(severity=s)) for s in SEVERITY_ORDER}
    rows = list(qs.values("url").annotate(total=Count("id"), **counts))
    if by_severity:
        rows.sort(key=lambda r: (*(-r[s] for s in SEVERITY_ORDER), -r["total"], r["url"]))
    else:
        rows.sort(key=lambda r: (-r["total"], *(-r[s] for s in SEVERITY_ORDER), r["url"]))
    for row in rows[:WORST_LIMIT]:
        query = {"avsnitt": row["url"], "status": FindingStatus.OPEN, "sortera": "allvarlighet"}
        if run is not None:
            query["korning"] = run.pk
        row["findings_url"] = reverse("register:findings") + "?" + urlencode(query)
        row["document_url"] = reverse("register:document") + "?" + urlencode({"url": row["url"]})
        row["severities"] = [(severity_label(s), row[s]) for s in SEVERITY_ORDER]
    return rows[:WORST_LIMIT]


@require_http_methods(["GET"])
@permission_required(FINDINGS, raise_exception=True)
def worst(request: HttpRequest) -> HttpResponse:
    """Värst drabbade sidor och dokument: the latest run (default) or all runs (``omfattning=alla``)."""
    from .findings_export import SEVERITY_ORDER, severity_label

    everything = request.GET.get("omfattning") == "alla"
    by_severity = request.GET.get("sortera") == "allvarlighet"
    run = None if everything else CrawlRun.objects.order_by("-started").first()
    rows = _worst_rows(run, by_severity) if (everything or run is not None) else []
    context = {
        "rows": rows,
        "run": run,
        "everything": everything,
        "by_severity": by_severity,
        "severity_labels": [severity_label(s) for s in SEVERITY_ORDER],
        "limit": WORST_LIMIT,
    }
    return render(request, "register/review_worst.html", context)
