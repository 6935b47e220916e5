"""IPN delivery to the merchant: retries until RspCode 00 or 02, every attempt logged."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from dichvucong.payments.sandbox.models import DeliveryStatus, SandboxIpnDelivery
from dichvucong.payments.sandbox.services import IPN_MAX_ATTEMPTS, sandbox_ipn_resend
from dichvucong.payments.sandbox.tasks import retry_countdown

from .conftest import Merchant, payment_params, payment_url

pytestmark = pytest.mark.django_db


def pay(client: Any, capture: Any) -> SandboxIpnDelivery:
    with capture(execute=True):
        response = client.post(payment_url(payment_params()), {"choice": "pay"})
    assert response.status_code == 302
    return SandboxIpnDelivery.objects.get()


def test_the_ipn_is_retried_until_the_merchant_confirms(
    client: Any, merchant: Merchant, django_capture_on_commit_callbacks: Any
) -> None:
    merchant.answers = ["99", "99", "00"]

    delivery = pay(client, django_capture_on_commit_callbacks)

    assert (delivery.status, delivery.attempts, delivery.last_rsp_code) == (
        DeliveryStatus.DELIVERED,
        3,
        "00",
    )
    assert [a.rsp_code for a in delivery.attempt_log.all()] == ["99", "99", "00"]
    assert len(merchant.calls) == 3
    assert merchant.calls[0] == merchant.calls[2]
    assert delivery.delivered_at is not None


def test_already_confirmed_ends_the_delivery(
    client: Any, merchant: Merchant, django_capture_on_commit_callbacks: Any
) -> None:
    merchant.answers = ["02"]
    delivery = pay(client, django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)


def test_the_ipn_gives_up_after_the_last_attempt(
    client: Any, merchant: Merchant, django_capture_on_commit_callbacks: Any
) -> None:
    merchant.answers = ["97"] * 10

    delivery = pay(client, django_capture_on_commit_callbacks)

    assert (delivery.status, delivery.attempts, delivery.last_rsp_code) == (
        DeliveryStatus.FAILED,
        IPN_MAX_ATTEMPTS,
        "97",
    )
    assert len(merchant.calls) == IPN_MAX_ATTEMPTS == 4
    assert [a.number for a in delivery.attempt_log.all()] == [1, 2, 3, 4]


def test_a_merchant_that_does_not_answer_is_logged(
    client: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.PAYMENT_SANDBOX_IPN_URL = f"http://127.0.0.1:{port}/payments/vnpay/ipn/"
    settings.PAYMENT_SANDBOX_IPN_TIMEOUT = 2

    delivery = pay(client, django_capture_on_commit_callbacks)

    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 4)
    attempt = delivery.attempt_log.first()
    assert attempt is not None
    assert attempt.http_status is None
    assert attempt.error.startswith("ConnectionError: ")


def test_an_answer_that_is_not_json_is_logged(
    client: Any, merchant: Merchant, django_capture_on_commit_callbacks: Any
) -> None:
    merchant.answers = ["html", "00"]
    delivery = pay(client, django_capture_on_commit_callbacks)
    first, second = delivery.attempt_log.all()
    assert (first.http_status, first.rsp_code, first.error) == (
        500,
        "",
        "Câu trả lời không phải JSON.",
    )
    assert first.response_body == "<!DOCTYPE html><p>Internal error</p>"
    assert (second.http_status, second.rsp_code) == (200, "00")
    assert delivery.status == DeliveryStatus.DELIVERED


def test_resend_from_the_admin_sends_once_more(
    client: Any,
    merchant: Merchant,
    django_capture_on_commit_callbacks: Any,
    admin_client: Any,
) -> None:
    merchant.answers = ["99"] * 4
    delivery = pay(client, django_capture_on_commit_callbacks)
    assert delivery.status == DeliveryStatus.FAILED

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/quan-tri/payments_sandbox/sandboxipndelivery/",
            {"action": "resend", "_selected_action": [delivery.pk]},
        )

    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_rsp_code) == (
        DeliveryStatus.DELIVERED,
        5,
        "00",
    )
    assert len(merchant.calls) == 5


def test_resending_a_pending_delivery_changes_nothing(
    client: Any, merchant: Merchant, django_capture_on_commit_callbacks: Any
) -> None:
    merchant.answers = ["99"] * 4
    delivery = pay(client, django_capture_on_commit_callbacks)
    SandboxIpnDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sandbox_ipn_resend(delivery=delivery)
    assert callbacks == []


def test_retry_countdown_doubles() -> None:
    assert [retry_countdown(n) for n in (1, 2, 3)] == [30, 60, 120]


def test_admin_lists_transactions_and_deliveries(
    client: Any, merchant: Merchant, django_capture_on_commit_callbacks: Any, admin_client: Any
) -> None:
    delivery = pay(client, django_capture_on_commit_callbacks)
    for url in (
        "/quan-tri/payments_sandbox/sandboxtransaction/",
        f"/quan-tri/payments_sandbox/sandboxtransaction/{delivery.transaction_id}/change/",
        "/quan-tri/payments_sandbox/sandboxipndelivery/",
        f"/quan-tri/payments_sandbox/sandboxipndelivery/{delivery.pk}/change/",
        "/quan-tri/payments_sandbox/sandboxmerchant/add/",
        "/quan-tri/payments_sandbox/sandboxapirequest/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    assert (
        "DVC000123"
        in admin_client.get("/quan-tri/payments_sandbox/sandboxtransaction/").content.decode()
    )


def test_admin_lists_take_the_same_queries_for_more_rows(
    client: Any, merchant: Merchant, django_capture_on_commit_callbacks: Any, admin_client: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured)

    lists = (
        "/quan-tri/payments_sandbox/sandboxtransaction/",
        "/quan-tri/payments_sandbox/sandboxipndelivery/",
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(payment_url(payment_params(vnp_TxnRef="A1")), {"choice": "pay"})
    one = [queries(url) for url in lists]
    for ref in ("A2", "A3", "A4"):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(payment_url(payment_params(vnp_TxnRef=ref)), {"choice": "fail"})
    assert [queries(url) for url in lists] == one
