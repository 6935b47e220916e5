"""The VNPay 2.1.0 adapter against the documented algorithm."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

from dichvucong.payments.providers.base import Outcome, PaymentOrder
from dichvucong.payments.providers.vnpay import (
    QUERYDR_REQUEST_FIELDS,
    VNPayProvider,
    pipe_data,
    without_diacritics,
)

from .conftest import SECRET, vnpay_sign

PROVIDER = VNPayProvider(
    tmn_code="DVCDEMO1",
    hash_secret=SECRET,
    payment_endpoint="http://localhost:8000/sandbox/vnpay/paymentv2/vpcpay.html",
    api_endpoint="http://localhost:8000/sandbox/vnpay/merchant_webapi/api/transaction",
)
ORDER = PaymentOrder(
    txn_ref="42TABCDEF012345",
    amount=100_000,
    order_info="Nộp phí hồ sơ 000.00.01.H10-261127-0001",
    created_at=datetime(2026, 11, 27, 8, 30, tzinfo=UTC),
    expires_at=datetime(2026, 11, 27, 8, 45, tzinfo=UTC),
    ip_address="203.113.1.2",
    language="vi",
    return_url="http://localhost:8000/payments/vnpay/return/",
)
# HMAC-SHA512 under the demo secret of the sorted, quote_plus-encoded parameters below,
# computed with `openssl dgst -sha512 -hmac`, not with this project's code.
KNOWN_HASH = (
    "c1c24083e55c4fd00aa2103c2a9385ba301fb083b4826f6c217846ac822e60eb"
    "4bb8d26d270115789e0f7a8d98cb998ca4065e503eee96d4ff5ead513bf1fe32"
)


def test_payment_url_matches_the_known_vector() -> None:
    url = PROVIDER.payment_url(ORDER)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == PROVIDER.payment_endpoint
    assert parts.query == (
        "vnp_Amount=10000000&vnp_Command=pay&vnp_CreateDate=20261127153000&vnp_CurrCode=VND"
        "&vnp_ExpireDate=20261127154500&vnp_IpAddr=203.113.1.2&vnp_Locale=vn"
        "&vnp_OrderInfo=Nop+phi+ho+so+000.00.01.H10-261127-0001&vnp_OrderType=other"
        "&vnp_ReturnUrl=http%3A%2F%2Flocalhost%3A8000%2Fpayments%2Fvnpay%2Freturn%2F"
        "&vnp_TmnCode=DVCDEMO1&vnp_TxnRef=42TABCDEF012345&vnp_Version=2.1.0"
        f"&vnp_SecureHash={KNOWN_HASH}"
    )
    params = dict(parse_qsl(parts.query))
    assert vnpay_sign(params) == KNOWN_HASH


def test_locale_follows_the_language() -> None:
    english = PaymentOrder(**{**ORDER.__dict__, "language": "en"})
    assert dict(parse_qsl(urlsplit(PROVIDER.payment_url(english)).query))["vnp_Locale"] == "en"


def test_order_info_loses_its_diacritics() -> None:
    assert (
        without_diacritics("Đăng ký hộ kinh doanh — Đồng Xoài")
        == "Dang ky ho kinh doanh  Dong Xoai"
    )


def _callback(**overrides: str) -> dict[str, str]:
    params = {
        "vnp_Amount": "10000000",
        "vnp_ResponseCode": "00",
        "vnp_TransactionStatus": "00",
        "vnp_TmnCode": "DVCDEMO1",
        "vnp_TxnRef": "42TABCDEF012345",
        "vnp_PayDate": "20261127153500",
        "vnp_TransactionNo": "14012345",
        "vnp_BankCode": "NCB",
        **overrides,
    }
    params["vnp_SecureHashType"] = "HmacSHA512"
    params["vnp_SecureHash"] = vnpay_sign(params)
    return params


def test_callback_signature_ignores_the_hash_type_and_any_case() -> None:
    params = _callback()
    assert PROVIDER.callback_verified(params)
    assert PROVIDER.callback_verified({**params, "vnp_SecureHashType": "SHA512"})
    assert PROVIDER.callback_verified(
        {**params, "vnp_SecureHash": params["vnp_SecureHash"].upper()}
    )
    assert not PROVIDER.callback_verified({**params, "vnp_Amount": "10000100"})
    assert not PROVIDER.callback_verified(
        {k: v for k, v in params.items() if k != "vnp_SecureHash"}
    )
    other = {**params, "vnp_SecureHash": vnpay_sign(params, "ANOTHERSECRET")}
    assert not PROVIDER.callback_verified(other)


def test_callback_report() -> None:
    report = PROVIDER.callback_report(_callback())
    assert (report.txn_ref, report.amount, report.outcome) == (
        "42TABCDEF012345",
        100_000,
        Outcome.SUCCESS,
    )
    assert report.paid_at == datetime(2026, 11, 27, 8, 35, tzinfo=UTC)
    assert PROVIDER.callback_report(_callback(vnp_ResponseCode="24")).outcome == Outcome.CANCELLED
    assert (
        PROVIDER.callback_report(
            _callback(vnp_ResponseCode="51", vnp_TransactionStatus="02")
        ).outcome
        == Outcome.FAILED
    )
    assert PROVIDER.callback_report(_callback(vnp_Amount="10000050")).amount == -1


def test_querydr_hash_is_the_documented_pipe_list() -> None:
    body = {
        "vnp_RequestId": "REQ1",
        "vnp_Version": "2.1.0",
        "vnp_Command": "querydr",
        "vnp_TmnCode": "DVCDEMO1",
        "vnp_TxnRef": "42TABCDEF012345",
        "vnp_TransactionDate": "20261127153000",
        "vnp_CreateDate": "20261127160000",
        "vnp_IpAddr": "127.0.0.1",
        "vnp_OrderInfo": "Truy van giao dich 42TABCDEF012345",
    }
    assert pipe_data(QUERYDR_REQUEST_FIELDS, body) == (
        "REQ1|2.1.0|querydr|DVCDEMO1|42TABCDEF012345|20261127153000|20261127160000"
        "|127.0.0.1|Truy van giao dich 42TABCDEF012345"
    )
    # Computed with `openssl dgst -sha512 -hmac` over the line above.
    expected = (
        "9a17d44f3731b9feb3ed51d63d43344478f92862b4a774fd326c5c8e8540a9c1"
        "822660097ae2187fb7f076a2bded85aa461ae642a4524637a98753600ac821a5"
    )
    data = pipe_data(QUERYDR_REQUEST_FIELDS, body)
    assert hmac.new(SECRET.encode(), data.encode(), hashlib.sha512).hexdigest() == expected
    signed = PROVIDER.querydr_body(
        txn_ref="42TABCDEF012345",
        created_at=datetime(2026, 11, 27, 8, 30, tzinfo=UTC),
        ip_address="127.0.0.1",
    )
    assert signed["vnp_TransactionDate"] == "20261127153000"
    assert (
        signed["vnp_SecureHash"]
        == hmac.new(
            SECRET.encode(), pipe_data(QUERYDR_REQUEST_FIELDS, signed).encode(), hashlib.sha512
        ).hexdigest()
    )
