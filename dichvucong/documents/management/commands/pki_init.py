"""manage.py pki_init: create the development PKI's root CA (and agencies' certificates)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dichvucong.documents import pki


class Command(BaseCommand):
    help = (
        "Create the province's development root CA under SIGNING_DIR (unchanged when it "
        "exists, unless --force); with --agencies, also every missing agency certificate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace an existing root (every certificate issued under it stops validating)",
        )
        parser.add_argument(
            "--agencies", action="store_true", help="also issue every missing agency certificate"
        )

    def handle(self, *args: Any, force: bool, agencies: bool, **options: Any) -> None:
        root = pki.pki_root_init(force=force)
        subject = root.certificate.subject.rfc4514_string()
        if root.created:
            self.stdout.write(f"Root CA created: {subject} ({root.cert_path})")
        else:
            self.stdout.write(f"Root CA exists, unchanged (--force replaces it): {root.cert_path}")
        if agencies:
            issued = [i for i in pki.pki_ensure_demo() if i.cert_path != root.cert_path]
            self.stdout.write(f"{len(issued)} agency certificates issued.")
