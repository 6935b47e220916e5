"""Reads of the sandbox gateway: which merchants it knows."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from .models import SandboxMerchant


class UnknownMerchant(LookupError):
    """No active merchant has this terminal code."""


@dataclass(frozen=True)
class Merchant:
    """A merchant as the gateway sees it: its terminal code, name, secret and IPN URL."""

    tmn_code: str
    name: str
    hash_secret: str
    ipn_url: str


def merchant_get(*, tmn_code: str) -> Merchant:
    """Return the active merchant with this terminal code, or raise UnknownMerchant.

    A merchant recorded in the admin wins; otherwise the demo merchant of the settings
    (VNPAY_TMN_CODE, VNPAY_HASH_SECRET), so the demo and the tests agree without data.
    """
    row = SandboxMerchant.objects.filter(tmn_code=tmn_code).first()
    if row is not None:
        if not row.is_active:
            raise UnknownMerchant(tmn_code)
        return Merchant(
            tmn_code=row.tmn_code,
            name=row.name,
            hash_secret=row.hash_secret,
            ipn_url=row.ipn_url or settings.PAYMENT_SANDBOX_IPN_URL,
        )
    if tmn_code and tmn_code == settings.VNPAY_TMN_CODE:
        return Merchant(
            tmn_code=tmn_code,
            name=_("Cổng Dịch vụ công (website thử nghiệm)"),
            hash_secret=settings.VNPAY_HASH_SECRET,
            ipn_url=settings.PAYMENT_SANDBOX_IPN_URL,
        )
    raise UnknownMerchant(tmn_code)
