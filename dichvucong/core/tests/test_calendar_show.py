"""manage.py calendar_show: the year's calendar for administrators to check."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from dichvucong.core.services import calendar_day_set

pytestmark = pytest.mark.django_db


def show(*args: str) -> str:
    out = io.StringIO()
    call_command("calendar_show", *args, stdout=out)
    return out.getvalue()


def test_calendar_show_2026() -> None:
    calendar_day_set(day=dt.date(2026, 12, 26), kind="working", name="Làm bù ngày 31/12")
    calendar_day_set(day=dt.date(2026, 12, 31), kind="day_off", name="Nghỉ bù Tết Dương lịch")
    assert show("--year", "2026") == (
        "Lịch làm việc năm 2026\n"
        "\n"
        "Ngày nghỉ từ thứ Hai đến thứ Sáu (14):\n"
        "  Thứ Năm  01/01/2026  Tết Dương lịch (quy định)\n"
        "  Thứ Hai  16/02/2026  Giao thừa Tết Nguyên Đán (quy định)\n"
        "  Thứ Ba   17/02/2026  Tết Nguyên Đán (quy định)\n"
        "  Thứ Tư   18/02/2026  Mùng hai Tết Nguyên Đán (quy định)\n"
        "  Thứ Năm  19/02/2026  Mùng ba Tết Nguyên Đán (quy định)\n"
        "  Thứ Sáu  20/02/2026  Mùng bốn Tết Nguyên Đán (quy định)\n"
        "  Thứ Hai  27/04/2026  Ngày Giỗ Tổ Hùng Vương (nghỉ bù) (quy định)\n"
        "  Thứ Năm  30/04/2026  Ngày Chiến thắng (quy định)\n"
        "  Thứ Sáu  01/05/2026  Ngày Quốc tế Lao động (quy định)\n"
        "  Thứ Hai  31/08/2026  Ngày nghỉ (thay cho ngày 22/08/2026) (quy định)\n"
        "  Thứ Ba   01/09/2026  Quốc khánh (quy định)\n"
        "  Thứ Tư   02/09/2026  Quốc khánh (quy định)\n"
        "  Thứ Ba   24/11/2026  Ngày Văn hóa Việt Nam (quy định)\n"
        "  Thứ Năm  31/12/2026  Nghỉ bù Tết Dương lịch (điều chỉnh)\n"
        "\n"
        "Ngày làm việc vào thứ Bảy, Chủ nhật (2):\n"
        "  Thứ Bảy  22/08/2026  Làm bù cho ngày 31/08/2026 (quy định)\n"
        "  Thứ Bảy  26/12/2026  Làm bù ngày 31/12 (điều chỉnh)\n"
        "\n"
        "Tổng số ngày làm việc: 249\n"
    )


def test_calendar_show_defaults_to_this_year() -> None:
    assert show().splitlines()[0] == f"Lịch làm việc năm {timezone.localdate().year}"


def test_calendar_show_names_holidays_in_the_active_language() -> None:
    with translation.override("en"):
        text = show("--year", "2027")
    assert "01/01/2027  New Year's Day" in text
    assert "09/02/2027  Fourth Day of Lunar New Year" in text
