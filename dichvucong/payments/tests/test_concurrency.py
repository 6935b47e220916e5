"""Parallel replays of one IPN on PostgreSQL: one credit, one payment_received event."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections

from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.payments import services
from dichvucong.payments.models import Payment, PaymentEvent, PaymentRequest

from .conftest import ipn_params

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 5


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrency are tested on PostgreSQL")


def test_five_parallel_replays_credit_once(payment: Payment) -> None:
    params = ipn_params(payment)
    barrier = threading.Barrier(THREADS)

    def run(_index: int) -> str:
        try:
            barrier.wait(timeout=30)
            return services.payment_ipn_handle(params=params).code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        codes = sorted(pool.map(run, range(THREADS)))
    assert codes == ["00", "02", "02", "02", "02"]
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert PaymentRequest.objects.get(pk=payment.request_id).paid_at == payment.paid_at
    assert DossierEvent.objects.filter(action="payment_received").count() == 1
    assert Dossier.objects.get(pk=payment.dossier_id).status == "processing"
    outcomes: Any = sorted(
        PaymentEvent.objects.filter(payment=payment, kind="ipn").values_list("outcome", flat=True)
    )
    assert outcomes == ["00", "02", "02", "02", "02"]


def test_two_payments_of_one_request_paid_at_once_credit_one(
    payment: Payment, paying_dossier: Dossier, citizen: Any
) -> None:
    """The payer paid twice (two tabs): one is credited, the other kept for a refund."""
    second = services.payment_create(
        dossier=paying_dossier, payer=citizen, ip_address="203.113.1.2", language="vi"
    )
    assert second.request_id == payment.request_id
    reports = [ipn_params(payment), ipn_params(second, vnp_TransactionNo="14099999")]
    barrier = threading.Barrier(len(reports))

    def run(params: dict[str, str]) -> str:
        try:
            barrier.wait(timeout=30)
            return services.payment_ipn_handle(params=params).code
        finally:
            connections.close_all()

    for _round in range(3):  # the replays change nothing
        with ThreadPoolExecutor(max_workers=len(reports)) as pool:
            codes = list(pool.map(run, reports))
        assert codes == (["00", "00"] if _round == 0 else ["02", "02"])
    flags = sorted(
        Payment.objects.filter(request_id=payment.request_id).values_list("flag", "status")
    )
    assert flags == [("", "paid"), ("duplicate", "paid")]
    assert DossierEvent.objects.filter(action="payment_received").count() == 1
