"""manage.py calendar_show: the year's working-day calendar, to check against the notices."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext

from dichvucong.core.workdays import CalendarException, calendar_exceptions, is_working_day


def _weekday(day: dt.date) -> str:
    names = (
        gettext("Thứ Hai"),
        gettext("Thứ Ba"),
        gettext("Thứ Tư"),
        gettext("Thứ Năm"),
        gettext("Thứ Sáu"),
        gettext("Thứ Bảy"),
        gettext("Chủ nhật"),
    )
    return names[day.weekday()]


def _line(exception: CalendarException) -> str:
    source = gettext("điều chỉnh") if exception.overridden else gettext("quy định")
    return f"  {_weekday(exception.day):<8} {exception.day:%d/%m/%Y}  {exception.name} ({source})"


class Command(BaseCommand):
    help = (
        "Print the weekdays off and the weekend days worked in a year, with their names, "
        "to check the working-day calendar against the Prime Minister's notice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="the year to show (default: the current year)")

    def handle(self, *args: Any, year: int | None, **options: Any) -> None:
        year = year or timezone.localdate().year
        exceptions = calendar_exceptions(year)
        days_off = [e for e in exceptions if not e.working]
        worked = [e for e in exceptions if e.working]
        day = dt.date(year, 1, 1)
        working_days = 0
        while day.year == year:
            working_days += is_working_day(day)
            day += dt.timedelta(days=1)

        out = self.stdout
        out.write(gettext("Lịch làm việc năm %(year)s") % {"year": year})
        out.write("")
        out.write(
            gettext("Ngày nghỉ từ thứ Hai đến thứ Sáu (%(count)s):") % {"count": len(days_off)}
        )
        for exception in days_off:
            out.write(_line(exception))
        if not days_off:
            out.write("  " + gettext("(không có)"))
        out.write("")
        out.write(
            gettext("Ngày làm việc vào thứ Bảy, Chủ nhật (%(count)s):") % {"count": len(worked)}
        )
        for exception in worked:
            out.write(_line(exception))
        if not worked:
            out.write("  " + gettext("(không có)"))
        out.write("")
        out.write(gettext("Tổng số ngày làm việc: %(count)s") % {"count": working_days})
