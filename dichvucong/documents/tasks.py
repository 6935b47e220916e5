"""Background work of the documents app: tasks pass ids and call services."""

from __future__ import annotations

from celery import shared_task

from .services import document_signature_check


@shared_task(ignore_result=True)
def document_signature_check_task(document_id: int) -> None:
    """Verify the signatures of one uploaded PDF (idempotent)."""
    document_signature_check(document_id=document_id)
