"""URLs of user administration and the user's own account (issue 12), in the "register" namespace."""

from __future__ import annotations

from django.urls import path

from . import views_account as a
from . import views_users as u

urlpatterns = [
    path("anvandare/", u.user_list, name="users"),
    path("anvandare/ny/", u.user_new, name="user_new"),
    path("anvandare/<int:pk>/", u.user_edit, name="user"),
    path("anvandare/<int:pk>/aktiv/", u.user_active, name="user_active"),
    path("anvandare/<int:pk>/bjud-in/", u.user_invite, name="user_invite"),
    path("konto/losenord/", a.PasswordChange.as_view(), name="password_change"),
    path("konto/losenord/klart/", a.PasswordChangeDone.as_view(), name="password_change_done"),
    path("konto/nytt-losenord/", a.PasswordReset.as_view(), name="password_reset"),
    path("konto/nytt-losenord/skickat/", a.PasswordResetDone.as_view(), name="password_reset_done"),
    path("konto/nytt-losenord/klart/", a.PasswordResetComplete.as_view(), name="password_reset_complete"),
    path(
        "konto/nytt-losenord/<uidb64>/<token>/",
        a.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
]
