from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AdministrativeUnit, Agency
from .services import administrative_unit_upsert, agency_upsert


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "full_name", "tier", "parent", "valid_from", "valid_to"]
    list_filter = ["tier", "kind"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]

    def save_model(
        self, request: HttpRequest, obj: AdministrativeUnit, form: Any, change: bool
    ) -> None:
        administrative_unit_upsert(
            code=obj.code,
            name=obj.name,
            kind=obj.kind,
            parent_code=obj.parent.code if obj.parent else None,
            valid_from=obj.valid_from,
            valid_to=obj.valid_to,
        )


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "tier", "administrative_unit", "valid_to"]
    list_filter = ["tier", "kind"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["administrative_unit", "parent"]

    def get_readonly_fields(self, request: HttpRequest, obj: Agency | None = None) -> list[str]:
        return ["code"] if obj else []

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        agency_upsert(
            code=obj.code,
            name=obj.name,
            short_name=obj.short_name,
            kind=obj.kind,
            administrative_unit_code=obj.administrative_unit.code,
            parent_code=obj.parent.code if obj.parent else None,
            address=obj.address,
            phone=obj.phone,
            email=obj.email,
            website=obj.website,
            valid_from=obj.valid_from,
            valid_to=obj.valid_to,
        )
