"""Background sending of the notification outbox."""

from __future__ import annotations

import logging

from celery import Task, shared_task

from .models import Delivery, DeliveryStatus
from .services import MAX_ATTEMPTS, delivery_attempt

logger = logging.getLogger(__name__)


def retry_countdown(attempts: int) -> int:
    """Return the seconds to wait before the next attempt: 2, 4, 8, 16 minutes."""
    return int(60 * 2**attempts)


@shared_task(bind=True, max_retries=MAX_ATTEMPTS, ignore_result=True)
def delivery_send(self: Task, delivery_id: int) -> None:
    """Send one delivery of the outbox; retry with exponential backoff on failure.

    Idempotent: a delivery already sent (or failed for good) is left alone. Without a
    broker the task runs in the request that queued it (eager mode): there is no worker
    to retry later, so a failure is recorded as final at once, and an administrator can
    send it again from the admin.
    """
    eager = bool(self.request.is_eager)
    try:
        delivery = delivery_attempt(delivery_id=delivery_id, final=eager)
    except Delivery.DoesNotExist:
        logger.warning("Delivery %s no longer exists; nothing to send.", delivery_id)
        return
    if delivery.status == DeliveryStatus.PENDING:
        raise self.retry(countdown=retry_countdown(delivery.attempts))
