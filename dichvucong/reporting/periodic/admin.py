"""Periodic reports in the administration: read only (changes go through the pages)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AgencyReport, AgencyReportEvent, ReportPeriod


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReportPeriod)
class ReportPeriodAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "covers_from", "covers_to", "due_on", "created_at"]
    list_filter = ["kind", "year"]


class EventInline(admin.TabularInline):
    model = AgencyReportEvent
    fields = ("created_at", "action", "from_status", "to_status", "actor", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AgencyReport)
class AgencyReportAdmin(ReadOnlyAdmin):
    list_display = ["period", "agency", "status", "late", "submitted_at"]
    list_filter = ["status", "late", "period"]
    search_fields = ["agency__name", "agency__code"]
    list_select_related = ["period", "agency"]
    inlines = [EventInline]
