"""Load a workflow from its YAML document (the default one when no file is given)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from dichvucong.catalogue.models import Procedure
from dichvucong.organizations.models import Agency
from dichvucong.workflows.definition import DefinitionError, parse_yaml
from dichvucong.workflows.services import workflow_import, workflow_procedures_set

DEFAULT = Path(__file__).resolve().parents[2] / "data" / "default.yaml"


class Command(BaseCommand):
    help = "Create or update a workflow from a YAML document, and bind procedures to it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(DEFAULT), help="YAML document")
        parser.add_argument("--agency", default="", help="Agency code (omit: province-wide)")
        parser.add_argument(
            "--procedure", action="append", default=[], help="Procedure code to bind (repeat)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = Path(options["path"]).read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(str(error)) from None
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(f"No agency with code {options['agency']}.")
        procedures = list(Procedure.objects.filter(code__in=options["procedure"]))
        missing = set(options["procedure"]) - {p.code for p in procedures}
        if missing:
            raise CommandError(f"No procedure with code {', '.join(sorted(missing))}.")
        try:
            with transaction.atomic():
                workflow = workflow_import(spec=parse_yaml(text), agency=agency)
                if procedures:
                    workflow_procedures_set(
                        workflow=workflow,
                        procedures={*workflow.procedures.all(), *procedures},
                    )
        except DefinitionError as error:
            raise CommandError("\n".join(error.errors)) from None
        self.stdout.write(
            f"Workflow {workflow.code}: {workflow.states.count()} states, "
            f"{workflow.actions.count()} actions, {workflow.procedures.count()} procedures."
        )
