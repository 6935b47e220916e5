"""The inbound endpoint: what it applies once, and every refusal (logged, nothing applied)."""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers.models import Dossier, DossierEvent, DossierStatus
from dichvucong.interop.exchange import jws
from dichvucong.interop.exchange.models import (
    ExchangeDirection,
    ExchangeDossier,
    InboundMessage,
    InboundState,
    MessageType,
)

from .conftest import HERE, LOCAL_RECIPIENT, LOCAL_SENDER, PARTNER, PARTNER_AGENCY, Env

URL = "/exchange/v1/messages/"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%" + b"x" * 300 + b"\n%%EOF\n"


def post(client: Any, token: str) -> Any:
    return client.post(URL, data=token, content_type="application/jose")


def send_body(procedure: Procedure, *, code: str | None = None) -> dict[str, Any]:
    return {
        "origin": {"dossier_code": "H19.01-261127-0007", "agency": PARTNER_AGENCY},
        "procedure": {"code": code or procedure.code, "name": "Cấp Phiếu lý lịch tư pháp"},
        "case": None,
        "applicant": {
            "name": "Lê Thị Hoa",
            "id_number": "075190001234",
            "phone": "0913000111",
            "email": "hoa@example.vn",
            "address": "Biên Hòa, Đồng Nai",
        },
        "form_data": {"ho_ten": "Lê Thị Hoa", "muc_dich": "Xin việc"},
        "note": "Đề nghị cấp phiếu.",
        "documents": [
            {
                "name": "cccd.pdf",
                "kind": "pdf",
                "requirement": "Bản sao CCCD",
                "size": len(PDF),
                "sha256": hashlib.sha256(PDF).hexdigest(),
                "content": base64.b64encode(PDF).decode(),
            }
        ],
    }


def local_anchors(env: Env) -> tuple[Any, ...]:
    return jws.anchors_from_pem((env.local_dir / "root.pem").read_text())


def test_dossier_send_is_applied_once_and_acknowledged_with_a_signature(
    client: Any, exchange_env: Env, online_procedure: Procedure
) -> None:
    message_id = str(uuid.uuid4())
    token = exchange_env.token(
        message_id=message_id, type=MessageType.DOSSIER_SEND, body=send_body(online_procedure)
    )
    response = post(client, token)
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["status"] == "acknowledged"
    assert answer["message_id"] == message_id
    ack = jws.verify(token=answer["acknowledgement"], anchors=local_anchors(exchange_env))
    assert ack.agency_code == LOCAL_RECIPIENT
    dossier = Dossier.objects.get()
    assert ack.payload["message_id"] == message_id
    assert ack.payload["result"] == {"dossier_code": dossier.code}
    assert ack.payload["recipient"] == {"installation": PARTNER, "agency": PARTNER_AGENCY}
    assert dossier.agency.code == LOCAL_RECIPIENT
    assert dossier.status == DossierStatus.RECEIVING
    assert dossier.applicant_id is None
    assert dossier.applicant_name == "Lê Thị Hoa"
    assert dossier.form_data == {"ho_ten": "Lê Thị Hoa", "muc_dich": "Xin việc"}
    event = DossierEvent.objects.get(dossier=dossier)
    assert event.action == "exchange_received"
    assert event.data["origin_dossier"] == "H19.01-261127-0007"
    assert [a.original_name for a in event.attachments.all()] == ["cccd.pdf"]
    logged = InboundMessage.objects.get()
    assert (logged.state, logged.message_id, logged.dossier) == (
        InboundState.APPLIED,
        uuid.UUID(message_id),
        dossier,
    )
    assert logged.signature == token.rsplit(".", 1)[1]
    assert logged.token == token
    link = ExchangeDossier.objects.get()
    assert (link.direction, link.remote_dossier_code) == (
        ExchangeDirection.INCOMING,
        "H19.01-261127-0007",
    )

    # The same message again (a retry after a lost answer): the same acknowledgement.
    again = post(client, token)
    assert again.status_code == 200
    assert again.json()["replay"] is True
    assert again.json()["acknowledgement"] == answer["acknowledgement"]
    # ... and re-signed with a new timestamp (the sender's retries do that): still a replay.
    resigned = exchange_env.token(
        message_id=message_id, type=MessageType.DOSSIER_SEND, body=send_body(online_procedure)
    )
    assert post(client, resigned).json()["acknowledgement"] == answer["acknowledgement"]
    assert Dossier.objects.count() == 1
    assert InboundMessage.objects.count() == 1


def refused(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] == code
    assert body["detail"]
    return body


def test_reused_message_id_with_other_content_is_refused(
    client: Any, exchange_env: Env, online_procedure: Procedure
) -> None:
    message_id = str(uuid.uuid4())
    body = send_body(online_procedure)
    assert (
        post(
            client, exchange_env.token(message_id=message_id, type="dossier.send", body=body)
        ).status_code
        == 200
    )
    body["note"] = "Nội dung khác"
    response = post(
        client, exchange_env.token(message_id=message_id, type="dossier.send", body=body)
    )
    refused(response, 409, "replay_mismatch")
    assert Dossier.objects.count() == 1
    log = InboundMessage.objects.get(state=InboundState.REFUSED)
    assert (log.error_code, log.message_id) == ("replay_mismatch", uuid.UUID(message_id))


def test_bad_signature_is_refused(
    client: Any, exchange_env: Env, online_procedure: Procedure
) -> None:
    # Signed with a key of our own PKI (not the partner's root) while claiming the partner.
    token = exchange_env.token(
        type="dossier.send",
        body=send_body(online_procedure),
        signer=LOCAL_SENDER,
        signer_dir=exchange_env.local_dir,
    )
    body = refused(post(client, token), 401, "bad_signature")
    assert "chain" in body["detail"]
    # A genuine token whose payload was swapped for another.
    genuine = exchange_env.token(type="ping")
    other = exchange_env.token(type="dossier.send", body=send_body(online_procedure))
    header, _payload, signature = genuine.split(".")
    tampered = ".".join([header, other.split(".")[1], signature])
    refused(post(client, tampered), 401, "bad_signature")
    assert Dossier.objects.count() == 0
    assert list(InboundMessage.objects.values_list("state", "error_code")) == [
        ("refused", "bad_signature"),
        ("refused", "bad_signature"),
    ]
    assert all(m.signature for m in InboundMessage.objects.all())


def test_unknown_partner_and_unregistered_agency_are_refused(
    client: Any, exchange_env: Env
) -> None:
    token = exchange_env.token(sender={"installation": "dvc-h99", "agency": PARTNER_AGENCY})
    refused(post(client, token), 403, "unknown_partner")
    token = exchange_env.token(sender={"installation": PARTNER, "agency": LOCAL_SENDER})
    refused(post(client, token), 403, "unknown_partner")
    exchange_env.partner.enabled = False
    exchange_env.partner.save(update_fields=["enabled"])
    refused(post(client, exchange_env.token()), 403, "unknown_partner")
    assert InboundMessage.objects.filter(state="refused", error_code="unknown_partner").count() == 3
    assert not InboundMessage.objects.filter(state="applied").exists()


def test_type_not_allowed_for_the_partner_is_refused(
    client: Any, exchange_env: Env, online_procedure: Procedure
) -> None:
    exchange_env.partner.message_types = ["dossier.status", "dossier.result"]
    exchange_env.partner.save(update_fields=["message_types"])
    token = exchange_env.token(type="dossier.send", body=send_body(online_procedure))
    refused(post(client, token), 403, "not_allowed")
    assert Dossier.objects.count() == 0


def test_stale_timestamp_is_refused(client: Any, exchange_env: Env) -> None:
    old = (datetime.now(tz=UTC) - timedelta(minutes=6)).isoformat()
    refused(post(client, exchange_env.token(timestamp=old)), 400, "stale")
    future = (datetime.now(tz=UTC) + timedelta(minutes=6)).isoformat()
    refused(post(client, exchange_env.token(timestamp=future)), 400, "stale")
    assert post(client, exchange_env.token()).status_code == 200


def test_unknown_procedure_is_refused_with_the_reason(
    client: Any, exchange_env: Env, online_procedure: Procedure
) -> None:
    token = exchange_env.token(
        type="dossier.send", body=send_body(online_procedure, code="9.999999.000.00.00.H19")
    )
    body = refused(post(client, token), 422, "unknown_procedure")
    assert "9.999999.000.00.00.H19" in body["detail"]
    assert Dossier.objects.count() == 0
    assert ExchangeDossier.objects.count() == 0


def test_malformed_messages_are_refused_as_invalid(client: Any, exchange_env: Env) -> None:
    refused(post(client, "not-a-jws"), 400, "invalid")
    refused(post(client, exchange_env.token(idempotency="other")), 400, "invalid")
    refused(post(client, exchange_env.token(type="dossier.unknown")), 400, "invalid")
    wrong_recipient = {"installation": "dvc-h11", "agency": LOCAL_RECIPIENT}
    refused(post(client, exchange_env.token(recipient=wrong_recipient)), 400, "invalid")
    response = client.post(URL, data="{}", content_type="application/json")
    assert response.status_code == 415
    assert InboundMessage.objects.filter(state="refused", error_code="invalid").count() == 4
    assert HERE == "dvc-h10"


@pytest.mark.parametrize("field", ["sha256", "content"])
def test_document_that_does_not_match_its_hash_is_refused(
    client: Any, exchange_env: Env, online_procedure: Procedure, field: str
) -> None:
    body = send_body(online_procedure)
    body["documents"][0][field] = "0" * 64 if field == "sha256" else base64.b64encode(b"x").decode()
    refused(post(client, exchange_env.token(type="dossier.send", body=body)), 400, "invalid")
    assert Dossier.objects.count() == 0


def test_too_large_message_is_refused_before_reading_it_all(
    client: Any, exchange_env: Env, settings: Any
) -> None:
    settings.EXCHANGE_MAX_MESSAGE_BYTES = 200
    response = post(client, exchange_env.token(body={"filler": "x" * 300}))
    assert response.status_code == 413
    assert response.json()["error"] == "invalid"
    assert not InboundMessage.objects.filter(state="applied").exists()


def test_recipient_without_a_key_answers_unavailable_and_applies_nothing(
    client: Any, exchange_env: Env, online_procedure: Procedure
) -> None:
    key = exchange_env.local_dir / "agencies" / f"{LOCAL_RECIPIENT}.key"
    saved = key.read_bytes()
    key.unlink()
    try:
        token = exchange_env.token(type="dossier.send", body=send_body(online_procedure))
        refused(post(client, token), 503, "unavailable")
    finally:
        key.write_bytes(saved)
    assert Dossier.objects.count() == 0
    assert post(client, token).status_code == 200  # the sender's retry, once the key is back
    assert Dossier.objects.count() == 1
