"""The whole payment path in headless Chromium, through the sandbox gateway.

The agency asks for the fees of a citizen's dossier; the citizen presses "pay" on the
dossier page, lands on the bundled sandbox gateway (VNPay 2.1.0), pays; the gateway
sends its IPN to the merchant's endpoint, then brings the browser back to the return
page, which shows success; the dossier page shows the payment paid, and the electronic
receipt downloads as a PDF.
"""

from __future__ import annotations

from typing import Any

import pytest

from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers.models import Dossier
from dichvucong.payments import services as payment_services
from dichvucong.payments.models import Payment, PaymentStatus
from dichvucong.payments.sandbox.models import (
    DeliveryStatus,
    Outcome,
    SandboxIpnDelivery,
    SandboxTransaction,
)
from dichvucong.payments.tests.conftest import act, submit

from .support import ARTIFACTS, BROWSER_TEST, axe_violations, chromium_page

pytestmark = [*BROWSER_TEST, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page() -> Any:
    with chromium_page(locale="vi-VN", accept_downloads=True) as page:
        yield page


@pytest.fixture
def paying_dossier(citizen: Any, online_procedure: Procedure, officers: dict[str, Any]) -> Dossier:
    """The citizen's dossier, accepted, assigned and asked for its fees (2 copies)."""
    payment_services.procedure_online_payment_set(procedure=online_procedure, enabled=True)
    online_procedure.refresh_from_db()
    dossier = submit(citizen, online_procedure)
    act(dossier, officers["reception"], "accept")
    act(dossier, officers["head"], "assign", assignee=officers["specialist"])
    act(dossier, officers["specialist"], "request_payment", extra={"copies": 2})
    dossier.refresh_from_db()
    return dossier


def test_a_citizen_pays_through_the_sandbox_and_gets_the_receipt(
    live_server: Any,
    settings: Any,
    paying_dossier: Dossier,
    browser_page: Any,
    monkeypatch: Any,
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = live_server.url
    settings.SITE_URL = base
    settings.VNPAY_PAYMENT_URL = f"{base}/sandbox/vnpay/paymentv2/vpcpay.html"
    settings.VNPAY_API_URL = f"{base}/sandbox/vnpay/merchant_webapi/api/transaction"
    settings.PAYMENT_SANDBOX_IPN_URL = f"{base}/payments/vnpay/ipn/"
    assert paying_dossier.status == "paying"
    code = paying_dossier.code
    page = browser_page
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(base + "/tai-khoan/dang-nhap/")
    page.fill("#id_username", "congdan")
    page.fill("#id_password", "mat-khau-thu-nghiem-12")
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{base}/ho-so-cua-toi/{code}/")
    page.locator("#thanh-toan").get_by_role("button", name="Thanh toán phí, lệ phí").click()

    # The sandbox gateway's page.
    page.wait_for_url("**/sandbox/vnpay/paymentv2/vpcpay.html?*")
    payment = Payment.objects.get(dossier=paying_dossier)
    assert page.get_by_text("Cổng thanh toán thử nghiệm").first.is_visible()
    assert page.get_by_text(payment.txn_ref).is_visible()
    amount = f"{payment.amount:,}".replace(",", ".")
    assert page.get_by_text(f"{amount} VND").is_visible()
    count, report = axe_violations(page)
    assert count == 0, report
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "payment-sandbox-390.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Thanh toán", exact=True).click()

    # Back at the merchant's return page: the IPN reached the merchant first.
    page.wait_for_url("**/payments/vnpay/return/?*")
    assert page.get_by_text("Cổng thanh toán báo giao dịch thành công").is_visible()
    assert page.get_by_text("Hệ thống đã ghi nhận khoản thanh toán.").is_visible()
    page.screenshot(path=str(ARTIFACTS / "payment-return.png"), full_page=True)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    row = SandboxTransaction.objects.get(txn_ref=payment.txn_ref)
    assert (row.outcome, row.amount) == (Outcome.PAID, payment.amount * 100)
    delivery = SandboxIpnDelivery.objects.get(transaction=row)
    assert (delivery.status, delivery.attempts, delivery.last_rsp_code) == (
        DeliveryStatus.DELIVERED,
        1,
        "00",
    )

    # The dossier page: paid, and the receipt downloads.
    page.goto(f"{base}/ho-so-cua-toi/{code}/")
    box = page.locator("#thanh-toan")
    assert box.get_by_text("Đã thanh toán").is_visible()
    assert box.get_by_role("button", name="Thanh toán phí, lệ phí").count() == 0
    with page.expect_download() as download_info:
        box.get_by_role("link", name="Tải biên lai điện tử (PDF)").click()
    download = download_info.value
    receipt = ARTIFACTS / "payment-receipt.pdf"
    download.save_as(str(receipt))
    assert receipt.read_bytes().startswith(b"%PDF-")
    paying_dossier.refresh_from_db()
    assert paying_dossier.status != "paying"
