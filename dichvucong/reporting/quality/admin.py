"""Index sets in the admin: the indicators and their points are edited inline."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dichvucong.core.cache import public_data_changed

from .models import IndexSet, Indicator
from .services import index_set_activate


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
    readonly_fields = ["is_active"]
    inlines = [IndicatorInline]
    actions = ["activate"]

    @admin.display(description=_("tổng điểm"))
    def total_points(self, obj: IndexSet) -> Decimal:
        total = obj.indicators.aggregate(total=Sum("max_points"))["total"]
        return total or Decimal(0)

    @admin.action(description=_("Áp dụng bộ chỉ số đã chọn trên trang công khai"))
    def activate(self, request: HttpRequest, queryset: QuerySet[IndexSet]) -> None:
        if queryset.count() != 1:
            self.message_user(request, _("Chọn đúng một bộ chỉ số."), messages.ERROR)
            return
        index_set = index_set_activate(index_set=queryset.get())
        self.message_user(request, _("Đã áp dụng: %(name)s.") % {"name": index_set.name})

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # The public pages keep computed scores in the public cache: points changed here
        # must show at once.
        public_data_changed()
