"""Every change to accounts goes through these functions."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from dichvucong.organizations.models import AdministrativeUnit

from .models import ApplicantKind, Profile, User

VERIFICATION_SALT = "dichvucong.accounts.email-verification"
VERIFICATION_MAX_AGE = datetime.timedelta(days=3)

# What a user may change through profile_update: every Profile field except the links.
PROFILE_UPDATABLE_FIELDS = frozenset(
    {
        "kind",
        "full_name",
        "date_of_birth",
        "citizen_id",
        "organization_name",
        "tax_code",
        "phone",
        "address_line",
        "administrative_unit",
    }
)


def _email_digest(email: str) -> str:
    """Return a short digest of `email`, so a token dies when the address changes."""
    return salted_hmac(VERIFICATION_SALT, email.lower()).hexdigest()[:16]


def _verification_signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=VERIFICATION_SALT)


def email_verification_token_make(*, user: User) -> str:
    """Return a signed, timestamped token that verifies `user`'s current email address."""
    return _verification_signer().sign(f"{user.pk}:{_email_digest(user.email)}")


def _absolute_url(request_or_base_url: HttpRequest | str, path: str) -> str:
    if isinstance(request_or_base_url, HttpRequest):
        return request_or_base_url.build_absolute_uri(path)
    return request_or_base_url.rstrip("/") + path


def _duplicate_errors(
    *,
    kind: str,
    citizen_id: str,
    tax_code: str,
    exclude_profile: Profile | None = None,
) -> dict[str, str]:
    """Return field errors for a citizen id or tax code already held by another profile."""
    errors: dict[str, str] = {}
    others = Profile.objects.all()
    if exclude_profile is not None and exclude_profile.pk is not None:
        others = others.exclude(pk=exclude_profile.pk)
    if (
        kind == ApplicantKind.CITIZEN
        and citizen_id
        and others.filter(kind=ApplicantKind.CITIZEN, citizen_id=citizen_id).exists()
    ):
        errors["citizen_id"] = _("Số định danh cá nhân này đã được dùng cho một tài khoản khác.")
    if tax_code and others.filter(tax_code=tax_code).exists():
        errors["tax_code"] = _("Mã số thuế này đã được dùng cho một tài khoản khác.")
    return errors


@transaction.atomic
def user_register(
    *,
    kind: str,
    username: str,
    email: str,
    password: str,
    full_name: str,
    date_of_birth: datetime.date | None,
    citizen_id: str,
    phone: str,
    address_line: str,
    administrative_unit: AdministrativeUnit | None,
    organization_name: str = "",
    tax_code: str = "",
    request_or_base_url: HttpRequest | str = "",
) -> User:
    """Create an inactive user with its profile; mail the verification link after commit.

    The account is activated by `user_verify_email`. Every problem is reported at once,
    as field errors (username, email, password, citizen_id, tax_code, ...).
    `request_or_base_url` is where the link in the mail points to (the current request,
    or a base URL such as "https://dichvucong.example.gov.vn"); empty sends no mail.
    """
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    username = username.strip()
    email = User.objects.normalize_email(email.strip())
    if not email:
        add("email", _("Vui lòng nhập địa chỉ thư điện tử."))
    elif User.objects.filter(email__iexact=email).exists():
        add("email", _("Địa chỉ thư điện tử này đã được dùng cho một tài khoản khác."))
    if username and User.objects.filter(username__iexact=username).exists():
        add("username", _("Tên đăng nhập này đã có người dùng."))
    for field, message in _duplicate_errors(
        kind=kind, citizen_id=citizen_id, tax_code=tax_code
    ).items():
        add(field, message)

    user = User(username=username, email=email, is_active=False)
    name_parts = full_name.strip().rsplit(" ", 1)
    user.last_name, user.first_name = (
        (name_parts[0], name_parts[1]) if len(name_parts) == 2 else ("", name_parts[0])
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    user.set_password(password)
    try:
        user.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)

    profile = Profile(
        kind=kind,
        full_name=full_name.strip(),
        date_of_birth=date_of_birth,
        citizen_id=citizen_id,
        organization_name=organization_name.strip(),
        tax_code=tax_code,
        phone=phone,
        address_line=address_line.strip(),
        administrative_unit=administrative_unit,
    )
    try:
        # The unique constraints are checked above, with field-level messages.
        profile.full_clean(exclude=["user"], validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)

    user.save()
    profile.user = user
    profile.save()
    if request_or_base_url:
        base_url = (
            request_or_base_url.build_absolute_uri("/")
            if isinstance(request_or_base_url, HttpRequest)
            else request_or_base_url
        )
        user_id = user.pk
        # robust: a mail server that is down must not fail the request; the user can
        # ask for the mail again.
        transaction.on_commit(
            lambda: verification_email_send(
                user=User.objects.get(pk=user_id), request_or_base_url=base_url
            ),
            robust=True,
        )
    return user


def verification_email_send(*, user: User, request_or_base_url: HttpRequest | str) -> None:
    """Mail `user` a link that verifies their email address and activates the account."""
    token = email_verification_token_make(user=user)
    link = _absolute_url(request_or_base_url, reverse("accounts:verify", args=[token]))
    profile = Profile.objects.filter(user=user).first()
    context: dict[str, Any] = {
        "user": user,
        "name": (profile.full_name if profile else "") or user.get_username(),
        "link": link,
        "days": VERIFICATION_MAX_AGE.days,
        "portal_name": settings.PORTAL_NAME,
    }
    subject = render_to_string("accounts/email/verification_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("accounts/email/verification.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("accounts/email/verification.html", context), "text/html"
    )
    message.send()


@transaction.atomic
def user_verify_email(*, token: str) -> User:
    """Mark the address in `token` verified and activate its user; return the user.

    Verifying twice changes nothing. A tampered token, one for an address the user no
    longer has, or one older than VERIFICATION_MAX_AGE raises ValidationError.
    """
    try:
        value = _verification_signer().unsign(token, max_age=VERIFICATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(
            _("Liên kết xác thực đã hết hạn. Vui lòng yêu cầu gửi lại thư xác thực."),
            code="expired",
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("Liên kết xác thực không hợp lệ."), code="invalid") from None
    user_id, _sep, digest = value.partition(":")
    user = None
    if user_id.isdigit():
        user = User.objects.select_for_update().filter(pk=int(user_id)).first()
    profile = Profile.objects.filter(user=user).first() if user is not None else None
    if user is None or profile is None or digest != _email_digest(user.email):
        raise ValidationError(_("Liên kết xác thực không hợp lệ."), code="invalid")
    if profile.email_verified_at is None:
        # Only the first verification activates: a user deactivated later stays so.
        profile.email_verified_at = timezone.now()
        profile.full_clean(validate_constraints=False)
        profile.save(update_fields=["email_verified_at", "updated_at"])
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
    return user


def user_awaits_verification(*, user: User) -> bool:
    """Return whether `user` registered but has not verified their address yet."""
    return (
        not user.is_active
        and Profile.objects.filter(user=user, email_verified_at__isnull=True).exists()
    )


@transaction.atomic
def profile_update(*, profile: Profile, **fields: Any) -> Profile:
    """Change `fields` of `profile`, validated; return it.

    Only the fields in PROFILE_UPDATABLE_FIELDS may be given. A citizen id or tax code
    held by another profile is refused with a field error.
    """
    unknown = set(fields) - PROFILE_UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"profile_update() got unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(profile, name, value)
    errors = _duplicate_errors(
        kind=profile.kind,
        citizen_id=profile.citizen_id,
        tax_code=profile.tax_code,
        exclude_profile=profile,
    )
    if errors:
        raise ValidationError(errors)
    profile.full_clean(validate_constraints=False)
    if fields:
        profile.save(update_fields=[*fields, "updated_at"])
    return profile


def auth_token_issue(*, user: User) -> Token:
    """Return `user`'s API token, created on first use."""
    token, _created = Token.objects.get_or_create(user=user)
    return token


def auth_token_revoke(*, user: User) -> bool:
    """Delete `user`'s API token; return whether there was one."""
    deleted, _details = Token.objects.filter(user=user).delete()
    return deleted > 0
