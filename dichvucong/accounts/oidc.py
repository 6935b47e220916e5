"""Sign-in with the national identity provider (VNeID) over OpenID Connect.

mozilla-django-oidc runs the authorization-code flow (state, nonce, PKCE, the token
request, the ID token's signature checked against the provider's JWKS). This module
decides who the person is:

- A person is the provider's (issuer, subject) pair, kept in `ExternalIdentity`; the
  email address identifies nobody, so changing it neither splits nor hijacks an account.
- On the first login the identity is linked to an existing account only when that
  account's citizen profile holds the citizen ID number the provider asserts, the account
  is active, is not staff, and has no other identity at the same provider. Otherwise, if
  no profile holds that number, an active account with a citizen profile is created from
  the claims. Any other case is refused.
- Every login refreshes the profile's name, date of birth and citizen ID number from the
  claims: the national identity provider is the authority on them.
- A login is refused, and nothing is written, when the citizen ID number (12 digits), the
  name or the subject is missing or malformed. Refusals are logged without personal data.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from dichvucong.core.validators import validate_phone

from .models import ApplicantKind, ExternalIdentity, Profile, User

logger = logging.getLogger(__name__)

_CITIZEN_ID = re.compile(r"[0-9]{12}")
_DAY_MONTH_YEAR = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})")


class OIDCRefused(SuspiciousOperation):
    """The provider's answer does not let us sign this person in."""


@dataclass(frozen=True)
class IdentityClaims:
    """What the provider asserts about a person, read through `OIDC_CLAIMS`."""

    citizen_id: str
    full_name: str
    date_of_birth: date | None
    phone: str
    email: str
    email_verified: bool


def _parse_date(value: Any) -> date | None:
    """Return the date of an OIDC `birthdate` (YYYY-MM-DD) or a dd/mm/yyyy one."""
    if not isinstance(value, str):
        return None
    try:
        if match := _DAY_MONTH_YEAR.fullmatch(value.strip()):
            day, month, year = (int(group) for group in match.groups())
            return date(year, month, day)
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def claims_parse(claims: Mapping[str, Any]) -> IdentityClaims:
    """Return the person's identity claims; raise OIDCRefused when a required one is bad.

    Required: the citizen ID number (exactly 12 digits) and the name. The others are kept
    when well formed and ignored otherwise.
    """
    names = settings.OIDC_CLAIMS
    citizen_id = claims.get(names["citizen_id"])
    if not isinstance(citizen_id, str) or not _CITIZEN_ID.fullmatch(citizen_id.strip()):
        raise OIDCRefused("the citizen ID claim is missing or is not 12 digits")
    full_name = claims.get(names["full_name"])
    if not isinstance(full_name, str) or not full_name.strip():
        raise OIDCRefused("the name claim is missing")
    raw_birthdate = claims.get(names["date_of_birth"])
    date_of_birth = _parse_date(raw_birthdate)
    if raw_birthdate and date_of_birth is None:
        logger.warning("OIDC: ignoring a birthdate claim that is not a date")
    phone = claims.get(names["phone"])
    phone = phone.replace(" ", "") if isinstance(phone, str) else ""
    try:
        validate_phone(phone)
    except ValidationError:
        phone = ""
    email = claims.get(names["email"])
    verified = claims.get(names["email_verified"])
    return IdentityClaims(
        citizen_id=citizen_id.strip(),
        full_name=" ".join(full_name.split())[:200],
        date_of_birth=date_of_birth,
        phone=phone,
        email=email.strip() if isinstance(email, str) and "@" in email else "",
        email_verified=verified is True or str(verified).lower() == "true",
    )


def _refuse(reason: str, *, issuer: str, subject: str) -> OIDCRefused:
    """Log a refused login (no personal data) and return the exception to raise."""
    subject_hash = hashlib.sha256(subject.encode()).hexdigest()[:12]
    logger.warning("OIDC login refused: %s (issuer %s, subject #%s)", reason, issuer, subject_hash)
    return OIDCRefused(reason)


def _profile_update(profile: Profile, claims: IdentityClaims) -> None:
    """Refresh what the provider is the authority on: name, birth date, citizen ID."""
    profile.full_name = claims.full_name
    if claims.date_of_birth is not None:
        profile.date_of_birth = claims.date_of_birth
    profile.citizen_id = claims.citizen_id
    profile.full_clean()
    if profile.pk is None:
        profile.save()
    else:
        profile.save(update_fields=["full_name", "date_of_birth", "citizen_id", "updated_at"])


def _user_create(claims: IdentityClaims) -> User:
    """Create an active account with a citizen profile filled from the claims.

    The email address is copied only when no other account uses it, so that password
    resets and email sign-in never reach two people.
    """
    email = claims.email
    if email and User.objects.filter(email__iexact=email).exists():
        logger.info("OIDC: new account created without the email address another one uses")
        email = ""
    user = User(username=f"vneid-{get_random_string(20).lower()}", email=email, is_active=True)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    profile = Profile(
        user=user,
        kind=ApplicantKind.CITIZEN,
        full_name=claims.full_name,
        date_of_birth=claims.date_of_birth,
        citizen_id=claims.citizen_id,
        phone=claims.phone,
        email_verified_at=timezone.now() if email and claims.email_verified else None,
    )
    profile.full_clean()
    profile.save()
    return user


@transaction.atomic
def external_identity_login(*, issuer: str, subject: str, claims: IdentityClaims) -> User:
    """Return the account of the provider's (issuer, subject), linking or creating it.

    Raise OIDCRefused, having written nothing, when the identity may not sign in.
    """
    now = timezone.now()
    identity = (
        ExternalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is not None:
        user = identity.user
        try:
            profile = Profile.objects.select_for_update().get(user=user)
        except Profile.DoesNotExist:
            profile = Profile(user=user, kind=ApplicantKind.CITIZEN)
        try:
            _profile_update(profile, claims)
        except ValidationError as exc:
            raise _refuse(
                "the asserted citizen ID belongs to another account", issuer=issuer, subject=subject
            ) from exc
        identity.last_login_at = now
        identity.save(update_fields=["last_login_at"])
        return user

    existing = (
        Profile.objects.select_related("user")
        .filter(kind=ApplicantKind.CITIZEN, citizen_id=claims.citizen_id)
        .first()
    )
    if existing is None:
        user = _user_create(claims)
        logger.info("OIDC: new account %s created for issuer %s", user.pk, issuer)
    else:
        user = existing.user
        if not user.is_active or user.is_staff or user.is_superuser:
            raise _refuse(
                "the account holding this citizen ID is inactive or staff",
                issuer=issuer,
                subject=subject,
            )
        if ExternalIdentity.objects.filter(user=user, issuer=issuer).exists():
            raise _refuse(
                "the account holding this citizen ID is linked to another subject",
                issuer=issuer,
                subject=subject,
            )
        _profile_update(existing, claims)
        logger.info("OIDC: account %s linked to issuer %s", user.pk, issuer)
    identity = ExternalIdentity(issuer=issuer, subject=subject, user=user, last_login_at=now)
    identity.full_clean()
    identity.save()
    return user


class OIDCBackend(OIDCAuthenticationBackend):
    """Authenticate the OpenID Connect callback; leave password logins to the others."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # Only the callback view's call (nonce and code verifier, no credentials) is ours.
        if not settings.OIDC_ENABLED or "username" in kwargs or "password" in kwargs:
            return None
        if "nonce" not in kwargs:
            return None
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: Mapping[str, Any]
    ) -> User:
        """Return the user for a verified ID token (`payload`) and the userinfo answer."""
        issuer = payload.get("iss")
        subject = payload.get("sub")
        if not isinstance(issuer, str) or not issuer or not isinstance(subject, str) or not subject:
            raise _refuse("the ID token has no issuer or subject", issuer="?", subject="")
        if settings.OIDC_OP_ISSUER and issuer != settings.OIDC_OP_ISSUER:
            raise _refuse("the ID token's issuer is not OIDC_OP_ISSUER", issuer=issuer, subject="")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise _refuse("the ID token is not for this client", issuer=issuer, subject=subject)
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != subject:
            raise _refuse("userinfo is about another subject", issuer=issuer, subject=subject)
        try:
            claims = claims_parse({**payload, **userinfo})
        except OIDCRefused as exc:
            raise _refuse(str(exc), issuer=issuer, subject=subject) from exc
        return external_identity_login(issuer=issuer, subject=subject, claims=claims)


class _EnabledOnly:
    """Answer 404 while OIDC_ENABLED is off (the URLs are always installed)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404
        response: HttpResponse = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        return response


class OIDCLoginView(_EnabledOnly, OIDCAuthenticationRequestView):
    """Send the visitor to the provider's authorization endpoint."""


class OIDCCallbackView(_EnabledOnly, OIDCAuthenticationCallbackView):
    """Finish the login; on any refusal go back to the login page with a message."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            response: HttpResponse = super().get(request)
        except SuspiciousOperation as exc:
            # An unknown or replayed state (a stale tab, a double click, an attack) or an
            # ID token whose signature or nonce does not verify.
            logger.warning("OIDC callback refused: %s", exc)
            return self.login_failure()
        except requests.RequestException as exc:
            # The provider refused the code, or did not answer within OIDC_TIMEOUT.
            logger.warning("OIDC callback failed at the provider: %s", exc)
            return self.login_failure()
        return response

    def login_failure(self) -> HttpResponse:
        messages.error(
            self.request,
            _(
                "Không đăng nhập được bằng tài khoản định danh điện tử. "
                "Vui lòng thử lại hoặc đăng nhập bằng mật khẩu."
            ),
        )
        return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))
