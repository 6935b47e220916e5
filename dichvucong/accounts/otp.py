"""Officers' second factor: authenticator-app (TOTP) devices of django-otp.

An officer has one confirmed device. The first sign-in enrols one: an unconfirmed device
with a new secret, shown as a QR code, confirmed by the first right code. Each wrong code
makes the device wait longer before the next try (django-otp's throttling, kept on the
device, so it holds across sessions and across the web and API sign-ins).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import qrcode
import qrcode.image.svg
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

# The device name officers and administrators see in the admin.
DEVICE_NAME = "Ứng dụng xác thực"
TOKEN_PATTERN = re.compile(r"^[0-9]{6}$")


@dataclass(frozen=True)
class TokenCheck:
    """The answer to a code: the device that accepted it, or why it was refused."""

    device: TOTPDevice | None
    throttled_until: datetime | None = None
    failure_count: int = 0

    @property
    def accepted(self) -> bool:
        return self.device is not None


def normalize_token(value: str) -> str:
    """Return the code without the spaces and dashes apps show in the middle of it."""
    return re.sub(r"[\s-]", "", value)


def secret_base32(*, device: TOTPDevice) -> str:
    """Return the device's secret in base32, as authenticator apps take it by hand."""
    return base64.b32encode(device.bin_key).decode("ascii")


def hex_key_from_base32(secret: str) -> str:
    """Return django-otp's hex key for a base32 secret (spaces and case ignored)."""
    compact = re.sub(r"\s", "", secret).upper()
    try:
        raw = base64.b32decode(compact + "=" * (-len(compact) % 8))
    except binascii.Error as error:
        raise ValidationError(_("Khóa bí mật không đúng định dạng base32.")) from error
    if not 10 <= len(raw) <= 40:
        raise ValidationError(_("Khóa bí mật phải dài từ 10 đến 40 byte."))
    return raw.hex()


def config_qr_svg(*, device: TOTPDevice) -> str:
    """Return the device's otpauth:// address as an inline SVG QR code."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg: Any = image.to_string(encoding="unicode")
    return str(svg)


def _check(device: TOTPDevice, token: str) -> TokenCheck:
    """Verify `token` on a device locked for update (inside a transaction)."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        info = details or {}
        return TokenCheck(
            device=None,
            throttled_until=info.get("locked_until"),
            failure_count=int(info.get("failure_count", 0)),
        )
    if TOKEN_PATTERN.fullmatch(token) and device.verify_token(token):
        return TokenCheck(device=device)
    if not TOKEN_PATTERN.fullmatch(token):
        device.throttle_increment(commit=True)
    return TokenCheck(device=None, failure_count=device.throttling_failure_count)


def totp_token_verify(*, user: User, token: str) -> TokenCheck:
    """Check a code against the user's confirmed device.

    A right code is accepted once (django-otp remembers the last time step used); a wrong
    one counts as a failure and delays the next try.
    """
    token = normalize_token(token)
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            return TokenCheck(device=None)
        return _check(device, token)


@transaction.atomic
def totp_device_enroll(*, user: User) -> TOTPDevice:
    """Return the user's device awaiting confirmation, creating one with a new secret.

    Refused when the user already has a confirmed device: a new one is set up only after
    an administrator removes the old one, so a stolen password cannot replace it.
    """
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Tài khoản đã có ứng dụng xác thực."), code="already_enrolled")
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if pending is not None:
        return pending
    device = TOTPDevice(user=user, name=DEVICE_NAME, confirmed=False)
    device.full_clean()
    device.save()
    return device


def totp_device_confirm(*, device: TOTPDevice, token: str) -> TokenCheck:
    """Confirm an enrolled device with a code from the app; drop the user's other pending ones."""
    token = normalize_token(token)
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if locked.confirmed:
            raise ValidationError(_("Thiết bị này đã được xác nhận."), code="already_confirmed")
        check = _check(locked, token)
        if not check.accepted:
            return check
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user_id=locked.user_id, confirmed=False).delete()
        return TokenCheck(device=locked)


@transaction.atomic
def totp_device_provision(*, user: User, secret: str) -> tuple[TOTPDevice, bool]:
    """Give the user exactly one confirmed device with this base32 secret.

    Return the device and whether anything changed (for idempotent loaders: the demo
    officers' shared secret).
    """
    key = hex_key_from_base32(secret)
    devices = list(TOTPDevice.objects.select_for_update().filter(user=user).order_by("pk"))
    keep = next((d for d in devices if d.key == key and d.confirmed), None)
    others = [d.pk for d in devices if d is not keep]
    if others:
        TOTPDevice.objects.filter(pk__in=others).delete()
    if keep is not None:
        return keep, bool(others)
    device = TOTPDevice(user=user, name=DEVICE_NAME, key=key, confirmed=True)
    device.full_clean()
    device.save()
    return device, True
