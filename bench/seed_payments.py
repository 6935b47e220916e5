"""Seed the payments benchmark: N submitted dossiers, each owing a fee with one open
payment, and the gateway's signed IPN for each (one query string a line).

Run by bench_payments.py as `seed_payments.py N IPN_FILE` with the benchmark's settings.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BATCH = 5000
PROCEDURE = "1.502011.000.00.00.H10"  # the demo's household business: 100.000 đồng
AMOUNT = 100_000


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    django.setup()
    from django.utils import timezone

    from dichvucong.accounts.models import User
    from dichvucong.catalogue.models import Procedure
    from dichvucong.dossiers.models import Dossier, DossierStatus
    from dichvucong.dossiers.selectors import receiving_agencies
    from dichvucong.payments.models import Payment, PaymentRequest
    from dichvucong.payments.providers.vnpay import VNPayProvider, format_date

    count, ipn_file = int(sys.argv[1]), Path(sys.argv[2])
    procedure = Procedure.objects.select_related("current_version").get(code=PROCEDURE)
    version = procedure.current_version
    if version is None:
        raise SystemExit(f"{PROCEDURE} is not published: run load_demo first")
    case = version.cases.order_by("position").first()
    agency = receiving_agencies(version=version)[0]
    applicant = User.objects.get(username="congdan.demo")
    provider = VNPayProvider.from_settings()
    now = timezone.now()
    with ipn_file.open("w") as out:
        for start in range(0, count, BATCH):
            numbers = range(start, min(count, start + BATCH))
            dossiers = Dossier.objects.bulk_create(
                Dossier(
                    code=f"BENCH-{n:07d}",
                    applicant=applicant,
                    procedure=procedure,
                    version=version,
                    case=case,
                    agency=agency,
                    status=DossierStatus.RECEIVING,
                    applicant_name="Nguyễn Văn An",
                    created_at=now,
                    submitted_at=now,
                )
                for n in numbers
            )
            requests = PaymentRequest.objects.bulk_create(
                PaymentRequest(
                    dossier=dossier,
                    stage="submission",
                    lines=[{"name": "Lệ phí", "quantity": 1, "amount": AMOUNT}],
                    total=AMOUNT,
                    created_at=now,
                )
                for dossier in dossiers
            )
            payments = Payment.objects.bulk_create(
                Payment(
                    request=request,
                    dossier=request.dossier,
                    payer=applicant,
                    txn_ref=f"BENCH{n:07d}",
                    amount=AMOUNT,
                    order_info="Nop phi",
                    payment_url="",
                    created_at=now,
                    expires_at=now + timedelta(days=1),
                )
                for n, request in zip(numbers, requests, strict=True)
            )
            for n, payment in zip(numbers, payments, strict=True):
                params = {
                    "vnp_Amount": str(AMOUNT * 100),
                    "vnp_BankCode": "NCB",
                    "vnp_OrderInfo": "Nop phi",
                    "vnp_PayDate": format_date(now),
                    "vnp_ResponseCode": "00",
                    "vnp_TmnCode": provider.tmn_code,
                    "vnp_TransactionNo": str(14000000 + n),
                    "vnp_TransactionStatus": "00",
                    "vnp_TxnRef": payment.txn_ref,
                }
                params["vnp_SecureHash"] = provider.sign(params)
                out.write(urlencode(params) + "\n")


if __name__ == "__main__":
    main()
