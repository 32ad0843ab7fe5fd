"""Pages of the plan year (issue 12): a new plan, next year's plan from this one, adding, changing and retiring
risks, control activities with a responsible user, and "Mina uppgifter". Permissions are checked here, on
the server; the links in the templates are only hidden."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from .forms_plan import ActivityForm, CopyPlanForm, NewPlanForm, RetireRiskForm, RiskFullForm
from .models import ControlActivity, Plan, Risk
from .planyear import PlanExists, assigned_findings, copy_plan, due_followups, plan_exists_message

COPY_PERMS = ["register.add_plan", "register.add_risk", "register.add_controlactivity"]


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _form_page(request: HttpRequest, form: Any, **context: Any) -> HttpResponse:
    base = {"intro": "", "plan": None, "back": None, "note": "", "submit": "Spara"}
    return render(request, "register/edit_form.html", dict(base, form=form, **context))


@require_http_methods(["GET", "POST"])
@permission_required("register.add_plan", raise_exception=True)
def plan_new(request: HttpRequest) -> HttpResponse:
    form = NewPlanForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                plan = form.save()
        except IntegrityError:  # made by someone else since the form was checked
            form.add_error("year", plan_exists_message(form.cleaned_data["board"], form.cleaned_data["year"]))
        else:
            messages.success(request, f"Planen {plan} är skapad.")
            return redirect("register:plan", pk=plan.pk)
    return _form_page(request, form, title="Ny internkontrollplan", submit="Skapa planen")


@require_http_methods(["GET", "POST"])
@permission_required(COPY_PERMS, raise_exception=True)
def plan_copy(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Plan.objects.select_related("board"), pk=pk)
    form = CopyPlanForm(_post(request), source=source)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = copy_plan(
                source, data["year"], request.user, decided=data["decided"], valid_until=data["valid_until"]
            )
        except PlanExists as exc:  # created by someone else since the form was checked
            form.add_error("year", str(exc))
        else:
            count = plan.risks.count()
            messages.success(
                request, f"Planen för {plan.year} är skapad med {count} risker från {source.year}."
            )
            return redirect("register:plan", pk=plan.pk)
    intro = (
        f"Den nya planen får samma nämnd ({source.board}) och planens aktiva risker med processer, bedömningar, "
        "ställningstaganden, planering och kontrollaktiviteter. Uppföljningar och avvecklade risker kopieras inte."
    )
    return _form_page(
        request,
        form,
        title=f"Skapa plan för {source.year + 1} från denna",
        intro=intro,
        plan=source,
        submit="Skapa planen",
    )


@require_http_methods(["GET", "POST"])
@permission_required("register.add_risk", raise_exception=True)
def risk_new(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("board"), pk=pk)
    form = RiskFullForm(_post(request), instance=Risk(plan=plan))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():  # a new process and its risk together
            risk = form.save()
        messages.success(request, f"Risk R{risk.order} är tillagd.")
        return redirect("register:risk", pk=risk.pk)
    return _form_page(request, form, title=f"Ny risk i {plan}", plan=plan, submit="Lägg till risken")


@require_http_methods(["GET", "POST"])
@permission_required("register.change_risk", raise_exception=True)
def risk_change(request: HttpRequest, pk: int) -> HttpResponse:
    risk = get_object_or_404(Risk.objects.select_related("plan__board", "process"), pk=pk)
    form = RiskFullForm(_post(request), instance=risk)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Ändringarna är sparade.")
        return redirect("register:risk", pk=risk.pk)
    back = ("register:risk", risk.pk, f"Risk R{risk.order}")
    return _form_page(request, form, title=f"Ändra risk R{risk.order}", plan=risk.plan, back=back)


@require_http_methods(["GET", "POST"])
@permission_required("register.change_risk", raise_exception=True)
def risk_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """Retire a risk (it keeps its follow-ups and history), or bring a retired one back."""
    risk = get_object_or_404(Risk.objects.select_related("plan__board", "process"), pk=pk)
    form = RetireRiskForm(_post(request))
    retired = risk.retired is not None
    if request.method == "POST" and form.is_valid():
        risk.retired = None if retired else dt.date.today()
        reason = form.cleaned_data["reason"].strip()
        risk._change_reason = ("återinförd" if retired else "avvecklad") + (f": {reason}" if reason else "")
        risk.save()
        messages.success(request, f"Risk R{risk.order} är {'återinförd' if retired else 'avvecklad'}.")
        return redirect("register:risk", pk=risk.pk)
    verb = "Återinför" if retired else "Avveckla"
    intro = (
        "Risken kommer tillbaka i planens lista över aktiva risker."
        if retired
        else "Risken flyttas till Avvecklade på planen. Dess uppföljningar och historik finns kvar, och den "
        "kopieras inte till nästa års plan."
    )
    back = ("register:risk", risk.pk, f"Risk R{risk.order}")
    title = f"{verb} risk R{risk.order}"
    return _form_page(request, form, title=title, intro=intro, plan=risk.plan, back=back, submit=title)


@require_http_methods(["GET", "POST"])
@permission_required("register.change_controlactivity", raise_exception=True)
def activity_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """Retire a control activity (kept with its evidence and history, out of Mina uppgifter, reminders and
    next year's plan), or bring a retired one back."""
    activity = get_object_or_404(ControlActivity.objects.select_related("risk__plan__board"), pk=pk)
    risk = activity.risk
    form = RetireRiskForm(_post(request))
    retired = activity.retired is not None
    if request.method == "POST" and form.is_valid():
        activity.retired = None if retired else dt.date.today()
        reason = form.cleaned_data["reason"].strip()
        activity._change_reason = ("återinförd" if retired else "avvecklad") + (
            f": {reason}" if reason else ""
        )
        activity.save()
        word = "återinförd" if retired else "avvecklad"
        messages.success(request, f"Kontrollaktiviteten ”{str(activity)[:60]}” är {word}.")
        return redirect("register:risk", pk=risk.pk)
    verb = "Återinför" if retired else "Avveckla"
    intro = (
        "Kontrollaktiviteten kommer tillbaka bland riskens aktiva kontrollaktiviteter."
        if retired
        else "Kontrollaktiviteten flyttas till Avvecklade på risken. Dess underlag och historik finns kvar, men "
        "den ger inga uppföljningar i Mina uppgifter eller påminnelser och kopieras inte till nästa års plan."
    )
    back = ("register:risk", risk.pk, f"Risk R{risk.order}")
    title = f"{verb} kontrollaktiviteten ”{str(activity)[:60]}”"
    return _form_page(
        request, form, title=title, intro=intro, plan=risk.plan, back=back, submit=f"{verb} den"
    )


@require_http_methods(["GET", "POST"])
@permission_required("register.add_controlactivity", raise_exception=True)
def activity_new(request: HttpRequest, pk: int) -> HttpResponse:
    risk = get_object_or_404(Risk.objects.select_related("plan__board", "process"), pk=pk)
    return _activity(request, ActivityForm(_post(request), instance=ControlActivity(risk=risk)), risk, True)


@require_http_methods(["GET", "POST"])
@permission_required("register.change_controlactivity", raise_exception=True)
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(ControlActivity.objects.select_related("risk__plan__board"), pk=pk)
    return _activity(request, ActivityForm(_post(request), instance=activity), activity.risk, False)


def _activity(request: HttpRequest, form: ActivityForm, risk: Risk, new: bool) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Kontrollaktiviteten är sparad.")
        return redirect("register:risk", pk=risk.pk)
    title = f"{'Ny kontrollaktivitet' if new else 'Ändra kontrollaktivitet'} för risk R{risk.order}"
    back = ("register:risk", risk.pk, f"Risk R{risk.order}")
    return _form_page(request, form, title=title, intro=str(risk), plan=risk.plan, back=back)


@require_http_methods(["GET"])
@permission_required("register.view_plan", raise_exception=True)
def my_tasks(request: HttpRequest) -> HttpResponse:
    today = dt.date.today()
    context = {
        "today": today,
        "due": sorted(due_followups(request.user, today), key=lambda d: d.deadline),
        "findings": assigned_findings(request.user),
        "can_follow_up": request.user.has_perm("register.add_followup")
        and request.user.has_perm("register.change_followup"),
    }
    return render(request, "register/my_tasks.html", context)
