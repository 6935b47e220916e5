"""Forms of the officer's sign-in: the password, then the authenticator app's code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts.otp import TOKEN_PATTERN, normalize_token
from dichvucong.accounts.selectors import requires_second_factor


class OfficerLoginForm(AuthenticationForm):
    """Step 1: username and password (through `authenticate`, so django-axes counts failures).

    Only officers (users with a membership) and staff may continue; anyone else with a
    right password is told where citizens sign in, and gets no session.
    """

    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "username",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản này đã bị khóa. Vui lòng liên hệ quản trị đơn vị."),
        "not_officer": _(
            "Tài khoản này không phải tài khoản cán bộ nên không đăng nhập được Hệ thống "
            "một cửa điện tử. Công dân, doanh nghiệp vui lòng đăng nhập tại Cổng Dịch vụ công."
        ),
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.refused_citizen = False
        self.fields["username"].error_messages["required"] = _("Vui lòng nhập tên đăng nhập.")
        self.fields["password"].error_messages["required"] = _("Vui lòng nhập mật khẩu.")

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not requires_second_factor(user=user):
            self.refused_citizen = True
            raise ValidationError(self.error_messages["not_officer"], code="not_officer")


class CodeForm(forms.Form):
    """Step 2 (and enrolment): the 6-digit code the authenticator app shows now."""

    code = forms.CharField(
        label=_("Mã xác thực"),
        max_length=20,
        help_text=_("6 chữ số đang hiện trong ứng dụng xác thực trên điện thoại của bạn."),
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
                "spellcheck": "false",
                "size": 8,
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].error_messages["required"] = _("Vui lòng nhập mã xác thực.")

    def clean_code(self) -> str:
        code = normalize_token(self.cleaned_data["code"])
        if not TOKEN_PATTERN.fullmatch(code):
            raise ValidationError(_("Mã xác thực gồm đúng 6 chữ số."), code="format")
        return code
