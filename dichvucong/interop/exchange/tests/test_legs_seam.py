"""The seam with inter-agency legs: a leg sent to an agency hosted by a partner goes out
as `dossier.send`; the partner's status updates and result come back on the leg."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from dichvucong.documents import pki
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.interop.exchange import services
from dichvucong.interop.exchange.dispatch import dispatcher
from dichvucong.interop.exchange.models import (
    ExchangeDossier,
    ExchangeDossierState,
    MessageType,
    OutboundMessage,
    OutboundState,
)
from dichvucong.interop.models import Leg
from dichvucong.interop.remote import remote_dispatcher_for
from dichvucong.interop.tests.conftest import (  # noqa: F401 (fixtures)
    DEPARTMENT,
    DISTRICT,
    act,
    examining,
    participants,
    people,
)

from .conftest import PARTNER, PARTNER_AGENCY, Env, FakePartner
from .test_inbound import post, send_body


@pytest.fixture
def department_at_partner(exchange_env: Env, province: dict[str, Any]) -> Env:
    """The Department of Construction lives in the partner installation."""
    with override_settings(SIGNING_DIR=exchange_env.partner_dir):
        pki.pki_agency_issue(agency=province[DEPARTMENT])
    services.partner_register(
        code=PARTNER,
        name=exchange_env.partner.name,
        base_url=exchange_env.partner.base_url,
        certificates=exchange_env.partner.certificates,
        message_types=list(MessageType.values),
        agency_codes=[PARTNER_AGENCY, DEPARTMENT],
    )
    return exchange_env


def test_a_leg_to_a_partner_agency_goes_out_and_comes_back(
    client: Any,
    department_at_partner: Env,
    fake_partner: FakePartner,
    examining: Dossier,  # noqa: F811 (the legs fixture)
    people: dict[str, Any],  # noqa: F811
    province: dict[str, Any],
) -> None:
    env = department_at_partner
    assert remote_dispatcher_for(province[DEPARTMENT]) is dispatcher
    assert remote_dispatcher_for(province[DISTRICT]) is None
    act(examining, people["specialist"], "send_to_agency", extra={"agency": province[DISTRICT].pk})
    act(examining, people["district"], "send_to_agency", extra={"agency": province[DEPARTMENT].pk})
    leg = Leg.objects.get(to_agency=province[DEPARTMENT])
    assert leg.remote is True
    link = ExchangeDossier.objects.get()
    assert (link.leg_id, link.local_agency.code, link.remote_agency_code) == (
        leg.pk,
        DISTRICT,
        DEPARTMENT,
    )
    message = services.outbound_message_deliver(message_pk=OutboundMessage.objects.get().pk)
    assert message.state == OutboundState.ACKNOWLEDGED
    sent = fake_partner.received[0]
    assert sent["sender"]["agency"] == DISTRICT
    assert parse_datetime(sent["body"]["due_at"]) == leg.due_at

    recipient = {"installation": "dvc-h10", "agency": DISTRICT}
    sender = {"installation": PARTNER, "agency": DEPARTMENT}
    common = {"origin_message_id": str(link.origin_message_id), "dossier_code": "H19-0001"}
    status = env.token(
        type=MessageType.DOSSIER_STATUS,
        sender=sender,
        recipient=recipient,
        signer=DEPARTMENT,
        body={
            **common,
            "status": "processing",
            "action_name": "Phân công xử lý",
            "at": timezone.now().isoformat(),
        },
    )
    assert post(client, status).status_code == 200
    assert examining.events.filter(action="leg_progress").count() == 1
    result = env.token(
        message_id=str(uuid.uuid4()),
        type=MessageType.DOSSIER_RESULT,
        sender=sender,
        recipient=recipient,
        signer=DEPARTMENT,
        body={
            **common,
            "outcome": "done",
            "comment": "Đồng ý",
            "documents": send_body(examining.procedure)["documents"],
        },
    )
    assert post(client, result).status_code == 200
    assert post(client, result).json()["replay"] is True
    leg.refresh_from_db()
    assert (leg.state, leg.outcome, leg.answer) == ("returned", "approved", "Đồng ý")
    returned = DossierEvent.objects.get(dossier=examining, action="return_to_sender")
    assert [a.original_name for a in returned.attachments.all()] == ["cccd.pdf"]
    link.refresh_from_db()
    assert link.state == ExchangeDossierState.RETURNED
