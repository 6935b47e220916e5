"""manage.py national_sync_retry [--all] [--backfill]: push what has not reached the
national portal (what the beat does every NATIONAL_SYNC_RETRY_MINUTES)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dichvucong.interop.national.client import NationalConfigError, national_config
from dichvucong.interop.national.services import (
    dossiers_sync_backfill,
    sync_due_deliver,
    sync_enabled,
)


class Command(BaseCommand):
    help = (
        "Send the national portal the entries whose next attempt is due; --all also those "
        "refused or waiting for their backoff; --backfill first starts the dossiers never "
        "synchronised (written before the switch was on, or in bulk)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="send every unsent entry now")
        parser.add_argument(
            "--backfill", action="store_true", help="start dossiers never synchronised"
        )
        parser.add_argument(
            "--since",
            type=date.fromisoformat,
            help="with --backfill: only dossiers submitted on this day (YYYY-MM-DD) or later",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not sync_enabled():
            raise CommandError("NATIONAL_SYNC_ENABLED is off: nothing is sent.")
        try:
            config = national_config()
        except NationalConfigError as error:
            raise CommandError(str(error)) from error
        if options["backfill"]:
            since = options["since"]
            start = (
                datetime.combine(since, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
                if since
                else None
            )
            started = dossiers_sync_backfill(since=start)
            self.stdout.write(f"Backfill: {started} dossiers started.")
        report = sync_due_deliver(everything=options["all"])
        self.stdout.write(
            f"{config.url}: {report.dossiers} dossiers, {report.sent} entries sent, "
            f"{report.failed} failed."
        )
        for message in sorted(set(report.errors)):
            self.stderr.write(f"  {message}")
        if report.failed:
            raise CommandError(f"{report.failed} dossiers could not be synchronised.")
