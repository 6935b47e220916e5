"""Forms of the account pages: registration, login, resend, profile."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dichvucong.core.models import today
from dichvucong.core.validators import validate_citizen_id, validate_phone, validate_tax_code
from dichvucong.organizations.models import AdministrativeUnit, Tier
from dichvucong.organizations.selectors import administrative_unit_list

from .models import ApplicantKind, Profile, User
from .services import user_awaits_verification


class CommuneChoiceField(forms.ModelChoiceField):
    """A commune of the province, chosen by its code from a list grouped by district."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "queryset",
            administrative_unit_list(tier=Tier.COMMUNE).order_by("parent__code", "code"),
        )
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("empty_label", _("Chọn xã, phường, thị trấn"))
        super().__init__(**kwargs)
        self.error_messages["invalid_choice"] = _("Vui lòng chọn một xã, phường, thị trấn.")

    def group_choices(self) -> None:
        """Show the communes grouped by their district (only the rendering changes)."""
        groups: dict[str, list[tuple[str, str]]] = {}
        for unit in cast(QuerySet[AdministrativeUnit], self.queryset):
            district = unit.parent.full_name if unit.parent else ""
            groups.setdefault(district, []).append((unit.code, unit.full_name))
        self.choices = [("", str(self.empty_label)), *groups.items()]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _not_in_future(value: Any) -> None:
    if value and value > today():
        raise ValidationError(_("Ngày sinh không thể sau ngày hôm nay."), code="future")


REQUIRED = _("Vui lòng nhập %(field)s.")


def _vietnamese_required(form: forms.BaseForm) -> None:
    """Give each required field a "please enter …" message naming it."""
    for field in form.fields.values():
        label = str(field.label or "").lower()
        if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
            field.error_messages["required"] = _("Vui lòng chọn %(field)s.") % {"field": label}
        else:
            field.error_messages["required"] = REQUIRED % {"field": label}


class RegistrationForm(forms.Form):
    """A new applicant's account: who they are, how to reach them, how they sign in."""

    kind = forms.ChoiceField(
        label=_("Bạn đăng ký với tư cách"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.CITIZEN,
        widget=forms.RadioSelect,
    )
    organization_name = forms.CharField(
        label=_("Tên doanh nghiệp, tổ chức"), max_length=300, required=False
    )
    tax_code = forms.CharField(
        label=_("Mã số thuế"),
        max_length=14,
        required=False,
        validators=[validate_tax_code],
        help_text=_("10 chữ số; chi nhánh: 10 chữ số, dấu gạch ngang, 3 chữ số."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    full_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=200,
        help_text=_("Với doanh nghiệp, tổ chức: họ và tên người đại diện theo pháp luật."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        validators=[_not_in_future],
        widget=DateInput(attrs={"autocomplete": "bday"}),
    )
    citizen_id = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=12,
        validators=[validate_citizen_id],
        help_text=_("12 chữ số in trên thẻ căn cước công dân."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=13,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        max_length=254,
        help_text=_("Chúng tôi gửi thư xác thực đến địa chỉ này để kích hoạt tài khoản."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    administrative_unit = CommuneChoiceField(label=_("Xã, phường, thị trấn"))
    address_line = forms.CharField(
        label=_("Địa chỉ (số nhà, đường, thôn, ấp)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        help_text=_("Chữ cái không dấu, chữ số và các ký tự @ . + - _, tối đa 150 ký tự."),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        help_text=_(
            "Ít nhất 12 ký tự, không toàn chữ số, không quá phổ biến và không giống "
            "tên đăng nhập hay thư điện tử."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    # Service error keys that are named differently here.
    SERVICE_FIELDS = {"password": "password1", "first_name": "full_name", "last_name": "full_name"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(CommuneChoiceField, self.fields["administrative_unit"]).group_choices()
        _vietnamese_required(self)
        self.fields["kind"].error_messages["required"] = _("Vui lòng chọn loại tài khoản.")
        self.fields["password2"].error_messages["required"] = _("Vui lòng nhập lại mật khẩu.")
        self.fields["email"].error_messages["invalid"] = _(
            "Địa chỉ thư điện tử không hợp lệ, ví dụ đúng: ten@example.vn."
        )
        self.fields["date_of_birth"].error_messages["invalid"] = _(
            "Ngày sinh không hợp lệ, vui lòng nhập theo dạng ngày/tháng/năm."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ApplicantKind.BUSINESS:
            if not data.get("organization_name"):
                self.add_error("organization_name", _("Vui lòng nhập tên doanh nghiệp, tổ chức."))
            if not data.get("tax_code"):
                self.add_error("tax_code", _("Vui lòng nhập mã số thuế của doanh nghiệp."))
        elif data.get("kind") == ApplicantKind.CITIZEN:
            data["organization_name"] = ""
            data["tax_code"] = ""
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Hai mật khẩu đã nhập không giống nhau."))
        if password1:
            # Checked here too (user_register checks again), so the password's problems
            # show with the others.
            candidate = User(username=data.get("username", ""), email=data.get("email", ""))
            try:
                validate_password(password1, candidate)
            except ValidationError as error:
                for message in error.messages:
                    self.add_error("password1", message)
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """Show the service's field errors on the matching fields of this form."""
        for field, messages in error.message_dict.items():
            name = self.SERVICE_FIELDS.get(field, field)
            for message in messages:
                self.add_error(name if name in self.fields else None, message)

    def service_arguments(self) -> dict[str, Any]:
        """Return the keyword arguments of `user_register` from the cleaned data."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "username": data["username"],
            "email": data["email"],
            "password": data["password1"],
            "full_name": data["full_name"],
            "date_of_birth": data["date_of_birth"],
            "citizen_id": data["citizen_id"],
            "phone": data["phone"],
            "address_line": data["address_line"],
            "administrative_unit": data["administrative_unit"],
            "organization_name": data["organization_name"],
            "tax_code": data["tax_code"],
        }


class LoginForm(AuthenticationForm):
    """Sign in with the username or the email address.

    A registered user who has not verified the address yet is told so, with a link to
    resend the mail, but only once the password is right: a wrong password gets the same
    answer whether or not the account exists.
    """

    username = forms.CharField(
        label=_("Tên đăng nhập hoặc thư điện tử"),
        max_length=254,
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
        "invalid_login": _("Tên đăng nhập (hoặc thư điện tử) hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản này đã bị khóa. Vui lòng liên hệ bộ phận hỗ trợ."),
        "unverified": _(
            "Tài khoản chưa được kích hoạt: vui lòng mở liên kết trong thư xác thực "
            "chúng tôi đã gửi đến địa chỉ thư điện tử của bạn."
        ),
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.awaiting_verification = False
        self.fields["username"].error_messages["required"] = _(
            "Vui lòng nhập tên đăng nhập hoặc thư điện tử."
        )
        self.fields["password"].error_messages["required"] = _("Vui lòng nhập mật khẩu.")

    @staticmethod
    def username_for(identifier: str) -> str:
        """Return the username of the one account with this email address, else as given."""
        if "@" in identifier:
            matches = list(
                User.objects.filter(email__iexact=identifier).values_list("username", flat=True)[:2]
            )
            if len(matches) == 1:
                return matches[0]
        return identifier

    def clean(self) -> dict[str, Any]:
        identifier = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if identifier is None or not password:
            return self.cleaned_data
        username = self.username_for(identifier)
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            if not getattr(self.request, "axes_locked_out", False):
                self._explain_refusal(username, password)
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def _explain_refusal(self, username: str, password: str) -> None:
        """Raise a specific error for an inactive account whose password is right."""
        user = User.objects.filter(username=username).first()
        if user is None or user.is_active or not user.check_password(password):
            return
        if user_awaits_verification(user=user):
            self.awaiting_verification = True
            raise ValidationError(self.error_messages["unverified"], code="unverified")
        raise ValidationError(self.error_messages["inactive"], code="inactive")


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(
        label=_("Thư điện tử đã dùng khi đăng ký"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages.update(
            {
                "required": _("Vui lòng nhập địa chỉ thư điện tử."),
                "invalid": _("Địa chỉ thư điện tử không hợp lệ, ví dụ đúng: ten@example.vn."),
            }
        )


# Identity fields: fixed once filled in (see ProfileForm).
IDENTITY_FIELDS = ("full_name", "date_of_birth", "citizen_id", "organization_name", "tax_code")


class ProfileForm(forms.ModelForm):
    """The applicant's own changes to their profile.

    Contact details and address can always be changed. The identity fields (name, date
    of birth, citizen id, and a business's name and tax code) can be filled in while
    empty and are fixed afterwards: dossiers filed under the account carry them, so a
    correction goes through an officer (the admin), who checks the papers. The email
    address is shown but not changed here (a new address needs its own verification).
    """

    administrative_unit = CommuneChoiceField(label=_("Xã, phường, thị trấn"), required=False)

    class Meta:
        model = Profile
        fields = [
            "full_name",
            "date_of_birth",
            "citizen_id",
            "organization_name",
            "tax_code",
            "phone",
            "address_line",
            "administrative_unit",
        ]
        labels = {
            "full_name": _("Họ và tên"),
            "date_of_birth": _("Ngày sinh"),
            "citizen_id": _("Số định danh cá nhân"),
            "organization_name": _("Tên doanh nghiệp, tổ chức"),
            "tax_code": _("Mã số thuế"),
            "phone": _("Số điện thoại"),
            "address_line": _("Địa chỉ (số nhà, đường, thôn, ấp)"),
        }
        widgets = {
            "date_of_birth": DateInput(attrs={"autocomplete": "bday"}),
            "citizen_id": forms.TextInput(attrs={"inputmode": "numeric"}),
            "tax_code": forms.TextInput(attrs={"inputmode": "numeric"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "address_line": forms.TextInput(attrs={"autocomplete": "street-address"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        profile = self.instance
        if profile.kind != ApplicantKind.BUSINESS:
            del self.fields["organization_name"]
            del self.fields["tax_code"]
        self.fixed_fields = [
            name for name in IDENTITY_FIELDS if name in self.fields and getattr(profile, name)
        ]
        for name in self.fixed_fields:
            self.fields[name].disabled = True
        if profile.administrative_unit is not None:
            # The select's values are codes, not primary keys.
            self.initial["administrative_unit"] = profile.administrative_unit.code
        self.fields["date_of_birth"].validators.append(_not_in_future)
        # The model's validators run here too, so every error shows at once.
        for name, validator in (
            ("citizen_id", validate_citizen_id),
            ("tax_code", validate_tax_code),
            ("phone", validate_phone),
        ):
            if name in self.fields:
                self.fields[name].validators.append(validator)
        cast(CommuneChoiceField, self.fields["administrative_unit"]).group_choices()
        _vietnamese_required(self)

    def changed_values(self) -> dict[str, Any]:
        """Return the cleaned values of the fields the user may change and did change."""
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name in self.fields and not self.fields[name].disabled
        }

    def _post_clean(self) -> None:
        # Validation against the model happens in profile_update, not here.
        pass
