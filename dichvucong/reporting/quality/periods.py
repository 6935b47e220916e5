"""Reporting periods of the public pages: a year, a half or a quarter."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

# Oldest year the province's records start in, and how far ahead one may ask.
FIRST_YEAR = 2000

PARTS: dict[str, tuple[int, int]] = {
    "year": (1, 12),
    "h1": (1, 6),
    "h2": (7, 12),
    "q1": (1, 3),
    "q2": (4, 6),
    "q3": (7, 9),
    "q4": (10, 12),
}


def part_labels() -> dict[str, str]:
    """Return the Vietnamese label of each part of a year."""
    return {
        "year": _("Cả năm"),
        "h1": _("6 tháng đầu năm"),
        "h2": _("6 tháng cuối năm"),
        "q1": _("Quý I"),
        "q2": _("Quý II"),
        "q3": _("Quý III"),
        "q4": _("Quý IV"),
    }


@dataclass(frozen=True)
class Period:
    """Vietnam-time days `date_from`..`date_to`; `part` names a part of `year` or "custom"."""

    date_from: date
    date_to: date
    part: str = "year"

    @classmethod
    def of_year(cls, year: int, part: str = "year") -> Period:
        first, last = PARTS[part]
        return cls(
            date_from=date(year, first, 1),
            date_to=date(year, last, calendar.monthrange(year, last)[1]),
            part=part,
        )

    @property
    def year(self) -> int:
        return self.date_from.year

    @property
    def label(self) -> str:
        if self.part == "custom":
            return _("Từ %(start)s đến %(end)s") % {
                "start": self.date_from.strftime("%d/%m/%Y"),
                "end": self.date_to.strftime("%d/%m/%Y"),
            }
        if self.part == "year":
            return _("Năm %(year)s") % {"year": self.year}
        return f"{part_labels()[self.part]} {self.year}"


class ParameterError(ValueError):
    """A query parameter that cannot be read; `parameter` names it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def year_parse(value: str, *, parameter: str = "year", today: date | None = None) -> int:
    """Return the year in `value`, or raise ParameterError naming `parameter`."""
    today = today or timezone.localdate()
    if not value.isdigit() or len(value) != 4:
        raise ParameterError(parameter, _("Năm phải gồm bốn chữ số, ví dụ 2020."))
    year = int(value)
    if not FIRST_YEAR <= year <= today.year:
        raise ParameterError(
            parameter,
            _("Năm phải từ %(first)s đến %(last)s.") % {"first": FIRST_YEAR, "last": today.year},
        )
    return year


def part_parse(value: str, *, parameter: str = "period") -> str:
    """Return the part of the year in `value` (empty: the whole year)."""
    value = value or "year"
    if value not in PARTS:
        raise ParameterError(
            parameter,
            _("Kỳ phải là một trong: %(choices)s.") % {"choices": ", ".join(PARTS)},
        )
    return value


MAX_DAYS = 366 * 10


def range_parse(value_from: str, value_to: str) -> Period:
    """Return the custom period `from`..`to` (ISO dates, both needed, in order)."""
    if not value_from:
        raise ParameterError("from", _("Cần cả ngày bắt đầu (from) và ngày kết thúc (to)."))
    if not value_to:
        raise ParameterError("to", _("Cần cả ngày bắt đầu (from) và ngày kết thúc (to)."))
    dates = []
    for parameter, value in (("from", value_from), ("to", value_to)):
        try:
            dates.append(date.fromisoformat(value))
        except ValueError:
            raise ParameterError(
                parameter, _("Ngày phải theo dạng YYYY-MM-DD, ví dụ 2020-01-31.")
            ) from None
    date_from, date_to = dates
    if date_from > date_to:
        raise ParameterError("from", _("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."))
    if date_from.year < FIRST_YEAR:
        raise ParameterError("from", _("Số liệu bắt đầu từ năm %(first)s.") % {"first": FIRST_YEAR})
    if (date_to - date_from).days > MAX_DAYS:
        raise ParameterError("to", _("Khoảng thời gian tối đa là 10 năm."))
    return Period(date_from=date_from, date_to=date_to, part="custom")
