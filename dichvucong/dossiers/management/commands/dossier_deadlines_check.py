"""manage.py dossier_deadlines_check: mark overdue dossiers and remind officers, once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from dichvucong.dossiers.deadlines import dossier_deadlines_check


class Command(BaseCommand):
    help = (
        "Mark the dossiers past their due date and remind the officers of those due within "
        "one working day, once (what Celery beat runs periodically); for cron-only "
        "installations and the demo."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = dossier_deadlines_check()
        self.stdout.write(
            gettext("Hồ sơ được ghi nhận quá hạn: %(count)d") % {"count": report.marked_overdue}
        )
        self.stdout.write(
            gettext("Thông báo nhắc hồ sơ sắp đến hạn: %(count)d")
            % {"count": report.due_soon_reminders}
        )
        self.stdout.write(
            gettext("Thông báo hồ sơ quá hạn: %(count)d") % {"count": report.overdue_reminders}
        )
