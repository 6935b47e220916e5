"""Background work of periodic reports: the daily run that opens periods and reminds."""

from __future__ import annotations

from celery import shared_task

from dichvucong.core.models import today

from .services import report_periods_ensure, report_reminders_send


@shared_task(ignore_result=True)
def periodic_reports_daily() -> dict[str, int]:
    """Open this year's periods and remind agencies that have not filed (idempotent)."""
    periods = report_periods_ensure(year=today().year)
    return {"periods": len(periods), "reminders": report_reminders_send()}
