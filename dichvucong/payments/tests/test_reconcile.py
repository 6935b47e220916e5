"""Reconciliation: querydr against a small gateway speaking the documented format."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.payments.models import Payment, PaymentEvent

from .conftest import SECRET

pytestmark = pytest.mark.django_db

REQUEST_FIELDS = [
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
]
RESPONSE_FIELDS = [
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
]


def pipe_hash(values: dict[str, Any], fields: list[str]) -> str:
    data = "|".join(str(values.get(f, "")) for f in fields)
    return hmac.new(SECRET.encode(), data.encode(), hashlib.sha512).hexdigest()


class Gateway:
    """The transactions the fake gateway knows: txn_ref -> (status, amount x100)."""

    def __init__(self) -> None:
        self.transactions: dict[str, tuple[str, int]] = {}
        self.requests: list[dict[str, Any]] = []


@pytest.fixture
def gateway(settings: Any) -> Iterator[Gateway]:
    state = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append(body)
            if body.get("vnp_SecureHash") != pipe_hash(body, REQUEST_FIELDS):
                answer = {"vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"}
            elif body["vnp_TxnRef"] not in state.transactions:
                answer = {"vnp_ResponseCode": "91", "vnp_Message": "Transaction not found"}
            else:
                status, amount = state.transactions[body["vnp_TxnRef"]]
                answer = {
                    "vnp_ResponseCode": "00",
                    "vnp_Message": "QueryDR Success",
                    "vnp_Amount": str(amount),
                    "vnp_BankCode": "NCB",
                    "vnp_PayDate": body["vnp_TransactionDate"],
                    "vnp_TransactionNo": "14077777",
                    "vnp_TransactionType": "01",
                    "vnp_TransactionStatus": status,
                }
            answer.update(
                vnp_ResponseId="R1",
                vnp_Command="querydr",
                vnp_TmnCode=body.get("vnp_TmnCode", ""),
                vnp_TxnRef=body.get("vnp_TxnRef", ""),
                vnp_OrderInfo=body.get("vnp_OrderInfo", ""),
            )
            answer["vnp_SecureHash"] = pipe_hash(answer, RESPONSE_FIELDS)
            raw = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.VNPAY_API_URL = (
        f"http://127.0.0.1:{server.server_port}/merchant_webapi/api/transaction"
    )
    settings.PAYMENT_RECONCILE_MINUTES = 5
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def _age(payment: Payment, minutes: int, *, expires_in: int = 15) -> None:
    created = timezone.now() - timedelta(minutes=minutes)
    Payment.objects.filter(pk=payment.pk).update(
        created_at=created, expires_at=created + timedelta(minutes=expires_in)
    )
    payment.refresh_from_db()


def test_a_paid_transaction_is_credited_once(
    gateway: Gateway, payment: Payment, capsys: Any
) -> None:
    _age(payment, 6)
    gateway.transactions[payment.txn_ref] = ("00", payment.amount * 100)
    call_command("payments_reconcile")
    assert capsys.readouterr().out.strip() == "queried 1, answers 00: 1, expired 0, errors 0"
    payment.refresh_from_db()
    assert (payment.status, payment.transaction_no, payment.flag) == ("paid", "14077777", "")
    assert Dossier.objects.get(pk=payment.dossier_id).status == "processing"
    query = PaymentEvent.objects.filter(payment=payment, kind="query").get()
    assert (query.outcome, query.params["vnp_TransactionStatus"]) == ("00", "00")
    assert gateway.requests[0]["vnp_TxnRef"] == payment.txn_ref
    call_command("payments_reconcile")  # paid: not asked again
    assert len(gateway.requests) == 1
    assert DossierEvent.objects.filter(action="payment_received").count() == 1


def test_young_payments_are_left_alone(gateway: Gateway, payment: Payment) -> None:
    _age(payment, 2)
    call_command("payments_reconcile")
    assert gateway.requests == []
    assert Payment.objects.get(pk=payment.pk).status == "created"


def test_a_stale_unpaid_payment_expires(gateway: Gateway, payment: Payment) -> None:
    _age(payment, 30)  # expired 15 minutes ago, unknown to the gateway
    call_command("payments_reconcile")
    payment.refresh_from_db()
    assert payment.status == "expired"
    assert list(PaymentEvent.objects.filter(payment=payment).values_list("kind", "outcome")) == [
        ("created", ""),
        ("query", "01"),
        ("expired", ""),
    ]
    assert Dossier.objects.get(pk=payment.dossier_id).status == "paying"


def test_pending_stays_open_until_it_expires(gateway: Gateway, payment: Payment) -> None:
    _age(payment, 6)
    gateway.transactions[payment.txn_ref] = ("01", payment.amount * 100)
    call_command("payments_reconcile")
    assert Payment.objects.get(pk=payment.pk).status == "pending"


def test_a_wrong_amount_changes_nothing(gateway: Gateway, payment: Payment) -> None:
    _age(payment, 6)
    gateway.transactions[payment.txn_ref] = ("00", 100)
    call_command("payments_reconcile")
    payment.refresh_from_db()
    assert payment.status == "created"
    assert PaymentEvent.objects.filter(payment=payment, kind="query").get().outcome == "04"


def test_an_unreachable_or_forged_gateway_changes_nothing(
    gateway: Gateway, payment: Payment, settings: Any
) -> None:
    _age(payment, 30)
    settings.VNPAY_HASH_SECRET = "NOTTHESECRET"  # the answers no longer verify
    call_command("payments_reconcile")
    settings.VNPAY_API_URL = "http://127.0.0.1:9/unreachable"
    call_command("payments_reconcile")
    payment.refresh_from_db()
    assert payment.status == "created"
    assert PaymentEvent.objects.filter(payment=payment).count() == 1


def test_success_reported_late_is_flagged_then_confirmed(
    gateway: Gateway, payment: Payment
) -> None:
    _age(payment, 40)
    Payment.objects.filter(pk=payment.pk).update(status="expired")
    gateway.transactions[payment.txn_ref] = ("00", payment.amount * 100)
    # An expired payment is not queried by itself: the gateway's IPN brings it back...
    from dichvucong.payments import services

    assert services.payments_reconcile().queried == 0
    Payment.objects.filter(pk=payment.pk).update(status="paid", flag="late")
    # ...and a flagged one is queried once to confirm it.
    report = services.payments_reconcile()
    assert (report.queried, report.applied) == (1, {"02": 1})
    assert Payment.objects.get(pk=payment.pk).last_query_at is not None
