"""manage.py periodic_reports_daily: open the year's report periods and send reminders."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext

from dichvucong.core.models import today
from dichvucong.reporting.periodic.services import report_periods_ensure, report_reminders_send


class Command(BaseCommand):
    help = (
        "Create the semi-annual and annual report periods of the year where missing and "
        "remind the agencies that have not filed (what Celery beat runs every day); idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=None, help="the year (default: this year)")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"] or today().year
        periods = report_periods_ensure(year=year)
        self.stdout.write(
            gettext("Kỳ báo cáo năm %(year)d: %(count)d") % {"year": year, "count": len(periods)}
        )
        sent = report_reminders_send()
        self.stdout.write(gettext("Thông báo nhắc nộp báo cáo: %(count)d") % {"count": sent})
