"""manage.py exchange_outbox_process: deliver the due outbox messages and raise alerts
(what Celery beat runs every EXCHANGE_OUTBOX_MINUTES; for cron without beat)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dichvucong.interop.exchange.services import outbox_process


class Command(BaseCommand):
    help = "Deliver the exchange messages whose next attempt is due; alert on old ones."

    def handle(self, *args: Any, **options: Any) -> None:
        report = outbox_process()
        self.stdout.write(
            f"Exchange outbox: {report['due']} due, {report['acknowledged']} acknowledged, "
            f"{report['alerts']} alerts."
        )
