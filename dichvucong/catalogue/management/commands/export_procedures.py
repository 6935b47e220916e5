"""manage.py export_procedures: write the catalogue in the national database's JSON shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dichvucong.catalogue.national import version_to_record
from dichvucong.catalogue.selectors import current_versions, procedure_version_detail_qs


class Command(BaseCommand):
    help = "Export the current version of every procedure as national-format JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
        parser.add_argument("--agency", help="only procedures this agency implements (code)")

    def handle(self, *args: Any, output: Path | None, agency: str | None, **options: Any) -> None:
        versions = procedure_version_detail_qs().filter(pk__in=current_versions())
        if agency:
            versions = versions.filter(agencies__code=agency)
        records = [version_to_record(v) for v in versions.order_by("procedure__code")]
        text = json.dumps(records, ensure_ascii=False, indent=1)
        if output:
            output.write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"{len(records)} procedures written to {output}.")
        else:
            self.stdout.write(text)
