from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client

from dichvucong.notifications.models import Channel, Delivery, DeliveryStatus
from dichvucong.notifications.services import notify

CHANGELIST = "/quan-tri/notifications/delivery/"


@pytest.fixture
def admin_client_logged(client: Client, django_user_model: Any, second_factor_login: Any) -> Client:
    user = django_user_model.objects.create_superuser(
        "quantri", "qt@example.vn", "mat-khau-dai-123"
    )
    return second_factor_login(client, user)


@pytest.fixture
def failed_sms(
    citizen: Any,
    dossier_context: dict[str, str],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> Delivery:
    """A sent email and an SMS that failed (the gateway was down), in eager mode."""
    settings.SMS_PROVIDER = "dichvucong.notifications.tests.providers.FailingSmsProvider"
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user=citizen, event="dossier_submitted", context=dossier_context)
    settings.SMS_PROVIDER = "dichvucong.notifications.sms.LoggingSmsProvider"
    return notification.deliveries.get(channel=Channel.SMS)


@pytest.mark.django_db
def test_admin_lists_deliveries_with_their_errors(
    admin_client_logged: Client, failed_sms: Delivery
) -> None:
    response = admin_client_logged.get(CHANGELIST, {"status__exact": "failed"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "0912345678" in html
    assert "ConnectionError: SMS gateway unreachable" in html
    assert "congdan@example.vn" not in html
    assert '<option value="resend">Gửi lại</option>' in html

    search = admin_client_logged.get(CHANGELIST, {"q": "congdan@"}).content.decode()
    assert "congdan@example.vn" in search
    assert "0912345678" not in search

    pk = failed_sms.notification_id
    for path in [
        f"{CHANGELIST}{failed_sms.pk}/change/",
        "/quan-tri/notifications/notification/",
        f"/quan-tri/notifications/notification/{pk}/change/",
    ]:
        assert admin_client_logged.get(path).status_code == 200, path


@pytest.mark.django_db
def test_admin_cannot_edit_deliveries(admin_client_logged: Client, failed_sms: Delivery) -> None:
    url = f"{CHANGELIST}{failed_sms.pk}/change/"
    response = admin_client_logged.post(url, {"recipient": "0999999999", "status": "sent"})
    assert response.status_code == 403
    failed_sms.refresh_from_db()
    assert (failed_sms.recipient, failed_sms.status) == ("0912345678", DeliveryStatus.FAILED)


@pytest.mark.django_db
def test_resend_action_sends_failed_deliveries_again(
    admin_client_logged: Client,
    failed_sms: Delivery,
    django_capture_on_commit_callbacks: Any,
) -> None:
    email = Delivery.objects.get(channel=Channel.EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_logged.post(
            CHANGELIST,
            {"action": "resend", "_selected_action": [failed_sms.pk, email.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Đã xếp 1 lượt gửi vào hàng đợi để gửi lại.",
        "Bỏ qua 1 lượt gửi không ở trạng thái “Gửi không thành công”.",
    ]
    failed_sms.refresh_from_db()
    assert (failed_sms.status, failed_sms.attempts) == (DeliveryStatus.SENT, 1)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (DeliveryStatus.SENT, 1)
    assert len(mail.outbox) == 1  # the email was not sent twice


@pytest.mark.django_db
def test_resend_needs_the_change_permission(
    client: Client, django_user_model: Any, failed_sms: Delivery, second_factor_login: Any
) -> None:
    staff = django_user_model.objects.create_user("xem", password="x", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_delivery"))
    second_factor_login(client, staff)

    html = client.get(CHANGELIST).content.decode()
    assert "0912345678" in html
    assert 'value="resend"' not in html

    client.post(CHANGELIST, {"action": "resend", "_selected_action": [failed_sms.pk]})
    failed_sms.refresh_from_db()
    assert (failed_sms.status, failed_sms.attempts) == (DeliveryStatus.FAILED, 1)
