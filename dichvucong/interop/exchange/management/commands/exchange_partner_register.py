"""manage.py exchange_partner_register: register (or update) a partner installation.

    manage.py exchange_partner_register dvc-h19 --name "Tỉnh Đồng Nai" \
        --url https://dichvucong.dongnai.gov.vn --certificate dongnai-root.pem \
        --agency 000.00.01.H19 --type dossier.send --type dossier.status --type dossier.result

The agencies are local rows standing for the partner's agencies (they must exist here).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dichvucong.interop.exchange.models import MessageType
from dichvucong.interop.exchange.services import partner_register


class Command(BaseCommand):
    help = "Register a partner installation with its certificates, agencies and message types."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="the partner's installation id")
        parser.add_argument("--name", required=True)
        parser.add_argument("--url", required=True, help="the partner's base address")
        parser.add_argument(
            "--certificate", required=True, action="append", help="PEM file (repeatable)"
        )
        parser.add_argument("--agency", required=True, action="append", help="agency code")
        parser.add_argument(
            "--type",
            action="append",
            choices=MessageType.values,
            help="message type the partner may send (default: all)",
        )
        parser.add_argument("--disabled", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        pem = "".join(Path(p).read_text() for p in options["certificate"])
        try:
            partner = partner_register(
                code=options["code"],
                name=options["name"],
                base_url=options["url"],
                certificates=pem,
                message_types=options["type"] or list(MessageType.values),
                agency_codes=options["agency"],
                enabled=not options["disabled"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Partner {partner.code} registered ({partner.agencies.count()} agencies)."
        )
