"""Fixtures of the payment tests: a procedure with fees, dossiers, and signed IPNs."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any
from urllib.parse import quote_plus

import pytest

from dichvucong.catalogue.models import Fee, FeeBasis, FeeKind, Procedure
from dichvucong.dossiers import services as dossier_services
from dichvucong.dossiers.actions import ActionRequest, dossier_action_execute
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.fixtures import EXAMPLE, ID_COPY_FIELD, pdf_upload
from dichvucong.payments import services
from dichvucong.payments.models import Payment

SECRET = "DICHVUCONGSANDBOXSECRET2015"


def vnpay_sign(params: dict[str, str], secret: str = SECRET) -> str:
    """Sign as VNPay documents it (written here apart from the app's own code)."""
    keys = sorted(k for k in params if k not in ("vnp_SecureHash", "vnp_SecureHashType"))
    data = "&".join(f"{k}={quote_plus(params[k])}" for k in keys)
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


@pytest.fixture(autouse=True)
def _fresh_storage(fresh_storage: None) -> None:
    """Every test starts with an empty storage."""


@pytest.fixture
def fee_procedure(online_procedure: Procedure) -> Procedure:
    """The justice-record procedure: 200.000 đ (exemptible) + 5.000 đ a copy, paid online."""
    fixed = Fee.objects.get(
        processing_time__case__version=online_procedure.current_version,
        processing_time__channel="direct",
    )
    Fee.objects.filter(pk=fixed.pk).update(exemptible=True, exemption_note="Hộ nghèo")
    Fee.objects.create(
        processing_time=fixed.processing_time,
        kind=FeeKind.CHARGE,
        amount=5000,
        basis=FeeBasis.PER_COPY,
        description="Cấp bản sao",
        position=1,
    )
    services.procedure_online_payment_set(procedure=online_procedure, enabled=True)
    online_procedure.refresh_from_db()
    return online_procedure


def submit(applicant: Any, procedure: Procedure, key: str = "k-1", **form: Any) -> Dossier:
    return dossier_services.dossier_submit(
        applicant=applicant,
        procedure=procedure,
        form_data={**EXAMPLE, **form},
        files={ID_COPY_FIELD: [pdf_upload()]},
        idempotency_key=key,
    ).dossier


def act(dossier: Dossier, actor: Any, action: str, **fields: Any) -> Any:
    return dossier_action_execute(
        dossier=dossier, actor=actor, request=ActionRequest(action=action, **fields)
    )


@pytest.fixture
def dossier(citizen: Any, fee_procedure: Procedure) -> Dossier:
    """The citizen's submitted dossier of the procedure with fees."""
    return submit(citizen, fee_procedure)


@pytest.fixture
def paying_dossier(dossier: Dossier, officers: dict[str, Any]) -> Dossier:
    """The dossier accepted, assigned, and asked for the fees (2 copies): 210.000 đ."""
    act(dossier, officers["reception"], "accept")
    act(dossier, officers["head"], "assign", assignee=officers["specialist"])
    act(dossier, officers["specialist"], "request_payment", extra={"copies": 2})
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def payment(paying_dossier: Dossier, citizen: Any) -> Payment:
    return services.payment_create(
        dossier=paying_dossier, payer=citizen, ip_address="203.113.1.2", language="vi"
    )


def ipn_params(
    payment: Payment,
    *,
    response: str = "00",
    status: str = "00",
    amount: int | None = None,
    secret: str = SECRET,
    **overrides: str,
) -> dict[str, str]:
    """Return the IPN the gateway sends for `payment`, signed independently of the app."""
    params = {
        "vnp_Amount": str((payment.amount if amount is None else amount) * 100),
        "vnp_BankCode": "NCB",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": "Nop phi",
        "vnp_PayDate": (payment.created_at + timedelta(hours=7)).strftime("%Y%m%d%H%M%S"),
        "vnp_ResponseCode": response,
        "vnp_TmnCode": "DVCDEMO1",
        "vnp_TransactionNo": "14012345",
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": payment.txn_ref,
        **overrides,
    }
    params["vnp_SecureHashType"] = "HmacSHA512"
    params["vnp_SecureHash"] = vnpay_sign(params, secret)
    return params


# The development PKI of the signing tests, for signed receipts.
from dichvucong.documents.tests.conftest import pki_session_dir, signing_pki  # noqa: E402, F401
