"""Writes of the documents app: the signature checks of uploaded PDFs."""

from __future__ import annotations

import hashlib
import logging

from django.db import transaction
from django.utils import timezone

from dichvucong.core.background import queue_after_commit
from dichvucong.dossiers.models import DocumentKind, DossierDocument

from .models import DocumentSignatureCheck, finding_to_json
from .verification import pdf_verify

logger = logging.getLogger(__name__)

PDF_KINDS = (DocumentKind.PDF, DocumentKind.SIGNED_PDF)


def document_signature_check(*, document_id: int) -> DocumentSignatureCheck | None:
    """Verify the signatures of an uploaded PDF and store the result; idempotent.

    Return the check (the existing one when the file was already checked), or None when
    the document is gone or is not a PDF.
    """
    document = DossierDocument.objects.filter(pk=document_id, kind__in=PDF_KINDS).first()
    if document is None:
        return None
    existing = DocumentSignatureCheck.objects.filter(document_id=document_id).first()
    if existing is not None and existing.sha256 == document.sha256:
        return existing
    with document.file.open("rb") as handle:
        content = handle.read()
    report = pdf_verify(pdf=content)
    values = {
        "status": report.status.value,
        "message": report.message[:300],
        "signatures": [finding_to_json(f) for f in report.signatures],
        "sha256": hashlib.sha256(content).hexdigest(),
        "checked_at": timezone.now(),
    }
    with transaction.atomic():
        check, created = DocumentSignatureCheck.objects.select_for_update().get_or_create(
            document_id=document_id, defaults=values
        )
        if not created:
            for name, value in values.items():
                setattr(check, name, value)
        check.full_clean(exclude=["document"])
        check.save()
    return check


def dossier_signature_checks_queue(*, document_ids: list[int]) -> None:
    """Queue the checks of these documents once the current transaction commits."""
    if not document_ids:
        return
    from .tasks import document_signature_check_task  # the task module imports this one

    for document_id in document_ids:
        queue_after_commit(document_signature_check_task, document_id)
