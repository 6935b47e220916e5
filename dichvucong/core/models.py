"""Abstract models shared by the domain apps."""

from __future__ import annotations

import datetime
from typing import Any, Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def today() -> datetime.date:
    """Return today's date in Vietnam time (the legal calendar of the province)."""
    return timezone.localdate()


class ValidityQuerySet(models.QuerySet[Any]):
    def valid_on(self, date: datetime.date | None = None) -> Self:
        """Keep the rows in force on `date` (today by default)."""
        date = date or today()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=date),
            Q(valid_to__isnull=True) | Q(valid_to__gte=date),
        )


ValidityManager = models.Manager.from_queryset(ValidityQuerySet)


class ValidityPeriod(models.Model):
    """A row that is in force from one date to another, so reorganisations keep history."""

    valid_from = models.DateField(_("hiệu lực từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến ngày"), null=True, blank=True)

    class Meta:
        abstract = True

    def clean(self) -> None:

        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Ngày kết thúc trước ngày bắt đầu.")})

    def is_valid_on(self, date: datetime.date | None = None) -> bool:
        date = date or today()
        return (self.valid_from is None or self.valid_from <= date) and (
            self.valid_to is None or date <= self.valid_to
        )


class CalendarDayKind(models.TextChoices):
    WORKING = "working", _("Ngày làm việc (làm bù)")
    DAY_OFF = "day_off", _("Ngày nghỉ (nghỉ bù, nghỉ thêm)")


class CalendarDay(models.Model):
    """An administrator's correction of the working-day calendar for one day.

    Public holidays come from the `holidays` package; each year the Prime Minister also
    moves days (a Saturday worked so that a weekday next to a holiday is off) or grants
    extra days off. An override wins over the computed calendar both ways. Write it
    through `calendar_day_set` / `calendar_day_delete`, which invalidate the cached
    calendar (`dichvucong.core.workdays`).
    """

    day = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(
        _("tên"), max_length=200, help_text=_("Ví dụ: Nghỉ bù Quốc khánh, Làm bù ngày 02/01.")
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("ngày điều chỉnh lịch làm việc")
        verbose_name_plural = _("ngày điều chỉnh lịch làm việc")

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.name}"
