"""manage.py roadmap_import_annex <plan> <file.xlsx>: import a plan's annex list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dichvucong.reporting.roadmap.models import Plan
from dichvucong.reporting.roadmap.services import AnnexImportError, annex_import_xlsx


class Command(BaseCommand):
    help = "Import a roadmap plan's annex list from an Excel file (all rows or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", help="the plan's slug, e.g. bp-409-2015")
        parser.add_argument("file", type=Path, help="the .xlsx file")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete the plan's annex rows that the file does not list",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            plan = Plan.objects.get(slug=options["plan"])
        except Plan.DoesNotExist:
            raise CommandError(f"No plan {options['plan']!r}.") from None
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        try:
            summary = annex_import_xlsx(plan=plan, content=content, replace=options["replace"])
        except AnnexImportError as error:
            for row_error in error.errors:
                self.stderr.write(str(row_error))
            raise CommandError(f"{len(error.errors)} error(s); nothing imported.") from None
        self.stdout.write(
            f"Annex of {plan.slug}: {summary.created} created, {summary.updated} updated, "
            f"{summary.unchanged} unchanged, {summary.deleted} deleted."
        )
