"""notify_many: many notifications in a fixed number of queries, each key used once."""

from __future__ import annotations

from typing import Any

import pytest

from dichvucong.accounts.models import User
from dichvucong.notifications.models import Channel, Delivery, Notification
from dichvucong.notifications.services import Message, notify, notify_many

from .conftest import CODE, URL


def _officer(username: str) -> User:
    return User.objects.create_user(username=username, email=f"{username}@binhphuoc.gov.vn")


@pytest.mark.django_db
def test_notify_many_writes_each_message_once_in_a_fixed_number_of_queries(
    citizen: Any,
    dossier_context: dict[str, str],
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
    queued: list[int],
) -> None:
    officers = [_officer(f"canbo{i}") for i in range(10)]
    messages = [
        Message(user=o, event="dossier_status_changed", context=dossier_context, key=f"k:{o.pk}")
        for o in officers
    ]
    # SMS: the citizen's profile has a phone number; the officers have no profile.
    messages.append(
        Message(user=citizen, event="dossier_submitted", context=dossier_context, key="k:citizen")
    )
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(4):
        created = notify_many(messages=messages)

    assert len(created) == 11
    assert Notification.objects.count() == 11
    first = Notification.objects.get(key=f"k:{officers[0].pk}")
    assert (first.user, first.event, first.url) == (officers[0], "dossier_status_changed", URL)
    assert first.title == f"Hồ sơ {CODE}: Đang giải quyết"
    assert list(first.deliveries.values_list("channel", "recipient")) == [
        (Channel.EMAIL, "canbo0@binhphuoc.gov.vn")
    ]
    mine = Notification.objects.get(key="k:citizen")
    assert sorted(mine.deliveries.values_list("channel", "recipient")) == [
        (Channel.EMAIL, "congdan@example.vn"),
        (Channel.SMS, "0912345678"),
    ]
    # Every delivery is queued once the transaction commits.
    assert sorted(queued) == sorted(Delivery.objects.values_list("pk", flat=True))
    assert len(queued) == 12


@pytest.mark.django_db
def test_notify_many_skips_the_keys_already_used(
    citizen: Any, dossier_context: dict[str, str], queued: list[int]
) -> None:
    earlier = notify(
        user=citizen, event="dossier_submitted", context=dossier_context, key="k:citizen"
    )
    officer = _officer("canbo")
    message = Message(
        user=officer, event="dossier_status_changed", context=dossier_context, key="k:o"
    )
    created = notify_many(
        messages=[
            Message(
                user=citizen,
                event="dossier_status_changed",
                context=dossier_context,
                key="k:citizen",
            ),
            message,
            message,  # twice in one call: once
        ]
    )
    assert [n.key for n in created] == ["k:o"]
    assert Notification.objects.get(key="k:citizen") == earlier
    assert Notification.objects.get(key="k:citizen").event == "dossier_submitted"
    assert Notification.objects.count() == 2
    assert notify_many(messages=[message]) == []
    assert Notification.objects.count() == 2
