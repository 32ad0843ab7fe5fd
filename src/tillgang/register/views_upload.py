"""The web editors' upload page (issue 5): check one file in the browser before publishing it.

The file is written to a private temporary folder (mode 0700) under a fixed name of our own (``upload`` plus an
allowed suffix), checked in a worker process with the same engine and limits as ``tillgang check`` (including the
hard time limit), shown as the Swedish report with the fix advice, and deleted. Nothing is stored: the report
can be downloaded as JSON (a ``data:`` link in the page; the server keeps nothing).

The checking itself is in ``tillgang.register.checking``, shared with the HTTP API, so both give the same report.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.decorators import permission_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from ..render.html import render_html_fragment
from ..report import Report
from .checking import (
    ACCEPTED_SUFFIXES,
    UploadRefused,
    allow_private,
    check_upload,
    check_url,
    content_length_too_large,
    max_upload_bytes,
    size_text,
    too_large_message,
)

ACCEPT_ATTR = ",".join(ACCEPTED_SUFFIXES)

__all__ = ["ACCEPT_ATTR", "upload"]


def _help_text() -> str:
    return (
        "Word (.docx), PowerPoint (.pptx), PDF (.pdf) eller webbsida (.html), "
        f"högst {size_text(max_upload_bytes())}. Filen sparas inte."
    )


def _url_help() -> str:
    text = "En webbsida eller ett dokument på internet, till exempel https://www.kommun.se/rapport.pdf."
    if not allow_private():
        text += " Adresser i interna nät och localhost hämtas inte."
    return text


def _download_name(source: str) -> str:
    stem = Path(urlsplit(source).path.rstrip("/")).stem if "://" in source else Path(source).stem
    return (re.sub(r"[^\w.-]+", "-", stem).strip("-.") or "rapport") + "-tillgang.json"


def _download_href(result: Report) -> str:
    data = json.dumps(result, ensure_ascii=False, indent=2).encode("utf-8")
    return "data:application/json;base64," + base64.b64encode(data).decode("ascii")


def _activities(request: HttpRequest) -> list[Any]:
    """Control activities a user who may save a check can attach it to (the tillgang ones first)."""
    if not request.user.has_perm("register.add_evidence"):
        return []
    from .models import ControlActivity

    return list(
        ControlActivity.objects.filter(retired__isnull=True)  # a retired activity takes no new evidence
        .select_related("risk", "risk__plan")
        .order_by("-performed_by_tillgang", "-risk__plan__year", "id")
    )


def _save_as_evidence(request: HttpRequest, upload: UploadedFile | None, result: Report) -> Any:
    """Only when the user chose a control activity: the file and its report become a draft evidence record."""
    raw = request.POST.get("save_activity", "")
    if not raw or upload is None:
        return None
    if not request.user.has_perm("register.add_evidence"):
        raise UploadRefused(403, "forbidden", "Du har inte behörighet att spara granskningar som underlag.")
    from .evidence import create_upload_evidence
    from .models import ControlActivity

    activity = ControlActivity.objects.filter(pk=int(raw) if raw.isdigit() else -1).first()
    if activity is None:
        raise UploadRefused(400, "bad-request", "Den valda kontrollaktiviteten finns inte.")
    if activity.retired is not None:
        raise UploadRefused(400, "bad-request", "Den valda kontrollaktiviteten är avvecklad.")
    upload.seek(0)
    content = upload.read()
    name = result["documents"][0]["source"]
    return create_upload_evidence(activity, name, content, result, request.user)


@require_http_methods(["GET", "POST"])
@permission_required("register.check_documents", raise_exception=True)
def upload(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "help_text": _help_text(),
        "url_help": _url_help(),
        "accept": ACCEPT_ATTR,
        "error": None,
        "url": "",
        "activities": _activities(request),
    }
    status = 200
    if request.method == "POST":
        try:
            if content_length_too_large(request):
                raise UploadRefused(413, "too-large", too_large_message())
            upload = request.FILES.get("file")
            if upload is None and request.POST.get("url"):
                context["url"] = request.POST["url"]
                result = check_url(request.POST["url"], "sv")
            else:
                result = check_upload(upload, "sv")
                saved = _save_as_evidence(request, upload, result)
                if saved is not None:
                    context["saved"] = saved
        except UploadRefused as exc:
            context["error"] = exc.message
            status = exc.status
        else:
            doc = result["documents"][0]
            context.update(
                {
                    "result": result,
                    "doc": doc,
                    "report_html": mark_safe(render_html_fragment(result, "sv", heading_level=3)),
                    "download_href": _download_href(result),
                    "download_name": _download_name(doc["source"]),
                }
            )
    return render(request, "register/upload.html", context, status=status)
