"""The merchant web API: querydr and refund, JSON in and signed JSON out."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest

from dichvucong.payments.sandbox import protocol
from dichvucong.payments.sandbox.models import Outcome, SandboxApiRequest, SandboxTransaction

from .conftest import SECRET, Merchant, payment_params, payment_url

pytestmark = pytest.mark.django_db
API = "/sandbox/vnpay/merchant_webapi/api/transaction"


def hmac512(text: str, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha512).hexdigest()


def querydr(params: dict[str, str], request_id: str = "Q1", **overrides: str) -> dict[str, str]:
    body = {
        "vnp_RequestId": request_id,
        "vnp_Version": "2.1.0",
        "vnp_Command": "querydr",
        "vnp_TmnCode": "DVCDEMO1",
        "vnp_TxnRef": params["vnp_TxnRef"],
        "vnp_OrderInfo": "Truy vấn giao dịch",
        "vnp_TransactionDate": params["vnp_CreateDate"],
        "vnp_CreateDate": params["vnp_CreateDate"],
        "vnp_IpAddr": "127.0.0.1",
    }
    body.update(overrides)
    body["vnp_SecureHash"] = hmac512(
        f"{body['vnp_RequestId']}|{body['vnp_Version']}|querydr|{body['vnp_TmnCode']}"
        f"|{body['vnp_TxnRef']}|{body['vnp_TransactionDate']}|{body['vnp_CreateDate']}"
        f"|{body['vnp_IpAddr']}|{body['vnp_OrderInfo']}"
    )
    return body


def refund(params: dict[str, str], request_id: str, kind: str, amount: str) -> dict[str, str]:
    body = {
        "vnp_RequestId": request_id,
        "vnp_Version": "2.1.0",
        "vnp_Command": "refund",
        "vnp_TmnCode": "DVCDEMO1",
        "vnp_TransactionType": kind,
        "vnp_TxnRef": params["vnp_TxnRef"],
        "vnp_Amount": amount,
        "vnp_OrderInfo": "Hoàn phí",
        "vnp_TransactionNo": "",
        "vnp_TransactionDate": params["vnp_CreateDate"],
        "vnp_CreateBy": "quantri.dx",
        "vnp_CreateDate": params["vnp_CreateDate"],
        "vnp_IpAddr": "127.0.0.1",
    }
    body["vnp_SecureHash"] = hmac512(
        f"{request_id}|2.1.0|refund|DVCDEMO1|{kind}|{params['vnp_TxnRef']}|{amount}|"
        f"|{params['vnp_CreateDate']}|quantri.dx|{params['vnp_CreateDate']}|127.0.0.1|Hoàn phí"
    )
    return body


def post(client: Any, body: object) -> dict[str, str]:
    response = client.post(API, json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def response_hash(answer: dict[str, str], *, refund: bool = False) -> str:
    fields = [
        "vnp_ResponseId",
        "vnp_Command",
        "vnp_ResponseCode",
        "vnp_Message",
        "vnp_TmnCode",
        "vnp_TxnRef",
        "vnp_Amount",
        "vnp_BankCode",
        "vnp_PayDate",
        "vnp_TransactionNo",
        "vnp_TransactionType",
        "vnp_TransactionStatus",
        "vnp_OrderInfo",
    ]
    if not refund:
        fields += ["vnp_PromotionCode", "vnp_PromotionAmount"]
    return hmac512("|".join(answer.get(field, "") for field in fields))


@pytest.fixture
def paid(client: Any, merchant: Merchant, django_capture_on_commit_callbacks: Any) -> Any:
    params = payment_params()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(payment_url(params), {"choice": "pay"})
    return params


def test_querydr_answers_a_paid_transaction_signed(client: Any, paid: dict[str, str]) -> None:
    answer = post(client, querydr(paid))

    row = SandboxTransaction.objects.get()
    signature = answer.pop("vnp_SecureHash")
    response_id = answer.pop("vnp_ResponseId")
    assert len(response_id) == 32
    assert answer == {
        "vnp_Command": "querydr",
        "vnp_ResponseCode": "00",
        "vnp_Message": "Yêu cầu thành công",
        "vnp_TmnCode": "DVCDEMO1",
        "vnp_TxnRef": "DVC000123",
        "vnp_Amount": "150000000",
        "vnp_OrderInfo": "Nộp lệ phí hồ sơ 000.00.20.H10-261127-0001",
        "vnp_BankCode": "NCB",
        "vnp_PayDate": protocol.format_date(row.pay_date),  # type: ignore[arg-type]
        "vnp_TransactionNo": row.transaction_no,
        "vnp_TransactionType": "01",
        "vnp_TransactionStatus": "00",
        "vnp_PromotionCode": "",
        "vnp_PromotionAmount": "",
    }
    assert signature == response_hash({**answer, "vnp_ResponseId": response_id})
    log = SandboxApiRequest.objects.get()
    assert (log.request_id, log.command, log.txn_ref, log.response_code) == (
        "Q1",
        "querydr",
        "DVC000123",
        "00",
    )


def test_querydr_of_a_page_left_open_says_not_completed(client: Any) -> None:
    params = payment_params()
    client.get(payment_url(params))
    answer = post(client, querydr(params))
    assert (answer["vnp_ResponseCode"], answer["vnp_TransactionStatus"]) == ("00", "01")
    assert (answer["vnp_TransactionNo"], answer["vnp_PayDate"]) == ("0", "")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"vnp_TxnRef": "NOPE"}, "91"),
        ({"vnp_TransactionDate": "20200101000000"}, "91"),
        ({"vnp_TransactionDate": "2020-01-01"}, "03"),
        ({"vnp_Version": "2.0.0"}, "03"),
        ({"vnp_IpAddr": ""}, "03"),
    ],
)
def test_querydr_refusals(
    client: Any, paid: dict[str, str], change: dict[str, str], code: str
) -> None:
    answer = post(client, querydr(paid, **change))
    assert answer["vnp_ResponseCode"] == code
    assert answer["vnp_SecureHash"] == response_hash(answer)


def test_querydr_with_a_wrong_checksum_is_refused_signed(client: Any, paid: dict[str, str]) -> None:
    body = querydr(paid)
    body["vnp_TxnRef"] = "DVC000124"
    answer = post(client, body)
    assert (answer["vnp_ResponseCode"], answer["vnp_Message"]) == ("97", "Checksum không hợp lệ")
    assert "vnp_TxnRef" not in answer
    assert answer["vnp_SecureHash"] == response_hash(answer)
    assert SandboxApiRequest.objects.count() == 0


def test_querydr_of_an_unknown_merchant_is_refused_unsigned(client: Any) -> None:
    answer = post(client, querydr(payment_params(), vnp_TmnCode="UNKNOWN1"))
    assert answer["vnp_ResponseCode"] == "02"
    assert "vnp_SecureHash" not in answer


def test_a_repeated_request_id_is_refused(client: Any, paid: dict[str, str]) -> None:
    assert post(client, querydr(paid))["vnp_ResponseCode"] == "00"
    assert post(client, querydr(paid))["vnp_ResponseCode"] == "94"
    assert post(client, querydr(paid, request_id="Q2"))["vnp_ResponseCode"] == "00"
    assert SandboxApiRequest.objects.count() == 2


@pytest.mark.parametrize("body", ["not json", ["a list"], {"vnp_Command": "pay"}])
def test_malformed_requests_get_03(client: Any, body: Any) -> None:
    raw = body if isinstance(body, str) else json.dumps(body)
    response = client.post(API, raw, content_type="application/json")
    assert response.json()["vnp_ResponseCode"] == "03"


def test_the_api_takes_post_only(client: Any) -> None:
    assert client.get(API).status_code == 405


def test_full_refund_then_querydr_shows_it(client: Any, paid: dict[str, str]) -> None:
    answer = post(client, refund(paid, "R1", "02", "150000000"))

    assert answer["vnp_ResponseCode"] == "00"
    assert (answer["vnp_TransactionType"], answer["vnp_TransactionStatus"]) == ("02", "06")
    assert answer["vnp_Amount"] == "150000000"
    assert answer["vnp_SecureHash"] == response_hash(answer, refund=True)
    row = SandboxTransaction.objects.get()
    assert (row.outcome, row.refunded_amount) == (Outcome.REFUNDED, 150000000)
    after = post(client, querydr(paid, request_id="Q9"))
    assert (after["vnp_TransactionType"], after["vnp_TransactionStatus"]) == ("02", "06")
    assert post(client, refund(paid, "R2", "02", "150000000"))["vnp_ResponseCode"] == "94"


def test_partial_refunds_up_to_the_amount(client: Any, paid: dict[str, str]) -> None:
    assert post(client, refund(paid, "R1", "03", "50000000"))["vnp_ResponseCode"] == "00"
    assert post(client, refund(paid, "R2", "03", "100000100"))["vnp_ResponseCode"] == "93"
    assert post(client, refund(paid, "R3", "02", "100000000"))["vnp_ResponseCode"] == "93"
    row = SandboxTransaction.objects.get()
    assert (row.outcome, row.refunded_amount) == (Outcome.PAID, 50000000)
    assert post(client, querydr(paid, request_id="Q2"))["vnp_TransactionType"] == "03"


def test_refund_of_a_cancelled_payment_is_refused(
    client: Any, merchant: Merchant, django_capture_on_commit_callbacks: Any
) -> None:
    params = payment_params()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(payment_url(params), {"choice": "cancel"})
    answer = post(client, refund(params, "R1", "02", "150000000"))
    assert answer["vnp_ResponseCode"] == "95"
    assert SandboxTransaction.objects.get().refunded_amount == 0


def test_refund_with_a_wrong_checksum_changes_nothing(client: Any, paid: dict[str, str]) -> None:
    body = refund(paid, "R1", "02", "150000000")
    body["vnp_Amount"] = "160000000"
    assert post(client, body)["vnp_ResponseCode"] == "97"
    assert SandboxTransaction.objects.get().refunded_amount == 0
