"""What the sandbox gateway does: check a merchant's payment request, record the payer's
choice, call the merchant's IPN URL, answer the merchant web API (querydr, refund).

Every check follows VNPay 2.1.0 as published; the codes are VNPay's.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dichvucong.core.background import queue_after_commit

from . import protocol
from .models import (
    DeliveryStatus,
    Outcome,
    SandboxApiRequest,
    SandboxIpnAttempt,
    SandboxIpnDelivery,
    SandboxTransaction,
)
from .selectors import Merchant, UnknownMerchant, merchant_get

logger = logging.getLogger(__name__)

# The bank every sandbox payment goes through unless the merchant names one.
DEFAULT_BANK = "NCB"
# IPN calls made for one result before the sandbox gives up (an administrator can resend).
IPN_MAX_ATTEMPTS = 4
# Answers of the merchant that end the delivery: confirmed, or already confirmed.
IPN_DONE_CODES = frozenset({"00", "02"})
TRANSACTION_NO_BASE = 14_000_000


class GatewayError(Exception):
    """A payment request the gateway refuses: VNPay's code and a message for the payer."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class PaymentRequest:
    """A checked payment request: the merchant and the values the page shows."""

    merchant: Merchant
    params: dict[str, str]
    amount: int
    created: datetime
    expires: datetime

    @property
    def txn_ref(self) -> str:
        return self.params["vnp_TxnRef"]


REQUIRED = (
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_Amount",
    "vnp_CurrCode",
    "vnp_TxnRef",
    "vnp_OrderInfo",
    "vnp_OrderType",
    "vnp_Locale",
    "vnp_ReturnUrl",
    "vnp_IpAddr",
    "vnp_CreateDate",
    "vnp_ExpireDate",
)


def _format_error(field: str) -> GatewayError:
    return GatewayError(
        "03",
        _("Dữ liệu gửi sang không đúng định dạng (tham số %(field)s).") % {"field": field},
    )


def sandbox_request_check(
    *, params: Mapping[str, str], now: datetime | None = None
) -> PaymentRequest:
    """Return the payment request in `params` once checked, or raise GatewayError.

    In VNPay's order: the merchant (02), the signature with its secret (70), the format
    of each parameter (03), the expiry (11).
    """
    now = now or timezone.now()
    values = {key: str(value) for key, value in params.items() if key.startswith("vnp_")}
    try:
        merchant = merchant_get(tmn_code=values.get("vnp_TmnCode", ""))
    except UnknownMerchant:
        raise GatewayError(
            "02", _("Website chưa được cấp phép kết nối (mã vnp_TmnCode không hợp lệ).")
        ) from None
    if not protocol.signature_valid(values, merchant.hash_secret):
        raise GatewayError("70", _("Sai chữ ký."))
    for field in REQUIRED:
        if not values.get(field):
            raise _format_error(field)
    if values["vnp_Version"] != protocol.VERSION:
        raise GatewayError(
            "03",
            _("Phiên bản %(version)s không được hỗ trợ; phiên bản hiện tại là 2.1.0.")
            % {"version": values["vnp_Version"]},
        )
    if values["vnp_Command"] != "pay":
        raise _format_error("vnp_Command")
    if values["vnp_CurrCode"] != "VND":
        raise GatewayError("03", _("Đơn vị tiền tệ không được hỗ trợ; chỉ thanh toán bằng VND."))
    raw_amount = values["vnp_Amount"]
    if not raw_amount.isdigit() or len(raw_amount) > 12 or int(raw_amount) <= 0:
        raise GatewayError("03", _("Số tiền không hợp lệ."))
    amount = int(raw_amount)
    if amount % 100:
        raise GatewayError("03", _("Số tiền không hợp lệ: vnp_Amount là số tiền VND nhân 100."))
    if len(values["vnp_TxnRef"]) > 100 or len(values["vnp_OrderInfo"]) > 255:
        raise _format_error("vnp_TxnRef" if len(values["vnp_TxnRef"]) > 100 else "vnp_OrderInfo")
    if values["vnp_Locale"] not in ("vn", "en"):
        raise _format_error("vnp_Locale")
    return_url = urlsplit(values["vnp_ReturnUrl"])
    if return_url.scheme not in ("http", "https") or not return_url.netloc:
        raise _format_error("vnp_ReturnUrl")
    bank_code = values.get("vnp_BankCode", "")
    if bank_code and not (bank_code.isalnum() and 3 <= len(bank_code) <= 20):
        raise _format_error("vnp_BankCode")
    try:
        created = protocol.parse_date(values["vnp_CreateDate"])
    except ValueError:
        raise _format_error("vnp_CreateDate") from None
    try:
        expires = protocol.parse_date(values["vnp_ExpireDate"])
    except ValueError:
        raise _format_error("vnp_ExpireDate") from None
    if expires <= created:
        raise _format_error("vnp_ExpireDate")
    if now > expires:
        raise GatewayError("11", _("Giao dịch đã hết hạn."))
    return PaymentRequest(
        merchant=merchant, params=values, amount=amount, created=created, expires=expires
    )


def sandbox_transaction_open(
    *, request: PaymentRequest, finished_ok: bool = False
) -> SandboxTransaction:
    """Record the transaction a payment page shows; the same request again reuses it.

    A reference already used for another amount is refused (01, "Giao dịch đã tồn tại"),
    and so is one already paid, cancelled or failed unless `finished_ok` (the payer's
    choice posted twice): the merchant makes a new reference for each try.
    """
    params = request.params
    with transaction.atomic():
        existing = (
            SandboxTransaction.objects.select_for_update()
            .filter(tmn_code=request.merchant.tmn_code, txn_ref=request.txn_ref)
            .first()
        )
        if existing is not None:
            finished = existing.outcome != Outcome.PENDING
            if existing.amount != request.amount or (finished and not finished_ok):
                raise GatewayError("01", _("Giao dịch đã tồn tại."))
            return existing
        row = SandboxTransaction(
            tmn_code=request.merchant.tmn_code,
            txn_ref=request.txn_ref,
            amount=request.amount,
            order_info=params["vnp_OrderInfo"],
            order_type=params["vnp_OrderType"],
            locale=params["vnp_Locale"],
            return_url=params["vnp_ReturnUrl"],
            ip_addr=params["vnp_IpAddr"][:45],
            create_date=params["vnp_CreateDate"],
            expire_date=params["vnp_ExpireDate"],
            bank_code=params.get("vnp_BankCode") or DEFAULT_BANK,
            transaction_status=protocol.STATUS_PENDING,
        )
        row.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            # Another tab opened the same request at the same moment: use its row.
            return SandboxTransaction.objects.get(
                tmn_code=request.merchant.tmn_code, txn_ref=request.txn_ref
            )
        row.transaction_no = str(TRANSACTION_NO_BASE + row.pk)
        row.save(update_fields=["transaction_no"])
    return row


# The payer's three choices: (outcome, vnp_ResponseCode, vnp_TransactionStatus).
CHOICES: dict[str, tuple[str, str, str]] = {
    "pay": (Outcome.PAID, protocol.RESPONSE_SUCCESS, protocol.STATUS_PAID),
    "cancel": (Outcome.CANCELLED, protocol.RESPONSE_CANCELLED, protocol.STATUS_FAILED),
    "fail": (Outcome.FAILED, protocol.RESPONSE_INSUFFICIENT_FUNDS, protocol.STATUS_FAILED),
}


def sandbox_result_params(*, row: SandboxTransaction, merchant: Merchant) -> dict[str, str]:
    """Return the signed result parameters of a finished transaction (return URL, IPN)."""
    paid = row.outcome in (Outcome.PAID, Outcome.REFUNDED)
    params = {
        "vnp_Amount": str(row.amount),
        "vnp_BankCode": row.bank_code,
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": row.order_info,
        "vnp_PayDate": protocol.format_date(row.pay_date) if row.pay_date else "",
        "vnp_ResponseCode": row.response_code,
        "vnp_TmnCode": row.tmn_code,
        # A cancelled payment never reached a bank: VNPay numbers it 0.
        "vnp_TransactionNo": "0" if row.outcome == Outcome.CANCELLED else row.transaction_no,
        "vnp_TransactionStatus": row.transaction_status,
        "vnp_TxnRef": row.txn_ref,
    }
    if paid:
        params["vnp_BankTranNo"] = f"VNP{row.transaction_no}"
    params = {key: value for key, value in params.items() if value != ""}
    params["vnp_SecureHash"] = protocol.sign(params, merchant.hash_secret)
    return params


def sandbox_transaction_complete(
    *, params: Mapping[str, str], choice: str, now: datetime | None = None
) -> tuple[SandboxTransaction, dict[str, str]]:
    """Record the payer's choice (pay, cancel, fail) and queue the IPN to the merchant.

    Return the transaction and the signed result parameters the browser takes back to
    the merchant's return URL. The request is checked again (signature, expiry). A
    transaction already finished is returned as it is, with no second IPN: a form
    posted twice changes nothing.
    """
    if choice not in CHOICES:
        raise GatewayError("03", _("Lựa chọn không hợp lệ."))
    now = now or timezone.now()
    request = sandbox_request_check(params=params, now=now)
    row = sandbox_transaction_open(request=request, finished_ok=True)
    with transaction.atomic():
        row = SandboxTransaction.objects.select_for_update().get(pk=row.pk)
        if row.outcome != Outcome.PENDING:
            return row, sandbox_result_params(row=row, merchant=request.merchant)
        outcome, response_code, status = CHOICES[choice]
        row.outcome = outcome
        row.response_code = response_code
        row.transaction_status = status
        row.pay_date = now
        row.full_clean(validate_constraints=False)
        row.save(update_fields=["outcome", "response_code", "transaction_status", "pay_date"])
        result = sandbox_result_params(row=row, merchant=request.merchant)
        delivery = SandboxIpnDelivery.objects.create(
            transaction=row, url=request.merchant.ipn_url, params=result
        )
        _queue_ipn(delivery.pk)
    return row, result


def _queue_ipn(delivery_id: int) -> None:
    from .tasks import sandbox_ipn_send

    queue_after_commit(sandbox_ipn_send, delivery_id)


def return_redirect_url(*, row: SandboxTransaction, result: Mapping[str, str]) -> str:
    """Return the merchant's return URL with the signed result parameters added."""
    separator = "&" if "?" in row.return_url else "?"
    return f"{row.return_url}{separator}{protocol.query_string(result)}"


def sandbox_ipn_attempt(*, delivery_id: int) -> SandboxIpnDelivery:
    """Call the merchant's IPN URL once for a delivery and record the answer.

    The HTTP call is made outside any transaction (the merchant may be this very site,
    sharing the database). A delivery that is no longer pending is left alone. The
    delivery ends when the merchant answers RspCode 00 or 02, or after IPN_MAX_ATTEMPTS.
    """
    delivery = SandboxIpnDelivery.objects.get(pk=delivery_id)
    if delivery.status != DeliveryStatus.PENDING:
        return delivery
    sent_at = timezone.now()
    started = time.monotonic()
    http_status: int | None = None
    body = ""
    rsp_code = ""
    error = ""
    try:
        response = requests.get(
            delivery.url,
            params=sorted(delivery.params.items()),
            timeout=settings.PAYMENT_SANDBOX_IPN_TIMEOUT,
            allow_redirects=False,
        )
        http_status = response.status_code
        body = response.text[:2000]
        answer = json.loads(body)
        rsp_code = str(answer.get("RspCode", ""))[:10] if isinstance(answer, dict) else ""
        if not rsp_code:
            error = _("Câu trả lời không có RspCode.")
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
    except ValueError:
        error = _("Câu trả lời không phải JSON.")
    duration_ms = int((time.monotonic() - started) * 1000)
    with transaction.atomic():
        delivery = SandboxIpnDelivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.status != DeliveryStatus.PENDING:
            return delivery
        delivery.attempts += 1
        SandboxIpnAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            sent_at=sent_at,
            duration_ms=duration_ms,
            http_status=http_status,
            rsp_code=rsp_code,
            response_body=body,
            error=error,
        )
        delivery.last_rsp_code = rsp_code
        if rsp_code in IPN_DONE_CODES:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = timezone.now()
        elif delivery.attempts >= IPN_MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
        delivery.save(update_fields=["attempts", "last_rsp_code", "status", "delivered_at"])
    logger.info(
        "Sandbox IPN %s attempt %s: HTTP %s RspCode %r %s",
        delivery.pk,
        delivery.attempts,
        http_status,
        rsp_code,
        error,
    )
    return delivery


def sandbox_ipn_resend(*, delivery: SandboxIpnDelivery) -> SandboxIpnDelivery:
    """Send a delivery that failed (or was confirmed) once more, from the admin."""
    with transaction.atomic():
        locked = SandboxIpnDelivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.status == DeliveryStatus.PENDING:
            return locked
        locked.status = DeliveryStatus.PENDING
        # A resend gets a fresh series of attempts, the log keeps counting.
        locked.save(update_fields=["status"])
        _queue_ipn(locked.pk)
    return locked


# The merchant web API (POST merchant_webapi/api/transaction): what each command's
# request hash covers, in order, and what its answer's hash covers.
QUERYDR_REQUEST_HASH = (
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
REFUND_REQUEST_HASH = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERYDR_RESPONSE_HASH = (
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
REFUND_RESPONSE_HASH = QUERYDR_RESPONSE_HASH[:13]
API_REQUIRED = {
    "querydr": (
        "vnp_RequestId",
        "vnp_Version",
        "vnp_TmnCode",
        "vnp_TxnRef",
        "vnp_OrderInfo",
        "vnp_TransactionDate",
        "vnp_CreateDate",
        "vnp_IpAddr",
        "vnp_SecureHash",
    ),
    "refund": (
        "vnp_RequestId",
        "vnp_Version",
        "vnp_TmnCode",
        "vnp_TransactionType",
        "vnp_TxnRef",
        "vnp_Amount",
        "vnp_OrderInfo",
        "vnp_TransactionDate",
        "vnp_CreateBy",
        "vnp_CreateDate",
        "vnp_IpAddr",
        "vnp_SecureHash",
    ),
}
API_MESSAGES = {
    "00": "Yêu cầu thành công",
    "02": "Mã định danh kết nối không hợp lệ (kiểm tra lại vnp_TmnCode)",
    "03": "Dữ liệu gửi sang không đúng định dạng",
    "91": "Không tìm thấy giao dịch yêu cầu",
    "93": "Số tiền hoàn trả không hợp lệ",
    "94": "Yêu cầu trùng lặp trong thời gian giới hạn của API",
    "95": "Giao dịch này không thành công bên VNPAY, VNPAY từ chối xử lý yêu cầu",
    "97": "Checksum không hợp lệ",
    "99": "Các lỗi khác",
}


# Transactions that never reached a bank: VNPay gives them the number 0.
UNNUMBERED = (Outcome.CANCELLED, Outcome.PENDING)


def _api_answer(
    *,
    command: str,
    code: str,
    merchant: Merchant | None,
    tmn_code: str,
    row: SandboxTransaction | None = None,
    transaction_type: str = protocol.TYPE_PAYMENT,
    amount: int | None = None,
) -> dict[str, str]:
    answer = {
        "vnp_ResponseId": uuid.uuid4().hex,
        "vnp_Command": command,
        "vnp_ResponseCode": code,
        "vnp_Message": API_MESSAGES[code],
        "vnp_TmnCode": tmn_code,
    }
    if row is not None:
        answer.update(
            {
                "vnp_TxnRef": row.txn_ref,
                "vnp_Amount": str(row.amount if amount is None else amount),
                "vnp_OrderInfo": row.order_info,
                "vnp_BankCode": row.bank_code,
                "vnp_PayDate": protocol.format_date(row.pay_date) if row.pay_date else "",
                "vnp_TransactionNo": (
                    "0"
                    if row.outcome in (Outcome.CANCELLED, Outcome.PENDING)
                    else row.transaction_no
                ),
                "vnp_TransactionType": transaction_type,
                "vnp_TransactionStatus": row.transaction_status,
            }
        )
        if command == "querydr":
            answer.update({"vnp_PromotionCode": "", "vnp_PromotionAmount": ""})
    if merchant is not None:
        fields = QUERYDR_RESPONSE_HASH if command == "querydr" else REFUND_RESPONSE_HASH
        answer["vnp_SecureHash"] = protocol.pipe_sign(
            (answer.get(field, "") for field in fields), merchant.hash_secret
        )
    return answer


def sandbox_api_answer(*, body: Any, now: datetime | None = None) -> dict[str, str]:
    """Answer a merchant web API request (querydr or refund) as VNPay does.

    The request is checked (terminal code 02, format 03, checksum 97, request id not
    seen before 94); querydr answers from the sandbox's transaction of that reference
    and creation date (91 when none); refund refunds a paid transaction in full (02) or
    in part (03). Answers are signed with the merchant's secret when it is known.
    """
    now = now or timezone.now()
    if not isinstance(body, dict):
        return _api_answer(command="", code="03", merchant=None, tmn_code="")
    values = {key: "" if value is None else str(value) for key, value in body.items()}
    command = values.get("vnp_Command", "")
    tmn_code = values.get("vnp_TmnCode", "")
    if command not in API_REQUIRED:
        return _api_answer(command=command, code="03", merchant=None, tmn_code=tmn_code)
    try:
        merchant = merchant_get(tmn_code=tmn_code)
    except UnknownMerchant:
        return _api_answer(command=command, code="02", merchant=None, tmn_code=tmn_code)
    hash_fields = QUERYDR_REQUEST_HASH if command == "querydr" else REFUND_REQUEST_HASH
    expected = protocol.pipe_sign(
        (values.get(field, "") for field in hash_fields), merchant.hash_secret
    )
    if values.get("vnp_SecureHash", "").lower() != expected:
        return _api_answer(command=command, code="97", merchant=merchant, tmn_code=tmn_code)
    missing = [field for field in API_REQUIRED[command] if not values.get(field)]
    request_id = values.get("vnp_RequestId", "")
    if missing or len(request_id) > 32 or values["vnp_Version"] != protocol.VERSION:
        return _api_answer(command=command, code="03", merchant=merchant, tmn_code=tmn_code)
    try:
        protocol.parse_date(values["vnp_TransactionDate"])
        protocol.parse_date(values["vnp_CreateDate"])
    except ValueError:
        return _api_answer(command=command, code="03", merchant=merchant, tmn_code=tmn_code)
    with transaction.atomic():
        log = SandboxApiRequest(
            tmn_code=tmn_code,
            request_id=request_id,
            command=command,
            txn_ref=values["vnp_TxnRef"][:100],
            response_code="99",
            created_at=now,
        )
        try:
            with transaction.atomic():
                log.save()
        except IntegrityError:
            return _api_answer(command=command, code="94", merchant=merchant, tmn_code=tmn_code)
        row = (
            SandboxTransaction.objects.select_for_update()
            .filter(
                tmn_code=tmn_code,
                txn_ref=values["vnp_TxnRef"],
                create_date=values["vnp_TransactionDate"],
            )
            .first()
        )
        if command == "querydr":
            answer = _querydr(row=row, merchant=merchant, tmn_code=tmn_code)
        else:
            answer = _refund(row=row, values=values, merchant=merchant, tmn_code=tmn_code)
        log.response_code = answer["vnp_ResponseCode"]
        log.save(update_fields=["response_code"])
    return answer


def _querydr(
    *, row: SandboxTransaction | None, merchant: Merchant, tmn_code: str
) -> dict[str, str]:
    if row is None:
        return _api_answer(command="querydr", code="91", merchant=merchant, tmn_code=tmn_code)
    transaction_type = protocol.TYPE_PAYMENT
    if row.refunded_amount:
        transaction_type = (
            protocol.TYPE_FULL_REFUND
            if row.refunded_amount == row.amount
            else protocol.TYPE_PARTIAL_REFUND
        )
    return _api_answer(
        command="querydr",
        code="00",
        merchant=merchant,
        tmn_code=tmn_code,
        row=row,
        transaction_type=transaction_type,
    )


def _refund(
    *, row: SandboxTransaction | None, values: dict[str, str], merchant: Merchant, tmn_code: str
) -> dict[str, str]:
    common: dict[str, Any] = {"command": "refund", "merchant": merchant, "tmn_code": tmn_code}
    if row is None:
        return _api_answer(code="91", **common)
    transaction_type = values["vnp_TransactionType"]
    amount = values["vnp_Amount"]
    if (
        transaction_type not in (protocol.TYPE_FULL_REFUND, protocol.TYPE_PARTIAL_REFUND)
        or not amount.isdigit()
    ):
        return _api_answer(code="03", **common)
    if row.outcome not in (Outcome.PAID, Outcome.REFUNDED):
        return _api_answer(code="95", row=row, **common)
    requested = int(amount)
    remaining = row.amount - row.refunded_amount
    if remaining == 0:
        return _api_answer(code="94", row=row, **common)
    if requested <= 0 or requested % 100 or requested > remaining:
        return _api_answer(code="93", row=row, **common)
    if transaction_type == protocol.TYPE_FULL_REFUND and requested != row.amount:
        return _api_answer(code="93", row=row, **common)
    row.refunded_amount += requested
    row.transaction_status = protocol.STATUS_REFUNDED
    if row.refunded_amount == row.amount:
        row.outcome = Outcome.REFUNDED
    row.save(update_fields=["refunded_amount", "transaction_status", "outcome"])
    return _api_answer(
        code="00", row=row, transaction_type=transaction_type, amount=requested, **common
    )
