"""manage.py load_demo: load the Bình Phước demo data (safe to run again)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dichvucong.demo.exchange import demo_exchange_load
from dichvucong.demo.history import history_arguments_add, history_command_run
from dichvucong.demo.interop import demo_interop_load
from dichvucong.demo.payments import demo_payments_load
from dichvucong.demo.periodic_reports import demo_periodic_reports_load
from dichvucong.demo.results import demo_results_load
from dichvucong.demo.roadmap import demo_roadmap_load
from dichvucong.demo.service_quality import demo_service_quality_load
from dichvucong.demo.services import demo_load
from dichvucong.documents.pki import pki_ensure_demo


class Command(BaseCommand):
    help = "Load the Bình Phước demo province: units, agencies, procedures, form files."

    def add_arguments(self, parser: CommandParser) -> None:
        history_arguments_add(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        summary = demo_load()
        self.stdout.write(
            f"Demo data: {summary.units_changed} units and {summary.agencies_changed} agencies "
            f"created or changed, {summary.procedures_created} procedures created, "
            f"{summary.procedures_updated} updated, {summary.forms_generated} form files "
            f"generated, {summary.eforms_changed} e-form changes, "
            f"{summary.accounts_changed} demo account changes, "
            f"{summary.officers_changed} demo officer changes, "
            f"{summary.dossiers_created} demo dossiers created."
        )
        self.stdout.write(f"Online payment: {demo_payments_load()} demo changes.")
        # The development PKI (docs/signing.md), so that forms and results come signed.
        self.stdout.write(f"Signing keys: {len(pki_ensure_demo())} created.")
        self.stdout.write(f"Electronic results: {demo_results_load()} demo changes.")
        self.stdout.write(f"Service quality index: {demo_service_quality_load()} demo changes.")
        self.stdout.write(f"Roadmap (Decision 409/2015): {demo_roadmap_load()} demo changes.")
        self.stdout.write(f"Inter-agency procedures: {demo_interop_load()} demo changes.")
        self.stdout.write(f"Exchange partners: {demo_exchange_load()} demo changes.")
        # Six years of processing history for the statistics (docs/demo-history.md).
        history_command_run(self, options)
        # Periodic reports filed by the agencies (docs/periodic-reports.md), after the history.
        self.stdout.write(f"Periodic reports: {demo_periodic_reports_load()} demo changes.")
