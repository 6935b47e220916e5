"""Ratings in the administration: read only. A rating is the citizen's, and final."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["dossier_code", "level", "agency", "short_comment", "created_at"]
    list_filter = ["level", ("dossier__agency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier__agency"]
    date_hierarchy = "created_at"
    fields = ("dossier", "level", "comment", "created_at")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Rating]:
        return super().get_queryset(request).select_related("dossier__agency")

    @admin.display(description=_("mã hồ sơ"), ordering="dossier__code")
    def dossier_code(self, obj: Rating) -> str:
        return obj.dossier.code or ""

    @admin.display(description=_("cơ quan tiếp nhận"), ordering="dossier__agency__name")
    def agency(self, obj: Rating) -> str:
        return obj.dossier.agency.name

    @admin.display(description=_("góp ý"))
    def short_comment(self, obj: Rating) -> str:
        return obj.comment if len(obj.comment) <= 80 else obj.comment[:79] + "…"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
