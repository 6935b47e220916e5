from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dichvucong.notifications.models import Notification
from dichvucong.notifications.services import notify

from .conftest import CODE, URL

ITEM = '<li class="procedure-item'


def _notify(user: Any, context: dict[str, str], count: int = 1) -> list[Notification]:
    return [notify(user=user, event="dossier_submitted", context=context) for _ in range(count)]


@pytest.mark.django_db
def test_the_list_shows_only_the_users_own_notifications(
    client: Client, citizen: Any, other_citizen: Any, dossier_context: dict[str, str]
) -> None:
    [mine] = _notify(citizen, dossier_context)
    dossier_context["code"] = "H10.22-250302-0999"
    _notify(other_citizen, dossier_context)
    client.force_login(citizen)

    response = client.get("/thong-bao/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a class="procedure-name" href="{URL}">Đã nộp hồ sơ {CODE}</a>' in html
    assert "H10.22-250302-0999" not in html
    assert "notification-unread" in html
    assert '<span class="badge">Chưa đọc</span>' in html
    assert f'action="/thong-bao/{mine.pk}/da-doc/"' in html
    assert 'action="/thong-bao/da-doc/"' in html
    assert response.context["notifications_unread"] == 1


@pytest.mark.django_db
def test_read_notifications_are_not_highlighted(
    client: Client, citizen: Any, dossier_context: dict[str, str]
) -> None:
    [notification] = _notify(citizen, dossier_context)
    Notification.objects.update(read_at=notification.created_at)
    client.force_login(citizen)

    html = client.get("/thong-bao/").content.decode()

    assert f"Đã nộp hồ sơ {CODE}" in html
    assert "notification-unread" not in html
    assert "Chưa đọc" not in html
    assert "da-doc/" not in html


@pytest.mark.django_db
def test_an_empty_list(client: Client, citizen: Any) -> None:
    client.force_login(citizen)
    html = client.get("/thong-bao/").content.decode()
    assert "Bạn chưa có thông báo nào." in html


@pytest.mark.django_db
def test_the_list_needs_a_signed_in_user(client: Client, settings: Any) -> None:
    settings.LOGIN_URL = "/dang-nhap/"
    response = client.get("/thong-bao/")
    assert response.status_code == 302
    assert response["Location"] == "/dang-nhap/?next=/thong-bao/"


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_1_or_20_notifications(
    client: Client, citizen: Any, dossier_context: dict[str, str]
) -> None:
    _notify(citizen, dossier_context)
    client.force_login(citizen)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/thong-bao/").status_code == 200

    _notify(citizen, dossier_context, 19)
    with CaptureQueriesContext(connection) as twenty:
        response = client.get("/thong-bao/")
    assert response.content.decode().count(ITEM) == 20
    assert len(twenty) == len(one)


@pytest.mark.django_db
def test_the_list_is_paginated(
    client: Client, citizen: Any, dossier_context: dict[str, str]
) -> None:
    _notify(citizen, dossier_context, 21)
    client.force_login(citizen)

    first = client.get("/thong-bao/").content.decode()
    second = client.get("/thong-bao/", {"page": 2}).content.decode()

    assert first.count(ITEM) == 20
    assert "Trang 1 / 2" in first
    assert second.count(ITEM) == 1
    assert '<ol class="procedure-list notification-list" start="21">' in second


@pytest.mark.django_db
def test_mark_one_read(client: Client, citizen: Any, dossier_context: dict[str, str]) -> None:
    first, second = _notify(citizen, dossier_context, 2)
    client.force_login(citizen)

    response = client.post(f"/thong-bao/{first.pk}/da-doc/", {"next": "/thong-bao/?page=1"})

    assert response.status_code == 302
    assert response["Location"] == "/thong-bao/?page=1"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None


@pytest.mark.django_db
def test_mark_all_read_ignores_a_foreign_next(
    client: Client, citizen: Any, other_citizen: Any, dossier_context: dict[str, str]
) -> None:
    _notify(citizen, dossier_context, 2)
    [theirs] = _notify(other_citizen, dossier_context)
    client.force_login(citizen)

    response = client.post("/thong-bao/da-doc/", {"next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == "/thong-bao/"
    assert Notification.objects.filter(user=citizen, read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_marking_another_users_notification_is_404(
    client: Client, citizen: Any, other_citizen: Any, dossier_context: dict[str, str]
) -> None:
    [theirs] = _notify(other_citizen, dossier_context)
    client.force_login(citizen)

    response = client.post(f"/thong-bao/{theirs.pk}/da-doc/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_marking_read_needs_post_csrf_and_login(
    citizen: Any, dossier_context: dict[str, str], settings: Any
) -> None:
    settings.LOGIN_URL = "/dang-nhap/"
    [notification] = _notify(citizen, dossier_context)
    url = f"/thong-bao/{notification.pk}/da-doc/"

    assert Client().post(url).status_code == 302  # anonymous: to the sign-in page
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403  # no CSRF token
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.django_db
def test_unread_count_is_one_query_for_users_and_none_for_visitors(
    client: Client, citizen: Any, dossier_context: dict[str, str], procedures: Any
) -> None:
    _notify(citizen, dossier_context, 3)
    with CaptureQueriesContext(connection) as anonymous:
        response = client.get("/")
    assert "notifications_unread" not in response.context
    assert not any("notifications_notification" in q["sql"] for q in anonymous)

    client.force_login(citizen)
    with CaptureQueriesContext(connection) as signed_in:
        response = client.get("/")
    assert response.context["notifications_unread"] == 3
    [query] = [q["sql"] for q in signed_in if "notifications_notification" in q["sql"]]
    assert query.startswith('SELECT COUNT(*) AS "__count" FROM "notifications_notification"')
