"""Dossiers in the administration: read-only. Their state changes only through services
(the one-stop back office arrives with the next issue)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Dossier, DossierDocument, DossierEvent


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DocumentInline(_ReadOnly, admin.TabularInline):
    model = DossierDocument
    fields = ("required_document", "original_name", "kind", "size", "sha256", "uploaded_at")
    readonly_fields = fields
    extra = 0


class EventInline(_ReadOnly, admin.TabularInline):
    model = DossierEvent
    fields = ("created_at", "action", "from_status", "to_status", "actor", "comment")
    readonly_fields = fields
    extra = 0


@admin.register(Dossier)
class DossierAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["code", "status", "agency", "applicant_name", "channel", "submitted_at"]
    list_filter = ["status", "channel"]
    search_fields = ["code", "applicant_name", "applicant_id_number", "applicant__username"]
    list_select_related = ["agency"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "code",
        "status",
        "applicant",
        "procedure",
        "version",
        "case",
        "agency",
        "eform",
        "channel",
        "form_data",
        "applicant_name",
        "applicant_id_number",
        "applicant_phone",
        "applicant_email",
        "applicant_address",
        "idempotency_key",
        "created_at",
        "submitted_at",
        "due_at",
        "withdrawn_at",
    ]
    fieldsets = [
        (None, {"fields": ["code", "status", "procedure", "version", "case", "agency", "eform"]}),
        (
            _("Người nộp"),
            {
                "fields": [
                    "applicant",
                    "applicant_name",
                    "applicant_id_number",
                    "applicant_phone",
                    "applicant_email",
                    "applicant_address",
                ]
            },
        ),
        (_("Tờ khai"), {"fields": ["form_data"]}),
        (
            _("Thời điểm"),
            {
                "fields": [
                    "channel",
                    "idempotency_key",
                    "created_at",
                    "submitted_at",
                    "due_at",
                    "withdrawn_at",
                ]
            },
        ),
    ]
    inlines = [DocumentInline, EventInline]
