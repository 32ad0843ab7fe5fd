"""Review pages (issue 5): crawl runs, findings and triage, a document's history, the trend over runs, evidence
records with sign-off, the proposed follow-up comment, and the draft accessibility statement.

Every view checks its permission on the server: everyone with a role may read (``view_crawlrun``,
``view_finding``, ``view_evidence``, ``view_statementdecision``, which every role has); triage needs
``register.triage_findings`` (or ``change_finding``: reviewer, admin); sealing and new versions need
``register.seal_evidence`` (reviewer, admin); statement decisions need ``add_statementdecision`` (controller,
admin). Anonymous users are sent to the login page by the middleware.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from ..config import ConfigError, config_path, read_config
from ..render.text import describe_location
from ..wcag import criterion_key
from . import views
from .evidence import create_evidence, new_version, seal, upload_results, verify
from .findings_export import (
    RUN_HEAVY,
    by_severity,
    findings_csv,
    findings_xlsx,
    rule_title,
    rules_titled,
    run_csv,
    run_xlsx,
    severity_label,
)
from .followup_help import followup_hint, pct, propose_comment, rule_shares
from .forms import FollowUpForm
from .forms_review import (
    BulkTriageForm,
    DecisionForm,
    FindingFilterForm,
    NewVersionForm,
    StatementInfoForm,
    TriageForm,
)
from .models import (
    ControlActivity,
    CrawlRun,
    DecisionKind,
    Evidence,
    EvidenceStatus,
    Finding,
    FindingScreenshot,
    FindingStatus,
    FollowUp,
    Item,
    Period,
    Risk,
    SealedError,
    StatementDecision,
)
from .store import items_for_statement, run_comparison

# every role has these (roles.py): "everyone with a role can view"
RUNS = "register.view_crawlrun"
FINDINGS = "register.view_finding"
EVIDENCE = "register.view_evidence"
DECISIONS = "register.view_statementdecision"
PER_PAGE = 50
LIST_LIMIT = 200


def can_triage(user: Any) -> bool:
    return bool(user.has_perm("register.triage_findings") or user.has_perm("register.change_finding"))


def can_seal(user: Any) -> bool:
    return bool(user.has_perm("register.seal_evidence"))


def can_decide(user: Any) -> bool:
    return bool(user.has_perm("register.add_statementdecision"))


# ------------------------------------------------------------------ runs


def _comparison(run: CrawlRun) -> dict[str, Any]:
    result: dict[str, Any] = run_comparison(run)
    return result


@require_http_methods(["GET"])
@permission_required(RUNS, raise_exception=True)
def run_list(request: HttpRequest) -> HttpResponse:
    runs = CrawlRun.objects.annotate(
        pages=Count("items", filter=Q(items__kind="page")),
        documents=Count("items", filter=Q(items__kind="document")),
        errors=Count("items", filter=~Q(items__error_code="")),
    ).order_by("-started")
    page = Paginator(runs, PER_PAGE).get_page(request.GET.get("sida"))
    ids = [r.pk for r in page.object_list]
    new = dict(Finding.objects.filter(first_seen__in=ids).values_list("first_seen").annotate(n=Count("id")))
    fixed = dict(Finding.objects.filter(fixed_in__in=ids).values_list("fixed_in").annotate(n=Count("id")))
    rows = [(r, new.get(r.pk, 0), fixed.get(r.pk, 0)) for r in page.object_list]
    return render(request, "register/review_runs.html", {"rows": rows, "page": page})


@require_http_methods(["GET"])
@permission_required(RUNS, raise_exception=True)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(CrawlRun.objects.select_related("activity__risk", "previous"), pk=pk)
    items = Item.objects.filter(run=run)
    counts = {
        "pages": items.filter(kind="page").count(),
        "documents": items.filter(kind="document").count(),
        "errors": items.exclude(error_code="").count(),
        "reused": items.filter(reused=True).count(),
    }
    with_failures = sum(
        1
        for rules in items.filter(error_code="").values_list("rules", flat=True)
        if "failed" in (rules or {}).values()
    )
    comparison = _comparison(run)
    context = {
        "run": run,
        "counts": counts,
        "with_failures": with_failures,
        "new_url": reverse("register:findings") + "?" + urlencode({"korning": run.pk, "andring": "ny"}),
        "fixed_url": reverse("register:findings")
        + "?"
        + urlencode({"korning": run.pk, "andring": "atgardad"}),
        "new": comparison["new"][:LIST_LIMIT],
        "new_count": len(comparison["new"]),
        "fixed": comparison["fixed"][:LIST_LIMIT],
        "fixed_count": len(comparison["fixed"]),
        "persisting": comparison["persisting"],
        "errors": Paginator(items.exclude(error_code="").order_by("url", "pk"), LIST_LIMIT).get_page(
            request.GET.get("fel_sida")
        ),
        "evidence": run.evidence.select_related("sealed_by").order_by("-version"),
        "limit": LIST_LIMIT,
        "findings_url": reverse("register:findings") + "?" + urlencode({"korning": run.pk}),
        "can_create_evidence": can_seal(request.user) and run.activity is not None,
    }
    return render(request, "register/review_run.html", context)


@require_http_methods(["GET"])
@permission_required(RUNS, raise_exception=True)
def run_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The run's findings (new, persisting) and the findings it fixed, as .csv or .xlsx."""
    if fmt not in ("csv", "xlsx"):
        raise Http404("okänt format")
    run = get_object_or_404(CrawlRun, pk=pk)
    if fmt == "csv":
        response = HttpResponse(run_csv(run), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            run_xlsx(run), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    stamp = timezone.localtime(run.started).strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="genomsokning-{run.pk}-{stamp}.{fmt}"'
    return response


@require_http_methods(["POST"])
@permission_required(RUNS, raise_exception=True)
def run_create_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft evidence record for a stored run on its control activity (when none exists yet)."""
    if not can_seal(request.user):
        raise PermissionDenied
    run = get_object_or_404(CrawlRun.objects.select_related("activity"), pk=pk)
    if run.activity is None:
        messages.error(request, "Genomsökningen hör inte till någon kontrollaktivitet.")
        return redirect("register:run", pk=pk)
    if run.evidence.exists():
        messages.error(request, "Genomsökningen har redan ett underlag.")
        return redirect("register:run", pk=pk)
    record = create_evidence(run, run.activity)
    messages.success(request, "Underlaget är skapat som utkast. Granska och försegla det.")
    return redirect("register:evidence", pk=record.pk)


# ------------------------------------------------------------------ findings


def _catalogue_criteria() -> dict[str, list[str]]:
    from ..catalogue import load

    return {rule.id: list(rule.wcag) for rule in load()}


def latest_run() -> CrawlRun | None:
    return CrawlRun.objects.order_by("-started", "-pk").first()


def filter_findings(data: dict[str, Any]) -> QuerySet[Finding]:
    """Findings matching the cleaned filter form."""
    qs = Finding.objects.select_related("first_seen", "last_seen", "fixed_in").defer(*RUN_HEAVY)
    if data.get("regel"):
        qs = qs.filter(rule=data["regel"])
    if data.get("wcag"):
        rules = [r for r, scs in _catalogue_criteria().items() if data["wcag"] in scs]
        qs = qs.filter(rule__in=rules)
    if data.get("format"):
        qs = qs.filter(format=data["format"])
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    section = (data.get("avsnitt") or "").strip()
    if section.startswith("/"):
        qs = qs.filter(url__regex=r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]+" + re.escape(section))
    elif section:
        qs = qs.filter(url__startswith=section)
    run = data.get("korning")
    change = {"ny": "new", "atgardad": "fixed"}.get(data.get("andring") or "")
    if run is None and change:  # "new in this run" without a run chosen: the latest run
        run = latest_run()
        if run is None:
            return qs.none()
    if run is not None and change:  # as the run page counts them: the ids stored with the run
        ids = ((run.summary or {}).get("register") or {}).get(change) or []
        qs = qs.filter(pk__in=[int(i) for i in ids])
    elif run is not None:
        qs = qs.filter(
            first_seen__site=run.site,
            first_seen__started__lte=run.started,
            last_seen__started__gte=run.started,
        )
    return _search_and_sort(qs, data)


def _search_and_sort(qs: QuerySet[Finding], data: dict[str, Any]) -> QuerySet[Finding]:
    """The free-text search (address, message, rule id or Swedish title, assignee) and the chosen order."""
    text = (data.get("sok") or "").strip()
    if text:
        titled = rules_titled(text)
        qs = qs.filter(
            Q(url__icontains=text)
            | Q(message__icontains=text)
            | Q(rule__icontains=text)
            | Q(assigned_to__icontains=text)
            | Q(rule__in=titled)
        )
    order = data.get("sortera") or ""
    if order == "allvarlighet":
        return by_severity(qs)
    orders = {
        "regel": ("rule", "url", "pk"),
        "senast": ("-last_seen__started", "url", "rule", "pk"),
        "forst": ("-first_seen__started", "url", "rule", "pk"),
    }
    return qs.order_by(*orders.get(order, ("url", "rule", "pk")))


def _filter_form(params: Any) -> FindingFilterForm:
    rules = sorted(Finding.objects.order_by().values_list("rule", flat=True).distinct())
    catalogue = _catalogue_criteria()
    criteria = sorted({sc for r in rules for sc in catalogue.get(r, [])}, key=criterion_key)
    formats = sorted(
        Finding.objects.exclude(format="").order_by().values_list("format", flat=True).distinct()
    )
    return FindingFilterForm(params, rules=rules, criteria=criteria, formats=formats)


def _rows(findings: Any) -> list[dict[str, Any]]:
    return [
        {
            "f": f,
            "where": describe_location(f.location or {}) or "hela dokumentet",
            "title": rule_title(f.rule),
            "severity": severity_label(f.severity),
        }
        for f in findings
    ]


@require_http_methods(["GET"])
@permission_required(FINDINGS, raise_exception=True)
def finding_list(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request.GET or None)
    data = form.valid_filters()
    qs = filter_findings(data)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    context = {
        "form": form,
        "compared_run": latest_run() if data.get("andring") and data.get("korning") is None else None,
        "filter_problems": form.problems(),
        "page": page,
        "rows": _rows(page.object_list),
        "total": page.paginator.count,
        "query": query.urlencode(),
        "csv_url": reverse("register:findings_export", args=["csv"]) + "?" + query.urlencode(),
        "xlsx_url": reverse("register:findings_export", args=["xlsx"]) + "?" + query.urlencode(),
        "can_triage": can_triage(request.user),
        "triage": BulkTriageForm(choices=[]),
        "next": request.get_full_path(),
    }
    return render(request, "register/review_findings.html", context)


@require_http_methods(["GET"])
@permission_required(FINDINGS, raise_exception=True)
def finding_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered findings list (every row, not one page) as .csv or .xlsx."""
    if fmt not in ("csv", "xlsx"):
        raise Http404("okänt format")
    qs = filter_findings(_filter_form(request.GET or None).valid_filters())
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    if fmt == "csv":
        response = HttpResponse(findings_csv(qs), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            findings_xlsx(qs),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="avvikelser-{stamp}.{fmt}"'
    return response


def _apply_triage(finding: Finding, data: dict[str, Any], note: str) -> None:
    if data.get("status"):
        finding.status = data["status"]
    if (data.get("reason") or "").strip():
        finding.reason = data["reason"].strip()
    if (data.get("assigned_to") or "").strip():
        finding.assigned_to = data["assigned_to"].strip()
    finding._change_reason = note
    finding.save()


TRIAGE_CONFLICT = (
    "Avvikelsen har ändrats av någon annan sedan du öppnade sidan, så din bedömning sparades inte. Den "
    "aktuella bedömningen visas ovan. Spara igen om din ändring fortfarande ska gälla."
)


def triage_if_unchanged(pk: int, data: dict[str, Any], note: str) -> bool:
    """Triage the finding when its version is still the one the form was shown with (optimistic locking).

    The version check and its increment are one UPDATE (``WHERE version = shown``), so of two forms posted
    with the same version exactly one is saved, on SQLite and on PostgreSQL alike. False when refused. A post
    without a version (a script, an old page) is not checked."""
    with transaction.atomic():
        rows = Finding.objects.filter(pk=pk)
        if data.get("version") is not None:
            rows = rows.filter(version=data["version"])
        if not rows.update(version=F("version") + 1):
            return False
        _apply_triage(Finding.objects.get(pk=pk), data, note)
    return True


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@require_http_methods(["POST"])
@permission_required(FINDINGS, raise_exception=True)
def finding_bulk_triage(request: HttpRequest) -> HttpResponse:
    if not can_triage(request.user):
        raise PermissionDenied
    posted = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    existing = list(Finding.objects.filter(pk__in=posted).values_list("pk", flat=True))
    form = BulkTriageForm(request.POST, choices=existing)
    back = _safe_next(request, reverse("register:findings"))
    if not form.is_valid():
        problems = [e for errors in form.errors.values() for e in errors]
        messages.error(request, "Ingen avvikelse ändrades: " + " ".join(problems))
        return redirect(back)
    ids = form.cleaned_data["ids"]
    with transaction.atomic():
        for finding in Finding.objects.select_for_update().filter(pk__in=ids):
            finding.version += 1  # a single-finding form shown before this is refused
            _apply_triage(finding, form.cleaned_data, f"bedömning av {len(ids)} avvikelser samtidigt")
    messages.success(request, f"{len(ids)} avvikelser är bedömda.")
    return redirect(back)


def _changes(record: Any) -> list[str]:
    """views.history_diff, with choice values shown by their Swedish labels ("status: Öppen → Accepterad")."""
    lines = views.history_diff(record)
    labels = dict(FindingStatus.choices)
    name = str(Finding._meta.get_field("status").verbose_name)
    out = []
    for line in lines:
        if line.startswith(f"{name}: "):
            old, _, new = line[len(name) + 2 :].partition(" → ")
            line = f"{name}: {labels.get(old, old)} → {labels.get(new, new)}"
        out.append(line)
    return out


def _history(finding: Finding) -> list[dict[str, Any]]:
    return [
        {
            "when": h.history_date,
            "who": h.history_user.get_username() if h.history_user else "",
            "changes": _changes(h),
            "reason": h.history_change_reason or "",
        }
        for h in finding.history.select_related("history_user").order_by("-history_date", "-history_id")
    ]


@require_http_methods(["GET", "POST"])
@permission_required(FINDINGS, raise_exception=True)
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(Finding.objects.select_related("first_seen", "last_seen", "fixed_in"), pk=pk)
    allowed = can_triage(request.user)
    form = TriageForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        if form.is_valid():
            if triage_if_unchanged(finding.pk, form.cleaned_data, "bedömning"):
                messages.success(request, "Bedömningen är sparad.")
                return redirect("register:finding", pk=finding.pk)
            form.add_error(None, TRIAGE_CONFLICT)
            status = 409
            finding.refresh_from_db()
    context = {
        "finding": finding,
        "where": describe_location(finding.location or {}) or "hela dokumentet",
        "form": form,
        "can_triage": allowed,
        "history": _history(finding),
        "document_url": reverse("register:document") + "?" + urlencode({"url": finding.url}),
        "live_url": finding.url if finding.url.lower().startswith(("https://", "http://")) else "",
        "title": rule_title(finding.rule),
        "severity": severity_label(finding.severity),
        "fix": _fix_advice(finding),
        "screenshot": FindingScreenshot.objects.filter(finding=finding).exists(),
    }
    return render(request, "register/review_finding.html", context, status=status)


@permission_required(FINDINGS, raise_exception=True)
def finding_screenshot(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored PNG of a finding's element (no page: the finding page shows it in an ``<img>``)."""
    shot = get_object_or_404(FindingScreenshot.objects.only("png"), finding_id=pk)
    response = HttpResponse(bytes(shot.png), content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, no-cache"
    return response


def _fix_advice(finding: Finding) -> str:
    """The rule's Swedish fix advice for the finding's format, from the installed catalogue."""
    from ..catalogue import load

    catalogue = load()
    rule = catalogue.rules.get(catalogue.resolve(finding.rule))
    return " ".join(rule.fix_for(finding.format, "sv").split()) if rule is not None else ""


@require_http_methods(["GET"])
@permission_required(FINDINGS, raise_exception=True)
def document_detail(request: HttpRequest) -> HttpResponse:
    url = request.GET.get("url", "")
    items = list(Item.objects.filter(url=url).select_related("run").order_by("-run__started"))
    findings = list(Finding.objects.filter(url=url).select_related("first_seen", "last_seen", "fixed_in"))
    if not url or not (items or findings):
        raise Http404("okänd adress")
    title = next((i.title for i in items if i.title), "") or url
    rows = [dict(row, history=_history(row["f"])) for row in _rows(findings)]
    item_rows = [
        {
            "item": i,
            "failed": sorted(r for r, o in (i.rules or {}).items() if o == "failed"),
            "review": sorted(r for r, o in (i.rules or {}).items() if o == "cantTell"),
        }
        for i in items
    ]
    context = {
        "url": url,
        "title": title,
        "items": item_rows,
        "rows": rows,
        "can_triage": can_triage(request.user),
    }
    return render(request, "register/review_document.html", context)


# ------------------------------------------------------------------ trend

CHART = {"width": 760, "height": 340, "left": 56, "right": 230, "top": 20, "bottom": 56}
COLOURS = ("#0b4f8a", "#8a1c1c", "#1d5e2a", "#6a3d9a", "#7a4b00", "#005f5f", "#4d4d4d", "#a0005a")
DASHES = ("", "8 4", "2 4", "10 4 2 4", "4 4", "12 3", "1 3", "6 2 2 2")
MARKERS = ("circle", "square", "triangle", "diamond", "circle", "square", "triangle", "diamond")
CHART_RULES = 8
TREND_RUNS = 24
LABEL_GAP = 16  # px between the end labels (font size 13)
CHAR_W = 7.0  # px per character of a 12 px axis label, a generous estimate


def run_labels(runs: list[CrawlRun]) -> list[str]:
    """One label per run, as short as it can be while no two are equal: the date, else the minute, else the
    second, else the second with "nr 2", "nr 3" … (runs started in the same second)."""
    times = [timezone.localtime(run.started) for run in runs]
    labels = []
    for when in times:
        for fmt in ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
            label = when.strftime(fmt)
            if sum(1 for t in times if t.strftime(fmt) == label) == 1:
                break
        labels.append(label)
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} nr {seen[label]}")
    return out


def trend_data(site: str) -> dict[str, Any]:
    """Per rule and run: failed items, checked items and the share, for the last runs of ``site``."""
    runs = list(CrawlRun.objects.filter(site=site).order_by("-started")[:TREND_RUNS])[::-1]
    shares = [rule_shares(run) for run in runs]
    rules = sorted({r for s in shares for r, v in s.items() if v.failed})
    table = []
    for rule in rules:
        cells: list[dict[str, Any] | None] = []
        for s in shares:
            v = s.get(rule)
            cells.append(
                {"failed": v.failed, "checked": v.checked, "percent": v.percent, "text": pct(v.percent)}
                if v is not None and v.checked
                else None
            )
        peak = max((float(c["percent"]) for c in cells if c), default=0.0)
        latest = next((float(c["percent"]) for c in reversed(cells) if c), 0.0)
        table.append({"rule": rule, "cells": cells, "peak": peak, "latest": latest})
    labels = run_labels(runs)
    return {"runs": runs, "rules": table, "columns": list(zip(runs, labels, strict=True)), "labels": labels}


def _xlabels(labels: list[str], x: Any, plot_w: float) -> list[dict[str, Any]]:
    """The run labels under the x axis, thinned so that none overlaps the next (the last is always shown)."""
    n = len(labels)
    widest = max((len(label) for label in labels), default=0) * CHAR_W + 8
    room = plot_w / max(n - 1, 1)
    step = max(1, int(-(-widest // room))) if n > 1 else 1
    shown = set(range(n - 1, -1, -step))
    return [{"x": round(x(i), 1), "label": labels[i]} for i in range(n) if i in shown]


def _place_end_labels(lines: list[dict[str, Any]], top: float, bottom: float) -> None:
    """Move the end labels apart (``LABEL_GAP`` px), in the order of their lines' ends, within the plot."""
    placed = sorted(lines, key=lambda line: line["label_y"])
    floor = top
    for line in placed:
        line["label_y"] = max(line["label_y"] + 4, floor)
        floor = line["label_y"] + LABEL_GAP
    ceiling = bottom  # pushed below the plot: move the stack up again, keeping the gaps
    for line in reversed(placed):
        line["label_y"] = round(min(line["label_y"], ceiling), 1)
        ceiling = line["label_y"] - LABEL_GAP


def trend_chart(data: dict[str, Any]) -> dict[str, Any]:
    """Geometry of the SVG chart: the rules with the highest peak, a line each, labelled at its end."""
    c = CHART
    runs = data["runs"]
    # the rules failing most now first (a rule fixed since its peak is at 0 % now), then the highest peak
    chosen = sorted(data["rules"], key=lambda r: (-r.get("latest", 0.0), -r["peak"], r["rule"]))[:CHART_RULES]
    top = max([r["peak"] for r in chosen] + [10.0])
    ymax = min(100, int((top + 9.999) // 10 * 10))
    plot_w = c["width"] - c["left"] - c["right"]
    plot_h = c["height"] - c["top"] - c["bottom"]

    def x(i: int) -> float:
        return c["left"] + (plot_w / 2 if len(runs) == 1 else plot_w * i / (len(runs) - 1))

    def y(p: float) -> float:
        return c["top"] + plot_h * (1 - p / ymax)

    ticks = [{"y": round(y(v), 1), "label": f"{v} %"} for v in range(0, ymax + 1, max(10, ymax // 5))]
    xlabels = _xlabels(data.get("labels") or run_labels(runs), x, plot_w)
    lines = []
    for n, rule in enumerate(chosen):
        points = [
            (round(x(i), 1), round(y(cell["percent"]), 1)) for i, cell in enumerate(rule["cells"]) if cell
        ]
        if not points:
            continue
        last = next(cell for cell in reversed(rule["cells"]) if cell)
        lines.append(
            {
                "rule": rule["rule"],
                "colour": COLOURS[n % len(COLOURS)],
                "dash": DASHES[n % len(DASHES)],
                "marker": MARKERS[n % len(MARKERS)],
                "points": [{"x": px, "y": py, "x0": px - 5, "y0": py - 5} for px, py in points],
                "polyline": " ".join(f"{px},{py}" for px, py in points),
                "label": f"{rule['rule']} {last['text']}",
                "label_y": points[-1][1],
            }
        )
    _place_end_labels(lines, float(c["top"]) + 4, float(c["height"] - c["bottom"]))
    return {
        "width": c["width"],
        "height": c["height"],
        "left": c["left"],
        "right_edge": c["width"] - c["right"],
        "label_x": c["width"] - c["right"] + 12,
        "bottom": c["height"] - c["bottom"],
        "ticks": ticks,
        "xlabels": xlabels,
        "lines": lines,
        "ymax": ymax,
        "shown": len(lines),
        "axis_top": c["top"],
        "tick_x": c["left"] - 6,
        "xlabel_y": c["height"] - c["bottom"] + 18,
        "caption_y": c["height"] - 8,
        "first": (data.get("labels") or run_labels(runs))[0],
        "last": (data.get("labels") or run_labels(runs))[-1],
    }


@require_http_methods(["GET"])
@permission_required(RUNS, raise_exception=True)
def trend(request: HttpRequest) -> HttpResponse:
    sites = sorted(CrawlRun.objects.order_by().values_list("site", flat=True).distinct())
    latest = CrawlRun.objects.order_by("-started").first()
    site = request.GET.get("webbplats") or (latest.site if latest else "")
    if site and site not in sites:
        raise Http404("okänd webbplats")
    data = trend_data(site) if site else {"runs": [], "rules": []}
    chart = trend_chart(data) if data["runs"] and data["rules"] else None
    desc = ""
    if chart:
        desc = "; ".join(f"{line['label']} vid den senaste genomsökningen" for line in chart["lines"])
    context = {"site": site, "sites": sites, "data": data, "chart": chart, "desc": desc}
    return render(request, "register/review_trend.html", context)


# ------------------------------------------------------------------ evidence


@require_http_methods(["GET"])
@permission_required(EVIDENCE, raise_exception=True)
def activity_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(ControlActivity.objects.select_related("risk__plan"), pk=pk)
    records = list(
        activity.evidence.select_related("run", "sealed_by", "supersedes").order_by("-created_at", "-pk")
    )
    replaced = {e.supersedes_id for e in records if e.supersedes_id}
    rows = [{"e": e, "current": e.pk not in replaced} for e in records]
    context = {"activity": activity, "risk": activity.risk, "rows": rows}
    return render(request, "register/review_evidence_list.html", context)


# Swedish names of the manifest's parts and fields (docs/evidence.md); the key stays as secondary text.
MANIFEST_PARTS = {
    "schema": "Format",
    "record": "Underlaget",
    "control": "Kontrollen",
    "run": "Genomsökningen",
    "scope": "Omfattning",
    "population": "Population",
    "method": "Metod",
    "items": "Granskade sidor och dokument",
    "items_sha256": "Kontrollsumma över sidorna och dokumenten",
    "results": "Resultat",
    "findings": "Avvikelser",
    "comparison": "Jämförelse med förra genomsökningen",
    "conclusion": "Slutsats",
    "manual": "Manuell granskning",
    "sign_off": "Godkännande",
    "records": "Hantering av handlingen",
    "previous_seal": "Föregående sigill",
    "partial": "Ofullständig",
}
MANIFEST_FIELDS = {
    "id": "nr",
    "title": "titel",
    "version": "version",
    "supersedes": "ersätter",
    "supersedes_seal": "ersatt underlags sigill",
    "reason": "skäl",
    "correction_reason": "skäl till rättelsen",
    "board": "nämnd",
    "plan_year": "planår",
    "plan": "plan",
    "process": "process",
    "responsible": "kontrollansvarig",
    "actual_date": "utfört",
    "site": "webbplats",
    "started": "startad",
    "finished": "avslutad",
    "status": "status",
    "requests": "förfrågningar",
    "duration_s": "tid i sekunder",
    "include_subdomains": "underdomäner",
    "obey_robots": "följer robots.txt",
    "use_sitemaps": "använder webbplatskartor",
    "date_rule": "datumregel",
    "kind": "slag",
    "file": "fil",
    "saved_by": "sparat av",
    "not_checked": "kunde inte granskas",
    "reused": "återanvända",
    "broken_links": "trasiga länkar",
    "tool": "verktyg",
    "catalogue": "regelkatalog",
    "catalogue_installed": "installerad katalog",
    "rule_set": "regeluppsättning",
    "wcag": "WCAG",
    "config_sha256": "konfigurationens sha256",
    "previous_run": "förra genomsökningen",
    "new": "nya",
    "fixed": "åtgärdade",
    "persisting": "kvarstående",
    "run_status": "genomsökningens status",
    "documents_checked": "granskade dokument",
    "documents_with_failed_rule": "dokument med underkänd regel",
    "documents_with_failed_rule_share": "andel dokument med underkänd regel (%)",
    "pages_checked": "granskade sidor",
    "pages_with_failed_rule": "sidor med underkänd regel",
    "pages_with_failed_rule_share": "andel sidor med underkänd regel (%)",
    "performed_by": "utfört av",
    "sealed_by": "förseglat av",
    "sealed_at": "förseglat",
    "confidentiality": "sekretess",
    "diarienummer": "diarienummer",
}


def _scalar(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


def _short(value: Any) -> str:
    if isinstance(value, dict):
        scalars = [
            f"{MANIFEST_FIELDS.get(k, k)}: {_scalar(v)}"
            for k, v in value.items()
            if isinstance(v, str | int | float | bool) or v is None
        ]
        text = ", ".join(scalars[:8])
        rest = len(value) - min(len(scalars), 8)
        return text + (f" (och {rest} fält till)" if rest > 0 else "") if text else f"{len(value)} fält"
    if isinstance(value, list):
        return "1 post" if len(value) == 1 else f"{len(value)} poster"
    return _scalar(value)


def manifest_summary(evidence: Evidence) -> list[tuple[str, str]]:
    """(part, summary) in Swedish: "Kontrollen (control)", "nämnd: Kommunstyrelsen, planår: 2026, …"."""
    try:
        data = json.loads(bytes(evidence.manifest).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return [("Manifestet", "kan inte läsas som JSON")]
    if not isinstance(data, dict):
        return [("Manifestet", _short(data))]
    order = list(MANIFEST_PARTS)
    keys = sorted(data, key=lambda k: (order.index(k) if k in order else len(order), k))
    return [(f"{MANIFEST_PARTS[k]} ({k})" if k in MANIFEST_PARTS else str(k), _short(data[k])) for k in keys]


def manifest_rules(evidence: Evidence) -> list[dict[str, Any]]:
    """The record's frozen results per rule (failed first), for the table on the record's page."""
    try:
        data = json.loads(bytes(evidence.manifest).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return []
    if not isinstance(data, dict):
        return []
    results = data.get("results")
    if not isinstance(results, dict) and isinstance(data.get("items"), list):
        results = upload_results(data)  # an upload's record sealed before it held its results
    rules = (results or {}).get("rules") or {}
    rows = [
        {
            "rule": rule,
            "title": str(r.get("title") or rule),
            "wcag": ", ".join(r.get("wcag") or []),
            "checked": r.get("checked", 0),
            "failed": r.get("failed", 0),
            "cant_tell": r.get("cant_tell", 0),
            "share": pct(float(r.get("share") or 0.0)),
        }
        for rule, r in rules.items()
        if isinstance(r, dict)
    ]
    return sorted(rows, key=lambda row: (-int(row["failed"] or 0), row["rule"]))


@require_http_methods(["GET"])
@permission_required(EVIDENCE, raise_exception=True)
def evidence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(
        Evidence.objects.select_related("activity__risk", "run", "sealed_by", "supersedes"), pk=pk
    )
    problems = list(verify(evidence))
    newer = Evidence.objects.filter(supersedes=evidence).order_by("version")
    context = {
        "e": evidence,
        "activity": evidence.activity,
        "summary": manifest_summary(evidence),
        "rules": manifest_rules(evidence),
        "manifest_size": len(bytes(evidence.manifest)),
        "problems": problems,
        "newer": newer,
        "can_seal": can_seal(request.user),
        "version_form": NewVersionForm(),
    }
    return render(request, "register/review_evidence.html", context)


@require_http_methods(["GET"])
@permission_required(EVIDENCE, raise_exception=True)
def evidence_manifest(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(Evidence, pk=pk)
    response = HttpResponse(bytes(evidence.manifest), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="underlag-{evidence.pk}-v{evidence.version}.json"'
    )
    return response


@require_http_methods(["POST"])
@permission_required(EVIDENCE, raise_exception=True)
def evidence_seal(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_seal(request.user):
        raise PermissionDenied
    evidence = get_object_or_404(Evidence, pk=pk)
    try:
        seal(evidence, request.user)
    except (SealedError, ValueError) as exc:
        messages.error(request, f"Underlaget förseglades inte: {exc}")
    else:
        messages.success(request, "Underlaget är godkänt och förseglat.")
    return redirect("register:evidence", pk=pk)


@require_http_methods(["POST"])
@permission_required(EVIDENCE, raise_exception=True)
def evidence_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_seal(request.user):
        raise PermissionDenied
    evidence = get_object_or_404(Evidence, pk=pk)
    form = NewVersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ingen ny version skapades: skriv vad som rättas.")
        return redirect("register:evidence", pk=pk)
    try:
        new = new_version(evidence, form.cleaned_data["reason"])
    except (SealedError, ValueError) as exc:
        messages.error(request, f"Ingen ny version skapades: {exc}")
        return redirect("register:evidence", pk=pk)
    messages.success(request, f"Version {new.version} är skapad som utkast. Granska och försegla den.")
    return redirect("register:evidence", pk=new.pk)


# ------------------------------------------------------------------ follow-up help


@require_http_methods(["GET", "POST"])
@permission_required(["register.change_followup", "register.add_followup"], raise_exception=True)
def followup_with_proposal(request: HttpRequest, pk: int, period: str, year: int) -> HttpResponse:
    """The follow-up form with the proposed comment filled in on the server; saving goes to the usual view."""
    if request.method == "POST":
        return views.followup_edit(request, pk=pk, period=period, year=year)
    risk = get_object_or_404(Risk.objects.select_related("plan__board", "process"), pk=pk)
    if period not in Period.values or not 1990 <= year <= 2200:
        raise Http404("okänd period")
    proposal = propose_comment(risk, period, year)
    instance = FollowUp.objects.filter(risk=risk, period=period, year=year).first() or FollowUp(
        risk=risk, period=period, year=year
    )
    form = FollowUpForm(instance=instance, initial={"comment": proposal} if proposal else None)
    if proposal:
        messages.info(
            request, "Det föreslagna underlaget är infogat i kommentaren. Granska, ändra och spara."
        )
    context = {
        "risk": risk,
        "plan": risk.plan,
        "form": form,
        "period_label": dict(Period.choices)[period],
        "year": year,
        "is_new": instance.pk is None,
        "proposal_filled": bool(proposal),
    }
    return render(request, "register/followup_form.html", context)


def proposal_context(risk: Risk, period: str, year: int) -> dict[str, Any]:
    """What the follow-up form shows: the proposed comment, the hint about Följer plan, the fill-in link."""
    comment = propose_comment(risk, period, year) if period in Period.values else ""
    if not comment:
        return {}
    return {
        "comment": comment,
        "hint": followup_hint(risk, period, year)["text"],
        "url": reverse("register:followup_proposal", args=[risk.pk, period, year]),
    }


# ------------------------------------------------------------------ statement


def statement_defaults() -> dict[str, str]:
    """[statement] of tillgang.toml (organisation, service, contact, feedback_url), if present."""
    try:
        section = read_config(config_path(str(settings.DATA_DIR))).section("statement")
    except (OSError, ConfigError):
        return {}
    keys = ("organisation", "service", "contact", "feedback_url")
    return {k: str(section[k]) for k in keys if isinstance(section.get(k), str)}


def _decisions() -> list[Any]:
    from ..statement import Decision

    return [
        Decision(
            kind=d.kind,
            subject=d.subject,
            reason=d.reason,
            decided_by=d.decided_by,
            decided_on=d.decided_on,
            sha256=d.sha256 or None,
        )
        for d in StatementDecision.objects.order_by("decided_on", "pk")
    ]


@require_http_methods(["GET", "POST"])
@permission_required(DECISIONS, raise_exception=True)
def statement(request: HttpRequest) -> HttpResponse:
    allowed = can_decide(request.user)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        if form.is_valid():
            decision = form.save(commit=False)
            decision.recorded_by = request.user
            decision.save()
            messages.success(request, "Beslutet är registrerat.")
            return redirect("register:statement")
    sites = sorted(CrawlRun.objects.order_by().values_list("site", flat=True).distinct())
    defaults = statement_defaults()
    info = StatementInfoForm(initial=defaults)
    latest = {site: CrawlRun.objects.filter(site=site).order_by("-started").first() for site in sites}
    context = {
        "form": form,
        "can_decide": allowed,
        "decisions": StatementDecision.objects.select_related("recorded_by"),
        "sites": [(s, latest[s]) for s in sites],
        "info": info,
        "kinds": DecisionKind,
    }
    return render(request, "register/review_statement.html", context)


@require_http_methods(["GET"])
@permission_required(RUNS, raise_exception=True)
def statement_draft(request: HttpRequest) -> HttpResponse:
    from ..statement import (
        StatementError,
        StatementInput,
        build_statement,
        html_style_source,
        render_statement,
    )

    fmt = request.GET.get("format", "html")
    if fmt not in ("html", "docx", "json"):
        raise Http404("okänt format")
    site = request.GET.get("webbplats", "")
    runs = CrawlRun.objects.filter(site=site) if site else CrawlRun.objects.all()  # default: the latest run
    run = runs.order_by("-started").first()
    if run is None:
        raise Http404("ingen genomsökning av webbplatsen")
    site = run.site
    info_form = StatementInfoForm(request.GET)
    given = info_form.cleaned_data if info_form.is_valid() else {}
    defaults = statement_defaults()

    def value(key: str) -> str | None:
        return (given.get(key) or "").strip() or defaults.get(key) or None

    sealed = Evidence.objects.filter(run=run, status=EvidenceStatus.SEALED).order_by("-sealed_at").first()
    info = StatementInput(
        organisation=value("organisation") or "",
        service=value("service") or site,
        contact=value("contact"),
        feedback_url=value("feedback_url"),
        assessed_on=sealed.sealed_at.date() if sealed and sealed.sealed_at else run.started.date(),
        updated_on=dt.date.today(),
        decisions=_decisions(),
    )
    try:
        model = build_statement(items_for_statement(run), info)
    except StatementError as exc:
        raise Http404(str(exc)) from exc
    body = render_statement(model, fmt)
    types = {
        "html": "text/html; charset=utf-8",
        "json": "application/json; charset=utf-8",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
    response = HttpResponse(body, content_type=types[fmt])
    if fmt == "html":  # the draft's own style block, and nothing else inline (the page has no scripts)
        response["Content-Security-Policy"] = (
            f"default-src 'self'; style-src {html_style_source()}; script-src 'none'; object-src 'none'; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        )
    else:
        name = re.sub(r"[^a-z0-9.-]+", "-", site.lower()).strip("-") or "webbplats"
        response["Content-Disposition"] = f'attachment; filename="tillganglighetsredogorelse-{name}.{fmt}"'
    return response
