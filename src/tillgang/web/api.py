"""The HTTP API (issue 5), mounted at /api/v1/ by tillgang.web.urls.

Authentication is only ``Authorization: Bearer TOKEN`` (tokens from ``tillgang register token USER``); the
session cookie is ignored, so the API needs no CSRF token and its views are the only csrf-exempt ones. A token
is looked up by its sha256 (the database holds nothing else), revoked tokens and inactive users are refused.
Every answer is JSON; errors are ``{"error": {"code": ..., "message": ...}}`` with the HTTP status.

- ``POST checks``: multipart field ``file``; the §4 report, as ``tillgang check --format json`` gives it.
  Needs ``register.check_documents``.
- ``GET runs``, ``GET runs/{id}``, ``GET runs/{id}/items``, ``GET runs/{id}/findings``: the stored crawl
  runs, their pages and documents, and their findings. Need a role (``register.view_plan``).
- ``GET openapi.json``: the OpenAPI 3.1 description (any valid token).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache, wraps
from importlib import resources
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import EmptyPage, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from tillgang import __version__
from tillgang.register.models import CrawlRun, Finding, FindingStatus, Item, ItemKind
from tillgang.register.tokens import authenticate_token

from ..report import Report
from ..timeutil import iso

__all__ = ["urlpatterns"]

VIEW_PERM = "register.view_plan"  # every role has it
CHECK_PERM = "register.check_documents"
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
FINDING_OUTCOMES = ("failed", "cantTell")  # a stored finding is a failure or a case for a person


def error(status: int, code: str, message: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message}}, status=status)
    for key, value in headers.items():
        response[key.replace("_", "-")] = value
    return response


def _unauthorized(message: str) -> JsonResponse:
    return error(401, "unauthorized", message, WWW_Authenticate='Bearer realm="tillgang"')


View = Callable[..., HttpResponse]


def api_view(methods: tuple[str, ...], perm: str | None) -> Callable[[View], View]:
    """Token authentication, then the method (405), then the permission (403); JSON errors throughout."""

    def decorate(func: View) -> View:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            header = request.META.get("HTTP_AUTHORIZATION", "")
            if not header:
                return _unauthorized("Inloggning krävs: skicka 'Authorization: Bearer <nyckel>'.")
            scheme = header.split(" ", 1)[0].strip()
            if scheme.lower() != "bearer":
                return _unauthorized(
                    f"Schemat '{scheme[:20]}' stöds inte. Skicka nyckeln som 'Authorization: Bearer <nyckel>'."
                )
            user = authenticate_token(header)
            if user is None:
                return _unauthorized("API-nyckeln är ogiltig eller återkallad.")
            request.user = user
            if request.method not in methods:
                return error(
                    405,
                    "method-not-allowed",
                    f"Metoden {request.method} stöds inte här.",
                    Allow=", ".join(methods),
                )
            if perm is not None and not user.has_perm(perm):
                return error(403, "forbidden", "Din roll ger inte tillgång till detta.")
            return func(request, *args, **kwargs)

        # The API authenticates every request itself (no session, hence no CSRF).
        return login_not_required(csrf_exempt(wrapper))

    return decorate


def _paginate(request: HttpRequest, qs: QuerySet[Any], row: Callable[[Any], dict[str, Any]]) -> HttpResponse:
    try:
        number = int(request.GET.get("page", "1"))
        size = int(request.GET.get("page_size", str(PAGE_SIZE)))
    except ValueError:
        return error(400, "bad-request", "page och page_size ska vara heltal.")
    if number < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        return error(400, "bad-request", f"page ska vara minst 1 och page_size 1–{MAX_PAGE_SIZE}.")
    paginator = Paginator(qs, size)
    try:
        page = paginator.page(number)  # page 1 of an empty list is an empty page
    except EmptyPage:
        return error(404, "not-found", f"Sidan {number} finns inte.")
    query = request.GET.copy()

    def link(n: int) -> str:
        query["page"] = str(n)
        return request.build_absolute_uri(request.path + "?" + query.urlencode())

    return JsonResponse(
        {
            "count": paginator.count,
            "page": number,
            "pages": paginator.num_pages,
            "next": link(number + 1) if page.has_next() else None,
            "previous": link(number - 1) if page.has_previous() else None,
            "results": [row(obj) for obj in page.object_list],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def run_summary(run: CrawlRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "run_id": run.run_id,
        "site": run.site,
        "status": run.status,
        "started": iso(run.started),
        "finished": iso(run.finished),
        "tool_version": run.tool_version,
        "catalogue": run.catalogue,
        "summary": run.summary,
    }


def run_full(run: CrawlRun) -> dict[str, Any]:
    data = run_summary(run)
    data.update(
        {
            "start_urls": run.start_urls,
            "config": run.config,
            "previous": run.previous_id,
            "activity": run.activity_id,
            "stored_at": iso(run.stored_at),
            "items": run.items.count(),
        }
    )
    return data


def item_row(item: Item) -> dict[str, Any]:
    return {
        "id": item.pk,
        "url": item.url,
        "final_url": item.final_url,
        "kind": item.kind,
        "format": item.format,
        "title": item.title,
        "sha256": item.sha256,
        "http_status": item.http_status,
        "fetched_at": iso(item.fetched_at),
        "error": {"code": item.error_code, "message": item.error_message} if item.error_code else None,
        "rules": item.rules,
    }


def finding_row(f: Finding) -> dict[str, Any]:
    return {
        "id": f.pk,
        "url": f.url,
        "rule": f.rule,
        "outcome": f.outcome,
        "severity": f.severity,
        "wcag": f.wcag,
        "location": f.location,
        "message": f.message,
        "format": f.format,
        "status": f.status,
        "reason": f.reason,
        "assigned_to": f.assigned_to,
        "first_seen": f.first_seen_id,
        "last_seen": f.last_seen_id,
        "fixed_in": f.fixed_in_id,
    }


def _run_or_404(ref: str) -> CrawlRun | JsonResponse:
    """A run by the register's id (``runs[].id``) or by the run id that the crawl and the CLI print."""
    run = CrawlRun.objects.filter(pk=int(ref)).first() if ref.isascii() and ref.isdigit() else None
    if run is None:
        run = CrawlRun.objects.filter(run_id=ref).first()
    if run is None:
        return error(404, "not-found", f"Körning {ref} finns inte.")
    return run


def _choice(request: HttpRequest, name: str, values: list[str]) -> str | JsonResponse:
    """A query parameter that must be one of ``values`` ("" when absent), or the 400 that says so."""
    value = request.GET.get(name, "")
    if value and value not in values:
        return error(400, "bad-request", f"Okänt värde för {name}: {value} (möjliga: {', '.join(values)}).")
    return value


def findings_of(run: CrawlRun) -> QuerySet[Finding]:
    """The findings that were present in ``run``: first seen in it or before, and still seen in it."""
    return Finding.objects.filter(
        first_seen__site=run.site, first_seen__started__lte=run.started, last_seen__started__gte=run.started
    )


# ------------------------------------------------------------------ views


@api_view(("POST",), CHECK_PERM)
def checks(request: HttpRequest) -> HttpResponse:
    from tillgang.register.checking import (
        UploadRefused,
        check_upload,
        check_url,
        content_length_too_large,
        too_large_message,
    )

    lang = request.GET.get("lang", "sv")
    if lang not in ("sv", "en"):
        return error(400, "bad-request", "lang ska vara sv eller en.")
    if content_length_too_large(request):  # refused before the body is read
        return error(413, "too-large", too_large_message())
    content_type = request.content_type or ""
    result: Report  # the §4 report of the one document, as the response
    try:
        if content_type == "application/json":
            try:
                body = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError):
                return error(400, "bad-request", "Ogiltig JSON.")
            if not isinstance(body, dict) or not isinstance(body.get("url"), str):
                return error(
                    400, "bad-request", 'Skicka {"url": "https://…"} eller en fil i fältet \'file\'.'
                )
            result = check_url(body["url"], lang)
        elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            upload = request.FILES.get("file")
            if upload is None and request.POST.get("url"):
                result = check_url(request.POST["url"], lang)
            else:
                result = check_upload(upload, lang)
        else:
            return error(
                400,
                "bad-request",
                "Skicka filen som multipart/form-data i fältet 'file', eller en adress i 'url'.",
            )
    except UploadRefused as exc:
        return error(exc.status, exc.code, exc.message)
    except MultiPartParserError as exc:
        return error(400, "bad-request", f"Ogiltig multipart-data ({exc}).")
    return JsonResponse(result, json_dumps_params={"ensure_ascii": False})


@api_view(("GET",), VIEW_PERM)
def runs(request: HttpRequest) -> HttpResponse:
    qs = CrawlRun.objects.order_by("-started", "-pk")
    site = request.GET.get("site")
    if site:
        qs = qs.filter(site=site)
    return _paginate(request, qs, run_summary)


@api_view(("GET",), VIEW_PERM)
def run_detail(request: HttpRequest, pk: str) -> HttpResponse:
    run = _run_or_404(pk)
    if isinstance(run, JsonResponse):
        return run
    return JsonResponse(run_full(run), json_dumps_params={"ensure_ascii": False})


@api_view(("GET",), VIEW_PERM)
def run_items(request: HttpRequest, pk: str) -> HttpResponse:
    run = _run_or_404(pk)
    if isinstance(run, JsonResponse):
        return run
    qs = Item.objects.filter(run=run).order_by("url", "pk")
    kind = _choice(request, "kind", list(ItemKind.values))
    if isinstance(kind, JsonResponse):
        return kind
    if kind:
        qs = qs.filter(kind=kind)
    return _paginate(request, qs, item_row)


@api_view(("GET",), VIEW_PERM)
def run_findings(request: HttpRequest, pk: str) -> HttpResponse:
    run = _run_or_404(pk)
    if isinstance(run, JsonResponse):
        return run
    qs = findings_of(run)
    rule = request.GET.get("rule")
    if rule:
        qs = qs.filter(rule=rule)
    status = request.GET.get("status")
    if status:
        if status not in FindingStatus.values:
            return error(
                400, "bad-request", f"Okänd status: {status} (möjliga: {', '.join(FindingStatus.values)})."
            )
        qs = qs.filter(status=status)
    outcome = _choice(request, "outcome", list(FINDING_OUTCOMES))
    if isinstance(outcome, JsonResponse):
        return outcome
    if outcome:
        qs = qs.filter(outcome=outcome)
    return _paginate(request, qs.order_by("url", "rule", "pk"), finding_row)


@api_view(("GET",), None)
def openapi(request: HttpRequest) -> HttpResponse:
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})


# ------------------------------------------------------------------ OpenAPI 3.1

# The description is data (openapi.json, shipped in the package); a string "{{NAME}}" in it is a value that
# lives in code, filled in when the document is served.
_OPENAPI_RESOURCE = "openapi.json"
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


@cache
def _openapi_template() -> str:
    return resources.files(__package__).joinpath(_OPENAPI_RESOURCE).read_text(encoding="utf-8")


def _openapi_values() -> dict[str, Any]:
    return {
        "version": __version__,
        "PAGE_SIZE": PAGE_SIZE,
        "MAX_PAGE_SIZE": MAX_PAGE_SIZE,
        "FindingStatus": list(FindingStatus.values),
    }


def _fill(node: Any, values: dict[str, Any]) -> Any:
    """``node`` with every "{{NAME}}" string replaced by ``values[NAME]`` (KeyError for an unknown name)."""
    if isinstance(node, dict):
        return {key: _fill(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [_fill(value, values) for value in node]
    if isinstance(node, str) and (match := _PLACEHOLDER.fullmatch(node)):
        return values[match.group(1)]
    return node


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of this API: openapi.json, written by hand, with the values from code."""
    document: dict[str, Any] = _fill(json.loads(_openapi_template()), _openapi_values())
    return document


urlpatterns = [
    path("checks", checks, name="api-checks"),
    path("runs", runs, name="api-runs"),
    path("runs/<str:pk>", run_detail, name="api-run"),
    path("runs/<str:pk>/items", run_items, name="api-run-items"),
    path("runs/<str:pk>/findings", run_findings, name="api-run-findings"),
    path("openapi.json", openapi, name="api-openapi"),
]
