"""What the sandbox gateway's tests share: a merchant's signed payment request and a
merchant's IPN endpoint on a real local HTTP server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.utils import timezone

from dichvucong.payments.sandbox import protocol

SECRET = "DICHVUCONGSANDBOXSECRET2015"
TMN_CODE = "DVCDEMO1"
RETURN_URL = "http://127.0.0.1:8000/payments/vnpay/return/"


def payment_params(
    *, now: datetime | None = None, secret: str = SECRET, **overrides: str
) -> dict[str, str]:
    """Return a merchant's signed payment request (1,500,000 VND), with overrides."""
    now = now or timezone.now()
    params = {
        "vnp_Version": "2.1.0",
        "vnp_Command": "pay",
        "vnp_TmnCode": TMN_CODE,
        "vnp_Amount": "150000000",
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": "DVC000123",
        "vnp_OrderInfo": "Nộp lệ phí hồ sơ 000.00.20.H10-261127-0001",
        "vnp_OrderType": "other",
        "vnp_Locale": "vn",
        "vnp_ReturnUrl": RETURN_URL,
        "vnp_IpAddr": "203.113.1.10",
        "vnp_CreateDate": protocol.format_date(now),
        "vnp_ExpireDate": protocol.format_date(now + timedelta(minutes=15)),
    }
    params.update(overrides)
    params = {key: value for key, value in params.items() if value is not None}
    params["vnp_SecureHash"] = protocol.sign(params, secret)
    return params


def payment_url(params: dict[str, str]) -> str:
    return "/sandbox/vnpay/paymentv2/vpcpay.html?" + urlencode(params)


@dataclass
class Merchant:
    """The merchant's IPN endpoint: what it received, and what it will answer next."""

    url: str
    calls: list[dict[str, str]] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)


@pytest.fixture
def merchant(settings: Any) -> Iterator[Merchant]:
    """Serve a merchant IPN endpoint on 127.0.0.1 that answers the queued RspCodes
    (00 once the queue is empty; "html": an HTML error page) and point the sandbox's IPN
    URL at it."""
    state = Merchant(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.calls.append(dict(parse_qsl(urlsplit(self.path).query)))
            code = state.answers.pop(0) if state.answers else "00"
            if code == "html":
                body = b"<!DOCTYPE html><p>Internal error</p>"
                self.send_response(500)
            else:
                body = json.dumps({"RspCode": code, "Message": "test"}).encode()
                self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/payments/vnpay/ipn/"
    settings.PAYMENT_SANDBOX_IPN_URL = state.url
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
