"""User administration in the UI (issue 12): list users, create and invite one (a mail with a link to choose a
password), change a user's name, address and roles, deactivate and activate. Users are never deleted: the
register's history names them.

Every view needs ``register.manage_users`` (the admin role), checked here on the server. Every change is written
to ``UserEvent`` (who, when, what) and shown on the user's page and the list. Only a superuser may change a
superuser (else an admin could take over a superuser's account by changing its e-mail address).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.decorators.http import require_http_methods

from .forms_users import ConfirmForm, NewUserForm, UserForm
from .models import UserAction, UserEvent
from .roles import ROLES, USER_ADMIN, role_label

__all__ = ["log_event", "reset_link", "send_invitation", "user_edit", "user_list", "user_new"]

# a mail server that refuses or cannot be reached (smtplib's errors are OSErrors)
MAIL_ERRORS = (OSError,)
MAIL_FAILED = (
    "Inbjudan kunde inte skickas: e-postservern svarade inte eller vägrade. Kontrollera e-postinställningarna "
    "([mail] i tillgang.toml) och försök igen."
)
DETAIL_FIELDS = (("first_name", "Förnamn"), ("last_name", "Efternamn"), ("email", "E-postadress"))
LOG_LIMIT = 100


def log_event(user: Any, actor: Any, action: object, detail: str = "") -> UserEvent:
    return UserEvent.objects.create(user=user, actor=actor, action=str(action), detail=detail)


def reset_link(user: Any) -> str:
    """The link to choose a new password, built from the configured base URL (never the request's Host)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("register:password_reset_confirm", args=[uid, token])
    return str(settings.TILLGANG_REMINDERS["base_url"]) + path


def send_invitation(user: Any, actor: Any) -> None:
    context = {
        "user": user,
        "actor": actor.get_full_name() or actor.get_username(),
        "link": reset_link(user),
        "days": max(1, round(settings.PASSWORD_RESET_TIMEOUT / 86400)),
        "login": str(settings.TILLGANG_REMINDERS["base_url"]) + reverse("register:login"),
    }
    body = render_to_string("register/mail/invitation.txt", context)
    send_mail("Inbjudan till internkontrollregistret (tillgang)", body, None, [user.email])


def _roles(user: Any) -> list[str]:
    return sorted(g.name for g in user.groups.all() if g.name in ROLES)


def _labels(names: list[str]) -> str:
    return ", ".join(role_label(n) for n in names) or "ingen roll"


def _guard(request: HttpRequest, user: Any) -> None:
    if user.is_superuser and not request.user.is_superuser:
        raise PermissionDenied("bara en superanvändare kan ändra en superanvändare")


def _events(**filters: Any) -> list[UserEvent]:
    qs = UserEvent.objects.filter(**filters).select_related("user", "actor")
    return list(qs.order_by("-at", "-pk")[:LOG_LIMIT])


@require_http_methods(["GET"])
@permission_required(USER_ADMIN, raise_exception=True)
def user_list(request: HttpRequest) -> HttpResponse:
    users = get_user_model().objects.prefetch_related("groups").order_by("-is_active", "username")
    rows = [{"u": u, "roles": _labels(_roles(u))} for u in users]
    return render(request, "register/users.html", {"rows": rows, "events": _events(), "limit": LOG_LIMIT})


@require_http_methods(["GET", "POST"])
@permission_required(USER_ADMIN, raise_exception=True)
def user_new(request: HttpRequest) -> HttpResponse:
    form = NewUserForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save(commit=False)
                user.username = form.cleaned_data["username"]
                user.set_unusable_password()  # the user chooses one through the invitation's link
                user.save()
                user.groups.set(form.cleaned_data["roles"])
                detail = f"Roller: {_labels(_roles(user))}. Inbjudan skickad till {user.email}."
                log_event(user, request.user, UserAction.CREATED, detail)
                send_invitation(user, request.user)  # inside: a mail that fails leaves no user behind
        except MAIL_ERRORS as exc:
            form.add_error(None, f"{MAIL_FAILED} Användaren skapades inte. ({type(exc).__name__})")
        else:
            messages.success(request, f"Användaren {user.username} är skapad och en inbjudan skickad.")
            return redirect("register:user", pk=user.pk)
    return render(request, "register/user_form.html", {"form": form, "title": "Ny användare"})


def _changes(before: dict[str, str], roles_before: list[str], user: Any) -> list[tuple[str, str]]:
    out = []
    details = [
        f"{label}: {before[name] or '(tomt)'} → {getattr(user, name) or '(tomt)'}"
        for name, label in DETAIL_FIELDS
        if before[name] != getattr(user, name)
    ]
    if details:
        out.append((str(UserAction.DETAILS), "; ".join(details)))
    roles_after = _roles(user)
    if roles_after != roles_before:
        out.append((str(UserAction.ROLES), f"Roller: {_labels(roles_before)} → {_labels(roles_after)}"))
    return out


@require_http_methods(["GET", "POST"])
@permission_required(USER_ADMIN, raise_exception=True)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=pk)
    before = {name: getattr(user, name) for name, _label in DETAIL_FIELDS}  # is_valid() changes the instance
    roles_before = _roles(user)
    form = UserForm(request.POST if request.method == "POST" else None, instance=user)
    if request.method == "POST":
        _guard(request, user)
        if form.is_valid() and _keeps_own_admin(request, user, form):
            with transaction.atomic():
                form.save()
                other = [g for g in user.groups.all() if g.name not in ROLES]  # groups made in the admin stay
                user.groups.set([*other, *form.cleaned_data["roles"]])
                changes = _changes(before, roles_before, user)
                for action, detail in changes:
                    log_event(user, request.user, action, detail)
            messages.success(request, "Ändringarna är sparade." if changes else "Inget var ändrat.")
            return redirect("register:user", pk=user.pk)
    context = {
        "form": form,
        "target": user,
        "roles": _labels(_roles(user)),
        "events": _events(user=user),
        "is_self": user.pk == request.user.pk,
        "protected": user.is_superuser and not request.user.is_superuser,
        "invited": not user.has_usable_password(),
    }
    return render(request, "register/user_detail.html", context)


def _keeps_own_admin(request: HttpRequest, user: Any, form: UserForm) -> bool:
    """An admin cannot take away their own right to manage users (someone else has to)."""
    if user.pk != request.user.pk or user.is_superuser:
        return True
    if any(g.name == "admin" for g in form.cleaned_data["roles"]):
        return True
    form.add_error("roles", "Du kan inte ta bort din egen administratörsroll. Be en annan administratör.")
    return False


@require_http_methods(["POST"])
@permission_required(USER_ADMIN, raise_exception=True)
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate a user (they can no longer log in or use their API keys), or activate them again."""
    user = get_object_or_404(get_user_model(), pk=pk)
    _guard(request, user)
    if user.pk == request.user.pk:
        messages.error(request, "Du kan inte inaktivera dig själv.")
        return redirect("register:user", pk=user.pk)
    if ConfirmForm(request.POST).is_valid():
        with transaction.atomic():
            user.is_active = not user.is_active
            user.save(update_fields=["is_active"])
            action = UserAction.ACTIVATED if user.is_active else UserAction.DEACTIVATED
            log_event(user, request.user, action)
        verb = "aktiverad igen" if user.is_active else "inaktiverad"
        messages.success(request, f"Användaren {user.username} är {verb}.")
    return redirect("register:user", pk=user.pk)


@require_http_methods(["POST"])
@permission_required(USER_ADMIN, raise_exception=True)
def user_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the invitation again (a lost or expired mail)."""
    user = get_object_or_404(get_user_model(), pk=pk)
    _guard(request, user)
    if not user.is_active or not user.email:
        messages.error(request, "En inaktiverad användare eller en utan e-postadress kan inte bjudas in.")
        return redirect("register:user", pk=user.pk)
    try:
        with transaction.atomic():
            log_event(user, request.user, UserAction.INVITED, f"Till {user.email}.")
            send_invitation(user, request.user)
    except MAIL_ERRORS as exc:
        messages.error(request, f"{MAIL_FAILED} ({type(exc).__name__})")
        return redirect("register:user", pk=user.pk)
    messages.success(request, f"En ny inbjudan är skickad till {user.email}.")
    return redirect("register:user", pk=user.pk)
