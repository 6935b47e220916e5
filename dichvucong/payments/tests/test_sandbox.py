"""The merchant side against the bundled sandbox gateway (its own code, written apart)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client

from dichvucong.dossiers.models import Dossier
from dichvucong.payments import services
from dichvucong.payments.models import Payment, PaymentEvent
from dichvucong.payments.providers import vnpay

pytestmark = pytest.mark.django_db


def test_a_payment_whose_ipn_never_came_is_found_by_querydr(
    client: Client, payment: Payment, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The payer pays on the sandbox's page; its IPN is queued after the commit, which
    # this test never reaches: the merchant hears nothing.
    parts = urlsplit(payment.payment_url)
    address = f"{parts.path}?{parts.query}"
    page = client.get(address)
    assert page.status_code == 200
    assert payment.txn_ref in page.content.decode()
    assert client.post(address, {"choice": "pay"}).status_code == 302
    payment.refresh_from_db()
    assert payment.status == "created"

    calls: list[dict[str, Any]] = []

    def post(url: str, *, json: dict[str, Any], timeout: int) -> requests.Response:
        """Carry the querydr call to the sandbox's view in this process."""
        assert (url, timeout) == (settings.VNPAY_API_URL, vnpay.API_TIMEOUT)
        calls.append(json)
        answer = client.post(urlsplit(url).path, data=_dumps(json), content_type="application/json")
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.content
        return response

    monkeypatch.setattr(vnpay.requests, "post", post)
    settings.PAYMENT_RECONCILE_MINUTES = 0
    report = services.payments_reconcile()
    assert (report.queried, report.applied, report.errors) == (1, {"00": 1}, 0)
    assert calls[0]["vnp_Command"] == "querydr"
    payment.refresh_from_db()
    assert (payment.status, payment.flag) == ("paid", "")
    assert payment.transaction_no != ""
    assert Dossier.objects.get(pk=payment.dossier_id).status == "processing"
    query = PaymentEvent.objects.get(payment=payment, kind="query")
    assert (query.params["vnp_ResponseCode"], query.params["vnp_TransactionStatus"]) == ("00", "00")


def _dumps(value: Any) -> str:
    return json.dumps(value)
