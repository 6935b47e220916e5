"""Catalogue administration.

Published versions are read-only here: a procedure changes by publishing a new version
(`manage.py import_procedures`), so what citizens read under a decision never changes
behind their back. Form files can be uploaded; the upload goes through the service,
which recomputes the procedure's level.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Fee, Field, FormTemplate, LegalDocument, Procedure, ProcedureVersion
from .services import form_template_attach_file


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(ReadOnlyAdmin):
    list_display = ["code", "current_version", "level", "view_count"]
    list_filter = ["level", "current_version__tier"]
    search_fields = ["code", "current_version__name"]
    list_select_related = ["current_version"]


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(ReadOnlyAdmin):
    list_display = ["procedure", "number", "name", "tier", "declared_level", "decision_number"]
    list_filter = ["tier", "declared_level", "is_demo"]
    search_fields = ["procedure__code", "name"]
    list_select_related = ["procedure"]
    exclude = ["search_text", "content_hash"]


@admin.register(Field)
class FieldAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(LegalDocument)
class LegalDocumentAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "issuer", "issued_on"]
    search_fields = ["number", "title"]


@admin.register(FormTemplate)
class FormTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "file", "source_url"]
    search_fields = ["name", "version__procedure__code", "version__name"]
    list_select_related = ["version__procedure"]
    fields = ["version", "name", "source_url", "file"]
    readonly_fields = ["version", "name", "source_url"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: FormTemplate, form: Any, change: bool) -> None:
        upload = form.cleaned_data.get("file")
        if upload and "file" in form.changed_data:
            form_template_attach_file(form=obj, filename=upload.name, content=upload.read())


@admin.register(Fee)
class FeeAdmin(admin.ModelAdmin):
    """The amounts come from the published version; the province sets how they count."""

    list_display = ["__str__", "processing_time", "basis", "exemptible"]
    list_filter = ["kind", "basis", "exemptible"]
    search_fields = ["processing_time__case__version__procedure__code", "description"]
    list_select_related = ["processing_time"]
    fields = [
        "processing_time",
        "kind",
        "amount",
        "currency_label",
        "description",
        "basis",
        "exemptible",
        "exemption_note",
    ]
    readonly_fields = ["processing_time", "kind", "amount", "currency_label", "description"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
