"""Administration of the working-day calendar: the yearly overrides of the Prime Minister.

Saving and deleting go through `calendar_day_set` / `calendar_day_delete`, which
invalidate the calendar every deadline is computed with.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.db.models.functions import ExtractYear
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import CalendarDay
from .services import calendar_day_delete, calendar_day_set

WEEKDAYS = (
    _("Thứ Hai"),
    _("Thứ Ba"),
    _("Thứ Tư"),
    _("Thứ Năm"),
    _("Thứ Sáu"),
    _("Thứ Bảy"),
    _("Chủ nhật"),
)


class YearFilter(admin.SimpleListFilter):
    title = _("năm")
    parameter_name = "nam"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = (
            CalendarDay.objects.annotate(year=ExtractYear("day"))
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )
        return [(str(year), str(year)) for year in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(day__year=int(value))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["day_label", "weekday", "kind", "name", "created_at"]
    list_filter = [YearFilter, "kind"]
    search_fields = ["name"]
    date_hierarchy = "day"
    ordering = ["-day"]
    fields = ["day", "kind", "name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Another day is another override: add it instead.
        return ["day"] if obj is not None else []

    @admin.display(description=_("ngày"), ordering="day")
    def day_label(self, obj: CalendarDay) -> str:
        return f"{obj.day:%d/%m/%Y}"

    @admin.display(description=_("thứ"))
    def weekday(self, obj: CalendarDay) -> str:
        return str(WEEKDAYS[obj.day.weekday()])

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        saved = calendar_day_set(day=obj.day, kind=obj.kind, name=obj.name)
        obj.pk, obj.created_at = saved.pk, saved.created_at

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        calendar_day_delete(day=obj.day)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        for day in queryset.values_list("day", flat=True):
            calendar_day_delete(day=day)
