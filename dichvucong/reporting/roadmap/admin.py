from __future__ import annotations

from django.contrib import admin

from .models import AnnexEntry, LevelRecord, Plan, PlanTarget


class PlanTargetInline(admin.TabularInline):
    model = PlanTarget
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "decision_number", "first_year", "last_year"]
    search_fields = ["slug", "name", "decision_number"]
    inlines = [PlanTargetInline]


@admin.register(AnnexEntry)
class AnnexEntryAdmin(admin.ModelAdmin):
    list_display = [
        "plan",
        "position",
        "procedure_code",
        "procedure_name",
        "tier",
        "target_level",
        "target_year",
        "agency",
    ]
    list_filter = ["plan", "tier", "target_level", "target_year"]
    search_fields = ["procedure_code", "procedure_name"]
    raw_id_fields = ["procedure", "agency"]
    list_select_related = ["plan", "agency"]


@admin.register(LevelRecord)
class LevelRecordAdmin(admin.ModelAdmin):
    """Read-only: the history is appended by the system, never edited."""

    list_display = ["procedure", "level", "recorded_at", "source"]
    list_filter = ["source", "level"]
    search_fields = ["procedure__code"]
    list_select_related = ["procedure"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
