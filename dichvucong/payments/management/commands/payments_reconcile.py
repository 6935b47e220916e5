"""Ask the gateway about unconfirmed and flagged payments; expire stale ones."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dichvucong.payments.services import payments_reconcile


class Command(BaseCommand):
    help = "Query the gateway (querydr) for pending and flagged payments, expire stale ones."

    def handle(self, *args: Any, **options: Any) -> None:
        report = payments_reconcile()
        codes = ", ".join(f"{code}: {n}" for code, n in sorted(report.applied.items())) or "-"
        self.stdout.write(
            f"queried {report.queried}, answers {codes}, expired {report.expired}, "
            f"errors {report.errors}"
        )
