"""Background work of the payments app: tasks pass ids and call services."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def payment_paid_notify(payment_id: int) -> None:
    """Tell the payer their payment was received (idempotent)."""
    services.payment_paid_notify(payment_id=payment_id)


@shared_task(ignore_result=True)
def payments_reconcile() -> dict[str, int]:
    """Query the gateway about unconfirmed payments and expire stale ones (periodic)."""
    report = services.payments_reconcile()
    return {"queried": report.queried, "expired": report.expired, "errors": report.errors}
