"""What the payments app needs of a gateway; each gateway is an adapter to this."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


class Outcome(enum.StrEnum):
    """What a gateway says happened to a transaction."""

    SUCCESS = "success"
    PENDING = "pending"
    FAILED = "failed"
    CANCELLED = "cancelled"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class PaymentOrder:
    """What is sent to the gateway to start a payment."""

    txn_ref: str
    amount: int  # whole đồng
    order_info: str
    created_at: datetime
    expires_at: datetime
    ip_address: str
    language: str  # the site's language code: "vi" or "en"
    return_url: str


@dataclass(frozen=True)
class GatewayReport:
    """A transaction's state as the gateway reported it (a callback or a query)."""

    txn_ref: str
    amount: int  # whole đồng
    outcome: Outcome
    response_code: str
    transaction_no: str = ""
    bank_code: str = ""
    paid_at: datetime | None = None
    # What the gateway sent, for the event log.
    raw: dict[str, Any] = field(default_factory=dict)


class GatewayError(Exception):
    """The gateway could not be reached or answered something unusable."""


class PaymentProvider(Protocol):
    @property
    def name(self) -> str:
        """The provider's code, stored on each payment ("vnpay")."""

    def payment_url(self, order: PaymentOrder) -> str:
        """Return the signed URL that sends the payer to the gateway."""

    def callback_verified(self, params: Mapping[str, str]) -> bool:
        """Whether a callback's (IPN or return) parameters carry a valid signature."""

    def callback_report(self, params: Mapping[str, str]) -> GatewayReport:
        """Return what a verified callback says; ValueError when it is malformed."""

    def query(self, *, txn_ref: str, created_at: datetime, ip_address: str) -> GatewayReport:
        """Ask the gateway for a transaction's state; raise GatewayError on failure."""
