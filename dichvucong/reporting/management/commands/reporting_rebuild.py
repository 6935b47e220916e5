"""Recompute the daily statistics from the dossier event log, the dossiers and the ratings."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dichvucong.reporting.services import daily_figures_rebuild


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Not an ISO date (YYYY-MM-DD): {value}") from error


class Command(BaseCommand):
    help = "Rebuild the daily statistics (all days, or --from/--to inclusive, Vietnam time)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", type=_day, default=None)
        parser.add_argument("--to", dest="date_to", type=_day, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            written = daily_figures_rebuild(
                date_from=options["date_from"], date_to=options["date_to"]
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{written} daily rows written in {time.monotonic() - started:.1f} s")
