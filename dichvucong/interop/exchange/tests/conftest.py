"""Exchange fixtures: this installation's PKI, a partner installation with its own PKI
(another root), registered as a partner, and a real HTTP server playing that partner."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from django.test import override_settings

from dichvucong.documents import pki
from dichvucong.interop.exchange import jws
from dichvucong.interop.exchange.models import MessageType, Partner
from dichvucong.interop.exchange.services import partner_register
from dichvucong.organizations.models import Agency, AgencyKind
from dichvucong.organizations.services import agency_upsert

HERE = "dvc-h10"
PARTNER = "dvc-h19"
PARTNER_AGENCY = "000.00.01.H19"
LOCAL_SENDER = "000.00.20.H10"  # UBND thị xã Đồng Xoài
LOCAL_RECIPIENT = "000.00.01.H10"  # Sở Tư pháp (receives the online procedure)


@pytest.fixture(scope="session")
def exchange_pki_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two roots: this installation's and the partner's (made once per session)."""
    local = tmp_path_factory.mktemp("pki-local")
    remote = tmp_path_factory.mktemp("pki-partner")
    for path in (local, remote):
        with override_settings(SIGNING_DIR=path):
            pki.pki_root_init()
    return local, remote


@dataclass
class Env:
    local_dir: Path
    partner_dir: Path
    partner: Partner
    partner_agency: Agency
    province: dict[str, Agency]

    def token(self, **overrides: Any) -> str:
        """Sign an envelope as the partner's agency (fields overridable)."""
        message_id = overrides.pop("message_id", str(uuid.uuid4()))
        signer_dir = overrides.pop("signer_dir", self.partner_dir)
        signer = overrides.pop("signer", PARTNER_AGENCY)
        payload = {
            "message_id": message_id,
            "type": MessageType.PING,
            "sender": {"installation": PARTNER, "agency": PARTNER_AGENCY},
            "recipient": {"installation": HERE, "agency": LOCAL_RECIPIENT},
            "timestamp": datetime.now(tz=UTC).isoformat(),
            "idempotency": message_id,
            "body": {},
        }
        payload.update(overrides)
        return jws.sign(payload=payload, agency_code=signer, directory=signer_dir)


@pytest.fixture
def exchange_env(
    settings: Any, exchange_pki_dirs: tuple[Path, Path], province: dict[str, Agency]
) -> Env:
    local, remote = exchange_pki_dirs
    settings.SIGNING_DIR = local
    settings.EXCHANGE_INSTALLATION_ID = HERE
    settings.EXCHANGE_RETRY_BASE_SECONDS = 30
    settings.EXCHANGE_TIMEOUT_SECONDS = 3
    settings.NATIONAL_SYNC_ENABLED = False
    partner_agency, _ = agency_upsert(
        code=PARTNER_AGENCY,
        name="Sở Tư pháp tỉnh Đồng Nai",
        kind=AgencyKind.DEPARTMENT,
        administrative_unit_code="70",
        parent_code=None,
    )
    pki.pki_ensure_demo()  # local certificates (also one for the partner's row: unused)
    with override_settings(SIGNING_DIR=remote):
        pki.pki_agency_issue(agency=partner_agency)
    root_pem = (remote / pki.ROOT_CERT).read_text()
    partner = partner_register(
        code=PARTNER,
        name="Hệ thống một cửa tỉnh Đồng Nai",
        base_url="http://127.0.0.1:9",  # nothing listens: down until a test says otherwise
        certificates=root_pem,
        message_types=list(MessageType.values),
        agency_codes=[PARTNER_AGENCY],
    )
    return Env(
        local_dir=local,
        partner_dir=remote,
        partner=partner,
        partner_agency=partner_agency,
        province=province,
    )


def local_root_pem(env: Env) -> str:
    return (
        pki.load_certificate(env.local_dir / pki.ROOT_CERT)
        .public_bytes(serialization.Encoding.PEM)
        .decode()
    )


@dataclass
class FakePartner:
    """A partner installation over real HTTP: it verifies what it gets against our root
    and answers with an acknowledgement signed by its agency (or a scripted error)."""

    env: Env
    answers: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    ack_signer_dir: Path | None = None
    url: str = ""

    def handle(self, token: str) -> tuple[int, dict[str, Any]]:
        anchors = jws.anchors_from_pem(local_root_pem(self.env))
        verified = jws.verify(token=token, anchors=anchors)
        payload = verified.payload
        self.received.append(payload)
        if self.answers:
            return self.answers.pop(0)
        from dichvucong.interop.exchange.services import _fingerprint

        ack = {
            "message_id": payload["message_id"],
            "type": "ack",
            "status": "applied",
            "sender": {"installation": PARTNER, "agency": payload["recipient"]["agency"]},
            "recipient": {"installation": HERE, "agency": payload["sender"]["agency"]},
            "timestamp": datetime.now(tz=UTC).isoformat(),
            "fingerprint": _fingerprint(
                type=payload["type"],
                sender=payload["sender"],
                recipient=payload["recipient"],
                body=payload["body"],
            ),
            "result": {"dossier_code": "H19.01-261127-0001"},
        }
        signed = jws.sign(
            payload=ack,
            agency_code=payload["recipient"]["agency"],  # the agency addressed signs
            directory=self.ack_signer_dir or self.env.partner_dir,
        )
        return 200, {"status": "acknowledged", "acknowledgement": signed}


@pytest.fixture
def fake_partner(exchange_env: Env) -> Iterator[FakePartner]:
    fake = FakePartner(env=exchange_env)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            token = self.rfile.read(length).decode()
            status, body = fake.handle(token)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    exchange_env.partner.base_url = fake.url
    exchange_env.partner.save(update_fields=["base_url"])
    yield fake
    server.shutdown()
    server.server_close()
