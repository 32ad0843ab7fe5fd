"""Django admin for everything the pages do not edit, with each record's history (django-simple-history)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Board, ControlActivity, FollowUp, Plan, Process, Risk


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
