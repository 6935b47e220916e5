"""Account pages: registration and verification, login, password, profile."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services
from .forms import LoginForm, ProfileForm, RegistrationForm, ResendVerificationForm
from .models import Profile, User

REGISTERED_EMAIL_SESSION_KEY = "accounts_registered_email"


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_register(**form.service_arguments(), request_or_base_url=request)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            request.session[REGISTERED_EMAIL_SESSION_KEY] = user.email
            return redirect("accounts:register-done")
    status = 400 if form.is_bound else 200
    return render(request, "accounts/register.html", {"form": form}, status=status)


@require_http_methods(["GET"])
def register_done(request: HttpRequest) -> HttpResponse:
    email = request.session.get(REGISTERED_EMAIL_SESSION_KEY, "")
    return render(request, "accounts/register_done.html", {"email": email})


@require_http_methods(["GET"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = services.user_verify_email(token=token)
    except ValidationError as error:
        return render(
            request,
            "accounts/verify_failed.html",
            {"message": error.messages[0], "expired": error.code == "expired"},
            status=400,
        )
    return render(request, "accounts/verify_done.html", {"verified_user": user})


@require_http_methods(["GET", "POST"])
def resend_verification(request: HttpRequest) -> HttpResponse:
    """Mail the verification link again; the answer never says whether an address exists."""
    form = ResendVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        for user in User.objects.filter(email__iexact=email, is_active=False):
            if services.user_awaits_verification(user=user):
                services.verification_email_send(user=user, request_or_base_url=request)
        return render(request, "accounts/resend_done.html", {"email": email})
    status = 400 if form.is_bound else 200
    return render(request, "accounts/resend.html", {"form": form}, status=status)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only, as Django's view), then go to the home page."""


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    html_email_template_name = "accounts/email/password_reset.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        form.fields["email"].label = _("Thư điện tử của tài khoản")
        form.fields["email"].error_messages.update(
            {
                "required": _("Vui lòng nhập địa chỉ thư điện tử."),
                "invalid": _("Địa chỉ thư điện tử không hợp lệ, ví dụ đúng: ten@example.vn."),
            }
        )
        return form

    def form_valid(self, form: Any) -> HttpResponse:
        self.extra_email_context = {"portal_name": settings.PORTAL_NAME}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """Show and edit the signed-in user's own profile (there is no other's to reach)."""
    user = cast(User, request.user)
    applicant = Profile.objects.select_related("administrative_unit__parent__parent").filter(
        user=user
    )
    current = applicant.first()
    if current is None:
        return render(request, "accounts/profile.html", {"form": None, "profile": None})
    form = ProfileForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(profile=current, **form.changed_values())
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                for message in field_messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Đã lưu thông tin tài khoản."))
            return redirect("accounts:profile")
    status = 400 if form.is_bound else 200
    return render(
        request, "accounts/profile.html", {"form": form, "profile": current}, status=status
    )


def lockout(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """Answer a login refused by django-axes (AXES_LOCKOUT_CALLABLE): a Vietnamese page."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "accounts/lockout.html", context, status=429)
