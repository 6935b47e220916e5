"""Workers racing for one delivery on PostgreSQL: the row lock lets one of them send."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core import mail
from django.db import connection, connections

from dichvucong.notifications.models import Channel, DeliveryStatus
from dichvucong.notifications.services import notify
from dichvucong.notifications.tasks import delivery_send

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 8


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrency are tested on PostgreSQL")


def test_parallel_workers_send_a_delivery_once(
    citizen: Any, dossier_context: dict[str, str]
) -> None:
    notification = notify(user=citizen, event="dossier_withdrawn", context=dossier_context)
    email = notification.deliveries.get(channel=Channel.EMAIL)
    mail.outbox.clear()  # eager mode sent it on commit: make it pending again
    notification.deliveries.update(status=DeliveryStatus.PENDING, attempts=0, sent_at=None)
    barrier = threading.Barrier(WORKERS)

    def work(_index: int) -> None:
        try:
            barrier.wait(timeout=30)
            delivery_send(email.pk)  # as a worker runs it
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(work, range(WORKERS)))

    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (DeliveryStatus.SENT, 1)
