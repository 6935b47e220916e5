"""manage.py pki_issue CODE: issue an agency's signing certificate under the root CA."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dichvucong.documents import pki
from dichvucong.organizations.models import Agency


class Command(BaseCommand):
    help = (
        "Issue the signing certificate of the agency with this code (unchanged when it has "
        "one, unless --force). The root CA must exist (manage.py pki_init)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="the agency's code, e.g. 000.00.20.H10")
        parser.add_argument("--force", action="store_true", help="replace an existing key")

    def handle(self, *args: Any, code: str, force: bool, **options: Any) -> None:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise CommandError(f"no agency with code {code!r}")
        try:
            issued = pki.pki_agency_issue(agency=agency, force=force)
        except pki.PkiError as exc:
            raise CommandError(str(exc)) from exc
        if issued.created:
            subject = issued.certificate.subject.rfc4514_string()
            self.stdout.write(f"Certificate issued: {subject} ({issued.cert_path})")
        else:
            self.stdout.write(
                f"{agency.code} has a certificate, unchanged (--force replaces it): "
                f"{issued.cert_path}"
            )
