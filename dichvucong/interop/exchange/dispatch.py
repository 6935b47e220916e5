"""The seam with inter-agency legs (`dichvucong.interop.remote`): a leg whose target
agency is hosted by a partner installation is sent through the exchange API."""

from __future__ import annotations

from typing import Any

from dichvucong.organizations.models import Agency

from .models import PartnerAgency


class ExchangeDispatcher:
    """Send legs to agencies hosted by an enabled partner as `dossier.send` messages."""

    def handles(self, agency: Agency) -> bool:
        return PartnerAgency.objects.filter(agency=agency, partner__enabled=True).exists()

    def dispatch(self, leg: Any) -> None:
        from .services import exchange_dossier_send

        partner_agency = PartnerAgency.objects.select_related("partner", "agency").get(
            agency_id=leg.to_agency_id
        )
        exchange_dossier_send(
            dossier=leg.dossier,
            partner_agency=partner_agency,
            actor=None,
            sender_agency=leg.from_agency,
            note=leg.request_note,
            leg_id=leg.pk,
            due_at=leg.due_at,
        )


dispatcher = ExchangeDispatcher()


def register() -> None:
    """Register the dispatcher with the interop app."""
    from dichvucong.interop.remote import remote_dispatcher_register

    remote_dispatcher_register(dispatcher)
