"""The working-day calendar and the deadline arithmetic of the one-stop office.

Every rule is reasoned in Vietnam time (Asia/Ho_Chi_Minh, no daylight saving), whatever
the time zone of the datetimes given; every datetime in and out is timezone-aware.

- A *working day* is Monday to Friday, except Vietnam's public holidays (the `holidays`
  package, lunar Tết included); a weekend day the package records as worked in exchange
  for a day off is a working day. An administrator's `CalendarDay` override wins both
  ways (the compensatory Saturdays and extra days off the Prime Minister decides).
- *Office time* is the sessions of `settings.OFFICE_HOURS` on working days. Deadlines
  in working days or hours are office time added to the moment the clock starts, so
  half a day is half of the office hours, and a dossier received at 10:00 is due one
  working day later at 10:00 the next working day.
- The clock starts at reception, or at the opening of the next working day for a
  dossier received at or after `settings.RECEPTION_CUTOFF` (Decree 61/2018 Art. 18(2):
  a dossier received after 15:00 is transferred at the start of the next working day).

The overrides are read from the database once per process and kept until a change
(`calendar_changed`, called by the services) bumps the calendar generation in the
shared cache, so computing a deadline costs no query in the steady state. See
docs/calendar.md for the rules, their legal source and worked examples.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
COUNTRY = "VN"
GENERATION_KEY = "calendar:generation"
# A process asks the shared cache for the generation at most once a second: another
# process's change shows up to a second late, the process's own at once.
GENERATION_CHECK_SECONDS = 1.0


class Timeliness(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Trễ hạn")


class Session(NamedTuple):
    """One session of a working day, in local time (07:00 to 11:30)."""

    start: dt.time
    end: dt.time


# --- settings ------------------------------------------------------------------------

_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def _parse_clock(value: str, *, setting: str) -> dt.time:
    match = _CLOCK.match(value)
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ImproperlyConfigured(
            f"{setting}: {value.strip()!r} is not a time of day written HH:MM (e.g. 07:30)."
        )
    return dt.time(int(match.group(1)), int(match.group(2)))


@functools.lru_cache(maxsize=8)
def _parse_office_hours(raw: str) -> tuple[Session, ...]:
    setting = "OFFICE_HOURS (DICHVUCONG_OFFICE_HOURS)"
    if not raw.strip():
        raise ImproperlyConfigured(
            f"{setting} is empty: give the sessions of a working day, e.g. 07:00-11:30,13:30-17:00."
        )
    sessions: list[Session] = []
    for part in raw.split(","):
        bounds = part.split("-")
        if len(bounds) != 2:
            raise ImproperlyConfigured(
                f"{setting}: {part.strip()!r} is not a session written HH:MM-HH:MM "
                "(sessions separated by commas, e.g. 07:00-11:30,13:30-17:00)."
            )
        start = _parse_clock(bounds[0], setting=setting)
        end = _parse_clock(bounds[1], setting=setting)
        if end <= start:
            raise ImproperlyConfigured(
                f"{setting}: the session {part.strip()!r} ends before it starts."
            )
        if sessions and start <= sessions[-1].end:
            raise ImproperlyConfigured(
                f"{setting}: the session {part.strip()!r} must start after the previous one "
                "ends (list the sessions in the order of the day, without overlap)."
            )
        sessions.append(Session(start, end))
    return tuple(sessions)


def office_hours() -> tuple[Session, ...]:
    """Return the sessions of a working day from `settings.OFFICE_HOURS`.

    Raise ImproperlyConfigured when the setting is not a comma-separated list of
    `HH:MM-HH:MM` sessions in the order of the day, without overlap.
    """
    return _parse_office_hours(str(settings.OFFICE_HOURS))


@functools.lru_cache(maxsize=8)
def _parse_cutoff(raw: str, sessions: tuple[Session, ...]) -> dt.time:
    setting = "RECEPTION_CUTOFF (DICHVUCONG_RECEPTION_CUTOFF)"
    cutoff = _parse_clock(raw, setting=setting)
    if not sessions[0].start < cutoff <= sessions[-1].end:
        raise ImproperlyConfigured(
            f"{setting}: {raw.strip()!r} must fall within the office hours "
            f"({sessions[0].start:%H:%M}-{sessions[-1].end:%H:%M})."
        )
    return cutoff


def reception_cutoff() -> dt.time:
    """Return the reception cut-off (`settings.RECEPTION_CUTOFF`, 15:00 by default).

    Raise ImproperlyConfigured when it is not `HH:MM` within the office hours.
    """
    return _parse_cutoff(str(settings.RECEPTION_CUTOFF), office_hours())


def working_day_seconds() -> int:
    """Return the length of a working day in office seconds (8 hours by default)."""
    return sum(_seconds(session.end) - _seconds(session.start) for session in office_hours())


def _seconds(clock: dt.time) -> int:
    return clock.hour * 3600 + clock.minute * 60


# --- the calendar --------------------------------------------------------------------


@functools.cache
def _public_holidays(language: str | None = None) -> holidays.HolidayBase:
    return holidays.country_holidays(COUNTRY, language=language)


@functools.cache
def _package_swapped_days() -> dict[dt.date, dt.date]:
    """Return the weekend days worked in exchange for a day off, with that day off.

    The `holidays` package lists such days off as holidays ("Day off (substituted from
    22/08/2026)"); the weekend day worked in exchange is in the same table.
    """
    try:
        from holidays.countries.vietnam import VietnamStaticHolidays
    except ImportError:  # pragma: no cover (another layout of the package)
        return {}
    swapped: dict[dt.date, dt.date] = {}
    table: dict[int, Any] = getattr(VietnamStaticHolidays, "special_public_holidays", {})
    for year, entries in table.items():
        items = entries if entries and isinstance(entries[0], tuple) else (entries,)
        for item in items:
            if len(item) in (4, 5) and all(isinstance(part, int) for part in item):
                month, day, from_month, from_day = item[:4]
                from_year = item[4] if len(item) == 5 else year
                swapped[dt.date(from_year, from_month, from_day)] = dt.date(year, month, day)
    return swapped


def calendar_preload(years: Iterable[int]) -> None:
    """Compute the package's public holidays of `years` now, reading no database.

    A process that forks workers (config.wsgi) calls it once, so that no worker imports
    and computes the holiday tables while answering a request.
    """
    _package_swapped_days()
    public = _public_holidays()
    for year in years:
        _ = dt.date(year, 1, 1) in public  # the package fills a year on its first lookup


@dataclass
class _OverridesCache:
    overrides: dict[dt.date, bool] | None = None
    generation: int | None = None
    checked_at: float = -math.inf


_cache = _OverridesCache()
# The outermost atomic block of the transaction that changed the calendar and has not
# committed yet, per thread, with the overrides as that transaction sees them: its own
# reads must see its writes, and nothing it reads may reach the process's copy (a
# rollback would leave the process with a calendar that never was).
_pending = threading.local()


def _load_overrides() -> dict[dt.date, bool]:
    from .models import CalendarDay, CalendarDayKind

    return {
        day: kind == CalendarDayKind.WORKING
        for day, kind in CalendarDay.objects.values_list("day", "kind")
    }


def _outermost_atomic() -> object | None:
    connection = transaction.get_connection()
    return connection.atomic_blocks[0] if connection.in_atomic_block else None


def _changing_in_this_transaction() -> bool:
    marker = getattr(_pending, "marker", None)
    if marker is None:
        return False
    if _outermost_atomic() is marker:
        return True
    # That transaction rolled back (a commit would have cleared the marker).
    _pending.marker, _pending.overrides, _pending.read_in = None, None, ()
    return False


def _shared_generation() -> int | None:
    """Return the calendar generation in the shared cache, None if it keeps nothing."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Start from the clock, not from 1: should the shared cache lose the key (a
        # restart), no process can mistake its old calendar for the current one.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return None if generation is None else int(generation)


def _overrides() -> dict[dt.date, bool]:
    if _changing_in_this_transaction():
        # Read again once a block open at the last read has ended: it may have been a
        # savepoint rolled back with the change.
        blocks = tuple(transaction.get_connection().atomic_blocks)
        read_in = getattr(_pending, "read_in", ())
        still_open = len(blocks) >= len(read_in) and all(
            a is b for a, b in zip(read_in, blocks, strict=False)
        )
        if getattr(_pending, "overrides", None) is None or not still_open:
            _pending.overrides, _pending.read_in = _load_overrides(), blocks
        pending: dict[dt.date, bool] = _pending.overrides
        return pending
    now = time.monotonic()
    if _cache.overrides is not None and now - _cache.checked_at < GENERATION_CHECK_SECONDS:
        return _cache.overrides
    generation = _shared_generation()
    _cache.checked_at = now
    if _cache.overrides is not None and generation in (None, _cache.generation):
        # None: a cache that keeps nothing (the dummy cache of the test settings); the
        # process's own changes are then the only ones it learns of.
        return _cache.overrides
    overrides = _load_overrides()
    _cache.overrides, _cache.generation = overrides, generation
    return overrides


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
    calendar_cache_clear()


def calendar_changed() -> None:
    """Make the current transaction's calendar changes visible.

    At once to the transaction itself; to this process and, through the generation in
    the shared cache, to the others (within a second) once it commits. The services
    call it after every write of a `CalendarDay`.
    """
    marker = _outermost_atomic()
    if marker is not None:
        _pending.marker, _pending.overrides = marker, None
    transaction.on_commit(_bump)


def calendar_cache_clear() -> None:
    """Forget this process's copy of the overrides (read again on the next use).

    Called after a change commits and after the database is flushed or migrated (the
    test suite's transactional tests flush it; see CoreConfig.ready).
    """
    _cache.overrides, _cache.generation, _cache.checked_at = None, None, -math.inf
    _pending.marker, _pending.overrides, _pending.read_in = None, None, ()


def is_working_day(day: dt.date) -> bool:
    """Return whether `day` is a working day of the one-stop office.

    Monday to Friday, except public holidays; a weekend day worked in exchange for a
    day off is a working day; an administrator's override wins both ways.
    """
    override = _overrides().get(day)
    if override is not None:
        return override
    if day in _package_swapped_days():
        return True
    return day.weekday() < 5 and day not in _public_holidays()


def next_working_day(day: dt.date) -> dt.date:
    """Return the first working day strictly after `day`."""
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_days_add(day: dt.date, n: int) -> dt.date:
    """Return the `n`-th working day after `day` (`day` itself for 0)."""
    if n < 0:
        raise ValueError(f"Cannot add a negative number of working days ({n}).")
    for _i in range(n):
        day = next_working_day(day)
    return day


@dataclass(frozen=True)
class CalendarException:
    """A day on which the calendar departs from Monday-to-Friday."""

    day: dt.date
    working: bool
    name: str
    overridden: bool  # by an administrator's CalendarDay


def calendar_exceptions(year: int) -> list[CalendarException]:
    """Return the weekdays off and the weekend days worked in `year`, in date order.

    Holiday names come in the active language (Vietnamese or English).
    """
    from .models import CalendarDay

    names = dict(CalendarDay.objects.filter(day__year=year).values_list("day", "name"))
    overrides = _overrides()
    language = "en_US" if (get_language() or "vi").startswith("en") else "vi"
    public = _public_holidays(language)
    swapped = _package_swapped_days()
    exceptions = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        working = is_working_day(day)
        if working != (day.weekday() < 5):
            if day in overrides:
                name = names.get(day, "")
            elif day in swapped:
                name = gettext("Làm bù cho ngày %(date)s") % {"date": f"{swapped[day]:%d/%m/%Y}"}
            else:
                name = public.get(day) or ""
            exceptions.append(CalendarException(day, working, name, day in overrides))
        day += dt.timedelta(days=1)
    return exceptions


# --- office time ---------------------------------------------------------------------


def _local(value: dt.datetime, *, name: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, not {value!r}.")
    return value.astimezone(VIETNAM)


def _at(day: dt.date, clock: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, clock, tzinfo=VIETNAM)


def _sessions_from(moment: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Yield the office sessions (start, end) that end after `moment`, in order."""
    day = moment.date()
    sessions = office_hours()
    while True:
        if is_working_day(day):
            for session in sessions:
                end = _at(day, session.end)
                if end > moment:
                    yield _at(day, session.start), end
        day += dt.timedelta(days=1)


def clock_start(received_at: dt.datetime) -> dt.datetime:
    """Return when the deadline clock starts for a dossier received at `received_at`.

    On a working day before the cut-off: `received_at` itself in a session, else the
    opening of the next session of that day (before opening, during the lunch break).
    At or after the cut-off, or on a day off: the opening of the next working day.
    """
    local = _local(received_at, name="received_at")
    if is_working_day(local.date()) and local.time() < reception_cutoff():
        # The cut-off falls within the office hours: a session of this day is still open
        # or still to come.
        start, _end = next(_sessions_from(local))
        return max(start, local)
    return _at(next_working_day(local.date()), office_hours()[0].start)


def working_seconds_between(start: dt.datetime, end: dt.datetime) -> int:
    """Return the office seconds in [start, end) (whole seconds, 0 if end <= start)."""
    start, end = _local(start, name="start"), _local(end, name="end")
    if end <= start:
        return 0
    total = dt.timedelta()
    for session_start, session_end in _sessions_from(start):
        if session_start >= end:
            break
        total += min(session_end, end) - max(session_start, start)
    return int(total.total_seconds())


def working_time_add(start: dt.datetime, seconds: int) -> dt.datetime:
    """Return the instant at which `seconds` of office time have elapsed from `start`.

    Time outside the sessions does not count. A result at the very opening of a session
    is given as the close of the previous one: one working day from Monday 07:00 ends
    Monday 17:00, not Tuesday 07:00 (the same instant in office time, but the day the
    work is due).
    """
    local = _local(start, name="start")
    if seconds < 0:
        raise ValueError(f"Cannot add a negative office time ({seconds} s).")
    if seconds == 0:
        return local
    remaining = dt.timedelta(seconds=seconds)
    for session_start, session_end in _sessions_from(local):
        begin = max(session_start, local)
        if remaining <= session_end - begin:
            return begin + remaining
        remaining -= session_end - begin
    raise AssertionError("unreachable: the sessions never end")  # pragma: no cover


def _positive(amount: Decimal | int) -> Decimal:
    value = Decimal(amount)
    if not value.is_finite() or value <= 0:
        raise ValueError(f"The time limit must be a positive number, not {amount}.")
    return value


def due_at_compute(*, start: dt.datetime, amount: Decimal | int, unit: str) -> dt.datetime:
    """Return the deadline of a time limit of `amount` `unit`s counted from `start`.

    `unit` is a `catalogue.models.TimeUnit` value. The clock starts at `clock_start`.
    Working days and hours are office time (a working day is the office hours of one
    day; fractions allowed, rounded to the second). Calendar days are added to the
    local date the clock starts on (a fraction counts as a whole day); a day off moves
    the deadline to the next working day; the deadline is the close of that day.
    Raise ValueError for an amount <= 0 or an unknown unit.
    """
    from dichvucong.catalogue.models import TimeUnit

    value = _positive(amount)
    if unit not in TimeUnit.values:
        raise ValueError(f"Unknown time unit {unit!r}: expected one of {TimeUnit.values}.")
    begin = clock_start(start)
    if unit == TimeUnit.DAYS:
        day = begin.date() + dt.timedelta(days=math.ceil(value))
        if not is_working_day(day):
            day = next_working_day(day)
        return _at(day, office_hours()[-1].end)
    per_unit = working_day_seconds() if unit == TimeUnit.WORKING_DAYS else 3600
    seconds = int((value * per_unit).to_integral_value(rounding=ROUND_HALF_UP))
    return working_time_add(begin, seconds)


def due_at_extend(
    *, due_at: dt.datetime, paused_at: dt.datetime, resumed_at: dt.datetime
) -> dt.datetime:
    """Return the deadline pushed by the office time the clock was stopped.

    The clock stops while the applicant is asked for more documents (from `paused_at`
    to `resumed_at`); only the office time of the pause moves the deadline.
    """
    if _local(resumed_at, name="resumed_at") < _local(paused_at, name="paused_at"):
        raise ValueError("The clock cannot resume before it was paused.")
    paused = working_seconds_between(paused_at, resumed_at)
    return working_time_add(due_at, paused) if paused else _local(due_at, name="due_at")


def timeliness(*, due_at: dt.datetime, done_at: dt.datetime) -> Timeliness:
    """Classify a dossier done at `done_at` against its deadline `due_at`.

    Late after the deadline; on time when done on the deadline's day (local time) but
    not after it; early when done on an earlier day.
    """
    due, done = _local(due_at, name="due_at"), _local(done_at, name="done_at")
    if done > due:
        return Timeliness.LATE
    if done.date() == due.date():
        return Timeliness.ON_TIME
    return Timeliness.EARLY


def working_days_remaining(*, due_at: dt.datetime, now: dt.datetime) -> Decimal:
    """Return the office time left until `due_at`, in working days (0 when overdue).

    Rounded up to the hundredth, so `<= 1` holds exactly when at most one working day
    of office time is left (the reminder "due within one working day").
    """
    seconds = working_seconds_between(now, due_at)
    days = Decimal(seconds) / Decimal(working_day_seconds())
    return days.quantize(Decimal("0.01"), rounding=ROUND_CEILING)
