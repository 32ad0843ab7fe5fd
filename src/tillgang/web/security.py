"""Security headers, the secret key's strength and the SQLite file's mode (issue 14, docs/security.md).

- ``ContentSecurityPolicyMiddleware``: a strict Content-Security-Policy on every response. The register's
  pages use no JavaScript and no inline styles, so scripts are refused outright; Django's admin runs its own
  script files, so under ``/admin/`` scripts from this host are allowed (and nothing else).
- ``check_secret_key``: a short or repetitive secret key is refused with a clear message.
- ``secure_sqlite_file``: the SQLite register and its ``-wal``/``-shm`` files are readable by their owner only.
- ``NulParameterMiddleware``: a NUL character in a query or form parameter (name or value) gets 400 before any
  view sees it. PostgreSQL refuses NUL in text, so such a value used to end as a 500 in filters and searches.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse

__all__ = [
    "ADMIN_CSP",
    "CSP",
    "MIN_KEY_LENGTH",
    "MIN_KEY_UNIQUE",
    "ContentSecurityPolicyMiddleware",
    "NulParameterMiddleware",
    "check_secret_key",
    "connect_sqlite_guard",
    "secure_sqlite_file",
]

CSP = (
    "default-src 'self'; script-src 'none'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)
ADMIN_CSP = CSP.replace("script-src 'none'", "script-src 'self'")
MIN_KEY_LENGTH = 50
MIN_KEY_UNIQUE = 5


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header to every response that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path_info.startswith("/admin/")
            response["Content-Security-Policy"] = ADMIN_CSP if admin else CSP
        return response


_NUL_PAGE = """{% extends "register/base.html" %}
{% block title %}Ogiltig adress{% endblock %}
{% block content %}
<h1>Ogiltig adress</h1>
<div class="error" role="alert"><p>{{ message }}</p></div>
{% endblock %}
"""
NUL_MESSAGE = (
    "Adressen eller formuläret innehåller ett otillåtet tecken (NUL, %00). Ta bort det och försök igen."
)


def _has_nul(params: Any) -> bool:
    return any("\x00" in key or any("\x00" in v for v in params.getlist(key)) for key in params)


class NulParameterMiddleware:
    """400 for a NUL in a GET parameter, or in a form-encoded POST parameter (name or value). Multipart bodies
    are left to the views (their form fields refuse NUL), so an upload is never parsed early."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bad = _has_nul(request.GET)
        if (
            not bad
            and request.method == "POST"
            and request.content_type == "application/x-www-form-urlencoded"
        ):
            bad = _has_nul(request.POST)
        if bad:
            return nul_response(request)
        return self.get_response(request)


def nul_response(request: HttpRequest) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"error": {"code": "bad-request", "message": NUL_MESSAGE}}, status=400)
    from django.template import engines

    html = engines["django"].from_string(_NUL_PAGE).render({"message": NUL_MESSAGE}, request)
    return HttpResponse(html, status=400)


def check_secret_key(key: str, where: Path | str) -> str:
    """``key`` when it is long and varied enough, else ``ImproperlyConfigured`` naming the file (never the key)."""
    from django.core.exceptions import ImproperlyConfigured

    if len(key) < MIN_KEY_LENGTH or len(set(key)) < MIN_KEY_UNIQUE:
        raise ImproperlyConfigured(
            f"den hemliga nyckeln i {where} är för svag: den ska ha minst {MIN_KEY_LENGTH} tecken och minst "
            f"{MIN_KEY_UNIQUE} olika tecken (den har {len(key)} tecken, {len(set(key))} olika). Ta bort "
            "filen secret_key så skapas en ny, stark nyckel (inloggade användare loggas då ut) / the secret "
            f"key is too weak: at least {MIN_KEY_LENGTH} characters and {MIN_KEY_UNIQUE} different ones."
        )
    return key


def secure_sqlite_file(name: str | os.PathLike[str]) -> None:
    """Create the SQLite file with mode 0600 if it does not exist, and make it and its ``-wal``, ``-shm`` and
    ``-journal`` files 0600. A path SQLite cannot use either (``:memory:``, a URI, a missing folder) is left
    for SQLite to report."""
    path = str(name)
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            if os.path.isfile(path + suffix):
                os.chmod(path + suffix, 0o600)


def _on_connection(sender: Any, connection: Any, **_: Any) -> None:
    if connection.vendor == "sqlite":
        secure_sqlite_file(connection.settings_dict.get("NAME") or "")


def connect_sqlite_guard() -> None:
    """After each new SQLite connection (which may have made the -wal and -shm files), set their modes."""
    from django.db.backends.signals import connection_created

    connection_created.connect(_on_connection, dispatch_uid="tillgang.web.security.sqlite")
