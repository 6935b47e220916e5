"""The exchange API in the demo: one partner installation, Đồng Nai's one-stop system,
hosting its Department of Justice (docs/exchange.md).

The demo has no second installation running, so the partner is a stand-in: it trusts
this installation's root (as two provinces under one government CA would) and its
address answers nothing, so a dossier sent there waits in the outbox and, after an hour,
raises the alert the administrators see in the admin (Hộp thư đi). Two real
installations exchanging are shown by tests/integration/ (`manage.py
exchange_demo_setup`, `exchange_partner_register`). Run after the PKI exists.
"""

from __future__ import annotations

from dichvucong.documents import pki
from dichvucong.interop.exchange.models import MessageType, Partner
from dichvucong.interop.exchange.services import partner_register
from dichvucong.organizations.models import AgencyKind, UnitKind
from dichvucong.organizations.services import administrative_unit_upsert, agency_upsert

DEMO_PARTNER = "dichvucong-h19-thu-nghiem"
DEMO_PARTNER_AGENCY = "000.00.01.H19"


def demo_exchange_load() -> int:
    """Register the demo partner and its agency; return how many changes were made."""
    changed = 0
    _unit, unit_changed = administrative_unit_upsert(code="75", name="Đồng Nai", kind=UnitKind.TINH)
    _agency, agency_changed = agency_upsert(
        code=DEMO_PARTNER_AGENCY,
        name="Sở Tư pháp tỉnh Đồng Nai",
        kind=AgencyKind.DEPARTMENT,
        administrative_unit_code="75",
    )
    changed += int(unit_changed) + int(agency_changed)
    roots = pki.trust_roots_pem().decode()
    existing = Partner.objects.filter(code=DEMO_PARTNER).first()
    if existing is None or existing.certificates != roots:
        partner_register(
            code=DEMO_PARTNER,
            name="Hệ thống một cửa điện tử tỉnh Đồng Nai (thử nghiệm)",
            base_url="http://127.0.0.1:9",
            certificates=roots,
            message_types=list(MessageType.values),
            agency_codes=[DEMO_PARTNER_AGENCY],
        )
        changed += 1
    return changed
