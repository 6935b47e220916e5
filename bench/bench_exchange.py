"""Messages per second through the exchange API between two local installations.

Two installations as in the integration test (tests/integration/installations.py), A
and B, each with its own PostgreSQL database (BENCH_EXCHANGE_DATABASE_URL; SQLite files
when it is not PostgreSQL), its own PKI and installation id; B is served by gunicorn
(BENCH_EXCHANGE_WORKERS processes of BENCH_EXCHANGE_THREADS threads). A's outbox holds
BENCH_EXCHANGE_MESSAGES messages (default 1000), delivered by BENCH_EXCHANGE_SENDERS
processes of A (default 3) of BENCH_EXCHANGE_SENDER_THREADS threads (default 4), as
Celery workers deliver them: each delivery claims the row, signs
the envelope as A's agency (ES256, x5c chain) and POSTs it; B verifies the chain and the
signature, the partner, the type, the timestamp and the id, logs the message, applies it
and signs its acknowledgement; A verifies the acknowledgement and records it. Measured
for `ping` (the protocol alone) and `dossier.send` (B creates a dossier from each, with
a 2 KB document).

Target (interconnection issue, 2-core machine): at least 100 messages per second with
signing and verification.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integration.installations import (  # noqa: E402
    AGENCY_A,
    AGENCY_B,
    PROCEDURE,
    Installation,
    drop_pair,
    prepare_pair,
)

DATABASE_URL = os.environ.get(
    "BENCH_EXCHANGE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dvc_bench_exchange"
)
MESSAGES = int(os.environ.get("BENCH_EXCHANGE_MESSAGES", "1000"))
DOSSIERS = int(os.environ.get("BENCH_EXCHANGE_DOSSIERS", str(max(1, MESSAGES // 4))))
SENDERS = int(os.environ.get("BENCH_EXCHANGE_SENDERS", "3"))
THREADS_PER_SENDER = int(os.environ.get("BENCH_EXCHANGE_SENDER_THREADS", "4"))
WORKERS = int(os.environ.get("BENCH_EXCHANGE_WORKERS", "3"))
THREADS = int(os.environ.get("BENCH_EXCHANGE_THREADS", "4"))
TARGET = 100

# Run in one of A's processes: fill the outbox with COUNT messages of TYPE; result: their ids.
FILL = """
import json, statistics, time, uuid
from concurrent.futures import ThreadPoolExecutor
from django.db import connection
from django.utils import timezone
from dichvucong.interop.exchange import services
from dichvucong.interop.exchange.models import OutboundMessage, Partner
from dichvucong.organizations.models import Agency

partner = Partner.objects.get()
sender = Agency.objects.get(code=AGENCY_A)
body = {"hello": "xin chào"}
if TYPE == "dossier.send":
    import base64, hashlib
    pdf = b"%PDF-1.7\\n1 0 obj << /Type /Catalog >> endobj\\n%" + b"x" * 2000 + b"\\n%%EOF\\n"
    body = {
        "origin": {"dossier_code": "000.21.01-BENCH", "agency": AGENCY_A},
        "procedure": {"code": PROCEDURE, "name": "Cấp giấy phép xây dựng nhà ở riêng lẻ"},
        "case": {"position": 1, "name": ""},
        "applicant": {"name": "Nguyễn Văn Đo", "id_number": "", "phone": "0912000111",
                      "email": "", "address": "Phước Long"},
        "form_data": {}, "note": "bench", "submitted_at": None, "due_at": None,
        "documents": [{"name": "don.pdf", "kind": "pdf", "requirement": "-", "size": len(pdf),
                       "sha256": hashlib.sha256(pdf).hexdigest(),
                       "content": base64.b64encode(pdf).decode()}],
    }
now = timezone.now()
rows = []
for _ in range(COUNT):
    m = OutboundMessage(partner=partner, type=TYPE, sender_agency=sender,
                        recipient_agency_code=AGENCY_B, body=body, next_attempt_at=now)
    m.fingerprint = services._fingerprint(
        type=TYPE, sender=services._sender(m), recipient=services._recipient(m),
        body=services.jws_roundtrip(body))
    rows.append(m)
ids = [m.pk for m in OutboundMessage.objects.bulk_create(rows)]
if not ids[0]:
    pending = OutboundMessage.objects.filter(state="pending", type=TYPE)
    ids = list(pending.values_list("pk", flat=True))
result = ids
"""

# Run in each of A's sender processes (Celery workers in production): deliver IDS from
# THREADS threads; result: the states and the durations.
DELIVER = """
import time
from concurrent.futures import ThreadPoolExecutor
from dichvucong.interop.exchange import services
durations = []

def deliver(pk):
    started = time.perf_counter()
    state = services.outbound_message_deliver(message_pk=pk).state
    durations.append((time.perf_counter() - started) * 1000)
    return state

with ThreadPoolExecutor(THREADS) as pool:
    states = list(pool.map(deliver, IDS))
result = {"states": states, "durations": durations}
"""


def run(senders: list[Installation], kind: str, count: int, threads: int = 0) -> dict[str, Any]:
    """Fill A's outbox, then deliver it from every sender process at once."""
    threads = threads or THREADS_PER_SENDER
    a = senders[0]
    ids = a.run(
        f"AGENCY_A = {AGENCY_A!r}\nAGENCY_B = {AGENCY_B!r}\nPROCEDURE = {PROCEDURE!r}\n"
        f"TYPE = {kind!r}\nCOUNT = {count}\n" + FILL
    )
    started = time.perf_counter()
    for position, sender in enumerate(senders):
        share = ids[position :: len(senders)]
        sender.submit(f"IDS = {share!r}\nTHREADS = {threads}\n" + DELIVER)
    answers = [sender.collect() for sender in senders]
    elapsed = time.perf_counter() - started
    states = [s for answer in answers for s in answer["states"]]
    ordered = sorted(d for answer in answers for d in answer["durations"])
    acknowledged = states.count("acknowledged")
    return {
        "benchmark": "exchange",
        "endpoint": f"{kind} A → B (sign, verify, log, signed ack)",
        "messages": count,
        "senders": f"{len(senders)} processes x {threads} threads",
        "acknowledged": acknowledged,
        "per_second": round(acknowledged / elapsed, 1),
        "p50_ms": round(ordered[len(ordered) // 2], 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 1),
        "seconds": round(elapsed, 2),
    }


def main() -> int:
    postgres = DATABASE_URL.startswith(("postgres://", "postgresql://"))
    os.environ["DATABASE_URL"] = DATABASE_URL if postgres else ""
    count = SENDERS if postgres else 1  # SQLite: one writer at a time
    with tempfile.TemporaryDirectory(prefix="bench-exchange-") as tmp:
        a, b = prepare_pair(Path(tmp))
        # More processes of A (its Celery workers): the same database, PKI and id.
        senders = [a, *(replace(a, driver=None, process=None) for _ in range(count - 1))]
        rows = []
        try:
            b.start(workers=WORKERS, threads=THREADS)
            run(senders, "ping", 20 * count)  # warm-up: keys decrypted, connections opened
            rows.append(run(senders, "ping", MESSAGES))
            rows.append(run(senders, "dossier.send", DOSSIERS))
            rows.append(run(senders[:1], "ping", MESSAGES // 5, threads=1))
        finally:
            for sender in senders[1:]:
                sender.close()
            drop_pair(a, b)
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
    ping = rows[0]
    print(
        json.dumps(
            {
                "benchmark": "exchange",
                "endpoint": "targets",
                f"ping ≥ {TARGET}/s": "met" if float(ping["per_second"]) >= TARGET else "not met",
                "every message acknowledged": "met"
                if all(r["acknowledged"] == r["messages"] for r in rows)
                else "not met",
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
