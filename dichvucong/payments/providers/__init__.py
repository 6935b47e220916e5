"""Payment gateways behind one interface (`base.PaymentProvider`)."""

from __future__ import annotations

from .base import PaymentProvider
from .vnpay import VNPayProvider


def provider_get(name: str = "vnpay") -> PaymentProvider:
    """Return the provider configured under `name` (only VNPay so far)."""
    if name != "vnpay":
        raise LookupError(f"Unknown payment provider {name!r}")
    return VNPayProvider.from_settings()
