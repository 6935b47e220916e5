"""Two installations of the project, as real processes on two ports with two databases,
exchange dossiers and their results through the signed exchange API, with each of them
stopped for a while in between: nothing is lost and nothing is applied twice.

A (installation `dvc-a`) receives paper dossiers at UBND thị xã Phước Long and sends
them to UBND thị xã Đồng Xoài, which lives in B (`dvc-b`). B processes them through its
normal one-stop workflow; each step goes back to A as a status update, and the result
when the dossier is handed back. Celery runs eagerly (no broker): a message is tried
right after its commit; `manage.py exchange_outbox_process` is the beat's retry pass.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .installations import (
    AGENCY_A,
    AGENCY_B,
    PROCEDURE,
    Installation,
    drop_pair,
    prepare_pair,
)

SEND = f"""
import json
from django.core.files.uploadedfile import SimpleUploadedFile
from dichvucong.accounts.models import Membership, Role, User
from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers.intake import WalkIn, dossier_counter_intake
from dichvucong.interop.exchange.models import OutboundMessage, PartnerAgency
from dichvucong.interop.exchange.services import exchange_dossier_send
from dichvucong.organizations.models import Agency

agency = Agency.objects.get(code={AGENCY_A!r})
officer, created = User.objects.get_or_create(
    username="tiepnhan.pl", defaults={{"email": "tiepnhan.pl@binhphuoc.gov.vn"}}
)
if created:
    Membership.objects.create(user=officer, agency=agency, role=Role.RECEPTION)
procedure = Procedure.objects.get(code={PROCEDURE!r})
case = procedure.current_version.cases.get(position=1)
documents = list(case.documents.order_by("pk"))
pdf = b"%PDF-1.7\\n1 0 obj << /Type /Catalog >> endobj\\n%" + b"x" * 500 + b"\\n%%EOF\\n"
dossier = dossier_counter_intake(
    officer=officer,
    procedure=procedure,
    walk_in=WalkIn(name=NAME, phone="0912000111", address="Phước Long, Bình Phước"),
    received_document_ids=[d.pk for d in documents],
    scans={{documents[0].pk: [SimpleUploadedFile("don-de-nghi.pdf", pdf)]}},
    case_position=1,
    agency_code={AGENCY_A!r},
    accept=True,
)
link = exchange_dossier_send(
    dossier=dossier,
    partner_agency=PartnerAgency.objects.select_related("partner", "agency").get(
        agency__code={AGENCY_B!r}
    ),
    actor=officer,
    note="Chuyển UBND thị xã Đồng Xoài giải quyết theo thẩm quyền.",
)
message = OutboundMessage.objects.get(message_id=link.origin_message_id)
result = {{"code": dossier.code, "state": message.state, "attempts": message.attempts,
          "error": message.last_error}}
"""

PROCESS = """
import json
from dichvucong.accounts.models import User
from dichvucong.dossiers.actions import ActionRequest, dossier_action_execute
from dichvucong.interop.exchange.models import ExchangeDossier

link = ExchangeDossier.objects.select_related("dossier").get(
    direction="incoming", remote_dossier_code=ORIGIN
)
dossier = link.dossier
users = {u.username: u for u in User.objects.filter(username__in=[
    "tiepnhan.dx", "lanhdao.dx", "chuyenvien.dx"])}
steps = [
    ("tiepnhan.dx", ActionRequest(action="accept")),
    ("lanhdao.dx", ActionRequest(action="assign", assignee=users["chuyenvien.dx"])),
    ("chuyenvien.dx", ActionRequest(action="propose", comment="Đủ điều kiện cấp phép.")),
    ("lanhdao.dx", ActionRequest(action="approve")),
    ("tiepnhan.dx", ActionRequest(action="hand_back", comment="Đã cấp giấy phép xây dựng.")),
]
for username, request in steps:
    dossier_action_execute(dossier=dossier, actor=users[username], request=request)
    dossier.refresh_from_db()
result = {"code": dossier.code, "status": dossier.status}
"""

REPORT = """
import json
from django.db.models import Count
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.interop.exchange.models import ExchangeDossier, InboundMessage, OutboundMessage

result = {
    "dossiers": sorted(Dossier.objects.values_list("code", flat=True)),
    "outbound": sorted(
        [m.type, m.state, str(m.message_id), bool(m.signature), bool(m.ack_signature)]
        for m in OutboundMessage.objects.all()
    ),
    "inbound_applied": sorted(
        [m.type, str(m.message_id), bool(m.signature), bool(m.ack_token)]
        for m in InboundMessage.objects.filter(state="applied")
    ),
    "inbound_refused": sorted(
        InboundMessage.objects.filter(state="refused").values_list("error_code", flat=True)
    ),
    "links": sorted(
        [l.direction, l.dossier.code, l.remote_dossier_code, l.state, l.outcome]
        for l in ExchangeDossier.objects.select_related("dossier")
    ),
    "events": {
        code: sorted(
            DossierEvent.objects.filter(dossier__code=code).values_list("action", flat=True)
        )
        for code in Dossier.objects.values_list("code", flat=True)
    },
    "result_files": sorted(
        a.original_name
        for e in DossierEvent.objects.filter(action="exchange_result")
        for a in e.attachments.all()
    ),
}
"""

TOKEN_OF = """
import json
from dichvucong.interop.exchange.models import OutboundMessage
m = OutboundMessage.objects.filter(type=TYPE, state="acknowledged").order_by("-acknowledged_at")[0]
result = {"token": m.token, "message_id": str(m.message_id)}
"""

MISMATCH = """
import json, uuid
from datetime import UTC, datetime
from dichvucong.interop.exchange import jws
from dichvucong.interop.exchange.models import OutboundMessage
m = OutboundMessage.objects.filter(type="dossier.send").order_by("pk")[0]
envelope = {
    "message_id": str(m.message_id), "type": "dossier.send",
    "sender": {"installation": "dvc-a", "agency": m.sender_agency.code},
    "recipient": {"installation": "dvc-b", "agency": m.recipient_agency_code},
    "timestamp": datetime.now(tz=UTC).isoformat(), "idempotency": str(m.message_id),
    "body": {**m.body, "note": "một nội dung khác"},
}
result = {"token": jws.sign(payload=envelope, agency_code=m.sender_agency.code)}
"""


OUTBOX = """
from dichvucong.interop.exchange.services import outbox_process
result = outbox_process()
"""


def post(installation: Installation, token: str) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(  # noqa: S310
        f"{installation.url}/exchange/v1/messages/",
        data=token.encode(),
        headers={"Content-Type": "application/jose"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Installation, Installation]]:
    directory: Path = tmp_path_factory.mktemp("two-installations")
    a, b = prepare_pair(directory)
    try:
        yield a, b
    finally:
        drop_pair(a, b)


def test_dossiers_and_results_cross_two_installations_with_outages(
    pair: tuple[Installation, Installation],
) -> None:
    a, b = pair
    a.start()
    b.start()

    # 1. Both up: the first dossier is delivered and acknowledged at once.
    first = a.run("NAME = 'Nguyễn Văn Một'\n" + SEND)
    assert (first["state"], first["attempts"]) == ("acknowledged", 1), first

    # 2. B is down: the second dossier waits in A's outbox, retried, not lost.
    b.stop()
    second = a.run("NAME = 'Trần Thị Hai'\n" + SEND)
    assert (second["state"], second["attempts"]) == ("pending", 1), second
    assert "Connection" in second["error"]
    time.sleep(1.2)
    assert a.run(OUTBOX) == {"due": 1, "acknowledged": 0, "alerts": 0}

    # 3. B is back: the retry pass delivers it, once.
    b.start()
    time.sleep(2.2)  # the backoff (1 s, then 2 s) has run out
    assert a.run(OUTBOX) == {"due": 1, "acknowledged": 1, "alerts": 0}
    assert a.run(OUTBOX)["due"] == 0

    # 4. B processes the first dossier to its result; every step reaches A at once.
    done = b.run(f"ORIGIN = {first['code']!r}\n" + PROCESS)
    assert done["status"] == "done"

    # 5. A is down while B processes the second: B keeps the updates and the result.
    a.stop()
    done = b.run(f"ORIGIN = {second['code']!r}\n" + PROCESS)
    assert done["status"] == "done"
    a.start()
    time.sleep(2.2)
    assert b.run(OUTBOX) == {"due": 6, "acknowledged": 6, "alerts": 0}
    assert b.run(OUTBOX)["due"] == 0

    # 6. Replays: the last result again is acknowledged with the same answer and not
    # applied; a reused id with another content and a forged signature are refused.
    sent = b.run("TYPE = 'dossier.result'\n" + TOKEN_OF)
    status, answer = post(a, sent["token"])
    assert (status, answer["replay"], answer["message_id"]) == (200, True, sent["message_id"])
    status, answer = post(b, a.run(MISMATCH)["token"])
    assert (status, answer["error"]) == (409, "replay_mismatch")
    header, payload, signature = sent["token"].split(".")
    forged = ("B" if signature[0] == "A" else "A") + signature[1:]  # still base64url
    status, answer = post(a, ".".join([header, payload, forged]))
    assert (status, answer["error"]) == (401, "bad_signature")

    report_a = a.run(REPORT)
    report_b = b.run(REPORT)
    a.stop()
    b.stop()

    # A: its two dossiers, each sent once, each result applied exactly once.
    assert sorted(report_a["dossiers"]) == sorted([first["code"], second["code"]])
    for code in (first["code"], second["code"]):
        actions = report_a["events"][code]
        assert actions.count("exchange_sent") == 1
        assert actions.count("exchange_result") == 1
        assert actions.count("exchange_status") == 5  # accept … hand back
    b_codes = sorted(report_b["dossiers"])
    assert len(b_codes) == 2  # B: exactly one dossier per dossier sent
    b_by_origin = {link[2]: link[1] for link in report_b["links"]}
    assert sorted(link[1:] for link in report_a["links"]) == sorted(
        [code, b_by_origin[code], "returned", "done"] for code in (first["code"], second["code"])
    )
    assert all(link[3] == "returned" for link in report_b["links"])
    # Every message acknowledged, signed, and logged on the other side with its signature.
    for sender, receiver in ((report_a, report_b), (report_b, report_a)):
        assert all(m[1] == "acknowledged" and m[3] and m[4] for m in sender["outbound"])
        assert sorted([m[0], m[2]] for m in sender["outbound"]) == sorted(
            [m[0], m[1]] for m in receiver["inbound_applied"]
        )
        assert all(m[2] and m[3] for m in receiver["inbound_applied"])
    assert [m[0] for m in report_a["outbound"]] == ["dossier.send", "dossier.send"]
    assert sorted(m[0] for m in report_b["outbound"]) == sorted(
        ["dossier.result"] * 2 + ["dossier.status"] * 10
    )
    assert report_a["inbound_refused"] == ["bad_signature"]
    assert report_b["inbound_refused"] == ["replay_mismatch"]
    # The documents went across: B's received event holds A's scan.
    for code in b_codes:
        assert "exchange_received" in report_b["events"][code]
