from datetime import UTC, datetime

import pytest

from dichvucong.payments.sandbox import protocol

# VNPay's documented example request, for the demo merchant; the expected values were
# computed apart from this code with `openssl dgst -sha512 -hmac`.
EXAMPLE = {
    "vnp_Version": "2.1.0",
    "vnp_TmnCode": "DVCDEMO1",
    "vnp_Command": "pay",
    "vnp_Amount": "1806000",
    "vnp_CreateDate": "20210801153333",
    "vnp_CurrCode": "VND",
    "vnp_IpAddr": "127.0.0.1",
    "vnp_Locale": "vn",
    "vnp_OrderInfo": "Thanh toan don hang :5",
    "vnp_OrderType": "other",
    "vnp_ReturnUrl": "https://domainmerchant.vn/ReturnUrl",
    "vnp_TxnRef": "5",
}
EXAMPLE_HASH = (
    "edfc929cc294c45fc0f8b2b55177b8ac4eccae8e267d7856bc7f7fd7a2b351c4"
    "defd0b118c8e8955da2e5a74cb851dfce45c4b6a5e7ea2248aa492507cc2b223"
)
SECRET = "DICHVUCONGSANDBOXSECRET2015"


def test_hash_data_sorts_encodes_and_leaves_out_the_hash() -> None:
    params = {**EXAMPLE, "vnp_SecureHash": "x", "vnp_SecureHashType": "HmacSHA512", "a": "b"}
    assert protocol.hash_data(params) == (
        "vnp_Amount=1806000&vnp_Command=pay&vnp_CreateDate=20210801153333&vnp_CurrCode=VND"
        "&vnp_IpAddr=127.0.0.1&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+don+hang+%3A5"
        "&vnp_OrderType=other&vnp_ReturnUrl=https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl"
        "&vnp_TmnCode=DVCDEMO1&vnp_TxnRef=5&vnp_Version=2.1.0"
    )


def test_sign_matches_a_known_vector() -> None:
    assert protocol.sign(EXAMPLE, SECRET) == EXAMPLE_HASH


def test_signature_valid_accepts_upper_case_and_refuses_any_change() -> None:
    assert protocol.signature_valid({**EXAMPLE, "vnp_SecureHash": EXAMPLE_HASH.upper()}, SECRET)
    assert not protocol.signature_valid(
        {**EXAMPLE, "vnp_Amount": "1806100", "vnp_SecureHash": EXAMPLE_HASH}, SECRET
    )
    assert not protocol.signature_valid({**EXAMPLE, "vnp_SecureHash": EXAMPLE_HASH}, "OTHER")
    assert not protocol.signature_valid(EXAMPLE, SECRET)


def test_pipe_sign_matches_a_known_vector() -> None:
    values = ["r1", "2.1.0", "querydr", "DVCDEMO1", "5", "20210801153333"]
    values += ["20210801160000", "127.0.0.1", "Truy van"]
    assert protocol.pipe_sign(values, SECRET) == (
        "34d566d757e40605d6185cf68b49e47190b060615b54a56367c6f055ab72429572bdcc92017393"
        "68ce3337ad40ab22579e21cb979fd1e9aa8a0ff3009812ec49"
    )


def test_dates_are_gmt7() -> None:
    moment = datetime(2026, 11, 27, 17, 30, 5, tzinfo=UTC)
    assert protocol.format_date(moment) == "20261128003005"
    assert protocol.parse_date("20261128003005") == moment


@pytest.mark.parametrize("text", ["2026112800300", "2026-11-28 00:30", "20261328003005", ""])
def test_parse_date_refuses_malformed_dates(text: str) -> None:
    with pytest.raises(ValueError):
        protocol.parse_date(text)
