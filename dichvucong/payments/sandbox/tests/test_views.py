"""The payment page: refusals, the three choices, their IPN and return redirect."""

from __future__ import annotations

import importlib
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import clear_url_caches
from django.utils import timezone

from dichvucong.payments.sandbox import protocol
from dichvucong.payments.sandbox.models import (
    DeliveryStatus,
    Outcome,
    SandboxIpnDelivery,
    SandboxMerchant,
    SandboxTransaction,
)

from .conftest import RETURN_URL, SECRET, Merchant, payment_params, payment_url

pytestmark = pytest.mark.django_db


def test_page_shows_the_merchant_the_order_and_the_three_choices(client: Any) -> None:
    response = client.get(payment_url(payment_params()))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Cổng thanh toán thử nghiệm" in html
    assert "Cổng Dịch vụ công (website thử nghiệm)" in html
    assert "DVC000123" in html
    assert "Nộp lệ phí hồ sơ 000.00.20.H10-261127-0001" in html
    assert "1.500.000 VND" in html
    assert 'value="pay"' in html and ">Thanh toán</button>" in html
    assert 'value="cancel"' in html and ">Hủy giao dịch</button>" in html
    assert 'value="fail"' in html and ">Giao dịch thất bại</button>" in html
    row = SandboxTransaction.objects.get()
    assert (row.tmn_code, row.txn_ref, row.amount, row.outcome) == (
        "DVCDEMO1",
        "DVC000123",
        150000000,
        Outcome.PENDING,
    )
    assert row.transaction_status == "01"
    assert row.bank_code == "NCB"


def test_opening_the_page_again_reuses_the_transaction(client: Any) -> None:
    params = payment_params()
    client.get(payment_url(params))
    assert client.get(payment_url(params)).status_code == 200
    assert SandboxTransaction.objects.count() == 1


def tampered(**changes: str) -> dict[str, str]:
    params = payment_params()
    params.update(changes)
    return params


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        (tampered(vnp_Amount="15000000"), "70", "Sai chữ ký."),
        (tampered(vnp_ReturnUrl="https://attacker.example/"), "70", "Sai chữ ký."),
        (payment_params(secret="NOT-THE-SECRET"), "70", "Sai chữ ký."),
        ({k: v for k, v in payment_params().items() if k != "vnp_SecureHash"}, "70", "Sai chữ ký."),
        (
            payment_params(vnp_TmnCode="UNKNOWN1"),
            "02",
            "Website chưa được cấp phép kết nối (mã vnp_TmnCode không hợp lệ).",
        ),
        (
            payment_params(vnp_Version="2.0.1"),
            "03",
            "Phiên bản 2.0.1 không được hỗ trợ; phiên bản hiện tại là 2.1.0.",
        ),
        (
            payment_params(vnp_Command="querydr"),
            "03",
            "Dữ liệu gửi sang không đúng định dạng (tham số vnp_Command).",
        ),
        (
            payment_params(vnp_CurrCode="USD"),
            "03",
            "Đơn vị tiền tệ không được hỗ trợ; chỉ thanh toán bằng VND.",
        ),
        (
            payment_params(vnp_Amount="150000050"),
            "03",
            "Số tiền không hợp lệ: vnp_Amount là số tiền VND nhân 100.",
        ),
        (payment_params(vnp_Amount="0"), "03", "Số tiền không hợp lệ."),
        (payment_params(vnp_Amount="-100"), "03", "Số tiền không hợp lệ."),
        (
            payment_params(vnp_CreateDate="2026-11-27"),
            "03",
            "Dữ liệu gửi sang không đúng định dạng (tham số vnp_CreateDate).",
        ),
        (
            payment_params(vnp_TxnRef=""),
            "03",
            "Dữ liệu gửi sang không đúng định dạng (tham số vnp_TxnRef).",
        ),
        (
            payment_params(vnp_ReturnUrl="javascript:alert(1)"),
            "03",
            "Dữ liệu gửi sang không đúng định dạng (tham số vnp_ReturnUrl).",
        ),
        (
            payment_params(now=timezone.now() - timedelta(minutes=16)),
            "11",
            "Giao dịch đã hết hạn.",
        ),
    ],
)
def test_refused_requests_show_the_error_and_record_nothing(
    client: Any, params: dict[str, str], code: str, message: str
) -> None:
    response = client.get(payment_url(params))

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'<span class="gw-code">{code}</span>' in html
    assert "Thanh toán</button>" not in html
    assert SandboxTransaction.objects.count() == 0


def test_a_merchant_from_the_admin_signs_with_its_own_secret(client: Any) -> None:
    SandboxMerchant.objects.create(
        tmn_code="SOTUPHAP", name="Sở Tư pháp", hash_secret="SECRET-OF-SOTUPHAP"
    )
    ok = client.get(
        payment_url(payment_params(vnp_TmnCode="SOTUPHAP", secret="SECRET-OF-SOTUPHAP"))
    )
    refused = client.get(payment_url(payment_params(vnp_TmnCode="SOTUPHAP")))

    assert ok.status_code == 200
    assert "Sở Tư pháp" in ok.content.decode()
    assert refused.status_code == 400
    assert "Sai chữ ký." in refused.content.decode()


def test_an_inactive_merchant_is_refused(client: Any) -> None:
    SandboxMerchant.objects.create(
        tmn_code="DVCDEMO1", name="Tạm ngừng", hash_secret=SECRET, is_active=False
    )
    response = client.get(payment_url(payment_params()))
    assert response.status_code == 400
    assert SandboxTransaction.objects.count() == 0


def test_a_reference_already_paid_is_refused(
    client: Any, merchant: Merchant, django_capture_on_commit_callbacks: Any
) -> None:
    params = payment_params()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(payment_url(params), {"choice": "pay"})
    other_amount = payment_params(vnp_Amount="20000000")

    for response in (client.get(payment_url(params)), client.get(payment_url(other_amount))):
        assert response.status_code == 400
        assert "Giao dịch đã tồn tại." in response.content.decode()
    assert len(merchant.calls) == 1


EXPECTED = {
    "pay": ("00", "00", Outcome.PAID),
    "cancel": ("24", "02", Outcome.CANCELLED),
    "fail": ("51", "02", Outcome.FAILED),
}


@pytest.mark.parametrize("choice", ["pay", "cancel", "fail"])
def test_a_choice_sends_the_signed_ipn_then_returns_to_the_merchant(
    client: Any, merchant: Merchant, django_capture_on_commit_callbacks: Any, choice: str
) -> None:
    client.get(payment_url(payment_params()))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(payment_url(payment_params()), {"choice": choice})

    response_code, status, outcome = EXPECTED[choice]
    row = SandboxTransaction.objects.get()
    assert (row.outcome, row.response_code, row.transaction_status) == (
        outcome,
        response_code,
        status,
    )
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == RETURN_URL
    returned = dict(parse_qsl(location.query))
    assert merchant.calls == [returned]
    pay_date = protocol.format_date(row.pay_date)  # type: ignore[arg-type]
    expected = {
        "vnp_Amount": "150000000",
        "vnp_BankCode": "NCB",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": "Nộp lệ phí hồ sơ 000.00.20.H10-261127-0001",
        "vnp_PayDate": pay_date,
        "vnp_ResponseCode": response_code,
        "vnp_TmnCode": "DVCDEMO1",
        "vnp_TransactionNo": "0" if choice == "cancel" else row.transaction_no,
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": "DVC000123",
    }
    if choice == "pay":
        expected["vnp_BankTranNo"] = f"VNP{row.transaction_no}"
    signature = returned.pop("vnp_SecureHash")
    assert returned == expected
    assert protocol.signature_valid({**returned, "vnp_SecureHash": signature}, SECRET)
    assert row.transaction_no == str(14_000_000 + row.pk)
    delivery = SandboxIpnDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_rsp_code) == (
        DeliveryStatus.DELIVERED,
        1,
        "00",
    )
    attempt = delivery.attempt_log.get()
    assert (attempt.number, attempt.http_status, attempt.rsp_code, attempt.error) == (
        1,
        200,
        "00",
        "",
    )


def test_a_choice_posted_twice_sends_one_ipn_and_the_same_answer(
    client: Any, merchant: Merchant, django_capture_on_commit_callbacks: Any
) -> None:
    params = payment_params()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(payment_url(params), {"choice": "pay"})
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(payment_url(params), {"choice": "cancel"})

    assert second["Location"] == first["Location"]
    assert SandboxTransaction.objects.get().outcome == Outcome.PAID
    assert len(merchant.calls) == 1
    assert SandboxIpnDelivery.objects.count() == 1


def test_a_choice_after_expiry_is_refused_and_changes_nothing(
    client: Any, merchant: Merchant, django_capture_on_commit_callbacks: Any
) -> None:
    params = payment_params(now=timezone.now() - timedelta(minutes=14, seconds=59))
    assert client.get(payment_url(params)).status_code == 200
    late = timezone.now() + timedelta(seconds=5)
    from dichvucong.payments.sandbox.services import GatewayError, sandbox_transaction_complete

    with pytest.raises(GatewayError) as refused:
        sandbox_transaction_complete(params=params, choice="pay", now=late)

    assert (refused.value.code, refused.value.message) == ("11", "Giao dịch đã hết hạn.")
    assert SandboxTransaction.objects.get().outcome == Outcome.PENDING
    assert SandboxIpnDelivery.objects.count() == 0
    assert merchant.calls == []


def test_an_unknown_choice_is_refused(client: Any, merchant: Merchant) -> None:
    response = client.post(payment_url(payment_params()), {"choice": "steal"})
    assert response.status_code == 400
    assert "Lựa chọn không hợp lệ." in response.content.decode()
    assert SandboxTransaction.objects.count() == 0


def test_a_tampered_choice_is_refused(client: Any, merchant: Merchant) -> None:
    response = client.post(payment_url(tampered(vnp_Amount="100")), {"choice": "pay"})
    assert response.status_code == 400
    assert "Sai chữ ký." in response.content.decode()
    assert SandboxTransaction.objects.count() == 0
    assert merchant.calls == []


def test_the_sandbox_is_absent_when_disabled(client: Any, settings: Any) -> None:
    import config.urls

    settings.PAYMENT_SANDBOX_ENABLED = False
    importlib.reload(config.urls)
    clear_url_caches()
    try:
        assert client.get(payment_url(payment_params())).status_code == 404
        assert client.post("/sandbox/vnpay/merchant_webapi/api/transaction").status_code == 404
    finally:
        settings.PAYMENT_SANDBOX_ENABLED = True
        importlib.reload(config.urls)
        clear_url_caches()
    assert client.get(payment_url(payment_params())).status_code == 200
    assert SandboxTransaction.objects.count() == 1
