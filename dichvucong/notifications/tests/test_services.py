from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from kombu.exceptions import OperationalError

from dichvucong.notifications.models import Channel, Delivery, DeliveryStatus, Notification
from dichvucong.notifications.rendering import UnknownEventError
from dichvucong.notifications.services import (
    delivery_retry,
    notification_mark_read,
    notify,
)
from dichvucong.notifications.tasks import delivery_send

from .conftest import CODE, URL


@pytest.mark.django_db
def test_notify_creates_the_notification_and_one_delivery_per_channel(
    citizen: Any,
    dossier_context: dict[str, str],
    django_capture_on_commit_callbacks: Any,
    queued: list[int],
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        notification = notify(user=citizen, event="dossier_submitted", context=dossier_context)

    assert Notification.objects.get() == notification
    assert notification.user == citizen
    assert notification.event == "dossier_submitted"
    assert notification.title == f"Đã nộp hồ sơ {CODE}"
    assert notification.body == (
        f"Hồ sơ {CODE} (thủ tục “Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam”) đã được "
        "gửi đến Sở Tư pháp lúc 14:05 02/03/2025. Cơ quan sẽ kiểm tra và thông báo cho bạn "
        "khi tiếp nhận hồ sơ."
    )
    assert notification.url == URL
    assert notification.read_at is None

    email, sms = notification.deliveries.order_by("channel")
    assert (email.channel, email.recipient, email.status, email.attempts) == (
        Channel.EMAIL,
        "congdan@example.vn",
        DeliveryStatus.PENDING,
        0,
    )
    assert email.subject == f"Xác nhận nộp hồ sơ {CODE}"
    assert (sms.channel, sms.recipient, sms.subject, sms.html_body) == (
        Channel.SMS,
        "0912345678",
        "",
        "",
    )
    assert sms.body == (
        f"Ho so {CODE} da duoc nop luc 14:05 02/03/2025. "
        "Tra cuu tinh trang bang ma ho so tren Cong Dich vu cong."
    )
    assert Delivery.objects.count() == 2

    # Queued after commit, one task per delivery, with the delivery's id only.
    assert queued == []
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()
    assert queued == [email.pk, sms.pk]
    assert mail.outbox == []


@pytest.mark.django_db
def test_nothing_is_queued_when_the_transaction_rolls_back(
    citizen: Any, dossier_context: dict[str, str], django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(user=citizen, event="dossier_submitted", context=dossier_context)
        raise RuntimeError("the dossier could not be saved")

    assert callbacks == []
    assert Notification.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_email_content(
    citizen: Any, dossier_context: dict[str, str], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=citizen, event="dossier_submitted", context=dossier_context)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == f"Xác nhận nộp hồ sơ {CODE}"
    assert message.to == ["congdan@example.vn"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.body.startswith("Kính gửi Nguyễn Văn An,\n\n")
    assert f"Mã hồ sơ: {CODE}\n" in message.body
    assert "Thủ tục: Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam\n" in message.body
    assert "Cơ quan tiếp nhận: Sở Tư pháp\n" in message.body
    assert "Thời điểm nộp: 14:05 02/03/2025\n" in message.body
    assert f"Xem hồ sơ: {URL}\n" in message.body
    assert f"nhập mã hồ sơ {CODE} tại mục Tra cứu hồ sơ" in message.body
    [(html, mimetype)] = message.alternatives  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    assert f'<a href="{URL}">Xem hồ sơ</a>' in html
    assert f"<strong>{CODE}</strong>" in html
    assert Delivery.objects.get(channel=Channel.EMAIL).status == DeliveryStatus.SENT


@pytest.mark.django_db
def test_plain_text_is_not_html_escaped_but_the_html_part_is(
    citizen: Any, dossier_context: dict[str, str], django_capture_on_commit_callbacks: Any
) -> None:
    dossier_context["procedure_name"] = "Đăng ký <kết hôn> & nhận cha, mẹ, con"
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user=citizen, event="dossier_submitted", context=dossier_context)

    assert "“Đăng ký <kết hôn> & nhận cha, mẹ, con”" in notification.body
    message = mail.outbox[0]
    assert "Thủ tục: Đăng ký <kết hôn> & nhận cha, mẹ, con\n" in message.body
    html = message.alternatives[0][0]  # type: ignore[attr-defined]
    assert "Đăng ký &lt;kết hôn&gt; &amp; nhận cha, mẹ, con" in html
    assert "<kết hôn>" not in html


@pytest.mark.django_db
def test_status_change_names_both_statuses(
    citizen: Any, dossier_context: dict[str, str], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user=citizen, event="dossier_status_changed", context=dossier_context)

    assert notification.title == f"Hồ sơ {CODE}: Đang giải quyết"
    assert "chuyển từ “Đã tiếp nhận” sang “Đang giải quyết”" in notification.body
    assert mail.outbox[0].subject == f"Hồ sơ {CODE}: Đang giải quyết"
    assert "Trạng thái trước: Đã tiếp nhận\nTrạng thái mới: Đang giải quyết\n" in (
        mail.outbox[0].body
    )
    assert mail.outbox[0].alternatives == []  # type: ignore[attr-defined]
    assert Delivery.objects.get(channel=Channel.SMS).body == (
        f"Ho so {CODE} chuyen sang trang thai: Dang giai quyet. Chi tiet tren Cong Dich vu cong."
    )


@pytest.mark.django_db
def test_an_event_without_sms_template_sends_no_text(
    citizen: Any, dossier_context: dict[str, str]
) -> None:
    notification = notify(user=citizen, event="dossier_withdrawn", context=dossier_context)

    assert notification.title == f"Đã rút hồ sơ {CODE}"
    assert [d.channel for d in notification.deliveries.all()] == [Channel.EMAIL]


@pytest.mark.django_db
def test_channels_follow_the_users_contact_details(
    citizen: Any, dossier_context: dict[str, str], django_user_model: Any
) -> None:
    citizen.profile.phone = ""
    citizen.profile.save()
    notification = notify(user=citizen, event="dossier_submitted", context=dossier_context)
    assert [d.channel for d in notification.deliveries.all()] == [Channel.EMAIL]

    officer = django_user_model.objects.create_user("canbo", email="")  # no profile, no email
    notification = notify(
        user=officer, event="dossier_submitted", context=dossier_context, url="/ho-so/1/"
    )
    assert notification.deliveries.count() == 0
    assert notification.url == "/ho-so/1/"
    assert Notification.objects.filter(user=officer).count() == 1


@pytest.mark.django_db
def test_sms_is_one_message_even_with_long_values(
    citizen: Any, dossier_context: dict[str, str]
) -> None:
    dossier_context["status_display"] = "Yêu cầu bổ sung, hoàn thiện hồ sơ " * 5
    notification = notify(user=citizen, event="dossier_status_changed", context=dossier_context)

    text = notification.deliveries.get(channel=Channel.SMS).body
    assert len(text) == 160
    assert text.endswith("...")
    assert text.isascii()


@pytest.mark.django_db
def test_an_unknown_event_is_a_programming_error(
    citizen: Any, dossier_context: dict[str, str]
) -> None:
    with pytest.raises(UnknownEventError):
        notify(user=citizen, event="dossier_exploded", context=dossier_context)
    with pytest.raises(UnknownEventError):
        notify(user=citizen, event="../dossier_submitted", context=dossier_context)
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_an_unreachable_broker_neither_breaks_the_request_nor_loses_the_deliveries(
    citizen: Any,
    dossier_context: dict[str, str],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broker_down(args: Any) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(delivery_send, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = notify(user=citizen, event="dossier_submitted", context=dossier_context)

    # Sent from this process instead (core.background), once each.
    assert len(callbacks) == 2
    deliveries = notification.deliveries.order_by("pk")
    assert [(d.status, d.attempts) for d in deliveries] == [(DeliveryStatus.SENT, 1)] * 2
    assert [m.to for m in mail.outbox] == [["congdan@example.vn"]]


@pytest.mark.django_db
def test_mark_one_and_all_read(citizen: Any, dossier_context: dict[str, str]) -> None:
    first = notify(user=citizen, event="dossier_submitted", context=dossier_context)
    second = notify(user=citizen, event="dossier_status_changed", context=dossier_context)

    assert notification_mark_read(user=citizen, notification_id=first.pk) == 1
    first.refresh_from_db()
    assert first.read_at is not None
    read_at = first.read_at
    assert notification_mark_read(user=citizen, notification_id=first.pk) == 0
    first.refresh_from_db()
    assert first.read_at == read_at

    assert notification_mark_read(user=citizen) == 1
    second.refresh_from_db()
    assert second.read_at is not None
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_nobody_marks_another_users_notification(
    citizen: Any, other_citizen: Any, dossier_context: dict[str, str]
) -> None:
    mine = notify(user=citizen, event="dossier_submitted", context=dossier_context)
    notify(user=other_citizen, event="dossier_submitted", context=dossier_context)

    with pytest.raises(Notification.DoesNotExist):
        notification_mark_read(user=other_citizen, notification_id=mine.pk)
    mine.refresh_from_db()
    assert mine.read_at is None

    assert notification_mark_read(user=other_citizen) == 1
    mine.refresh_from_db()
    assert mine.read_at is None


@pytest.mark.django_db
def test_retry_requeues_a_failed_delivery(
    citizen: Any,
    dossier_context: dict[str, str],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
    failing_sms: None,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user=citizen, event="dossier_submitted", context=dossier_context)
    sms = notification.deliveries.get(channel=Channel.SMS)
    assert (sms.status, sms.attempts) == (DeliveryStatus.FAILED, 1)

    settings.SMS_PROVIDER = "dichvucong.notifications.sms.LoggingSmsProvider"
    with django_capture_on_commit_callbacks() as callbacks:
        delivery_retry(delivery=sms)
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (DeliveryStatus.PENDING, 0)
    assert sms.last_error == "ConnectionError: SMS gateway unreachable"
    assert len(callbacks) == 1

    callbacks[0]()
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (DeliveryStatus.SENT, 1)
    assert sms.sent_at is not None


@pytest.mark.django_db
def test_retry_refuses_a_delivery_that_has_not_failed(
    citizen: Any, dossier_context: dict[str, str], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user=citizen, event="dossier_submitted", context=dossier_context)
    email = notification.deliveries.get(channel=Channel.EMAIL)

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        delivery_retry(delivery=email)
    assert callbacks == []
    email.refresh_from_db()
    assert (email.status, email.attempts) == (DeliveryStatus.SENT, 1)
    assert len(mail.outbox) == 1


def test_notify_with_a_key_notifies_once(
    citizen: Any, dossier_context: dict[str, str], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        first = notify(
            user=citizen, event="dossier_submitted", context=dossier_context, key="nguon-1"
        )
        again = notify(
            user=citizen, event="dossier_submitted", context=dossier_context, key="nguon-1"
        )
    assert again.pk == first.pk
    assert Notification.objects.filter(key="nguon-1").count() == 1
    assert Delivery.objects.filter(notification=first).count() == 2  # email and SMS
    assert len(callbacks) == 2
