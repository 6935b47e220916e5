"""Reads of accounts: who is an officer, in which agencies and roles.

Every back-office query is scoped by these answers, so they read the memberships in the
database each time (no cache that could outlive a revoked role). A user who is not signed
in, or whose account is disabled, is nobody's officer.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Membership, Role

AnyUser = AbstractBaseUser | AnonymousUser


def _active(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _memberships(user: AnyUser) -> QuerySet[Membership]:
    if not _active(user) or user.pk is None:
        return Membership.objects.none()
    return Membership.objects.filter(user_id=user.pk)


def officer_memberships(*, user: AnyUser) -> list[Membership]:
    """Return the user's memberships with their agency and unit, by agency code then role."""
    return list(
        _memberships(user).select_related("agency", "unit").order_by("agency__code", "role", "pk")
    )


def is_officer(*, user: AnyUser) -> bool:
    """Return whether the user holds at least one role at an agency."""
    return _memberships(user).exists()


def officer_agency_ids(*, user: AnyUser, roles: Iterable[str] | None = None) -> set[int]:
    """Return the ids of the agencies where the user holds one of `roles` (any role if None).

    These are the agencies of the memberships, not their units: a reception officer of
    a one-stop unit acts for the agency the unit belongs to.
    """
    memberships = _memberships(user)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return set(memberships.values_list("agency_id", flat=True))


def officer_has_role(*, user: AnyUser, agency_id: int, role: str) -> bool:
    """Return whether the user holds `role` at the agency."""
    return _memberships(user).filter(agency_id=agency_id, role=role).exists()


def is_supervisor(*, user: AnyUser) -> bool:
    """Return whether the user is a supervisor somewhere (they read every agency's data)."""
    return _memberships(user).filter(role=Role.SUPERVISOR).exists()


def requires_second_factor(*, user: AnyUser) -> bool:
    """Return whether the user must pass the second factor: an officer or a staff member."""
    if not _active(user):
        return False
    return bool(getattr(user, "is_staff", False)) or is_officer(user=user)


def officer_totp_device(*, user: AnyUser) -> TOTPDevice | None:
    """Return the user's confirmed authenticator (TOTP) device, if any."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("pk").first()


def officer_display_name(*, user: AnyUser) -> str:
    """Return the name to show for a user: family name first, as in Vietnamese."""
    if not user.is_authenticated:
        return ""
    first = str(getattr(user, "first_name", "") or "")
    last = str(getattr(user, "last_name", "") or "")
    return f"{last} {first}".strip() or user.get_username()
