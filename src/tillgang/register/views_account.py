"""The user's own account (issue 12): changing one's password, and a new password by e-mail.

Django's auth views with Swedish templates in the register's layout. The reset mail's link is built from the
configured base URL (``[mail] base_url`` / ``TILLGANG_BASE_URL``), never from the request's Host header, and
requests for a reset mail are rate limited like the login (tillgang.web.ratelimit). A reset mail goes to every
active user with that address, also one invited who has not chosen a password yet; the page never says whether
the address is known.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponse
from django.urls import reverse_lazy

from .models import UserAction
from .views_users import log_event

__all__ = ["PasswordChange", "PasswordReset", "PasswordResetConfirm"]


def base_url() -> str:
    return str(settings.TILLGANG_REMINDERS["base_url"])


class ResetForm(PasswordResetForm):
    def get_users(self, email: str) -> Iterator[Any]:
        """Active users with the address (case-insensitive), with or without a password chosen yet."""
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (u for u in users if u.email.casefold() == email.casefold())


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "register/password_change.html"
    success_url = reverse_lazy("register:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        log_event(form.user, form.user, UserAction.PASSWORD, "Bytt av användaren själv.")
        return response


class PasswordChangeDone(auth_views.PasswordChangeDoneView):
    template_name = "register/password_change_done.html"


class PasswordReset(auth_views.PasswordResetView):
    form_class = ResetForm
    template_name = "register/password_reset.html"
    email_template_name = "register/mail/password_reset.txt"
    subject_template_name = "register/mail/password_reset_subject.txt"
    success_url = reverse_lazy("register:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        # the mail's links come from the configured base URL; the Host header plays no part
        self.domain_override = urlsplit(base_url()).netloc
        self.extra_email_context = {"base_url": base_url()}
        return super().form_valid(form)


class PasswordResetDone(auth_views.PasswordResetDoneView):
    template_name = "register/password_reset_done.html"


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "register/password_reset_confirm.html"
    success_url = reverse_lazy("register:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        log_event(form.user, None, UserAction.PASSWORD_RESET, "Valt via länk i e-post.")
        return response


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "register/password_reset_complete.html"
