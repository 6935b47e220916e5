"""The VNPay 2.1.0 protocol as the gateway speaks it: signatures, dates, codes.

Written from the protocol's public description (docs/payments-sandbox.md), on purpose
without importing the merchant side (`dichvucong.payments`): the two implementations
check each other in the tests.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from datetime import datetime
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

VERSION = "2.1.0"
# Dates of the protocol (vnp_CreateDate, vnp_ExpireDate, vnp_PayDate): yyyyMMddHHmmss, GMT+7.
DATE_FORMAT = "%Y%m%d%H%M%S"
GMT7 = ZoneInfo("Asia/Ho_Chi_Minh")
# The two parameters that are never part of what is signed.
UNSIGNED = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})


def hash_data(params: Mapping[str, str]) -> str:
    """Return the text a redirect's signature covers.

    Every `vnp_` parameter but the hash itself, sorted by name, as `key=value` joined by
    `&`, values URL-encoded with `+` for spaces.
    """
    keys = sorted(key for key in params if key.startswith("vnp_") and key not in UNSIGNED)
    return "&".join(f"{quote_plus(key)}={quote_plus(str(params[key]))}" for key in keys)


def hmac_sha512(secret: str, data: str) -> str:
    """Return HMAC-SHA512 of `data` under `secret`, lower-case hex."""
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


def sign(params: Mapping[str, str], secret: str) -> str:
    """Return the `vnp_SecureHash` of a redirect's (or an IPN's) parameters."""
    return hmac_sha512(secret, hash_data(params))


def signature_valid(params: Mapping[str, str], secret: str) -> bool:
    """Whether `params` carry the right `vnp_SecureHash` for `secret` (any letter case)."""
    received = str(params.get("vnp_SecureHash", "")).lower()
    return bool(received) and hmac.compare_digest(received, sign(params, secret))


def pipe_sign(values: Iterable[object], secret: str) -> str:
    """Return the hash of the merchant web API (querydr, refund): values joined by `|`.

    A missing value (None) counts as the empty string.
    """
    return hmac_sha512(secret, "|".join("" if value is None else str(value) for value in values))


def format_date(moment: datetime) -> str:
    """Return an aware datetime as the protocol writes it (GMT+7)."""
    return moment.astimezone(GMT7).strftime(DATE_FORMAT)


def parse_date(text: str) -> datetime:
    """Return the aware datetime a protocol date stands for; ValueError if malformed."""
    if len(text) != 14 or not text.isdigit():
        raise ValueError(text)
    return datetime.strptime(text, DATE_FORMAT).replace(tzinfo=GMT7)


def query_string(params: Mapping[str, str]) -> str:
    """Return parameters as a query string encoded as they are signed, the hash last."""
    keys = sorted(key for key in params if key != "vnp_SecureHash")
    if "vnp_SecureHash" in params:
        keys.append("vnp_SecureHash")
    return "&".join(f"{quote_plus(key)}={quote_plus(str(params[key]))}" for key in keys)


# The gateway's answer codes (vnp_ResponseCode) for the payer's choices on the page.
RESPONSE_SUCCESS = "00"
RESPONSE_CANCELLED = "24"
RESPONSE_INSUFFICIENT_FUNDS = "51"
# vnp_TransactionStatus: 00 paid, 01 not completed, 02 failed, 06 refund sent to the bank.
STATUS_PAID = "00"
STATUS_PENDING = "01"
STATUS_FAILED = "02"
STATUS_REFUNDED = "06"
# vnp_TransactionType in the web API's answers.
TYPE_PAYMENT = "01"
TYPE_FULL_REFUND = "02"
TYPE_PARTIAL_REFUND = "03"
