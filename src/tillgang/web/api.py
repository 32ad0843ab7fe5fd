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
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import EmptyPage, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from tillgang import __version__
from tillgang.register.models import CrawlRun, Finding, FindingStatus, Item
from tillgang.register.tokens import authenticate_token

from ..report import Report
from ..timeutil import iso

__all__ = ["urlpatterns"]

VIEW_PERM = "register.view_plan"  # every role has it
CHECK_PERM = "register.check_documents"
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


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


def _run_or_404(pk: int) -> CrawlRun | JsonResponse:
    run = CrawlRun.objects.filter(pk=pk).first()
    if run is None:
        return error(404, "not-found", f"Körning {pk} finns inte.")
    return run


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
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(pk)
    if isinstance(run, JsonResponse):
        return run
    return JsonResponse(run_full(run), json_dumps_params={"ensure_ascii": False})


@api_view(("GET",), VIEW_PERM)
def run_items(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(pk)
    if isinstance(run, JsonResponse):
        return run
    qs = Item.objects.filter(run=run).order_by("url", "pk")
    kind = request.GET.get("kind")
    if kind:
        qs = qs.filter(kind=kind)
    return _paginate(request, qs, item_row)


@api_view(("GET",), VIEW_PERM)
def run_findings(request: HttpRequest, pk: int) -> HttpResponse:
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
    outcome = request.GET.get("outcome")
    if outcome:
        qs = qs.filter(outcome=outcome)
    return _paginate(request, qs.order_by("url", "rule", "pk"), finding_row)


@api_view(("GET",), None)
def openapi(request: HttpRequest) -> HttpResponse:
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})


# ------------------------------------------------------------------ OpenAPI 3.1


def _err(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _json(description: str, ref: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


def _page_schema(ref: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["count", "page", "pages", "next", "previous", "results"],
        "properties": {
            "count": {"type": "integer"},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "next": {"type": ["string", "null"], "format": "uri"},
            "previous": {"type": ["string", "null"], "format": "uri"},
            "results": {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}},
        },
    }


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of this API, written by hand (no generator)."""
    auth_errors = {"401": _err("Ingen eller ogiltig API-nyckel"), "403": _err("Rollen saknar behörighet")}
    paging = [
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
        {
            "name": "page_size",
            "in": "query",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": PAGE_SIZE},
        },
    ]
    run_id = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
    nullable_str = {"type": ["string", "null"]}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "tillgang API",
            "version": __version__,
            "summary": "Granska dokument och läs lagrade genomsökningar.",
            "description": (
                "Check documents (.docx, .pptx, .pdf, .html) for accessibility (WCAG 2.1 AA, EN 301 549) and "
                "read the crawl runs stored in the register. Authenticate with 'Authorization: Bearer TOKEN' "
                "(tokens come from 'tillgang register token USER')."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/checks": {
                "post": {
                    "operationId": "checkDocument",
                    "summary": "Check one file; returns the report (design §4), as 'tillgang check --format json'",
                    "parameters": [
                        {
                            "name": "lang",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["sv", "en"], "default": "sv"},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "description": (
                            "The file in the multipart field 'file', or a page's or document's address in 'url' "
                            "(fetched like 'tillgang check URL'; private and loopback addresses are refused)."
                        ),
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "file": {
                                            "type": "string",
                                            "contentMediaType": "application/octet-stream",
                                        },
                                        "url": {"type": "string", "format": "uri"},
                                    },
                                }
                            },
                            "application/x-www-form-urlencoded": {
                                "schema": {
                                    "type": "object",
                                    "required": ["url"],
                                    "properties": {"url": {"type": "string", "format": "uri"}},
                                }
                            },
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["url"],
                                    "properties": {"url": {"type": "string", "format": "uri"}},
                                }
                            },
                        },
                    },
                    "responses": {
                        "200": _json("The report", "Report"),
                        "400": _err("No file or URL, an empty file, a malformed or private URL, bad JSON"),
                        **auth_errors,
                        "405": _err("Method not allowed"),
                        "413": _err("The file is larger than the upload limit"),
                        "415": _err("A file type that tillgang does not check"),
                        "503": _err("Too many checks running; try again later"),
                    },
                }
            },
            "/runs": {
                "get": {
                    "operationId": "listRuns",
                    "summary": "Stored crawl runs, newest first",
                    "parameters": [*paging, {"name": "site", "in": "query", "schema": {"type": "string"}}],
                    "responses": {
                        "200": _json("A page of runs", "RunPage"),
                        "400": _err("Bad query"),
                        **auth_errors,
                    },
                }
            },
            "/runs/{id}": {
                "get": {
                    "operationId": "getRun",
                    "summary": "One run: scope, method, configuration and counts",
                    "parameters": [run_id],
                    "responses": {"200": _json("The run", "Run"), **auth_errors, "404": _err("No such run")},
                }
            },
            "/runs/{id}/items": {
                "get": {
                    "operationId": "listRunItems",
                    "summary": "The pages and documents checked in a run",
                    "parameters": [
                        run_id,
                        *paging,
                        {
                            "name": "kind",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["page", "document"]},
                        },
                    ],
                    "responses": {
                        "200": _json("A page of items", "ItemPage"),
                        "400": _err("Bad query"),
                        **auth_errors,
                        "404": _err("No such run"),
                    },
                }
            },
            "/runs/{id}/findings": {
                "get": {
                    "operationId": "listRunFindings",
                    "summary": "The findings present in a run, with their triage status",
                    "parameters": [
                        run_id,
                        *paging,
                        {"name": "rule", "in": "query", "schema": {"type": "string"}},
                        {
                            "name": "status",
                            "in": "query",
                            "schema": {"type": "string", "enum": list(FindingStatus.values)},
                        },
                        {
                            "name": "outcome",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["failed", "cantTell"]},
                        },
                    ],
                    "responses": {
                        "200": _json("A page of findings", "FindingPage"),
                        "400": _err("Bad query"),
                        **auth_errors,
                        "404": _err("No such run"),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This description",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1",
                            "content": {"application/json": {"schema": {}}},
                        },
                        "401": _err("No or invalid token"),
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                        }
                    },
                },
                "Finding": {
                    "type": "object",
                    "required": ["rule", "outcome", "severity", "wcag", "location", "message"],
                    "properties": {
                        "rule": {"type": "string"},
                        "outcome": {"type": "string", "enum": ["failed", "cantTell"]},
                        "severity": {"type": "string"},
                        "wcag": {"type": "array", "items": {"type": "string"}},
                        "location": {"type": "object"},
                        "message": {"type": "string"},
                    },
                },
                "Document": {
                    "type": "object",
                    "required": ["source", "format", "sha256", "error"],
                    "properties": {
                        "source": {"type": "string"},
                        "format": nullable_str,
                        "sha256": nullable_str,
                        "size": {"type": ["integer", "null"]},
                        "error": {
                            "oneOf": [
                                {"type": "null"},
                                {
                                    "type": "object",
                                    "required": ["code", "message"],
                                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                                },
                            ]
                        },
                        "rules": {
                            "type": "object",
                            "additionalProperties": {
                                "type": "string",
                                "enum": ["failed", "cantTell", "passed", "inapplicable"],
                            },
                        },
                        "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
                    },
                },
                "Report": {
                    "type": "object",
                    "required": ["tool", "documents"],
                    "properties": {
                        "tool": {
                            "type": "object",
                            "required": ["name", "version", "catalogue"],
                            "properties": {
                                "name": {"type": "string"},
                                "version": {"type": "string"},
                                "catalogue": {"type": "string"},
                            },
                        },
                        "documents": {"type": "array", "items": {"$ref": "#/components/schemas/Document"}},
                    },
                },
                "Run": {
                    "type": "object",
                    "required": ["id", "run_id", "site", "status", "started"],
                    "properties": {
                        "id": {"type": "integer"},
                        "run_id": {"type": "string"},
                        "site": {"type": "string"},
                        "status": {"type": "string", "enum": ["complete", "partial", "interrupted"]},
                        "started": {"type": "string", "format": "date-time"},
                        "finished": {"type": ["string", "null"], "format": "date-time"},
                        "tool_version": {"type": "string"},
                        "catalogue": {"type": "string"},
                        "summary": {"type": "object"},
                        "start_urls": {"type": "array", "items": {"type": "string"}},
                        "config": {"type": "object"},
                        "previous": {"type": ["integer", "null"]},
                        "activity": {"type": ["integer", "null"]},
                        "stored_at": {"type": "string", "format": "date-time"},
                        "items": {"type": "integer"},
                    },
                },
                "Item": {
                    "type": "object",
                    "required": ["id", "url", "kind"],
                    "properties": {
                        "id": {"type": "integer"},
                        "url": {"type": "string"},
                        "final_url": {"type": "string"},
                        "kind": {"type": "string", "enum": ["page", "document"]},
                        "format": {"type": "string"},
                        "title": {"type": "string"},
                        "sha256": {"type": "string"},
                        "http_status": {"type": ["integer", "null"]},
                        "fetched_at": {"type": ["string", "null"], "format": "date-time"},
                        "error": {"type": ["object", "null"]},
                        "rules": {"type": "object"},
                    },
                },
                "StoredFinding": {
                    "type": "object",
                    "required": ["id", "url", "rule", "outcome", "status"],
                    "properties": {
                        "id": {"type": "integer"},
                        "url": {"type": "string"},
                        "rule": {"type": "string"},
                        "outcome": {"type": "string"},
                        "severity": {"type": "string"},
                        "wcag": {"type": "array", "items": {"type": "string"}},
                        "location": {"type": "object"},
                        "message": {"type": "string"},
                        "format": {"type": "string"},
                        "status": {"type": "string", "enum": list(FindingStatus.values)},
                        "reason": {"type": "string"},
                        "assigned_to": {"type": "string"},
                        "first_seen": {"type": "integer"},
                        "last_seen": {"type": "integer"},
                        "fixed_in": {"type": ["integer", "null"]},
                    },
                },
                "RunPage": _page_schema("Run"),
                "ItemPage": _page_schema("Item"),
                "FindingPage": _page_schema("StoredFinding"),
            },
        },
    }


urlpatterns = [
    path("checks", checks, name="api-checks"),
    path("runs", runs, name="api-runs"),
    path("runs/<int:pk>", run_detail, name="api-run"),
    path("runs/<int:pk>/items", run_items, name="api-run-items"),
    path("runs/<int:pk>/findings", run_findings, name="api-run-findings"),
    path("openapi.json", openapi, name="api-openapi"),
]
