"""The synchronisation and its stand-in in the administration (read-only, but the switch)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    DossierSync,
    StandinDossier,
    StandinEntry,
    StandinFile,
    StandinSwitch,
    SyncEntry,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the synchronisation: shown, never edited by hand."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DossierSync)
class DossierSyncAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "synchronised", "national_code", "last_attempt_at", "synced_at"]
    list_filter = ["synchronised"]
    search_fields = ["dossier__code", "national_code"]
    list_select_related = ["dossier"]


@admin.register(SyncEntry)
class SyncEntryAdmin(ReadOnlyAdmin):
    list_display = ["pk", "dossier", "kind", "state", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["dossier__code", "uuid"]
    list_select_related = ["dossier"]


@admin.register(StandinSwitch)
class StandinSwitchAdmin(admin.ModelAdmin):
    list_display = ["__str__", "failing", "updated_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not StandinSwitch.objects.exists()


@admin.register(StandinDossier)
class StandinDossierAdmin(ReadOnlyAdmin):
    list_display = ["code", "local_code", "procedure_code", "status", "received_at", "updated_at"]
    search_fields = ["code", "local_code"]


@admin.register(StandinEntry)
class StandinEntryAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "kind", "status", "received_at"]
    list_filter = ["kind"]
    list_select_related = ["dossier"]


@admin.register(StandinFile)
class StandinFileAdmin(ReadOnlyAdmin):
    list_display = ["file_id", "name", "size", "received_at"]
