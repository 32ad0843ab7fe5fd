"""URLs of the web editors' upload page (issue 5), included in the "register" namespace by urls.py."""

from __future__ import annotations

from django.urls import path

from . import views_upload

urlpatterns = [
    path("granska/", views_upload.upload, name="upload"),
]
