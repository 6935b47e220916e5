"""Signing a one-page PDF in an agency's name (PAdES B-B with the visible stamp).

No server and no database: the development PKI is created in a temporary directory,
one page is rendered with WeasyPrint (Form 01, the receipt: one A5 page, like a result
document), then signed BENCH_SIGNINGS times (default 50) in one process, as a worker
signs results one after another; the first signing (loading the encrypted key, preparing
the stamp font) is reported apart. Also timed: signing with the QR code of the
verification address (results carry one), and verifying a signed PDF (the public page).

Target (2-core machine): signing under 300 ms each (p95).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
SIGNINGS = int(os.environ.get("BENCH_SIGNINGS", "50"))
TARGET_MS = 300


def measure(name: str, action: Callable[[], object], times: int) -> dict[str, Any]:
    durations = []
    for _ in range(times):
        start = time.perf_counter()
        action()
        durations.append((time.perf_counter() - start) * 1000)
    ordered = sorted(durations)
    return {
        "benchmark": "signing",
        "endpoint": name,
        "runs": times,
        "mean_ms": round(statistics.fmean(durations), 1),
        "p50_ms": round(ordered[len(ordered) // 2], 1),
        "p95_ms": round(ordered[max(0, round(len(ordered) * 0.95) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


def met(ok: bool) -> str:
    return "met" if ok else "not met"


def main() -> int:
    import django
    from django.conf import settings

    django.setup()
    from dichvucong.documents import pki, samples, signing
    from dichvucong.documents.circular01 import form_pdf
    from dichvucong.documents.verification import VerificationStatus, pdf_verify
    from dichvucong.organizations.models import Agency

    with tempfile.TemporaryDirectory() as workdir:
        settings.SIGNING_DIR = Path(workdir)
        agency = Agency(code="000.00.20.H10", name="Ủy ban nhân dân thị xã Đồng Xoài")
        pki.pki_root_init()
        pki.pki_agency_issue(agency=agency)
        page = form_pdf(samples.sample_receipt())
        url = "https://dichvucong.binhphuoc.gov.vn/verify/6f1c9a52-3d7e-4d8b-9a57-0c2b1e8f4d21/"

        def sign() -> bytes:
            return signing.pdf_sign(pdf=page, agency=agency, reason="Kết quả giải quyết")

        def sign_qr() -> bytes:
            return signing.pdf_sign(pdf=page, agency=agency, reason="Kết quả", qr_url=url)

        results = [measure("first signing (key and font loaded)", sign, 1)]
        signed = sign()
        results += [
            measure("sign one page (stamp)", sign, SIGNINGS),
            measure("sign one page (stamp + QR)", sign_qr, SIGNINGS),
            measure("verify a signed page", lambda: pdf_verify(pdf=signed), max(10, SIGNINGS // 5)),
        ]
        valid = pdf_verify(pdf=signed).status == VerificationStatus.VALID
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
    steady = [r for r in results if r["endpoint"].startswith("sign one page")]
    print(
        json.dumps(
            {
                "benchmark": "signing",
                "endpoint": "targets",
                f"signing p95 < {TARGET_MS} ms": met(all(r["p95_ms"] < TARGET_MS for r in steady)),
                "signed page verifies as valid": met(valid),
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
