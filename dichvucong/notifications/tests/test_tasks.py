from __future__ import annotations

import logging
from typing import Any

import pytest
from celery.exceptions import Retry
from django.core import mail

from dichvucong.notifications.models import Channel, Delivery, DeliveryStatus
from dichvucong.notifications.services import MAX_ATTEMPTS, notify
from dichvucong.notifications.sms import LoggingSmsProvider, get_sms_provider
from dichvucong.notifications.tasks import delivery_send, retry_countdown

from .conftest import CODE


@pytest.fixture
def pending(citizen: Any, dossier_context: dict[str, str]) -> dict[str, Delivery]:
    """A submitted dossier's deliveries, created but not yet sent (nothing committed)."""
    notification = notify(user=citizen, event="dossier_submitted", context=dossier_context)
    return {d.channel: d for d in notification.deliveries.all()}


def test_the_default_provider_is_the_logging_one() -> None:
    assert isinstance(get_sms_provider(), LoggingSmsProvider)


@pytest.mark.django_db
def test_sms_goes_to_the_log_by_default(
    pending: dict[str, Delivery], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="dichvucong.sms")
    sms = pending[Channel.SMS]

    delivery_send.delay(sms.pk)

    sms_records = [r for r in caplog.records if r.name == "dichvucong.sms"]
    assert [r.getMessage() for r in sms_records] == [
        f"SMS to 0912345678: Ho so {CODE} da duoc nop luc 14:05 02/03/2025. "
        "Tra cuu tinh trang bang ma ho so tren Cong Dich vu cong."
    ]
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.last_error) == (DeliveryStatus.SENT, 1, "")
    assert sms.sent_at == sms.last_attempt_at
    assert sms.sent_at is not None


@pytest.mark.django_db
def test_sending_twice_sends_once(pending: dict[str, Delivery]) -> None:
    email = pending[Channel.EMAIL]

    delivery_send.delay(email.pk)
    delivery_send.delay(email.pk)
    delivery_send(email.pk)

    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (DeliveryStatus.SENT, 1)


def test_backoff_doubles() -> None:
    assert [retry_countdown(n) for n in range(1, MAX_ATTEMPTS)] == [120, 240, 480, 960]


@pytest.mark.django_db
def test_a_failing_provider_is_retried_with_backoff_then_marked_failed(
    pending: dict[str, Delivery],
    failing_sms: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """On a worker: each failure is recorded and retried later, the fifth is final."""
    countdowns: list[int] = []

    def fake_retry(*, countdown: int) -> Retry:
        countdowns.append(countdown)
        return Retry("retry")

    monkeypatch.setattr(delivery_send, "retry", fake_retry)
    sms = pending[Channel.SMS]

    for attempt in range(1, MAX_ATTEMPTS):
        with pytest.raises(Retry):
            delivery_send(sms.pk)  # as a worker runs it, not eagerly
        sms.refresh_from_db()
        assert (sms.status, sms.attempts) == (DeliveryStatus.PENDING, attempt)
        assert sms.last_error == "ConnectionError: SMS gateway unreachable"
        assert sms.last_attempt_at is not None
        assert sms.sent_at is None

    with caplog.at_level(logging.ERROR, logger="dichvucong.notifications.services"):
        delivery_send(sms.pk)
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS)
    assert sms.sent_at is None
    assert countdowns == [120, 240, 480, 960]
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == [
        f"Delivery {sms.pk} (sms to 0912345678) failed after 5 attempt(s): "
        "ConnectionError: SMS gateway unreachable"
    ]

    # Failed for good: running it again neither sends nor counts.
    delivery_send(sms.pk)
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS)
    assert countdowns == [120, 240, 480, 960]


@pytest.mark.django_db
def test_in_eager_mode_a_failure_is_final_and_does_not_break_the_request(
    citizen: Any,
    dossier_context: dict[str, str],
    django_capture_on_commit_callbacks: Any,
    failing_sms: None,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user=citizen, event="dossier_submitted", context=dossier_context)

    sms = notification.deliveries.get(channel=Channel.SMS)
    assert (sms.status, sms.attempts) == (DeliveryStatus.FAILED, 1)
    assert sms.last_error == "ConnectionError: SMS gateway unreachable"
    email = notification.deliveries.get(channel=Channel.EMAIL)
    assert (email.status, email.attempts) == (DeliveryStatus.SENT, 1)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_deleted_delivery_is_skipped(
    pending: dict[str, Delivery], caplog: pytest.LogCaptureFixture
) -> None:
    email_id = pending[Channel.EMAIL].pk
    Delivery.objects.filter(pk=email_id).delete()

    delivery_send(email_id)

    assert mail.outbox == []
    assert [r.getMessage() for r in caplog.records] == [
        f"Delivery {email_id} no longer exists; nothing to send."
    ]
