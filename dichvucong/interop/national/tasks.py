"""Background work of the national synchronisation: tasks pass ids and call services."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def national_sync_deliver(dossier_id: int) -> None:
    """Send one dossier's pending entries in order (idempotent: sent entries stay sent)."""
    services.dossier_sync_deliver(dossier_id=dossier_id)


@shared_task(ignore_result=True)
def national_sync_due() -> dict[str, int]:
    """Retry the entries whose next attempt is due (periodic)."""
    report = services.sync_due_deliver()
    return {"dossiers": report.dossiers, "sent": report.sent, "failed": report.failed}
