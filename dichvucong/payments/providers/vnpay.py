"""The VNPay payment gateway, protocol version 2.1.0 (the merchant's side).

- The payment URL: every `vnp_` parameter sorted by name, `key=value` joined by `&`, each
  value encoded as `urllib.parse.quote_plus` does; `vnp_SecureHash` is the HMAC-SHA512 of
  that text under the merchant's secret, lower-case hex. Amounts are đồng x 100, dates
  `yyyyMMddHHmmss` in GMT+7.
- Callbacks (IPN and return URL) are checked the same way over what they carry, less
  `vnp_SecureHash` and `vnp_SecureHashType`, compared in constant time.
- The merchant web API (`querydr`) is a JSON POST whose hash is the HMAC-SHA512 of the
  documented fields' values joined by `|`, in the documented order (not sorted).
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

import requests
from django.conf import settings
from django.utils import timezone

from .base import GatewayError, GatewayReport, Outcome, PaymentOrder

VERSION = "2.1.0"
DATE_FORMAT = "%Y%m%d%H%M%S"
GMT7 = ZoneInfo("Asia/Ho_Chi_Minh")
UNSIGNED = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})
# Seconds to wait for the merchant web API.
API_TIMEOUT = 10
ORDER_INFO_MAX = 255

# The fields of the querydr request's and answer's hashes, in VNPay's documented order.
QUERYDR_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERYDR_RESPONSE_FIELDS = (
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
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)
# vnp_ResponseCode of a payment the payer cancelled on the gateway's page.
CUSTOMER_CANCELLED = "24"
# querydr's vnp_ResponseCode when the gateway has no such transaction.
QUERY_NOT_FOUND = "91"


def hmac_sha512(secret: str, data: str) -> str:
    """Return HMAC-SHA512 of `data` under `secret`, lower-case hex."""
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


def hash_data(params: Mapping[str, str]) -> str:
    """Return the signed text of a redirect or callback (see the module's docstring)."""
    keys = sorted(k for k in params if k.startswith("vnp_") and k not in UNSIGNED)
    return "&".join(f"{k}={quote_plus(str(params[k]))}" for k in keys)


def pipe_data(fields: Iterable[str], values: Mapping[str, Any]) -> str:
    """Return the signed text of a merchant web API call: values joined by `|`."""
    return "|".join("" if values.get(f) is None else str(values.get(f)) for f in fields)


def format_date(moment: datetime) -> str:
    return moment.astimezone(GMT7).strftime(DATE_FORMAT)


def parse_date(text: str) -> datetime:
    """Return the aware datetime of a protocol date; ValueError when malformed."""
    if len(text) != 14 or not text.isdigit():
        raise ValueError(f"Not a VNPay date: {text!r}")
    return datetime.strptime(text, DATE_FORMAT).replace(tzinfo=GMT7)


def without_diacritics(text: str) -> str:
    """Return `text` in plain ASCII letters (VNPay asks for vnp_OrderInfo without accents)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.encode("ascii", "ignore").decode("ascii")


@dataclass(frozen=True)
class VNPayProvider:
    """A VNPay merchant: its terminal code, secret and the gateway's two URLs."""

    tmn_code: str
    hash_secret: str
    payment_endpoint: str
    api_endpoint: str
    name: str = "vnpay"

    @classmethod
    def from_settings(cls) -> VNPayProvider:
        return cls(
            tmn_code=settings.VNPAY_TMN_CODE,
            hash_secret=settings.VNPAY_HASH_SECRET,
            payment_endpoint=settings.VNPAY_PAYMENT_URL,
            api_endpoint=settings.VNPAY_API_URL,
        )

    def sign(self, params: Mapping[str, str]) -> str:
        return hmac_sha512(self.hash_secret, hash_data(params))

    def payment_params(self, order: PaymentOrder) -> dict[str, str]:
        """Return the signed parameters of the payment URL."""
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(order.amount * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": order.txn_ref,
            "vnp_OrderInfo": without_diacritics(order.order_info)[:ORDER_INFO_MAX],
            "vnp_OrderType": "other",
            "vnp_Locale": "en" if order.language.startswith("en") else "vn",
            "vnp_ReturnUrl": order.return_url,
            "vnp_IpAddr": order.ip_address,
            "vnp_CreateDate": format_date(order.created_at),
            "vnp_ExpireDate": format_date(order.expires_at),
        }
        params["vnp_SecureHash"] = self.sign(params)
        return params

    def payment_url(self, order: PaymentOrder) -> str:
        params = self.payment_params(order)
        signed = hash_data(params)
        return f"{self.payment_endpoint}?{signed}&vnp_SecureHash={params['vnp_SecureHash']}"

    def callback_verified(self, params: Mapping[str, str]) -> bool:
        received = str(params.get("vnp_SecureHash", "")).lower()
        if not received or params.get("vnp_TmnCode") != self.tmn_code:
            return False
        return hmac.compare_digest(received.encode(), self.sign(params).encode())

    def callback_report(self, params: Mapping[str, str]) -> GatewayReport:
        response = params.get("vnp_ResponseCode", "")
        status = params.get("vnp_TransactionStatus", "")
        if response == "00" and status == "00":
            outcome = Outcome.SUCCESS
        elif response == CUSTOMER_CANCELLED:
            outcome = Outcome.CANCELLED
        else:
            outcome = Outcome.FAILED
        pay_date = params.get("vnp_PayDate", "")
        return GatewayReport(
            txn_ref=params["vnp_TxnRef"],
            amount=_amount(params.get("vnp_Amount", "")),
            outcome=outcome,
            response_code=response[:4],
            transaction_no=params.get("vnp_TransactionNo", "")[:50],
            bank_code=params.get("vnp_BankCode", "")[:20],
            paid_at=parse_date(pay_date) if pay_date else None,
        )

    def querydr_body(
        self, *, txn_ref: str, created_at: datetime, ip_address: str
    ) -> dict[str, str]:
        """Return the signed JSON body of a querydr call."""
        body = {
            "vnp_RequestId": uuid.uuid4().hex,
            "vnp_Version": VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": txn_ref,
            "vnp_OrderInfo": f"Truy van giao dich {txn_ref}",
            "vnp_TransactionDate": format_date(created_at),
            "vnp_CreateDate": format_date(timezone.now()),
            "vnp_IpAddr": ip_address,
        }
        body["vnp_SecureHash"] = hmac_sha512(
            self.hash_secret, pipe_data(QUERYDR_REQUEST_FIELDS, body)
        )
        return body

    def query(self, *, txn_ref: str, created_at: datetime, ip_address: str) -> GatewayReport:
        body = self.querydr_body(txn_ref=txn_ref, created_at=created_at, ip_address=ip_address)
        try:
            response = requests.post(self.api_endpoint, json=body, timeout=API_TIMEOUT)
            response.raise_for_status()
            answer = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise GatewayError(f"querydr {txn_ref}: {exc}") from exc
        if not isinstance(answer, dict):
            raise GatewayError(f"querydr {txn_ref}: the answer is not a JSON object")
        expected = hmac_sha512(self.hash_secret, pipe_data(QUERYDR_RESPONSE_FIELDS, answer))
        received = str(answer.get("vnp_SecureHash", "")).lower()
        if not hmac.compare_digest(received.encode(), expected.encode()):
            raise GatewayError(f"querydr {txn_ref}: invalid signature of the answer")
        code = str(answer.get("vnp_ResponseCode", ""))
        if code == QUERY_NOT_FOUND:
            return GatewayReport(
                txn_ref=txn_ref, amount=0, outcome=Outcome.NOT_FOUND, response_code=code, raw=answer
            )
        if code != "00" or answer.get("vnp_TxnRef") != txn_ref:
            raise GatewayError(f"querydr {txn_ref}: answer {code} {answer.get('vnp_Message', '')}")
        status = str(answer.get("vnp_TransactionStatus", ""))
        outcome = {"00": Outcome.SUCCESS, "01": Outcome.PENDING}.get(status, Outcome.FAILED)
        pay_date = str(answer.get("vnp_PayDate") or "")
        try:
            paid_at = parse_date(pay_date) if pay_date else None
        except ValueError:
            paid_at = None
        return GatewayReport(
            txn_ref=txn_ref,
            amount=_amount(str(answer.get("vnp_Amount", ""))),
            outcome=outcome,
            response_code=status[:4],
            transaction_no=str(answer.get("vnp_TransactionNo") or "")[:50],
            bank_code=str(answer.get("vnp_BankCode") or "")[:20],
            paid_at=paid_at,
            raw=answer,
        )


def _amount(raw: str) -> int:
    """Return a protocol amount (đồng x 100) in đồng; -1 when it is not a whole number."""
    if not raw.isdigit():
        return -1
    value = int(raw)
    return value // 100 if value % 100 == 0 else -1
