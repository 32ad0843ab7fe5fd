"""Server-rendered pages (Swedish, no JavaScript). Every view checks its permission on the server."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from .forms import FollowUpForm, PlanForm, RiskForm
from .models import ControlActivity, FollowUp, Period, Plan, Risk
from .riskconfig import SCALE, get_config


@require_http_methods(["GET"])
@permission_required("register.view_plan", raise_exception=True)
def home(request: HttpRequest) -> HttpResponse:
    plan = Plan.objects.order_by("-year", "board__name").first()
    if plan is None:
        return redirect("register:plans")
    return redirect("register:plan", pk=plan.pk)


@require_http_methods(["GET"])
@permission_required("register.view_plan", raise_exception=True)
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.select_related("board").order_by("-year", "board__name")
    rows = []
    for p in plans:
        active = [r for r in p.risks.all() if not r.retired]
        rows.append((p, sum(1 for r in active if r.critical), len(active)))
    context = {"rows": rows, "can_add_plan": request.user.has_perm("register.add_plan")}
    return render(request, "register/plan_list.html", context)


def heat_map(risks: list[Risk]) -> dict[str, Any]:
    """Rows for likelihood 4..1, columns for consequence 1..4, with the risks in each cell."""
    config = get_config()
    rows = []
    for s in reversed(SCALE):
        cells = []
        for k in SCALE:
            value = config.value(s, k)
            inside = [r for r in risks if r.likelihood == s and r.consequence == k]
            cells.append(
                {
                    "likelihood": s,
                    "consequence": k,
                    "value": value,
                    "level": config.level(value),
                    "critical": config.is_critical(value),
                    "risks": inside,
                }
            )
        rows.append({"likelihood": s, "label": config.likelihood_labels[s - 1], "cells": cells})
    columns = [{"consequence": k, "label": config.consequence_labels[k - 1]} for k in SCALE]
    unplaced = [r for r in risks if not (r.likelihood and r.consequence)]
    return {"rows": rows, "columns": columns, "unplaced": unplaced}


@require_http_methods(["GET"])
@permission_required("register.view_plan", raise_exception=True)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("board"), pk=pk)
    risks = list(
        plan.risks.select_related("process")
        .prefetch_related(Prefetch("followups", queryset=FollowUp.objects.order_by("-year", "-period")))
        .order_by("order", "id")
    )
    retired = [r for r in risks if r.retired]
    risks = [r for r in risks if not r.retired]
    critical = [r for r in risks if r.critical]
    config = get_config()
    deadlines = [
        {"label": word, "date": plan.deadline(period), "own": getattr(plan, f"{period}_deadline") is not None}
        for period, word in ((Period.DELAR, "delårsuppföljningen"), (Period.HELAR, "helårsuppföljningen"))
    ]
    context = {
        "plan": plan,
        "deadlines": deadlines,
        "risks": risks,
        "retired": retired,
        "critical_count": len(critical),
        "heat": heat_map(risks),
        "config": config,
        "threshold": (
            f"från {config.critical_from}"
            if config.critical_values is None
            else ", ".join(str(v) for v in sorted(config.critical_values))
        ),
        "can_edit": request.user.has_perm("register.change_followup"),
        "can_edit_plan": request.user.has_perm("register.change_plan"),
        "can_add_risk": request.user.has_perm("register.add_risk"),
        "can_copy": request.user.has_perms(
            ["register.add_plan", "register.add_risk", "register.add_controlactivity"]
        ),
    }
    return render(request, "register/plan_detail.html", context)


def history_diff(record: Any) -> list[str]:
    """What a history record changed, as "field: old → new" lines."""
    if record.history_type == "+":
        return ["skapad"]
    if record.history_type == "-":
        return ["borttagen"]
    prev = record.prev_record
    if prev is None:
        return ["ändrad"]
    changes = []
    for change in record.diff_against(prev).changes:
        field = record.instance._meta.get_field(change.field)
        name = str(getattr(field, "verbose_name", change.field))

        def short(v: Any, field: Any = field) -> str:
            if v is not None and getattr(field, "related_model", None) is not None:
                obj = field.related_model._default_manager.filter(pk=v).first()
                v = obj.get_username() if hasattr(obj, "get_username") else (obj or v)
            if isinstance(v, bool):
                v = "Ja" if v else "Nej"
            text = "" if v is None else " ".join(str(v).split())
            return (text[:60] + "…") if len(text) > 61 else (text or "(tomt)")

        changes.append(f"{name}: {short(change.old)} → {short(change.new)}")
    return changes or ["sparad utan ändringar"]


def risk_history(risk: Risk) -> list[dict[str, Any]]:
    records: list[tuple[str, Any]] = [("Risk", h) for h in risk.history.select_related("history_user")]
    records += [
        (f"Uppföljning {dict(Period.choices).get(h.period, h.period)} {h.year}", h)
        for h in FollowUp.history.filter(risk_id=risk.pk).select_related("history_user")
    ]
    records += [
        ("Kontrollaktivitet", h)
        for h in ControlActivity.history.filter(risk_id=risk.pk).select_related("history_user")
    ]
    records.sort(key=lambda item: item[1].history_date, reverse=True)
    return [
        {
            "what": what,
            "when": h.history_date,
            "who": h.history_user.get_username() if h.history_user else "",
            "changes": history_diff(h),
            "reason": h.history_change_reason or "",
        }
        for what, h in records
    ]


@require_http_methods(["GET"])
@permission_required("register.view_risk", raise_exception=True)
def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    risk = get_object_or_404(Risk.objects.select_related("plan__board", "process"), pk=pk)
    activities = list(risk.activities.select_related("responsible_user").prefetch_related("evidence"))
    followups = list(risk.followups.select_related("author").order_by("-year", "-period"))
    present = {(f.period, f.year) for f in followups}
    missing = [
        {"period": p, "label": label, "year": risk.plan.year}
        for p, label in Period.choices
        if (p, risk.plan.year) not in present
    ]
    context = {
        "risk": risk,
        "plan": risk.plan,
        "activities": [a for a in activities if a.retired is None],
        "retired_activities": [a for a in activities if a.retired is not None],
        "followups": followups,
        "missing": missing,
        "history": risk_history(risk),
        "can_edit": request.user.has_perm("register.change_followup")
        and request.user.has_perm("register.add_followup"),
        "can_edit_risk": request.user.has_perm("register.change_risk"),
        "can_add_activity": request.user.has_perm("register.add_controlactivity"),
        "can_edit_activity": request.user.has_perm("register.change_controlactivity"),
    }
    return render(request, "register/risk_detail.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(["register.change_followup", "register.add_followup"], raise_exception=True)
def followup_edit(request: HttpRequest, pk: int, period: str, year: int) -> HttpResponse:
    risk = get_object_or_404(Risk.objects.select_related("plan__board", "process"), pk=pk)
    if period not in Period.values or not 1990 <= year <= 2200:
        raise Http404("okänd period")
    instance = FollowUp.objects.filter(risk=risk, period=period, year=year).first() or FollowUp(
        risk=risk, period=period, year=year
    )
    if request.method == "POST":
        form = FollowUpForm(request.POST, instance=instance)
        if form.is_valid():
            followup = form.save(commit=False)
            followup.author = request.user
            followup.date = dt.date.today()
            followup.save()
            messages.success(request, "Uppföljningen är sparad.")
            return redirect("register:risk", pk=risk.pk)
    else:
        form = FollowUpForm(instance=instance)
    context = {
        "risk": risk,
        "plan": risk.plan,
        "form": form,
        "period_label": dict(Period.choices)[period],
        "year": year,
        "is_new": instance.pk is None,
    }
    return render(request, "register/followup_form.html", context)


def _edit(request: HttpRequest, form: Any, context: dict[str, Any], done: str, pk: int) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Ändringarna är sparade.")
        return redirect(done, pk=pk)
    return render(request, "register/edit_form.html", dict(context, form=form))


@require_http_methods(["GET", "POST"])
@permission_required("register.change_risk", raise_exception=True)
def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    risk = get_object_or_404(Risk.objects.select_related("plan__board", "process"), pk=pk)
    form = RiskForm(request.POST if request.method == "POST" else None, instance=risk)
    config = get_config()
    context = {
        "title": f"Ändra bedömning av risk R{risk.order}",
        "intro": str(risk),
        "plan": risk.plan,
        "back": ("register:risk", risk.pk, f"Risk R{risk.order}"),
        "note": (
            "Riskvärdet räknas fram ur sannolikhet och konsekvens"
            + (" (sannolikhet × konsekvens)." if config.method == "product" else " enligt riskmatrisen.")
        ),
    }
    return _edit(request, form, context, "register:risk", risk.pk)


@require_http_methods(["GET"])
@permission_required("register.view_plan", raise_exception=True)
def plan_report(request: HttpRequest, pk: int, period: str) -> HttpResponse:
    """The follow-up report (.docx, shaped like the seed) of the plan for delår or helår."""
    import io

    from .exports.report import build_report

    plan = get_object_or_404(Plan.objects.select_related("board"), pk=pk)
    if period not in Period.values:
        raise Http404("okänd period")
    out = io.BytesIO()
    build_report(plan, period).save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    name = {"delar": "delarsuppfoljning", "helar": "helarsuppfoljning"}[period]
    response["Content-Disposition"] = f'attachment; filename="{name}-{plan.year}-plan-{plan.pk}.docx"'
    return response


@require_http_methods(["GET", "POST"])
@permission_required("register.change_plan", raise_exception=True)
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("board"), pk=pk)
    form = PlanForm(request.POST if request.method == "POST" else None, instance=plan)
    context = {"title": f"Ändra plan: {plan}", "intro": "", "plan": plan, "back": None, "note": ""}
    return _edit(request, form, context, "register:plan", plan.pk)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _json_error(status: int, code: str, message: str) -> HttpResponse:
    from django.http import JsonResponse

    return JsonResponse(
        {"error": {"code": code, "message": message}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


@login_not_required
def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _json_error(403, "forbidden", "Din roll ger inte tillgång till detta.")
    return render(request, "register/403.html", status=403)


@login_not_required
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 404 in Swedish, in the register's layout; JSON under /api/."""
    if _is_api(request):
        if request.path.endswith("/"):  # "/api/v1/runs/" is "/api/v1/runs": the API's routes have no slash
            from django.urls import Resolver404, resolve

            try:
                match = resolve(request.path.rstrip("/"))
            except Resolver404:
                pass
            else:
                return match.func(request, *match.args, **match.kwargs)
        return _json_error(404, "not-found", f"Adressen {request.path} finns inte i API:t.")
    return render(request, "register/404.html", status=404)


SERVER_ERROR_HTML = (
    '<!DOCTYPE html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n'
    '<title>Ett fel uppstod – tillgang</title>\n</head>\n<body>\n<main id="main">\n'
    "<h1>Ett fel uppstod</h1>\n<p>Något gick fel på servern, så sidan kunde inte visas. Försök igen om en "
    "stund. Kontakta registrets administratör om felet finns kvar.</p>\n</main>\n</body>\n</html>\n"
)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 in Swedish; JSON under /api/. It renders without the database (which may be the fault)."""
    if _is_api(request):
        return _json_error(500, "server-error", "Ett fel uppstod på servern. Försök igen om en stund.")
    try:
        from django.template.loader import render_to_string

        html = render_to_string("register/500.html")  # no request: no user, no database
    except Exception:  # the template itself failing must not hide the error page
        html = SERVER_ERROR_HTML
    return HttpResponse(html, status=500, content_type="text/html; charset=utf-8")


__all__ = [
    "PermissionDenied",
    "followup_edit",
    "forbidden",
    "home",
    "not_found",
    "plan_detail",
    "plan_list",
    "plan_report",
    "risk_detail",
    "server_error",
]
