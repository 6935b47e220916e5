"""Background work of electronic results: tasks pass ids and call services."""

from __future__ import annotations

import logging

from celery import Task, shared_task

from .models import IssuedResult, ResultStatus
from .services import issued_result_sign

logger = logging.getLogger(__name__)
MAX_RETRIES = 3


@shared_task(bind=True, max_retries=MAX_RETRIES, ignore_result=True)
def issued_result_sign_task(self: Task, result_id: int) -> None:
    """Render and sign an approved dossier's result (idempotent).

    With a worker, a failure is retried after 1, 2 and 4 minutes; in eager mode (no
    broker) it stays `failed` at once, and an officer retries from the dossier page.
    """
    try:
        result = issued_result_sign(result_id=result_id)
    except IssuedResult.DoesNotExist:
        logger.warning("Result %s no longer exists; nothing to sign.", result_id)
        return
    if result.status == ResultStatus.FAILED and not self.request.is_eager:
        raise self.retry(countdown=60 * 2 ** max(0, result.attempts - 1))
