"""The calendar overrides' services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dichvucong.core.models import CalendarDay, CalendarDayKind
from dichvucong.core.services import calendar_day_delete, calendar_day_set
from dichvucong.core.workdays import is_working_day

pytestmark = pytest.mark.django_db

SATURDAY = dt.date(2026, 12, 26)


def test_calendar_day_set_creates_then_updates() -> None:
    created = calendar_day_set(day=SATURDAY, kind="working", name="  Làm bù ngày 31/12 ")
    assert (created.day, created.kind, created.name) == (
        SATURDAY,
        CalendarDayKind.WORKING,
        "Làm bù ngày 31/12",
    )
    assert created.created_at is not None
    assert is_working_day(SATURDAY) is True

    updated = calendar_day_set(day=SATURDAY, kind="day_off", name="Không làm bù")
    assert updated.pk == created.pk
    assert list(CalendarDay.objects.values_list("day", "kind", "name")) == [
        (SATURDAY, "day_off", "Không làm bù")
    ]
    assert is_working_day(SATURDAY) is False
    assert str(updated) == "26/12/2026 Không làm bù"


@pytest.mark.parametrize(
    ("kind", "name", "field"),
    [("holiday", "Nghỉ bù", "kind"), ("working", "   ", "name"), ("", "Nghỉ bù", "kind")],
)
def test_calendar_day_set_refuses_bad_values(kind: str, name: str, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        calendar_day_set(day=SATURDAY, kind=kind, name=name)
    assert list(refused.value.message_dict) == [field]
    assert CalendarDay.objects.count() == 0
    assert is_working_day(SATURDAY) is False


def test_a_refused_update_keeps_the_override() -> None:
    calendar_day_set(day=SATURDAY, kind="working", name="Làm bù")
    with pytest.raises(ValidationError):
        calendar_day_set(day=SATURDAY, kind="weekend", name="Sai")
    assert list(CalendarDay.objects.values_list("kind", "name")) == [("working", "Làm bù")]
    assert is_working_day(SATURDAY) is True


def test_calendar_day_delete() -> None:
    calendar_day_set(day=SATURDAY, kind="working", name="Làm bù")
    calendar_day_set(day=dt.date(2026, 12, 31), kind="day_off", name="Nghỉ thêm")
    calendar_day_delete(day=SATURDAY)
    assert list(CalendarDay.objects.values_list("day", flat=True)) == [dt.date(2026, 12, 31)]
    assert is_working_day(SATURDAY) is False
    calendar_day_delete(day=SATURDAY)  # nothing left to delete: nothing happens
    assert CalendarDay.objects.count() == 1
