"""The payment API and pages: who may pay, see and download what."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader
from rest_framework.authtoken.models import Token

from conftest import second_factor_force_login
from dichvucong.dossiers.models import Dossier
from dichvucong.payments.models import Payment, PaymentEvent, PaymentRequest

from .conftest import ipn_params

pytestmark = pytest.mark.django_db


def api(user: Any) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def url(dossier: Dossier, suffix: str = "") -> str:
    return f"/api/v1/dossiers/{dossier.code}/payments/{suffix}"


def counts() -> tuple[int, int, int]:
    return Payment.objects.count(), PaymentRequest.objects.count(), PaymentEvent.objects.count()


def test_pay_at_submission_through_the_api(dossier: Dossier, citizen: Any, settings: Any) -> None:
    listing = api(citizen).get(url(dossier))
    assert listing.status_code == 200
    body = listing.json()
    assert body["amount_due"] == 205_000
    assert [(line["name"], line["amount"]) for line in body["due_lines"]] == [
        ("Phí: 200.000 đồng/lần/người", 200_000),
        ("Lệ phí: Cấp bản sao", 5000),
    ]
    assert (body["requests"], body["payments"]) == ([], [])
    created = api(citizen).post(url(dossier), HTTP_IDEMPOTENCY_KEY="pay-1")
    assert created.status_code == 201, created.content
    payment = created.json()
    assert (payment["amount"], payment["status"], payment["receipt_url"]) == (
        205_000,
        "created",
        None,
    )
    assert payment["payment_url"].startswith(f"{settings.VNPAY_PAYMENT_URL}?vnp_Amount=20500000&")
    replay = api(citizen).post(url(dossier), HTTP_IDEMPOTENCY_KEY="pay-1")
    assert (replay.status_code, replay["Idempotent-Replayed"]) == (200, "true")
    assert replay.json()["id"] == payment["id"]
    assert counts() == (1, 1, 1)
    request = PaymentRequest.objects.get()
    assert (request.stage, request.total) == ("submission", 205_000)


def test_an_idempotency_key_of_another_dossier_is_a_conflict(
    dossier: Dossier, citizen: Any, fee_procedure: Any
) -> None:
    from .conftest import submit

    assert api(citizen).post(url(dossier), HTTP_IDEMPOTENCY_KEY="pay-1").status_code == 201
    other = submit(citizen, fee_procedure, "k-2")
    before = counts()
    answer = api(citizen).post(url(other), HTTP_IDEMPOTENCY_KEY="pay-1")
    assert answer.status_code == 409
    assert answer.json()["detail"] == "Khóa Idempotency-Key này đã dùng cho hồ sơ khác."
    assert counts() == before


def test_nothing_due_is_a_clear_400(dossier: Dossier, citizen: Any, fee_procedure: Any) -> None:
    from dichvucong.payments import services

    services.procedure_online_payment_set(procedure=fee_procedure, enabled=False)
    before = counts()
    answer = api(citizen).post(url(dossier))
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"dossier": ["Hồ sơ không có khoản phí, lệ phí nào cần nộp."]}
    assert counts() == before


def test_only_the_owner_reaches_the_payments(
    client: Client, dossier: Dossier, other_citizen: Any, officers: dict[str, Any]
) -> None:
    before = counts()
    # Anonymous: not signed in (401), like every authenticated endpoint of the API.
    assert client.get(url(dossier)).status_code == 401
    assert client.post(url(dossier)).status_code == 401
    for user in (other_citizen, officers["reception"]):
        assert api(user).get(url(dossier)).status_code == 404
        assert api(user).post(url(dossier)).status_code == 404
    assert counts() == before


def test_receipt_for_the_owner_and_the_agency_only(
    client: Client,
    payment: Payment,
    citizen: Any,
    other_citizen: Any,
    officers: dict[str, Any],
) -> None:
    dossier = payment.dossier
    receipt = url(dossier, f"{payment.pk}/receipt/")
    assert api(citizen).get(receipt).status_code == 404  # not paid yet
    assert client.get("/payments/vnpay/ipn/", ipn_params(payment)).json()["RspCode"] == "00"
    answer = api(citizen).get(receipt)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(answer.content)).pages[0].extract_text()
    for expected in (
        payment.txn_ref,
        "14012345",
        "210.000",
        "Hai trăm mười nghìn đồng",
        dossier.code or "",
    ):
        assert expected in text
    assert api(other_citizen).get(receipt).status_code == 404
    portal = f"/payments/ho-so/{dossier.code}/bien-lai/{payment.pk}/"
    client.force_login(citizen)
    assert client.get(portal).status_code == 200
    client.force_login(other_citizen)
    assert client.get(portal).status_code == 404
    officer_url = f"/payments/mot-cua/ho-so/{dossier.code}/bien-lai/{payment.pk}/"
    second_factor_force_login(client, officers["outsider"])
    assert client.get(officer_url).status_code == 404
    second_factor_force_login(client, officers["reception"])
    assert client.get(officer_url).status_code == 200
    listed = api(citizen).get(url(dossier)).json()
    assert listed["payments"][0]["receipt_url"] == f"http://testserver{receipt}"
    assert listed["amount_due"] == 0


def test_the_listing_reads_a_fixed_number_of_queries(paying_dossier: Dossier, citizen: Any) -> None:
    from dichvucong.payments import services

    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api(citizen).get(url(paying_dossier)).status_code == 200
        return len(queries)

    services.payment_create(
        dossier=paying_dossier, payer=citizen, ip_address="1.1.1.1", language="vi"
    )
    measure()
    one = measure()
    for _ in range(3):
        services.payment_create(
            dossier=paying_dossier, payer=citizen, ip_address="1.1.1.1", language="vi"
        )
    assert measure() == one


def test_the_portal_offers_payment_and_sends_to_the_gateway(
    client: Client, dossier: Dossier, citizen: Any, other_citizen: Any
) -> None:
    client.force_login(citizen)
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Thanh toán phí, lệ phí" in page
    assert "205.000" in page
    answer = client.post(f"/payments/ho-so/{dossier.code}/thanh-toan/")
    assert answer.status_code == 302
    assert answer["Location"] == Payment.objects.get().payment_url
    client.force_login(other_citizen)
    before = counts()
    assert client.post(f"/payments/ho-so/{dossier.code}/thanh-toan/").status_code == 404
    assert counts() == before


def test_the_return_page_shows_and_changes_nothing(
    client: Client, payment: Payment, citizen: Any
) -> None:
    client.force_login(citizen)
    params = ipn_params(payment)
    page = client.get("/payments/vnpay/return/", params)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Cổng thanh toán báo giao dịch thành công" in text
    assert f"/ho-so-cua-toi/{payment.dossier.code}/#thanh-toan" in text
    payment.refresh_from_db()
    assert (payment.status, payment.paid_at) == ("created", None)
    logged = PaymentEvent.objects.filter(payment=payment).last()
    assert logged is not None
    assert (logged.kind, logged.outcome, logged.to_status) == ("return", "success", "created")
    assert logged.params["vnp_TxnRef"] == payment.txn_ref
    tampered = client.get("/payments/vnpay/return/", {**params, "vnp_Amount": "100"})
    assert tampered.status_code == 400
    assert "sai chữ ký" in tampered.content.decode()
    assert PaymentEvent.objects.filter(payment=payment).count() == 2  # not logged


def test_the_officer_sees_the_request_and_the_attempts(
    client: Client, payment: Payment, officers: dict[str, Any]
) -> None:
    second_factor_force_login(client, officers["specialist"])
    page = client.get(f"/mot-cua/ho-so/{payment.dossier.code}/").content.decode()
    assert "Phí, lệ phí" in page
    assert payment.txn_ref in page
    assert "210.000" in page


def test_the_receipt_is_signed_by_the_receiving_agency(
    client: Client, payment: Payment, citizen: Any, signing_pki: Any
) -> None:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from dichvucong.documents import pki

    assert client.get("/payments/vnpay/ipn/", ipn_params(payment)).json()["RspCode"] == "00"
    answer = api(citizen).get(url(payment.dossier, f"{payment.pk}/receipt/"))
    assert answer.status_code == 200
    root = pki.load_certificate(pki.root_cert_path())
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))],
        allow_fetching=False,
    )
    [signature] = PdfFileReader(io.BytesIO(answer.content)).embedded_signatures
    status = validate_pdf_signature(signature, context)
    assert (status.intact, status.trusted) == (True, True)
    assert status.signing_cert.subject.native["organizational_unit_name"] == "000.00.01.H10"
    assert signature.sig_object["/Reason"] == "Biên lai điện tử thu phí, lệ phí"


def test_an_exemption_claim_is_shown_instead_of_the_pay_button(
    client: Client, dossier: Dossier, citizen: Any, officers: dict[str, Any]
) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(
        form_data={**dossier.form_data, "ly_do_mien_phi": "Hộ nghèo, sổ số 12/2026"}
    )
    client.force_login(citizen)
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Bạn đã đề nghị được miễn phí, lệ phí." in page
    assert f"/payments/ho-so/{dossier.code}/thanh-toan/" not in page
    assert api(citizen).get(url(dossier)).json()["amount_due"] == 0
    second_factor_force_login(client, officers["reception"])
    page = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert "Người nộp đề nghị được miễn phí, lệ phí với lý do:" in page
    assert "Hộ nghèo, sổ số 12/2026" in page
