"""Background work of the statistics: the nightly refresh of yesterday's figures."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .services import daily_figures_rebuild


@shared_task(ignore_result=True)
def daily_figures_refresh() -> int:
    """Rebuild yesterday's daily rows from the event log and roll its month up (periodic).

    Yesterday is over, so no live event can change it meanwhile; its month is then read
    from the monthly rows (from the second day of a month on, the current month too).
    Idempotent: a second run recomputes the same rows.
    """
    yesterday = timezone.localdate() - timedelta(days=1)
    return daily_figures_rebuild(date_from=yesterday, date_to=yesterday)
