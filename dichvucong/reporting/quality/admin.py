"""Index sets in the admin: the indicators and their points are edited inline."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from .models import IndexSet, Indicator


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fields = ("position", "group", "code", "name", "computation", "max_points", "measures")
    extra = 0
    ordering = ("position", "code")


@admin.register(IndexSet)
class IndexSetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active", "total_points"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]
    inlines = [IndicatorInline]

    @admin.display(description=_("tổng điểm"))
    def total_points(self, obj: IndexSet) -> Decimal:
        total = obj.indicators.aggregate(total=Sum("max_points"))["total"]
        return total or Decimal(0)
