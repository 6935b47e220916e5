"""Background work of the exchange API: deliver outbox messages, retry the due ones."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def outbound_message_deliver_task(message_pk: int) -> None:
    """Try to deliver one outbox message (idempotent: a delivered message is left alone)."""
    services.outbound_message_deliver(message_pk=message_pk)


@shared_task(ignore_result=True)
def exchange_outbox_process() -> dict[str, int]:
    """Deliver the messages whose next attempt is due and raise the alerts (periodic)."""
    return services.outbox_process()
