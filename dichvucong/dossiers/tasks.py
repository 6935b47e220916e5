"""Background work of the dossiers app: tasks pass ids and call services."""

from __future__ import annotations

from celery import shared_task

from .models import DossierEvent
from .services import dossier_event_notify as notify_event


@shared_task
def dossier_event_notify(event_id: int) -> None:
    """Notify the applicant (and an assignee) of a dossier event (idempotent)."""
    event = DossierEvent.objects.select_related(
        "dossier__version", "dossier__agency", "dossier__applicant", "actor"
    ).get(pk=event_id)
    notify_event(event=event)
