"""Background work of the dossiers app: tasks pass ids and call services."""

from __future__ import annotations

import logging

from celery import shared_task

from .deadlines import dossier_deadlines_check as deadlines_check
from .models import DossierEvent
from .services import dossier_event_notify as notify_event

logger = logging.getLogger(__name__)


@shared_task
def dossier_event_notify(event_id: int) -> None:
    """Notify the applicant (and an assignee) of a dossier event (idempotent)."""
    event = DossierEvent.objects.select_related(
        "dossier__version", "dossier__agency", "dossier__applicant", "actor"
    ).get(pk=event_id)
    notify_event(event=event)


@shared_task(ignore_result=True)
def dossier_deadlines_check() -> dict[str, int]:
    """Mark overdue dossiers and remind their officers (periodic; idempotent)."""
    report = deadlines_check()
    return {
        "marked_overdue": report.marked_overdue,
        "due_soon_reminders": report.due_soon_reminders,
        "overdue_reminders": report.overdue_reminders,
    }
