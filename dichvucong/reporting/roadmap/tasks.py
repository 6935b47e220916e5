"""Background work of the roadmap: the daily record of computed levels."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def roadmap_levels_record() -> int:
    """Record the procedures whose computed level changed since the last run (periodic)."""
    return services.procedure_levels_record()
