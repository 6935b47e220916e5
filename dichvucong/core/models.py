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
