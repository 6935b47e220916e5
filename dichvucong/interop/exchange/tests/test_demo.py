"""The demo's partner (demo/exchange.py) and the partner registration's checks."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from dichvucong.demo.exchange import DEMO_PARTNER, DEMO_PARTNER_AGENCY, demo_exchange_load
from dichvucong.interop.exchange.dispatch import dispatcher
from dichvucong.interop.exchange.models import Partner
from dichvucong.interop.exchange.services import partner_register
from dichvucong.organizations.models import Agency

from .conftest import Env


def test_demo_partner_is_loaded_once(exchange_env: Env) -> None:
    assert demo_exchange_load() == 3  # the unit, the agency, the partner
    assert demo_exchange_load() == 0
    partner = Partner.objects.get(code=DEMO_PARTNER)
    assert list(partner.agencies.values_list("agency__code", flat=True)) == [DEMO_PARTNER_AGENCY]
    assert partner.enabled
    assert dispatcher.handles(Agency.objects.get(code=DEMO_PARTNER_AGENCY))
    assert not dispatcher.handles(Agency.objects.get(code="000.00.20.H10"))


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("certificates", {"certificates": "-----BEGIN CERTIFICATE-----\nxx\n"}),
        ("message_types", {"message_types": ["dossier.delete"]}),
        ("agency_codes", {"agency_codes": ["999.99.99.H99"]}),
    ],
)
def test_partner_registration_refuses_bad_input(
    exchange_env: Env, field: str, values: dict[str, Any]
) -> None:
    arguments: dict[str, Any] = {
        "code": "dvc-h20",
        "name": "Tỉnh Bình Dương",
        "base_url": "https://dichvucong.binhduong.example",
        "certificates": exchange_env.partner.certificates,
        "message_types": ["dossier.send"],
        "agency_codes": ["000.00.01.H19"],
    }
    arguments.update(values)
    with pytest.raises(ValidationError) as caught:
        partner_register(**arguments)
    assert list(caught.value.message_dict) == [field]
    assert not Partner.objects.filter(code="dvc-h20").exists()
