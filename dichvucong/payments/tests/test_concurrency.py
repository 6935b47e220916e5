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
