"""The IPN endpoint: every answer of the protocol, and what each may change."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.notifications.models import Notification
from dichvucong.payments.models import Payment, PaymentEvent, PaymentRequest

from .conftest import ipn_params

URL = "/payments/vnpay/ipn/"


def state(payment: Payment) -> tuple[Any, ...]:
    """Everything an IPN may change: the payment, its request, the dossier, the history."""
    payment.refresh_from_db()
    request = PaymentRequest.objects.get(pk=payment.request_id)
    dossier = Dossier.objects.get(pk=payment.dossier_id)
    return (
        payment.status,
        payment.paid_at,
        payment.flag,
        payment.transaction_no,
        request.paid_at,
        dossier.status,
        dossier.due_at,
        dossier.paused_at,
        DossierEvent.objects.filter(dossier=dossier).count(),
    )


def ipn(client: Client, params: dict[str, str]) -> dict[str, str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body: dict[str, str] = response.json()
    return body


@pytest.mark.django_db
def test_success_credits_and_moves_the_dossier_on(
    client: Client, payment: Payment, citizen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dossier = payment.dossier
    assert (payment.amount, dossier.status) == (210_000, "paying")
    with django_capture_on_commit_callbacks(execute=True):
        answer = ipn(client, ipn_params(payment))
    assert answer == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    dossier.refresh_from_db()
    assert (payment.status, payment.flag, payment.transaction_no, payment.bank_code) == (
        "paid",
        "",
        "14012345",
        "NCB",
    )
    assert PaymentRequest.objects.get(pk=payment.request_id).paid_at == payment.paid_at
    assert dossier.state is not None
    assert (dossier.status, dossier.state.code, dossier.paused_at) == (
        "processing",
        "examining",
        None,
    )
    last = DossierEvent.objects.filter(dossier=dossier).last()
    assert last is not None
    assert (last.action, last.actor_id, last.actor_role) == ("payment_received", None, "system")
    assert last.data["payment"] == {"id": payment.pk, "txn_ref": payment.txn_ref, "amount": 210_000}
    assert list(PaymentEvent.objects.filter(payment=payment).values_list("kind", "outcome")) == [
        ("created", ""),
        ("ipn", "00"),
    ]
    notification = Notification.objects.get(user=citizen, event="payment_paid")
    assert notification.title == f"Đã nhận thanh toán phí, lệ phí hồ sơ {dossier.code}"


@pytest.mark.django_db
def test_replay_answers_02_and_credits_once(client: Client, payment: Payment) -> None:
    params = ipn_params(payment)
    assert ipn(client, params)["RspCode"] == "00"
    before = state(payment)
    assert ipn(client, params) == {"RspCode": "02", "Message": "Order already confirmed"}
    assert state(payment) == before
    assert DossierEvent.objects.filter(action="payment_received").count() == 1
    assert PaymentEvent.objects.filter(payment=payment, kind="ipn").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"vnp_Amount": "1"},
        {"vnp_ResponseCode": "00", "vnp_TxnRef": "X"},
        {"vnp_BankCode": "VCB"},
    ],
)
def test_a_tampered_parameter_answers_97_and_changes_nothing(
    client: Client, payment: Payment, change: dict[str, str]
) -> None:
    params = {**ipn_params(payment, response="24"), **change}
    before, events = state(payment), PaymentEvent.objects.count()
    assert ipn(client, params) == {"RspCode": "97", "Message": "Invalid signature"}
    assert state(payment) == before
    assert PaymentEvent.objects.count() == events


@pytest.mark.django_db
def test_a_wrong_secret_answers_97_and_changes_nothing(client: Client, payment: Payment) -> None:
    before, events = state(payment), PaymentEvent.objects.count()
    assert ipn(client, ipn_params(payment, secret="NOTTHEMERCHANTSSECRET"))["RspCode"] == "97"
    params = ipn_params(payment)
    del params["vnp_SecureHash"]
    assert ipn(client, params)["RspCode"] == "97"
    assert state(payment) == before
    assert PaymentEvent.objects.count() == events


@pytest.mark.django_db
def test_an_unknown_reference_answers_01(client: Client, payment: Payment) -> None:
    before, events = state(payment), PaymentEvent.objects.count()
    params = ipn_params(payment, vnp_TxnRef="999TNOSUCHREF")
    assert ipn(client, params) == {"RspCode": "01", "Message": "Order not found"}
    assert state(payment) == before
    assert PaymentEvent.objects.count() == events


@pytest.mark.django_db
def test_a_wrong_amount_answers_04_and_changes_nothing(client: Client, payment: Payment) -> None:
    before = state(payment)
    assert ipn(client, ipn_params(payment, amount=200_000)) == {
        "RspCode": "04",
        "Message": "Invalid amount",
    }
    assert state(payment) == before
    assert PaymentEvent.objects.filter(payment=payment).last().outcome == "04"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_anything_unexpected_answers_99_and_rolls_back(
    client: Client, payment: Payment, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, events = state(payment), PaymentEvent.objects.count()
    bad_date = ipn_params(payment, vnp_PayDate="2026-11-27")
    assert ipn(client, bad_date) == {"RspCode": "99", "Message": "Unknown error"}

    from dichvucong.payments import services

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the dossier could not be moved")

    monkeypatch.setattr(services, "dossier_action_execute", broken)
    assert ipn(client, ipn_params(payment))["RspCode"] == "99"
    assert state(payment) == before
    assert PaymentEvent.objects.count() == events


@pytest.mark.django_db
def test_a_failure_and_a_cancellation_close_the_attempt(
    client: Client, payment: Payment, paying_dossier: Dossier, citizen: Any
) -> None:
    assert ipn(client, ipn_params(payment, response="24", status="02"))["RspCode"] == "00"
    payment.refresh_from_db()
    assert (payment.status, payment.response_code) == ("cancelled", "24")
    assert Dossier.objects.get(pk=paying_dossier.pk).status == "paying"
    assert ipn(client, ipn_params(payment, response="24", status="02"))["RspCode"] == "02"

    from dichvucong.payments import services

    second = services.payment_create(
        dossier=paying_dossier, payer=citizen, ip_address="127.0.0.1", language="vi"
    )
    assert ipn(client, ipn_params(second, response="51", status="02"))["RspCode"] == "00"
    second.refresh_from_db()
    assert second.status == "failed"


@pytest.mark.django_db
def test_success_after_expiry_is_recorded_and_flagged(client: Client, payment: Payment) -> None:
    Payment.objects.filter(pk=payment.pk).update(
        status="expired", expires_at=timezone.now() - timedelta(minutes=30)
    )
    assert ipn(client, ipn_params(payment))["RspCode"] == "00"
    payment.refresh_from_db()
    assert (payment.status, payment.flag) == ("paid", "late")
    assert Dossier.objects.get(pk=payment.dossier_id).status == "processing"
    assert PaymentEvent.objects.filter(payment=payment).last().from_status == "expired"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_a_second_success_for_a_paid_request_is_kept_for_a_refund(
    client: Client, payment: Payment, paying_dossier: Dossier, citizen: Any
) -> None:
    from dichvucong.payments import services

    second = services.payment_create(
        dossier=paying_dossier, payer=citizen, ip_address="127.0.0.1", language="vi"
    )
    assert ipn(client, ipn_params(payment))["RspCode"] == "00"
    assert ipn(client, ipn_params(second, vnp_TransactionNo="14099999"))["RspCode"] == "00"
    second.refresh_from_db()
    assert (second.status, second.flag) == ("paid", "duplicate")
    assert DossierEvent.objects.filter(action="payment_received").count() == 1


@pytest.mark.django_db
def test_the_ipn_takes_only_get(client: Client, payment: Payment) -> None:
    assert client.post(URL, ipn_params(payment)).status_code == 405
    assert Payment.objects.get(pk=payment.pk).status == "created"


@pytest.mark.django_db
def test_success_for_a_replaced_request_is_flagged(
    client: Client, payment: Payment, paying_dossier: Dossier, officers: dict[str, Any]
) -> None:
    PaymentRequest.objects.filter(pk=payment.request_id).update(cancelled_at=timezone.now())
    assert ipn(client, ipn_params(payment))["RspCode"] == "00"
    payment.refresh_from_db()
    assert (payment.status, payment.flag) == ("paid", "late")


@pytest.mark.django_db
def test_a_payment_at_submission_is_credited_with_one_locking_read(
    client: Client, dossier: Dossier, citizen: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dichvucong.payments import services

    payment = services.payment_create(
        dossier=dossier, payer=citizen, ip_address="203.113.1.2", language="vi"
    )
    with CaptureQueriesContext(connection) as queries:
        assert ipn(client, ipn_params(payment))["RspCode"] == "00"
    statements = [q["sql"] for q in queries.captured_queries]
    # The payment, its request and the dossier are locked and read in one statement;
    # then the payment, its log, the request, the dossier's timeline and the day's and
    # month's figures are written (one statement for both on PostgreSQL).
    reads = [s for s in statements if s.startswith("SELECT")]
    assert len(reads) == 1 and '"dossiers_dossier"' in reads[0], reads
    writes = [s for s in statements if s.startswith(("INSERT", "UPDATE", "WITH"))]
    assert len(writes) == (5 if connection.vendor == "postgresql" else 6), writes
    last = DossierEvent.objects.filter(dossier=dossier).last()
    assert last is not None
    assert last.data["payment"] == {
        "id": payment.pk,
        "txn_ref": payment.txn_ref,
        "amount": payment.amount,
    }
