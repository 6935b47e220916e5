"""Background work of the sandbox gateway: the IPN calls to merchants."""

from __future__ import annotations

import logging

from celery import Task, shared_task

from .models import DeliveryStatus, SandboxIpnDelivery
from .services import IPN_MAX_ATTEMPTS, sandbox_ipn_attempt

logger = logging.getLogger(__name__)


def retry_countdown(attempts: int) -> int:
    """Return the seconds before the next IPN call after `attempts` calls: 30, 60, 120..."""
    return int(30 * 2 ** max(attempts - 1, 0))


@shared_task(bind=True, max_retries=IPN_MAX_ATTEMPTS, ignore_result=True)
def sandbox_ipn_send(self: Task, delivery_id: int) -> None:
    """Call the merchant's IPN URL; retry with exponential backoff until it answers 00/02.

    Idempotent: a delivery confirmed or given up is left alone. Without a broker (eager
    mode: `make run`, the tests) Celery runs the retries at once, one after the other,
    inside the request that recorded the payer's choice, so the IPN has reached the
    merchant before the browser is sent back to it.
    """
    try:
        delivery = sandbox_ipn_attempt(delivery_id=delivery_id)
    except SandboxIpnDelivery.DoesNotExist:
        logger.warning("Sandbox IPN delivery %s no longer exists.", delivery_id)
        return
    if delivery.status == DeliveryStatus.PENDING:
        raise self.retry(countdown=retry_countdown(delivery.attempts))
