"""The sandbox against an independent client of the protocol: the `vnpay` package on npm
(tests/vnpay_client/). Its payment URL must be accepted, and the sandbox's return
parameters and querydr answers must verify there."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from dichvucong.payments.sandbox.models import Outcome, SandboxTransaction

from .conftest import RETURN_URL, SECRET, TMN_CODE, Merchant

CLIENT_DIR = Path(__file__).resolve().parents[4] / "tests" / "vnpay_client"


def client_unavailable() -> str | None:
    """Return why the npm client cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "Node.js is not installed, so the vnpay client cannot run"
    if not (CLIENT_DIR / "node_modules" / "vnpay").is_dir():
        return f"the vnpay client is not installed: run `npm ci` in {CLIENT_DIR}"
    return None


@pytest.fixture(scope="module", autouse=True)
def _client_installed() -> None:
    reason = client_unavailable()
    if reason is not None:
        if os.environ.get("REQUIRE_VNPAY_CLIENT"):
            pytest.fail(f"{reason}, and REQUIRE_VNPAY_CLIENT is set")
        pytest.skip(reason)


def run_client(command: str, request: dict[str, Any]) -> Any:
    """Run one command of tests/vnpay_client/client.mjs and return its JSON answer."""
    node = shutil.which("node")
    assert node is not None
    done = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [node, "client.mjs", command],
        cwd=CLIENT_DIR,
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TZ": "UTC"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def build_url(**params: Any) -> str:
    request = {
        "host": "http://testserver",
        "tmnCode": TMN_CODE,
        "secret": SECRET,
        "params": {
            "vnp_Amount": 250000,
            "vnp_IpAddr": "203.113.1.10",
            "vnp_TxnRef": "NPM00001",
            "vnp_OrderInfo": "Nộp phí hồ sơ 000.00.20.H10-261127-0002 (bản sao: 2)",
            "vnp_OrderType": "other",
            "vnp_ReturnUrl": RETURN_URL,
            "vnp_Locale": "vn",
            **params,
        },
    }
    url: str = run_client("build", request)["url"]
    return url


@pytest.mark.django_db
def test_the_npm_client_pays_and_verifies_the_result(
    client: Any, merchant: Merchant, django_capture_on_commit_callbacks: Any
) -> None:
    url = urlsplit(build_url())
    assert url.path == "/sandbox/vnpay/paymentv2/vpcpay.html"
    page = client.get(f"{url.path}?{url.query}")
    assert page.status_code == 200, page.content.decode()
    assert "250.000 VND" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url.path}?{url.query}", {"choice": "pay"})

    assert response.status_code == 302
    query = dict(parse_qsl(urlsplit(response["Location"]).query))
    verified = run_client("verify", {"tmnCode": TMN_CODE, "secret": SECRET, "query": query})
    assert verified == {"isVerified": True, "isSuccess": True, "vnp_Amount": 250000}
    ipn = run_client("verify", {"tmnCode": TMN_CODE, "secret": SECRET, "query": merchant.calls[0]})
    assert ipn == verified
    assert SandboxTransaction.objects.get().outcome == Outcome.PAID


@pytest.mark.django_db
def test_the_npm_client_sees_a_cancel_and_a_tampered_result(
    client: Any, merchant: Merchant, django_capture_on_commit_callbacks: Any
) -> None:
    url = urlsplit(build_url(vnp_TxnRef="NPM00002"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url.path}?{url.query}", {"choice": "cancel"})
    query = dict(parse_qsl(urlsplit(response["Location"]).query))

    cancelled = run_client("verify", {"tmnCode": TMN_CODE, "secret": SECRET, "query": query})
    tampered = run_client(
        "verify",
        {"tmnCode": TMN_CODE, "secret": SECRET, "query": {**query, "vnp_ResponseCode": "00"}},
    )

    assert cancelled == {"isVerified": True, "isSuccess": False, "vnp_Amount": 250000}
    assert tampered["isVerified"] is False


def test_a_tampered_npm_url_is_refused(client: Any, db: None) -> None:
    url = urlsplit(build_url(vnp_TxnRef="NPM00003"))
    query = url.query.replace("vnp_Amount=25000000", "vnp_Amount=100")
    response = client.get(f"{url.path}?{query}")
    assert response.status_code == 400
    assert "Sai chữ ký." in response.content.decode()
    assert SandboxTransaction.objects.count() == 0


def test_the_npm_client_queries_the_sandbox_and_verifies_the_answer(
    live_server: Any, merchant: Merchant
) -> None:
    import requests

    url = build_url(vnp_TxnRef="NPM00004").replace("http://testserver", live_server.url)
    create_date = dict(parse_qsl(urlsplit(url).query))["vnp_CreateDate"]
    session = requests.Session()
    page = session.get(url, timeout=30)
    assert page.status_code == 200
    token = session.cookies["csrftoken"]
    paid = session.post(
        url,
        data={"choice": "pay", "csrfmiddlewaretoken": token},
        headers={"Referer": url},
        allow_redirects=False,
        timeout=30,
    )
    assert paid.status_code == 302

    answer = run_client(
        "querydr",
        {
            "host": live_server.url,
            "tmnCode": TMN_CODE,
            "secret": SECRET,
            "params": {
                "vnp_RequestId": "NPMQ0001",
                "vnp_IpAddr": "127.0.0.1",
                "vnp_TxnRef": "NPM00004",
                "vnp_OrderInfo": "Truy vấn NPM00004",
                "vnp_TransactionDate": int(create_date),
            },
        },
    )

    assert answer["isVerified"] is True
    assert answer["isSuccess"] is True
    assert (answer["vnp_ResponseCode"], answer["vnp_TransactionStatus"]) == ("00", "00")
    assert answer["vnp_Amount"] == "25000000"
    assert answer["vnp_TxnRef"] == "NPM00004"


def merchant_order(txn_ref: str, return_url: str = RETURN_URL) -> Any:
    """The merchant side's own order (dichvucong.payments), 180,000 VND."""
    from datetime import timedelta

    from django.utils import timezone

    from dichvucong.payments.providers.base import PaymentOrder

    now = timezone.now()
    return PaymentOrder(
        txn_ref=txn_ref,
        amount=180000,
        order_info="Nộp phí, lệ phí hồ sơ 000.00.20.H10-261127-0003",
        created_at=now,
        expires_at=now + timedelta(minutes=15),
        ip_address="203.113.1.10",
        language="vi",
        return_url=return_url,
    )


def test_a_merchant_url_verifies_in_the_npm_client_and_opens_the_sandbox(
    client: Any, db: None
) -> None:
    from dichvucong.payments.providers.vnpay import VNPayProvider

    url = urlsplit(VNPayProvider.from_settings().payment_url(merchant_order("MERCH0001")))
    query = dict(parse_qsl(url.query))

    verified = run_client("verify", {"tmnCode": TMN_CODE, "secret": SECRET, "query": query})
    page = client.get(f"{url.path}?{url.query}")

    assert verified["isVerified"] is True
    assert verified["vnp_Amount"] == 180000
    assert page.status_code == 200, page.content.decode()
    assert "180.000 VND" in page.content.decode()


def test_the_merchant_querydr_reads_the_sandbox(live_server: Any, merchant: Merchant) -> None:
    import requests

    from dichvucong.payments.providers.base import Outcome as MerchantOutcome
    from dichvucong.payments.providers.vnpay import VNPayProvider

    provider = VNPayProvider.from_settings()
    provider = VNPayProvider(
        tmn_code=provider.tmn_code,
        hash_secret=provider.hash_secret,
        payment_endpoint=f"{live_server.url}/sandbox/vnpay/paymentv2/vpcpay.html",
        api_endpoint=f"{live_server.url}/sandbox/vnpay/merchant_webapi/api/transaction",
    )
    order = merchant_order("MERCH0002")
    url = provider.payment_url(order)
    session = requests.Session()
    assert session.get(url, timeout=30).status_code == 200
    paid = session.post(
        url,
        data={"choice": "pay", "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": url},
        allow_redirects=False,
        timeout=30,
    )
    assert paid.status_code == 302

    report = provider.query(txn_ref="MERCH0002", created_at=order.created_at, ip_address="::1")
    unknown = provider.query(txn_ref="MERCH9999", created_at=order.created_at, ip_address="::1")

    row = SandboxTransaction.objects.get(txn_ref="MERCH0002")
    assert (report.outcome, report.amount, report.transaction_no, report.bank_code) == (
        MerchantOutcome.SUCCESS,
        180000,
        row.transaction_no,
        "NCB",
    )
    assert report.paid_at == row.pay_date.replace(microsecond=0)  # type: ignore[union-attr]
    assert unknown.outcome == MerchantOutcome.NOT_FOUND
