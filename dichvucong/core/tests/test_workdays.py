"""The working-day calendar and deadline arithmetic (Decree 61/2018, Circular 01/2018).

Dates are 2026 unless said otherwise. The weeks used: 7-11 December 2026 (Monday to
Friday, no holiday), Tết Bính Ngọ (16-20 February 2026), 30/4-1/5 (Thursday, Friday),
Quốc khánh (1-2 September, Tuesday and Wednesday, with Monday 31 August off in exchange
for Saturday 22 August).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import transaction

from dichvucong.core import workdays
from dichvucong.core.models import CalendarDay
from dichvucong.core.services import calendar_day_delete, calendar_day_set
from dichvucong.core.workdays import (
    VIETNAM,
    Timeliness,
    clock_start,
    due_at_compute,
    due_at_extend,
    is_working_day,
    next_working_day,
    office_hours,
    reception_cutoff,
    timeliness,
    working_day_seconds,
    working_days_add,
    working_days_remaining,
    working_seconds_between,
    working_time_add,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
HOUR = 3600
DAY = 8 * HOUR


def at(month: int, day: int, hour: int = 0, minute: int = 0, *, year: int = 2026) -> dt.datetime:
    """Return the local (Vietnam) time given."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=VIETNAM)


def d(month: int, day: int, *, year: int = 2026) -> dt.date:
    return dt.date(year, month, day)


# --- the calendar --------------------------------------------------------------------


def test_holidays_of_2026() -> None:
    # What holidays.VN says for 2026, each a weekday off.
    days_off = [
        d(1, 1),  # Tết Dương lịch
        d(2, 16),  # Giao thừa
        d(2, 17),  # Mùng một Tết Bính Ngọ
        d(2, 18),
        d(2, 19),
        d(2, 20),  # Mùng bốn
        d(4, 27),  # Giỗ Tổ Hùng Vương (26/4 is a Sunday): nghỉ bù
        d(4, 30),
        d(5, 1),
        d(8, 31),  # off in exchange for Saturday 22/8
        d(9, 1),
        d(9, 2),
        d(11, 24),  # Ngày Văn hóa Việt Nam
    ]
    assert [day for day in days_off if is_working_day(day)] == []
    assert [is_working_day(day) for day in (d(2, 13), d(2, 23), d(4, 29), d(5, 4), d(9, 3))] == [
        True,
        True,
        True,
        True,
        True,
    ]
    # Weekends are off, except the Saturday worked in exchange for 31/8.
    assert (is_working_day(d(2, 14)), is_working_day(d(2, 21)), is_working_day(d(8, 22))) == (
        False,
        False,
        True,
    )


def test_next_working_day_and_working_days_add() -> None:
    assert next_working_day(d(2, 13)) == d(2, 23)  # over Tết
    assert next_working_day(d(12, 7)) == d(12, 8)
    assert next_working_day(d(12, 11)) == d(12, 14)  # strictly after, over the weekend
    assert next_working_day(d(12, 12)) == d(12, 14)  # from a Saturday
    assert working_days_add(d(4, 29), 1) == d(5, 4)  # over 30/4-1/5 and the weekend
    assert working_days_add(d(8, 28), 2) == d(9, 4)  # 31/8, 1/9, 2/9 off
    assert working_days_add(d(12, 7), 0) == d(12, 7)
    assert working_days_add(d(12, 7), 10) == d(12, 21)
    with pytest.raises(ValueError, match="negative"):
        working_days_add(d(12, 7), -1)


def test_a_compensatory_working_saturday() -> None:
    assert due_at_compute(start=at(12, 25, 10), amount=1, unit="working_days") == at(12, 28, 10)
    calendar_day_set(day=d(12, 26), kind="working", name="Làm bù ngày 31/12")
    assert is_working_day(d(12, 26)) is True
    assert next_working_day(d(12, 25)) == d(12, 26)
    assert due_at_compute(start=at(12, 25, 10), amount=1, unit="working_days") == at(12, 26, 10)
    # A dossier received on that Saturday starts the clock at once.
    assert clock_start(at(12, 26, 9)) == at(12, 26, 9)


def test_an_extra_day_off() -> None:
    calendar_day_set(day=d(12, 31), kind="day_off", name="Nghỉ thêm trước Tết Dương lịch")
    assert is_working_day(d(12, 31)) is False
    # 31/12 off, 1/1/2027 a holiday (Friday), then the weekend.
    due = due_at_compute(start=at(12, 30, 10), amount=1, unit="working_days")
    assert due == at(1, 4, 10, year=2027)


def test_an_override_wins_both_ways() -> None:
    calendar_day_set(day=d(11, 24), kind="working", name="Làm việc ngày Văn hóa")
    calendar_day_set(day=d(8, 22), kind="day_off", name="Không làm bù")
    assert (is_working_day(d(11, 24)), is_working_day(d(8, 22))) == (True, False)
    calendar_day_delete(day=d(11, 24))
    calendar_day_delete(day=d(8, 22))
    assert (is_working_day(d(11, 24)), is_working_day(d(8, 22))) == (False, True)


# --- when the clock starts (the 15:00 rule) ------------------------------------------


def test_clock_starts_at_reception_before_the_cutoff() -> None:
    assert clock_start(at(12, 7, 14, 59)) == at(12, 7, 14, 59)
    assert clock_start(at(12, 7, 7)) == at(12, 7, 7)
    assert clock_start(at(12, 7, 9, 15)) == at(12, 7, 9, 15)


def test_clock_starts_the_next_working_day_at_or_after_the_cutoff() -> None:
    assert clock_start(at(12, 7, 15)) == at(12, 8, 7)
    assert clock_start(at(12, 7, 16, 30)) == at(12, 8, 7)
    assert clock_start(at(12, 7, 17, 30)) == at(12, 8, 7)
    assert clock_start(at(12, 7, 23, 59)) == at(12, 8, 7)
    assert clock_start(at(12, 11, 15)) == at(12, 14, 7)  # Friday to Monday
    assert clock_start(at(11, 23, 16)) == at(11, 25, 7)  # 24/11 is a holiday


def test_clock_start_outside_office_hours() -> None:
    assert clock_start(at(12, 7, 6, 30)) == at(12, 7, 7)  # before opening: that day
    assert clock_start(at(12, 7, 0, 0)) == at(12, 7, 7)
    assert clock_start(at(12, 7, 12)) == at(12, 7, 13, 30)  # lunch: the afternoon session
    assert clock_start(at(12, 12, 10)) == at(12, 14, 7)  # Saturday
    assert clock_start(at(12, 13, 6)) == at(12, 14, 7)  # Sunday
    assert clock_start(at(2, 17, 9)) == at(2, 23, 7)  # Tết


def test_clock_start_reasons_in_vietnam_time() -> None:
    # 07:59 UTC is 14:59 in Vietnam, 08:00 UTC is 15:00.
    assert clock_start(dt.datetime(2026, 12, 7, 7, 59, tzinfo=UTC)) == at(12, 7, 14, 59)
    assert clock_start(dt.datetime(2026, 12, 7, 8, 0, tzinfo=UTC)) == at(12, 8, 7)
    # Sunday 23:30 UTC is Monday 06:30 in Vietnam.
    assert clock_start(dt.datetime(2026, 12, 6, 23, 30, tzinfo=UTC)) == at(12, 7, 7)
    assert clock_start(at(12, 7, 15)).tzinfo is VIETNAM


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        clock_start(dt.datetime(2026, 12, 7, 9))  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        working_seconds_between(at(12, 7), dt.datetime(2026, 12, 8))  # noqa: DTZ001


# --- office time ---------------------------------------------------------------------


def test_working_seconds_between() -> None:
    assert working_seconds_between(at(12, 7, 10), at(12, 7, 14)) == 2 * HOUR
    assert working_seconds_between(at(12, 7, 11), at(12, 7, 14)) == HOUR  # lunch excluded
    assert working_seconds_between(at(12, 11, 16), at(12, 14, 8)) == 2 * HOUR  # weekend
    assert working_seconds_between(at(12, 7), at(12, 14)) == 5 * DAY
    assert working_seconds_between(at(2, 13, 16), at(2, 23, 8)) == 2 * HOUR  # Tết
    assert working_seconds_between(at(12, 12, 8), at(12, 13, 16)) == 0  # Saturday to Sunday
    assert working_seconds_between(at(12, 7, 14), at(12, 7, 10)) == 0
    assert working_seconds_between(at(12, 7, 10), at(12, 7, 10)) == 0
    start = dt.datetime(2026, 12, 7, 3, 0, 30, tzinfo=UTC)  # 10:00:30 in Vietnam
    assert working_seconds_between(start, at(12, 7, 10, 1)) == 30


def test_working_time_add() -> None:
    assert working_time_add(at(12, 7, 10), 4 * HOUR) == at(12, 7, 16)  # over lunch
    assert working_time_add(at(12, 7, 16), 2 * HOUR) == at(12, 8, 8)  # over the night
    assert working_time_add(at(12, 11, 16), 2 * HOUR) == at(12, 14, 8)  # over the weekend
    assert working_time_add(at(12, 12, 10), HOUR) == at(12, 14, 8)  # from a Saturday
    assert working_time_add(at(12, 7, 11, 30), HOUR) == at(12, 7, 14, 30)
    assert working_time_add(at(12, 7, 10), 0) == at(12, 7, 10)
    with pytest.raises(ValueError, match="negative"):
        working_time_add(at(12, 7, 10), -1)


def test_a_result_at_a_session_opening_is_the_previous_close() -> None:
    assert working_time_add(at(12, 7, 7), DAY) == at(12, 7, 17)  # not Tuesday 07:00
    assert working_time_add(at(12, 7, 7), 4 * HOUR + 30 * 60) == at(12, 7, 11, 30)  # not 13:30
    assert working_time_add(at(12, 7, 7), 4 * HOUR + 30 * 60 + 1) == dt.datetime(
        2026, 12, 7, 13, 30, 1, tzinfo=VIETNAM
    )
    assert working_time_add(at(12, 11, 7), DAY) == at(12, 11, 17)  # not Monday 07:00
    assert working_time_add(at(12, 10, 17), DAY) == at(12, 11, 17)
    assert working_time_add(at(2, 13, 7), DAY) == at(2, 13, 17)  # not after Tết


# --- deadlines -----------------------------------------------------------------------


def test_a_deadline_across_tet() -> None:
    # Thursday 12/2 at 10:00 plus 3 working days: Friday 13/2 is the first, Tết and the
    # weekends (14/2 to 22/2) do not count, Monday 23/2 the second, Tuesday 24/2 the third.
    due = due_at_compute(start=at(2, 12, 10), amount=Decimal(3), unit="working_days")
    assert due == at(2, 24, 10)
    # Received Friday 13/2 after 15:00: the clock starts Monday 23/2 at 07:00.
    due = due_at_compute(start=at(2, 13, 15, 30), amount=Decimal(1), unit="working_days")
    assert due == at(2, 23, 17)


def test_a_deadline_across_30_april_and_1_may() -> None:
    due = due_at_compute(start=at(4, 29, 9), amount=Decimal(1), unit="working_days")
    assert due == at(5, 4, 9)
    due = due_at_compute(start=at(4, 29, 9), amount=Decimal(3), unit="working_days")
    assert due == at(5, 6, 9)


def test_a_deadline_across_national_day() -> None:
    # Friday 28/8 at 16:00 is after the cut-off; 31/8, 1/9 and 2/9 are off.
    due = due_at_compute(start=at(8, 28, 16), amount=Decimal(2), unit="working_days")
    assert due == at(9, 4, 17)


def test_the_15_hours_rule_in_a_deadline() -> None:
    def one_day_from(start: dt.datetime) -> dt.datetime:
        return due_at_compute(start=start, amount=Decimal(1), unit="working_days")

    assert one_day_from(at(12, 7, 14, 59)) == at(12, 8, 14, 59)
    assert one_day_from(at(12, 7, 15)) == at(12, 8, 17)
    assert one_day_from(at(12, 7, 16, 30)) == at(12, 8, 17)
    assert one_day_from(at(12, 12, 10)) == at(12, 14, 17)  # Saturday
    assert one_day_from(at(12, 7, 6, 30)) == at(12, 7, 17)


def test_fractional_working_days() -> None:
    assert due_at_compute(start=at(12, 7, 10), amount=Decimal("0.5"), unit="working_days") == (
        at(12, 7, 16)
    )
    assert due_at_compute(start=at(12, 7, 14), amount=Decimal("0.5"), unit="working_days") == (
        at(12, 8, 8)
    )
    assert due_at_compute(start=at(12, 7, 7), amount=Decimal("1.5"), unit="working_days") == (
        at(12, 8, 11)
    )
    # A third of a day is 2 h 40 min; rounded to the second.
    assert due_at_compute(start=at(12, 7, 7), amount=Decimal("0.3333"), unit="working_days") == (
        dt.datetime(2026, 12, 7, 9, 39, 59, tzinfo=VIETNAM)
    )


def test_hours() -> None:
    assert due_at_compute(start=at(12, 7, 10), amount=Decimal(4), unit="hours") == at(12, 7, 16)
    assert due_at_compute(start=at(12, 7, 11), amount=Decimal(2), unit="hours") == at(12, 7, 15)
    assert due_at_compute(start=at(12, 7, 16), amount=Decimal(3), unit="hours") == at(12, 8, 10)
    assert due_at_compute(start=at(12, 7, 7), amount=Decimal(8), unit="hours") == at(12, 7, 17)
    assert due_at_compute(start=at(12, 7, 10), amount=Decimal("1.5"), unit="hours") == (
        at(12, 7, 11, 30)
    )


def test_calendar_days() -> None:
    # Monday 7/12 plus 6 days is Sunday 13/12: the next working day, at its close.
    assert due_at_compute(start=at(12, 7, 10), amount=Decimal(6), unit="days") == at(12, 14, 17)
    assert due_at_compute(start=at(12, 7, 10), amount=Decimal(1), unit="days") == at(12, 8, 17)
    assert due_at_compute(start=at(12, 7, 10), amount=Decimal("0.5"), unit="days") == (
        at(12, 8, 17)
    )
    # After the cut-off on Friday: the clock starts Monday 14/12.
    assert due_at_compute(start=at(12, 11, 15, 30), amount=1, unit="days") == at(12, 15, 17)
    # Calendar days run through Tết; the deadline does not fall in it.
    assert due_at_compute(start=at(2, 12, 10), amount=Decimal(5), unit="days") == at(2, 23, 17)


def test_due_at_compute_refusals() -> None:
    for amount in (Decimal(0), Decimal(-1), Decimal("NaN")):
        with pytest.raises(ValueError, match="positive"):
            due_at_compute(start=at(12, 7, 10), amount=amount, unit="working_days")
    with pytest.raises(ValueError, match="Unknown time unit 'weeks'"):
        due_at_compute(start=at(12, 7, 10), amount=Decimal(1), unit="weeks")


# --- pauses, timeliness, reminders ---------------------------------------------------


def test_a_pause_across_a_weekend() -> None:
    # Paused Friday 16:00 to Monday 09:00: 1 h on Friday and 2 h on Monday.
    due = due_at_extend(due_at=at(12, 16, 17), paused_at=at(12, 11, 16), resumed_at=at(12, 14, 9))
    assert due == at(12, 17, 10)


def test_a_pause_across_lunch() -> None:
    # Paused 11:00 to 14:00: 30 min before and 30 min after the break.
    due = due_at_extend(due_at=at(12, 16, 17), paused_at=at(12, 14, 11), resumed_at=at(12, 14, 14))
    assert due == at(12, 17, 8)
    due = due_at_extend(due_at=at(12, 16, 10), paused_at=at(12, 14, 11), resumed_at=at(12, 14, 14))
    assert due == at(12, 16, 11)


def test_a_pause_outside_office_hours_changes_nothing() -> None:
    due = due_at_extend(due_at=at(12, 16, 17), paused_at=at(12, 12, 8), resumed_at=at(12, 13, 20))
    assert due == at(12, 16, 17)
    with pytest.raises(ValueError, match="resume before"):
        due_at_extend(due_at=at(12, 16, 17), paused_at=at(12, 14, 9), resumed_at=at(12, 14, 8))


def test_timeliness() -> None:
    due = at(12, 16, 17)
    assert timeliness(due_at=due, done_at=at(12, 15, 16, 59)) == Timeliness.EARLY
    assert timeliness(due_at=due, done_at=at(12, 16, 0, 1)) == Timeliness.ON_TIME
    assert timeliness(due_at=due, done_at=at(12, 16, 9)) == Timeliness.ON_TIME
    assert timeliness(due_at=due, done_at=due) == Timeliness.ON_TIME
    assert timeliness(due_at=due, done_at=due + dt.timedelta(seconds=1)) == Timeliness.LATE
    assert timeliness(due_at=due, done_at=at(12, 17, 8)) == Timeliness.LATE
    # 15/12 17:30 UTC is 16/12 00:30 in Vietnam: the day of the deadline.
    done = dt.datetime(2026, 12, 15, 17, 30, tzinfo=UTC)
    assert timeliness(due_at=due, done_at=done) == Timeliness.ON_TIME
    # A deadline in the middle of a day: done later that day is late.
    assert timeliness(due_at=at(12, 16, 10), done_at=at(12, 16, 11)) == Timeliness.LATE
    assert [(t.value, str(t.label)) for t in Timeliness] == [
        ("early", "Trước hạn"),
        ("on_time", "Đúng hạn"),
        ("late", "Trễ hạn"),
    ]


def test_working_days_remaining() -> None:
    due = at(12, 16, 17)
    assert working_days_remaining(due_at=due, now=at(12, 14, 7)) == Decimal("3.00")
    # Tuesday 13:30 to Wednesday 17:00: 3.5 h + 8 h = 1.4375 days, rounded up.
    assert working_days_remaining(due_at=due, now=at(12, 15, 13, 30)) == Decimal("1.44")
    assert working_days_remaining(due_at=due, now=at(12, 16, 15)) == Decimal("0.25")
    assert working_days_remaining(due_at=due, now=at(12, 16, 17)) == Decimal("0")
    assert working_days_remaining(due_at=due, now=at(12, 18, 9)) == Decimal("0")
    # Within one working day exactly when at most a day of office time is left.
    second = dt.timedelta(seconds=1)
    assert working_days_remaining(due_at=due, now=at(12, 16, 7) + second) == Decimal("1.00")
    assert working_days_remaining(due_at=due, now=at(12, 15, 17) - second) == Decimal("1.01")
    # Over the weekend, from Friday 16:00 to Monday 09:00: 3 h.
    assert working_days_remaining(due_at=at(12, 14, 9), now=at(12, 11, 16)) == Decimal("0.38")


# --- settings ------------------------------------------------------------------------


def test_default_settings() -> None:
    assert office_hours() == (
        workdays.Session(dt.time(7), dt.time(11, 30)),
        workdays.Session(dt.time(13, 30), dt.time(17)),
    )
    assert reception_cutoff() == dt.time(15)
    assert working_day_seconds() == DAY


def test_other_office_hours(settings: Any) -> None:
    settings.OFFICE_HOURS = " 07:30-11:30 , 13:00-16:30 "
    settings.RECEPTION_CUTOFF = "16:00"
    assert working_day_seconds() == 7 * HOUR + 30 * 60
    assert clock_start(at(12, 7, 15, 30)) == at(12, 7, 15, 30)
    assert clock_start(at(12, 7, 16)) == at(12, 8, 7, 30)
    assert clock_start(at(12, 7, 12)) == at(12, 7, 13)
    assert due_at_compute(start=at(12, 7, 7, 30), amount=1, unit="working_days") == (
        at(12, 7, 16, 30)
    )
    settings.OFFICE_HOURS = "08:00-17:00"
    settings.RECEPTION_CUTOFF = "15:00"
    assert working_day_seconds() == 9 * HOUR
    assert working_time_add(at(12, 7, 12), 5 * HOUR) == at(12, 7, 17)


@pytest.mark.parametrize(
    ("office_hours_value", "message"),
    [
        ("", "OFFICE_HOURS (DICHVUCONG_OFFICE_HOURS) is empty"),
        ("7h-11h30", "'7h' is not a time of day written HH:MM"),
        ("07:00-11:30;13:30-17:00", "'07:00-11:30;13:30-17:00' is not a session written"),
        ("07:00-11:30,13:30", "'13:30' is not a session written HH:MM-HH:MM"),
        ("07:00-24:00", "'24:00' is not a time of day"),
        ("11:30-07:00", "the session '11:30-07:00' ends before it starts"),
        ("07:00-07:00", "the session '07:00-07:00' ends before it starts"),
        ("13:30-17:00,07:00-11:30", "the session '07:00-11:30' must start after the previous"),
        ("07:00-12:00,11:30-17:00", "the session '11:30-17:00' must start after the previous"),
    ],
)
def test_bad_office_hours(settings: Any, office_hours_value: str, message: str) -> None:
    settings.OFFICE_HOURS = office_hours_value
    with pytest.raises(ImproperlyConfigured) as refused:
        office_hours()
    assert message in str(refused.value)
    with pytest.raises(ImproperlyConfigured):
        clock_start(at(12, 7, 10))


@pytest.mark.parametrize(
    ("cutoff", "message"),
    [
        ("3pm", "RECEPTION_CUTOFF (DICHVUCONG_RECEPTION_CUTOFF): '3pm' is not a time of day"),
        ("15:60", "'15:60' is not a time of day written HH:MM"),
        ("18:00", "'18:00' must fall within the office hours (07:00-17:00)"),
        ("07:00", "'07:00' must fall within the office hours (07:00-17:00)"),
    ],
)
def test_bad_reception_cutoff(settings: Any, cutoff: str, message: str) -> None:
    settings.RECEPTION_CUTOFF = cutoff
    with pytest.raises(ImproperlyConfigured) as refused:
        reception_cutoff()
    assert message in str(refused.value)
    with pytest.raises(ImproperlyConfigured):
        due_at_compute(start=at(12, 7, 10), amount=1, unit="working_days")


# --- the cached overrides ------------------------------------------------------------


def test_the_steady_state_costs_no_query(django_assert_num_queries: Any) -> None:
    workdays.calendar_cache_clear()
    with django_assert_num_queries(1):
        assert is_working_day(d(12, 26)) is False
    with django_assert_num_queries(0):
        # 1/1/2027 is a holiday.
        assert due_at_compute(start=at(12, 25, 10), amount=10, unit="working_days") == (
            at(1, 11, 10, year=2027)
        )
        assert working_days_remaining(due_at=at(12, 31, 17), now=at(12, 7, 7)) == Decimal("19")


def test_a_change_is_seen_by_its_own_transaction_and_undone_by_its_rollback() -> None:
    assert is_working_day(d(12, 26)) is False
    with pytest.raises(RuntimeError), transaction.atomic():
        calendar_day_set(day=d(12, 26), kind="working", name="Làm bù")
        assert is_working_day(d(12, 26)) is True
        raise RuntimeError
    assert CalendarDay.objects.count() == 0
    assert is_working_day(d(12, 26)) is False


def test_the_changing_transaction_reads_the_calendar_once_per_change(
    django_assert_num_queries: Any,
) -> None:
    calendar_day_set(day=d(12, 26), kind="working", name="Làm bù")
    with django_assert_num_queries(1):
        assert due_at_compute(start=at(12, 25, 10), amount=1, unit="working_days") == (
            at(12, 26, 10)
        )
    with django_assert_num_queries(0):
        assert is_working_day(d(12, 26)) is True
    calendar_day_set(day=d(12, 26), kind="day_off", name="Không làm bù")
    assert is_working_day(d(12, 26)) is False


@pytest.fixture
def shared_cache(settings: Any) -> Any:
    """A cache that keeps what it is given, as Redis does in production."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "public": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "p"},
    }
    cache.clear()
    workdays.calendar_cache_clear()
    yield cache
    cache.clear()
    caches["public"].clear()
    workdays.calendar_cache_clear()


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_invalidates_the_cache(
    shared_cache: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        assert is_working_day(d(12, 26)) is False
    with django_assert_num_queries(0):
        assert is_working_day(d(12, 26)) is False
    generation = shared_cache.get(workdays.GENERATION_KEY)

    calendar_day_set(day=d(12, 26), kind="working", name="Làm bù")
    assert shared_cache.get(workdays.GENERATION_KEY) == generation + 1
    with django_assert_num_queries(1):
        assert is_working_day(d(12, 26)) is True
    with django_assert_num_queries(0):
        assert due_at_compute(start=at(12, 25, 10), amount=1, unit="working_days") == (
            at(12, 26, 10)
        )

    # Setting the same values again changes nothing and keeps the cache.
    calendar_day_set(day=d(12, 26), kind="working", name="Làm bù")
    assert shared_cache.get(workdays.GENERATION_KEY) == generation + 1
    with django_assert_num_queries(0):
        assert is_working_day(d(12, 26)) is True

    calendar_day_delete(day=d(12, 26))
    assert shared_cache.get(workdays.GENERATION_KEY) == generation + 2
    assert is_working_day(d(12, 26)) is False


@pytest.mark.django_db(transaction=True)
def test_another_process_change_is_seen_through_the_generation(
    shared_cache: Any, monkeypatch: pytest.MonkeyPatch, django_assert_num_queries: Any
) -> None:
    monkeypatch.setattr(workdays, "GENERATION_CHECK_SECONDS", 0)
    assert is_working_day(d(12, 31)) is True
    # Another process writes the row and bumps the generation after its commit.
    CalendarDay.objects.create(day=d(12, 31), kind="day_off", name="Nghỉ thêm")
    with django_assert_num_queries(0):
        assert is_working_day(d(12, 31)) is True  # not known yet
    shared_cache.incr(workdays.GENERATION_KEY)
    assert is_working_day(d(12, 31)) is False
    # The shared cache lost the key (a restart): the calendar is read again.
    CalendarDay.objects.filter(day=d(12, 31)).delete()
    shared_cache.clear()
    assert is_working_day(d(12, 31)) is True


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_the_cache_as_it_was(
    shared_cache: Any, django_assert_num_queries: Any
) -> None:
    assert is_working_day(d(12, 26)) is False
    generation = shared_cache.get(workdays.GENERATION_KEY)
    with pytest.raises(RuntimeError), transaction.atomic():
        calendar_day_set(day=d(12, 26), kind="working", name="Làm bù")
        assert is_working_day(d(12, 26)) is True
        raise RuntimeError
    with django_assert_num_queries(0):
        assert is_working_day(d(12, 26)) is False
    assert shared_cache.get(workdays.GENERATION_KEY) == generation
    assert CalendarDay.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_flush_forgets_the_cached_overrides(shared_cache: Any) -> None:
    calendar_day_set(day=d(12, 26), kind="working", name="Làm bù")
    assert is_working_day(d(12, 26)) is True
    call_command("flush", interactive=False, verbosity=0)
    assert is_working_day(d(12, 26)) is False
