"""Django admin for everything the pages do not edit, with each record's history (django-simple-history)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from . import evidence as _evidence  # noqa: F401  (connects the guard against deleting sealed records)
from .models import (
    ApiToken,
    Board,
    ControlActivity,
    CrawlRun,
    Evidence,
    Finding,
    FollowUp,
    Item,
    Plan,
    Process,
    Risk,
    StatementDecision,
)


class ControlActivityInline(admin.TabularInline):
    model = ControlActivity
    extra = 0


class FollowUpInline(admin.StackedInline):
    model = FollowUp
    extra = 0


@admin.register(Board)
class BoardAdmin(SimpleHistoryAdmin):
    search_fields = ("name",)


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "board", "year", "decided", "valid_until")
    list_filter = ("board", "year")


@admin.register(Process)
class ProcessAdmin(SimpleHistoryAdmin):
    list_display = ("name", "office")
    search_fields = ("name", "office")


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "plan", "process", "value", "critical", "handling")
    list_filter = ("plan", "handling")
    search_fields = ("description", "process__name")
    inlines = (ControlActivityInline, FollowUpInline)

    @admin.display(boolean=True, description="kritisk")
    def critical(self, obj: Risk) -> bool:
        return obj.critical


@admin.register(ControlActivity)
class ControlActivityAdmin(SimpleHistoryAdmin):
    list_display = ("what", "risk", "frequency", "responsible", "performed_by_tillgang")
    list_filter = ("performed_by_tillgang",)


@admin.register(FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    list_display = ("risk", "period", "year", "follows_plan", "author", "date")
    list_filter = ("period", "year", "follows_plan")


# ---------------------------------------------------------------------------------------------------------
# Crawl runs, findings, evidence, API tokens and statement decisions (issue 5).


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never changed here: runs and items come from crawls, evidence is sealed, tokens are issued by
    ``tillgang register token``."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CrawlRun)
class CrawlRunAdmin(ReadOnlyAdmin):
    list_display = ("run_id", "site", "started", "finished", "status", "activity")
    list_filter = ("status", "site")
    search_fields = ("run_id", "site")


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ("url", "run", "kind", "format", "http_status", "error_code", "reused")
    list_filter = ("kind", "format", "error_code")
    search_fields = ("url", "title", "sha256")


@admin.register(Finding)
class FindingAdmin(SimpleHistoryAdmin):
    """Triage (status, reason, assignee) with history; what the crawler found is read-only."""

    list_display = ("rule", "url", "outcome", "status", "first_seen", "last_seen", "fixed_in", "assigned_to")
    list_filter = ("status", "outcome", "rule", "format")
    search_fields = ("url", "rule", "message")
    readonly_fields = (
        "identity",
        "url",
        "rule",
        "location_key",
        "location",
        "outcome",
        "severity",
        "wcag",
        "message",
        "format",
        "first_seen",
        "last_seen",
        "fixed_in",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("title", "version", "activity", "run", "status", "partial", "sealed_at", "sealed_by")
    list_filter = ("status", "partial")
    exclude = ("manifest", "file_content")
    readonly_fields = ("manifest_text",)

    @admin.display(description="manifest")
    def manifest_text(self, obj: Evidence) -> str:
        return bytes(obj.manifest or b"").decode("utf-8", errors="replace")[:20000]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("user", "name", "created", "last_used", "revoked")
    list_filter = ("revoked",)
    exclude = ("key_sha256",)


@admin.register(StatementDecision)
class StatementDecisionAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "subject", "decided_by", "decided_on", "recorded_by")
    list_filter = ("kind",)
    search_fields = ("subject", "url", "decided_by")
