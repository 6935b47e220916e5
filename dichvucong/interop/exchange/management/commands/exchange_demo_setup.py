"""manage.py exchange_demo_setup: the least an installation needs to take part in an
exchange demo or test: the demo province's units and agencies, its procedures, the demo
officers and the PKI (a root and every agency's key). Much lighter than load_demo (no
generated forms, e-forms, history). Idempotent. `--root-out FILE` writes this
installation's root certificate, to register it as a partner elsewhere."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dichvucong.catalogue.services import procedures_import
from dichvucong.demo.services import (
    DATA_DIR,
    PROCEDURE_FILES,
    demo_officers_load,
    organizations_load,
)
from dichvucong.documents import pki
from dichvucong.organizations.models import Agency


class Command(BaseCommand):
    help = "Load the minimal data for the exchange demo (units, agencies, procedures, PKI)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--root-out", help="write this installation's root CA (PEM) here")
        parser.add_argument(
            "--procedure", action="append", help="import only this procedure (repeatable)"
        )
        parser.add_argument(
            "--agency", action="append", help="issue keys only to this agency (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organizations = json.loads((DATA_DIR / "organizations.json").read_text(encoding="utf-8"))
        units, agencies = organizations_load(organizations)
        created = 0
        only = set(options.get("procedure") or [])
        for name in PROCEDURE_FILES:
            path = DATA_DIR / name
            if not path.exists():
                continue
            records = json.loads(path.read_text(encoding="utf-8"))
            if only:
                records = [r for r in records if r.get("MATTHC") in only]
            if records:
                created += procedures_import(data=records).created
        officers = demo_officers_load(DATA_DIR / "officers.json")
        if options.get("agency"):
            keys = int(pki.pki_root_init().created)
            for agency in Agency.objects.filter(code__in=options["agency"]):
                keys += int(pki.pki_agency_issue(agency=agency).created)
        else:
            keys = len(pki.pki_ensure_demo())
        self.stdout.write(
            f"Exchange demo: {units} units, {agencies} agencies, {created} procedures, "
            f"{officers} officer changes, {keys} keys created."
        )
        if options.get("root_out"):
            Path(options["root_out"]).write_bytes(pki.root_cert_path().read_bytes())
