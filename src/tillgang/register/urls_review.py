"""URLs of the review pages (issue 5), included in the "register" namespace by urls.py."""

from __future__ import annotations

from django.urls import path

from . import views_review as v
from . import views_triage as t

urlpatterns = [
    path("genomsokningar/", v.run_list, name="runs"),
    path("genomsokningar/<int:pk>/", v.run_detail, name="run"),
    path("genomsokningar/<int:pk>/export.<str:fmt>", v.run_export, name="run_export"),
    path("genomsokningar/<int:pk>/underlag/", v.run_create_evidence, name="run_create_evidence"),
    path("avvikelser/", v.finding_list, name="findings"),
    path("avvikelser/bedom/", v.finding_bulk_triage, name="findings_triage"),
    path("avvikelser/bedom-alla/", t.triage_filtered, name="findings_triage_filtered"),
    path("avvikelser/varst-drabbade/", t.worst, name="findings_worst"),
    path("avvikelser/export.<str:fmt>", v.finding_export, name="findings_export"),
    path("avvikelser/<int:pk>/", v.finding_detail, name="finding"),
    path("avvikelser/<int:pk>/skarmbild.png", v.finding_screenshot, name="finding_screenshot"),
    path("dokument/", v.document_detail, name="document"),
    path("trend/", v.trend, name="trend"),
    path("kontrollaktiviteter/<int:pk>/underlag/", v.activity_evidence, name="activity_evidence"),
    path("underlag/<int:pk>/", v.evidence_detail, name="evidence"),
    path("underlag/<int:pk>/manifest.json", v.evidence_manifest, name="evidence_manifest"),
    path("underlag/<int:pk>/forsegla/", v.evidence_seal, name="evidence_seal"),
    path("underlag/<int:pk>/ny-version/", v.evidence_new_version, name="evidence_new_version"),
    path(
        "risker/<int:pk>/uppfoljning/<str:period>/<int:year>/forslag/",
        v.followup_with_proposal,
        name="followup_proposal",
    ),
    path("redogorelse/", v.statement, name="statement"),
    path("redogorelse/utkast/", v.statement_draft, name="statement_draft"),
]
