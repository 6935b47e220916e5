"""The outbox: delivery to a partner over HTTP, the acknowledgement's verification,
retries with backoff while the partner is down, refusals, the alert, and the dossier
messages on both sides."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers.actions import ActionRequest, dossier_action_execute
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.dossiers.services import dossier_submit
from dichvucong.interop.exchange import services
from dichvucong.interop.exchange.models import (
    ExchangeDossier,
    ExchangeDossierState,
    MessageType,
    OutboundMessage,
    OutboundState,
    PartnerAgency,
)

from .conftest import LOCAL_RECIPIENT, PARTNER_AGENCY, Env, FakePartner
from .test_inbound import post, send_body

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def dossier(citizen: Any, online_procedure: Procedure) -> Dossier:
    from dichvucong.dossiers.tests.fixtures import EXAMPLE, ID_COPY_FIELD, pdf_upload

    return dossier_submit(
        applicant=citizen,
        procedure=online_procedure,
        form_data=EXAMPLE,
        files={ID_COPY_FIELD: [pdf_upload()]},
        idempotency_key="k1",
    ).dossier


def send(env: Env, dossier: Dossier) -> ExchangeDossier:
    partner_agency = PartnerAgency.objects.select_related("partner", "agency").get(
        agency=env.partner_agency
    )
    return services.exchange_dossier_send(
        dossier=dossier, partner_agency=partner_agency, actor=None, note="Chuyển xử lý"
    )


def deliver(message: OutboundMessage, **kwargs: Any) -> OutboundMessage:
    return services.outbound_message_deliver(message_pk=message.pk, **kwargs)


def test_send_delivers_signed_dossier_and_verifies_the_acknowledgement(
    exchange_env: Env, fake_partner: FakePartner, dossier: Dossier
) -> None:
    link = send(exchange_env, dossier)
    message = OutboundMessage.objects.get()
    assert (message.type, message.state, message.recipient_agency_code) == (
        MessageType.DOSSIER_SEND,
        OutboundState.PENDING,
        PARTNER_AGENCY,
    )
    delivered = deliver(message)
    assert delivered.state == OutboundState.ACKNOWLEDGED
    assert delivered.attempts == 1
    assert delivered.ack_signature == delivered.ack_token.rsplit(".", 1)[1]
    assert delivered.ack_data["result"] == {"dossier_code": "H19.01-261127-0001"}
    sent = fake_partner.received[0]
    assert sent["sender"]["agency"] == dossier.agency.code
    assert sent["body"]["origin"]["dossier_code"] == dossier.code
    assert [d["name"] for d in sent["body"]["documents"]] == ["cccd.pdf"]
    assert sent["body"]["applicant"]["name"] == dossier.applicant_name
    link.refresh_from_db()
    assert (link.state, link.remote_dossier_code) == (
        ExchangeDossierState.RECEIVED,
        "H19.01-261127-0001",
    )
    # Sending the same dossier to the same partner again is the same link, no new message.
    assert send(exchange_env, dossier) == link
    assert OutboundMessage.objects.count() == 1
    # Delivering an acknowledged message again does nothing.
    assert deliver(delivered, force=True).attempts == 1
    assert len(fake_partner.received) == 1
    assert DossierEvent.objects.filter(dossier=dossier, action="exchange_sent").count() == 1


def test_an_acknowledgement_not_signed_by_the_partner_is_not_accepted(
    exchange_env: Env, fake_partner: FakePartner, dossier: Dossier
) -> None:
    fake_partner.ack_signer_dir = exchange_env.local_dir  # signed under another root
    from django.test import override_settings

    from dichvucong.documents import pki

    with override_settings(SIGNING_DIR=exchange_env.local_dir):
        pki.pki_agency_issue(agency=exchange_env.partner_agency)
    send(exchange_env, dossier)
    message = deliver(OutboundMessage.objects.get())
    assert message.state == OutboundState.PENDING
    assert message.ack_token == ""
    assert message.last_error.startswith("acknowledgement:")
    assert ExchangeDossier.objects.get().state == ExchangeDossierState.SENT


def test_partner_down_then_back_delivers_once_with_backoff(
    exchange_env: Env, dossier: Dossier, settings: Any
) -> None:
    send(exchange_env, dossier)
    message = OutboundMessage.objects.get()
    before = timezone.now()
    message = deliver(message)  # nothing listens on port 9
    assert message.state == OutboundState.PENDING
    assert message.attempts == 1
    assert "ConnectionError" in message.last_error
    assert message.next_attempt_at is not None
    assert (
        before + timedelta(seconds=29)
        < message.next_attempt_at
        < timezone.now() + timedelta(seconds=31)
    )
    # Not due yet: the periodic pass leaves it.
    assert services.outbox_process() == {"due": 0, "acknowledged": 0, "alerts": 0}
    assert OutboundMessage.objects.get().attempts == 1
    later = timezone.now() + timedelta(seconds=31)
    assert services.outbound_due_ids(now=later) == [message.pk]
    message = deliver(message, force=True)
    assert message.attempts == 2
    assert message.next_attempt_at is not None
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=59)  # doubled
    assert [services.backoff_seconds(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    settings.EXCHANGE_RETRY_MAX_SECONDS = 100
    assert services.backoff_seconds(10) == 100


def test_a_message_failing_too_long_raises_one_alert(
    exchange_env: Env, dossier: Dossier, settings: Any
) -> None:
    settings.ADMINS = [("Quản trị", "quantri@binhphuoc.gov.vn")]
    send(exchange_env, dossier)
    message = deliver(OutboundMessage.objects.get())
    assert services.outbound_alerts_raise() == []
    OutboundMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(minutes=61)
    )
    alerted = services.outbound_alerts_raise()
    assert [m.pk for m in alerted] == [message.pk]
    assert OutboundMessage.objects.get().alerted_at is not None
    assert len(mail.outbox) == 1
    assert str(message.message_id) in mail.outbox[0].body
    assert services.outbound_alerts_raise() == []  # once
    assert len(mail.outbox) == 1


def test_unknown_procedure_refusal_is_recorded_on_the_origin_dossier(
    exchange_env: Env, fake_partner: FakePartner, dossier: Dossier
) -> None:
    fake_partner.answers.append(
        (422, {"error": "unknown_procedure", "detail": "procedure X is not in the catalogue"})
    )
    link = send(exchange_env, dossier)
    message = deliver(OutboundMessage.objects.get())
    assert (message.state, message.refusal_code) == (OutboundState.FAILED, "unknown_procedure")
    assert message.alerted_at is not None
    link.refresh_from_db()
    assert (link.state, link.refusal_code, link.refusal_reason) == (
        ExchangeDossierState.REFUSED,
        "unknown_procedure",
        "procedure X is not in the catalogue",
    )
    event = DossierEvent.objects.get(dossier=dossier, action="exchange_refused")
    assert event.comment == "procedure X is not in the catalogue"
    # A failed message is not retried by the periodic pass.
    assert services.outbound_due_ids(now=timezone.now() + timedelta(days=1)) == []


def test_server_error_is_retried_then_acknowledged(
    exchange_env: Env, fake_partner: FakePartner, dossier: Dossier
) -> None:
    fake_partner.answers.append((503, {"error": "unavailable", "detail": "busy"}))
    send(exchange_env, dossier)
    message = deliver(OutboundMessage.objects.get())
    assert message.state == OutboundState.PENDING
    assert message.last_error == "HTTP 503 unavailable: busy"
    message = deliver(message, force=True)
    assert (message.state, message.attempts) == (OutboundState.ACKNOWLEDGED, 2)
    # Each attempt was signed afresh with the same message id.
    ids = {m["message_id"] for m in fake_partner.received}
    assert ids == {str(message.message_id)}
    assert len(fake_partner.received) == 2


def test_status_and_result_from_the_partner_are_applied_once(
    client: Any, exchange_env: Env, fake_partner: FakePartner, dossier: Dossier
) -> None:
    link = send(exchange_env, dossier)
    deliver(OutboundMessage.objects.get())
    status_token = exchange_env.token(
        type=MessageType.DOSSIER_STATUS,
        recipient={"installation": "dvc-h10", "agency": dossier.agency.code},
        body={
            "origin_message_id": str(link.origin_message_id),
            "dossier_code": "H19.01-261127-0001",
            "status": "processing",
            "action": "assign",
            "action_name": "Phân công xử lý",
            "at": timezone.now().isoformat(),
        },
    )
    assert post(client, status_token).status_code == 200
    event = DossierEvent.objects.get(dossier=dossier, action="exchange_status")
    assert event.data["remote_status"] == "processing"
    assert "Phân công xử lý" in event.comment
    body = send_body(dossier.procedure)  # reuse its document
    result_id = str(uuid.uuid4())
    result_body = {
        "origin_message_id": str(link.origin_message_id),
        "dossier_code": "H19.01-261127-0001",
        "outcome": "done",
        "comment": "Đã cấp phiếu.",
        "documents": body["documents"],
    }
    result_token = exchange_env.token(
        message_id=result_id,
        type=MessageType.DOSSIER_RESULT,
        recipient={"installation": "dvc-h10", "agency": dossier.agency.code},
        body=result_body,
    )
    assert post(client, result_token).status_code == 200
    assert post(client, result_token).json()["replay"] is True
    # Another result message for the same dossier: acknowledged, not applied again.
    second = exchange_env.token(
        type=MessageType.DOSSIER_RESULT,
        recipient={"installation": "dvc-h10", "agency": dossier.agency.code},
        body=result_body,
    )
    assert post(client, second).status_code == 200
    results = DossierEvent.objects.filter(dossier=dossier, action="exchange_result")
    assert results.count() == 1
    assert [a.original_name for a in results.get().attachments.all()] == ["cccd.pdf"]
    link.refresh_from_db()
    assert (link.state, link.outcome) == (ExchangeDossierState.RETURNED, "done")


def test_a_received_dossier_reports_its_changes_and_result_to_the_origin(
    client: Any, exchange_env: Env, online_procedure: Procedure, officers: dict[str, Any]
) -> None:
    token = exchange_env.token(type=MessageType.DOSSIER_SEND, body=send_body(online_procedure))
    assert post(client, token).status_code == 200
    received = Dossier.objects.get()
    assert OutboundMessage.objects.count() == 0  # the reception itself is the acknowledgement
    dossier_action_execute(
        dossier=received,
        actor=officers["reception"],
        request=ActionRequest(action="refuse", comment="Không thuộc thẩm quyền."),
    )
    messages = list(OutboundMessage.objects.order_by("pk"))
    assert [m.type for m in messages] == [MessageType.DOSSIER_STATUS, MessageType.DOSSIER_RESULT]
    assert all(m.sender_agency.code == LOCAL_RECIPIENT for m in messages)
    assert all(m.recipient_agency_code == PARTNER_AGENCY for m in messages)
    assert messages[0].body["status"] == "denied"
    assert messages[1].body["outcome"] == "denied"
    assert messages[1].body["comment"] == "Không thuộc thẩm quyền."
    assert messages[1].body["origin_dossier_code"] == "H19.01-261127-0007"
    assert ExchangeDossier.objects.get().state == ExchangeDossierState.RETURNED
