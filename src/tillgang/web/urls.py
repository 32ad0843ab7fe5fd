"""URLs: the register's pages, the Django admin, and the static files (CSS) served by the app itself."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles.views import serve as static_serve
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, re_path

admin.site.site_header = "tillgang – administration"
admin.site.site_title = "tillgang"
admin.site.index_title = "Registret"


@login_not_required
def static(request: HttpRequest, path: str) -> HttpResponse:
    # A small intranet tool behind waitress: the app serves its own CSS (and the admin's), also without DEBUG.
    return static_serve(request, path, insecure=True)


urlpatterns = [
    path("api/v1/", include("tillgang.web.api")),  # the HTTP API
    path("admin/", admin.site.urls),
    re_path(r"^static/(?P<path>.+)$", static),
    path("", include("tillgang.register.urls")),
]

handler403 = "tillgang.register.views.forbidden"
handler404 = "tillgang.register.views.not_found"
handler500 = "tillgang.register.views.server_error"
