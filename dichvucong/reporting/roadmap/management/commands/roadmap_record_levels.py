"""manage.py roadmap_record_levels: record the procedures whose computed level changed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dichvucong.reporting.roadmap.services import annex_entries_link, procedure_levels_record


class Command(BaseCommand):
    help = (
        "Append a level record for every procedure whose computed level changed, and link "
        "annex rows whose code has entered the catalogue."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Annex rows linked to the catalogue: {annex_entries_link()}.")
        self.stdout.write(f"Level records: {procedure_levels_record()} added.")
