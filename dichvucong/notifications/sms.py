"""Text messages: the provider interface and the default provider, which only logs.

A province plugs its SMS gateway in by writing a class with a `send(*, phone, text)`
method and naming it in the SMS_PROVIDER setting. `send` raises on failure; the outbox
(`tasks.delivery_send`) records the error and tries again later.
"""

from __future__ import annotations

import logging
from typing import Protocol, cast

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("dichvucong.sms")


class SmsProvider(Protocol):
    def send(self, *, phone: str, text: str) -> None:
        """Send `text` to `phone`, or raise."""


class LoggingSmsProvider:
    """Write each message to the "dichvucong.sms" log instead of sending it."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


def get_sms_provider() -> SmsProvider:
    """Return an instance of the class named by settings.SMS_PROVIDER."""
    provider_class = import_string(settings.SMS_PROVIDER)
    return cast(SmsProvider, provider_class())
