"""The officer's sign-in between its two steps: password accepted, code not yet.

The session then holds only who is signing in, since when and how many wrong codes were
entered; the user is not logged in, so nothing of the back office is reachable. The state
expires after PENDING_LIFETIME and after MAX_CODE_ATTEMPTS wrong codes: the officer then
starts again with the password (which django-axes counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import django_otp
from django.contrib import auth, messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from dichvucong.accounts.models import User
from dichvucong.accounts.selectors import is_officer

SESSION_KEY = "backoffice_pending_sign_in"
PENDING_LIFETIME = timedelta(minutes=5)
MAX_CODE_ATTEMPTS = 5


@dataclass
class PendingSignIn:
    user: User
    backend: str
    next_url: str
    started_at: datetime
    attempts: int


def safe_next(request: HttpRequest, value: str | None) -> str:
    """Return `value` if it is a local address of this site, else an empty string."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def default_destination(user: User) -> str:
    """Return where a signed-in user lands: the back office, or the admin for staff only."""
    if not is_officer(user=user) and user.is_staff:
        return reverse("admin:index")
    return reverse("backoffice:home")


def pending_start(request: HttpRequest, *, user: User, next_url: str) -> None:
    """Remember that `user` gave the right password; the code is asked next."""
    request.session[SESSION_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "next": next_url,
        "started_at": timezone.now().isoformat(),
        "attempts": 0,
    }


def pending_clear(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def pending_get(request: HttpRequest) -> PendingSignIn | None:
    """Return the sign-in waiting for its code, or None.

    An expired one is dropped, and the officer told so.
    """
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    started_at = datetime.fromisoformat(data["started_at"])
    user = User.objects.filter(pk=data["user"], is_active=True).first()
    if user is None or timezone.now() - started_at > PENDING_LIFETIME:
        pending_clear(request)
        messages.warning(
            request,
            _("Phiên đăng nhập đã hết hạn (quá %(minutes)d phút). Vui lòng đăng nhập lại.")
            % {"minutes": int(PENDING_LIFETIME.total_seconds() // 60)},
        )
        return None
    return PendingSignIn(
        user=user,
        backend=data["backend"],
        next_url=data["next"],
        started_at=started_at,
        attempts=int(data["attempts"]),
    )


def pending_count_failure(request: HttpRequest, pending: PendingSignIn) -> bool:
    """Count a wrong code; return True when the attempts are used up (the state is dropped)."""
    pending.attempts += 1
    if pending.attempts >= MAX_CODE_ATTEMPTS:
        pending_clear(request)
        messages.error(
            request,
            _("Mã xác thực bị nhập sai %(count)d lần. Vui lòng đăng nhập lại từ đầu.")
            % {"count": MAX_CODE_ATTEMPTS},
        )
        return True
    data = dict(request.session[SESSION_KEY])
    data["attempts"] = pending.attempts
    request.session[SESSION_KEY] = data
    return False


def pending_complete(request: HttpRequest, pending: PendingSignIn, device: TOTPDevice) -> str:
    """Log the user in, verified by `device`; return the address to go to."""
    pending_clear(request)
    auth.login(request, pending.user, backend=pending.backend)
    django_otp.login(request, device)
    return pending.next_url or default_destination(pending.user)
