"""Signature checks of uploaded PDFs in the administration: read only (made by the task)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import DocumentSignatureCheck


@admin.register(DocumentSignatureCheck)
class DocumentSignatureCheckAdmin(admin.ModelAdmin):
    list_display = ["document_name", "dossier_code", "status", "checked_at"]
    list_filter = ["status"]
    search_fields = ["document__dossier__code", "document__original_name"]
    list_select_related = ["document__dossier"]
    fields = ("document", "status", "message", "signatures", "sha256", "checked_at")
    readonly_fields = fields

    @admin.display(description=_("tệp"), ordering="document__original_name")
    def document_name(self, obj: DocumentSignatureCheck) -> str:
        return obj.document.original_name

    @admin.display(description=_("mã hồ sơ"), ordering="document__dossier__code")
    def dossier_code(self, obj: DocumentSignatureCheck) -> str:
        return obj.document.dossier.code or ""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
