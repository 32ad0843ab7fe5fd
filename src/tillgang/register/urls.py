from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import branding, urls_review, urls_upload, urls_users, views, views_plan

app_name = "register"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "konto/logga-in/",
        auth_views.LoginView.as_view(template_name="register/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logotyp/", branding.logo, name="logo"),  # the configured logo (public: the login page shows it)
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("planer/", views.plan_list, name="plans"),
    path("planer/ny/", views_plan.plan_new, name="plan_new"),
    path("planer/<int:pk>/", views.plan_detail, name="plan"),
    path("planer/<int:pk>/kopiera/", views_plan.plan_copy, name="plan_copy"),
    path("planer/<int:pk>/ny-risk/", views_plan.risk_new, name="risk_new"),
    path("planer/<int:pk>/andra/", views.plan_edit, name="plan_edit"),
    path("planer/<int:pk>/uppfoljning-<str:period>.docx", views.plan_report, name="plan_report"),
    path("risker/<int:pk>/", views.risk_detail, name="risk"),
    path("risker/<int:pk>/andra/", views.risk_edit, name="risk_edit"),
    path("risker/<int:pk>/andra-risken/", views_plan.risk_change, name="risk_change"),
    path("risker/<int:pk>/avveckla/", views_plan.risk_retire, name="risk_retire"),
    path("risker/<int:pk>/ny-kontrollaktivitet/", views_plan.activity_new, name="activity_new"),
    path("kontrollaktiviteter/<int:pk>/andra/", views_plan.activity_edit, name="activity_edit"),
    path("kontrollaktiviteter/<int:pk>/avveckla/", views_plan.activity_retire, name="activity_retire"),
    path("mina-uppgifter/", views_plan.my_tasks, name="my_tasks"),
    path("risker/<int:pk>/uppfoljning/<str:period>/<int:year>/", views.followup_edit, name="followup"),
    # users and roles, the user's own password, a new password by e-mail
    path("", include(urls_users)),
    # review pages (runs, findings, evidence, statement) and the upload page, in this app's namespace
    path("", include(urls_review)),
    path("", include(urls_upload)),
]
