"""Background work of the roadmap: the daily record of computed levels."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def roadmap_levels_record() -> int:
    """Record the procedures whose computed level changed since the last run (periodic).

    Also link the annex rows whose procedure code has entered the catalogue since.
    """
    services.annex_entries_link()
    return services.procedure_levels_record()
