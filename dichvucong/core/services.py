"""Service helpers shared by the domain apps."""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from django.db import models, transaction

from .models import CalendarDay
from .workdays import calendar_changed

M = TypeVar("M", bound=models.Model)


def model_upsert(
    model: type[M], *, lookup: dict[str, Any], values: dict[str, Any]
) -> tuple[M, bool]:
    """Create the row matching `lookup` with `values`, or update the values that differ.

    The row is validated (`full_clean`) before it is written. Return it and whether
    anything was written, so a repeated load of the same data writes nothing.
    """
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        return instance, True
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        return instance, False
    for name in changed:
        setattr(instance, name, values[name])
    instance.full_clean()
    instance.save()  # the whole row: clean() may derive other fields from these
    return instance, True


def calendar_day_set(*, day: datetime.date, kind: str, name: str) -> CalendarDay:
    """Create or change the administrator's override of the working-day calendar for `day`.

    `kind` is a `CalendarDayKind` value: `working` for a weekend day or holiday worked
    (làm bù), `day_off` for a weekday off (nghỉ bù, nghỉ thêm). Raise ValidationError
    for an unknown kind or an empty name; deadlines computed afterwards follow the new
    calendar.
    """
    with transaction.atomic():
        calendar_day, changed = model_upsert(
            CalendarDay, lookup={"day": day}, values={"kind": kind, "name": name.strip()}
        )
        if changed:
            calendar_changed()
    return calendar_day


def calendar_day_delete(*, day: datetime.date) -> None:
    """Remove the override for `day`, if any: the day follows the computed calendar again."""
    with transaction.atomic():
        deleted, _ = CalendarDay.objects.filter(day=day).delete()
        if deleted:
            calendar_changed()
