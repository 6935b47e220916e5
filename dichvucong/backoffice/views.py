"""Back-office pages: the officer's two-step sign-in, sign-out and home page."""

from __future__ import annotations

from typing import cast

from django.contrib import auth, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from dichvucong.accounts import otp
from dichvucong.accounts.models import User
from dichvucong.accounts.selectors import officer_memberships, officer_totp_device

from . import signin
from .access import is_verified, officer_required
from .forms import CodeForm, OfficerLoginForm


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """Step 1: the password. Then the code (step 2), or the enrolment of an app first."""
    next_url = signin.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if is_verified(request):
        return redirect(next_url or signin.default_destination(cast(User, request.user)))
    form = OfficerLoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        signin.pending_start(request, user=user, next_url=next_url)
        if officer_totp_device(user=user) is None:
            return redirect("backoffice:setup")
        return redirect("backoffice:verify")
    status = 400 if form.is_bound else 200
    context = {"form": form, "next": next_url}
    return render(request, "backoffice/login.html", context, status=status)


def _refusal(request: HttpRequest, form: CodeForm, check: otp.TokenCheck) -> None:
    """Explain why a code was refused, on the form."""
    if check.throttled_until is not None:
        until = formats.time_format(timezone.localtime(check.throttled_until), "H:i:s")
        form.add_error(
            "code",
            _(
                "Đã tạm dừng xác thực vì mã bị nhập sai %(count)d lần liên tiếp. "
                "Vui lòng thử lại sau %(time)s."
            )
            % {"count": check.failure_count, "time": until},
        )
    else:
        form.add_error("code", _("Mã xác thực không đúng hoặc đã hết hạn."))


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Step 2: the code of the officer's authenticator app."""
    pending = signin.pending_get(request)
    if pending is None:
        return redirect("backoffice:login")
    if officer_totp_device(user=pending.user) is None:
        return redirect("backoffice:setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = otp.totp_token_verify(user=pending.user, token=form.cleaned_data["code"])
        if check.device is not None:
            return redirect(signin.pending_complete(request, pending, check.device))
        if check.throttled_until is None and signin.pending_count_failure(request, pending):
            return redirect("backoffice:login")
        _refusal(request, form, check)
    status = 400 if form.is_bound else 200
    context = {"form": form, "pending": pending}
    return render(request, "backoffice/verify.html", context, status=status)


def _groups(secret: str) -> list[str]:
    """Split a secret in groups of four characters, easier to type into an app by hand."""
    return [secret[i : i + 4] for i in range(0, len(secret), 4)]


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Enrol the officer's authenticator app (first sign-in): QR code, secret, first code."""
    pending = signin.pending_get(request)
    if pending is None:
        return redirect("backoffice:login")
    try:
        device = otp.totp_device_enroll(user=pending.user)
    except ValidationError:
        return redirect("backoffice:verify")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = otp.totp_device_confirm(device=device, token=form.cleaned_data["code"])
        if check.device is not None:
            messages.success(request, _("Đã thiết lập ứng dụng xác thực cho tài khoản."))
            return redirect(signin.pending_complete(request, pending, check.device))
        if check.throttled_until is None and signin.pending_count_failure(request, pending):
            return redirect("backoffice:login")
        _refusal(request, form, check)
    status = 400 if form.is_bound else 200
    context = {
        "form": form,
        "pending": pending,
        "qr_svg": otp.config_qr_svg(device=device),
        "secret": otp.secret_base32(device=device),
        "secret_groups": _groups(otp.secret_base32(device=device)),
    }
    return render(request, "backoffice/setup.html", context, status=status)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Sign out (POST only) and go back to the back-office sign-in."""
    auth.logout(request)
    messages.info(request, _("Bạn đã đăng xuất khỏi Hệ thống một cửa điện tử."))
    return redirect("backoffice:login")


@officer_required
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    """Show the officer's roles: which agency, unit and role each."""
    memberships = officer_memberships(user=request.user)
    return render(request, "backoffice/home.html", {"memberships": memberships})
