"""The calendar overrides in the admin go through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from dichvucong.core.models import CalendarDay
from dichvucong.core.services import calendar_day_set
from dichvucong.core.workdays import is_working_day

pytestmark = pytest.mark.django_db

URL = "/quan-tri/core/calendarday/"
SATURDAY = dt.date(2026, 12, 26)


@pytest.fixture
def admin_client(client: Client, django_user_model: Any) -> Client:
    """A superuser signed in with both factors (the admin requires the second)."""
    user = django_user_model.objects.create_superuser("quantri", "qt@example.vn", "mat-khau-123456")
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def days() -> list[CalendarDay]:
    return [
        calendar_day_set(day=dt.date(2025, 4, 26), kind="working", name="Làm bù ngày 02/5"),
        calendar_day_set(day=SATURDAY, kind="working", name="Làm bù ngày 31/12"),
        calendar_day_set(day=dt.date(2026, 12, 31), kind="day_off", name="Nghỉ bù Tết Dương lịch"),
    ]


def names(response: Any) -> list[str]:
    return [day.name for day in response.context["cl"].result_list]


def test_add(admin_client: Client) -> None:
    response = admin_client.post(
        f"{URL}add/", {"day": "2026-12-26", "kind": "working", "name": "Làm bù ngày 31/12"}
    )
    assert response.status_code == 302
    assert list(CalendarDay.objects.values_list("day", "kind", "name")) == [
        (SATURDAY, "working", "Làm bù ngày 31/12")
    ]
    assert is_working_day(SATURDAY) is True


def test_add_refuses_a_bad_kind_and_a_taken_day(
    admin_client: Client, days: list[CalendarDay]
) -> None:
    response = admin_client.post(
        f"{URL}add/", {"day": "2026-12-27", "kind": "holiday", "name": "Sai"}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors.keys() == {"kind"}
    response = admin_client.post(
        f"{URL}add/", {"day": "2026-12-26", "kind": "day_off", "name": "Trùng"}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors.keys() == {"day"}
    assert CalendarDay.objects.count() == 3
    assert is_working_day(SATURDAY) is True


def test_change_keeps_the_day(admin_client: Client, days: list[CalendarDay]) -> None:
    saturday = days[1]
    response = admin_client.get(f"{URL}{saturday.pk}/change/")
    assert response.status_code == 200
    assert "day" not in response.context["adminform"].form.fields
    response = admin_client.post(
        f"{URL}{saturday.pk}/change/",
        {"day": "2026-12-27", "kind": "day_off", "name": "Không làm bù"},
    )
    assert response.status_code == 302
    saturday.refresh_from_db()
    assert (saturday.day, saturday.kind, saturday.name) == (SATURDAY, "day_off", "Không làm bù")
    assert is_working_day(SATURDAY) is False


def test_delete(admin_client: Client, days: list[CalendarDay]) -> None:
    response = admin_client.post(f"{URL}{days[1].pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert CalendarDay.objects.count() == 2
    assert is_working_day(SATURDAY) is False


def test_bulk_delete(admin_client: Client, days: list[CalendarDay]) -> None:
    response = admin_client.post(
        URL,
        {
            "action": "delete_selected",
            "_selected_action": [days[1].pk, days[2].pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert list(CalendarDay.objects.values_list("name", flat=True)) == ["Làm bù ngày 02/5"]
    assert (is_working_day(SATURDAY), is_working_day(dt.date(2026, 12, 31))) == (False, True)


def test_list_by_year_kind_and_name(admin_client: Client, days: list[CalendarDay]) -> None:
    response = admin_client.get(URL)
    assert response.status_code == 200
    assert names(response) == [
        "Nghỉ bù Tết Dương lịch",
        "Làm bù ngày 31/12",
        "Làm bù ngày 02/5",
    ]
    html = response.content.decode()
    assert '<td class="field-weekday">Thứ Bảy</td>' in html
    assert names(admin_client.get(URL, {"nam": "2025"})) == ["Làm bù ngày 02/5"]
    assert names(admin_client.get(URL, {"nam": "2026", "kind__exact": "working"})) == [
        "Làm bù ngày 31/12"
    ]
    assert names(admin_client.get(URL, {"q": "tết"})) == ["Nghỉ bù Tết Dương lịch"]


def test_needs_staff(client: Client, citizen: Any, days: list[CalendarDay]) -> None:
    client.force_login(citizen)
    response = client.post(f"{URL}{days[1].pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert response["Location"].startswith("/quan-tri/login/")
    assert CalendarDay.objects.count() == 3
