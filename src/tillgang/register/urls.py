from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import urls_review, urls_upload, views

app_name = "register"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "konto/logga-in/",
        auth_views.LoginView.as_view(template_name="register/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("planer/", views.plan_list, name="plans"),
    path("planer/<int:pk>/", views.plan_detail, name="plan"),
    path("planer/<int:pk>/andra/", views.plan_edit, name="plan_edit"),
    path("planer/<int:pk>/uppfoljning-<str:period>.docx", views.plan_report, name="plan_report"),
    path("risker/<int:pk>/", views.risk_detail, name="risk"),
    path("risker/<int:pk>/andra/", views.risk_edit, name="risk_edit"),
    path("risker/<int:pk>/uppfoljning/<str:period>/<int:year>/", views.followup_edit, name="followup"),
    # review pages (runs, findings, evidence, statement) and the upload page, in this app's namespace
    path("", include(urls_review)),
    path("", include(urls_upload)),
]
