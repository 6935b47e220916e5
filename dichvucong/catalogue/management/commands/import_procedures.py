"""manage.py import_procedures FILE: load procedures in the national database's JSON shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dichvucong.catalogue.services import CatalogueImportError, procedures_import


class Command(BaseCommand):
    help = (
        "Import procedures from a JSON file in the national procedure database's shape. "
        "All or nothing: a bad record aborts the import and nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="JSON file (a list of records)")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{file} is not UTF-8 JSON: {exc}") from exc
        try:
            summary = procedures_import(data=data)
        except CatalogueImportError as exc:
            raise CommandError(f"{file}: {exc}. Nothing was imported.") from exc
        self.stdout.write(
            f"{summary.created} created, {summary.updated} updated, {summary.unchanged} unchanged."
        )
