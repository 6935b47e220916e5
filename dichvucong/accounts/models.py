"""Accounts: the project's own user model and the applicant's profile.

A profile holds what an applicant provides once and every e-form is prefilled from
("provide once"). An officer is a user with memberships: one row per agency and role,
optionally narrowed to a unit inside the agency (its one-stop unit, a specialised office).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.core.validators import validate_citizen_id, validate_phone, validate_tax_code


class User(AbstractUser):
    """A person who signs in: a citizen, a business's representative or an officer."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"


class ApplicantKind(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Doanh nghiệp, tổ chức")


class Profile(models.Model):
    """An applicant's identity and contact details.

    For a business, `full_name`, `date_of_birth` and `citizen_id` are those of its legal
    representative, who signs in.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    kind = models.CharField(
        _("loại tài khoản"),
        max_length=10,
        choices=ApplicantKind.choices,
        default=ApplicantKind.CITIZEN,
    )
    full_name = models.CharField(_("họ và tên"), max_length=200)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    citizen_id = models.CharField(
        _("số định danh cá nhân"),
        max_length=12,
        blank=True,
        validators=[validate_citizen_id],
    )
    organization_name = models.CharField(_("tên doanh nghiệp, tổ chức"), max_length=300, blank=True)
    tax_code = models.CharField(
        _("mã số thuế"), max_length=14, blank=True, validators=[validate_tax_code]
    )
    phone = models.CharField(
        _("số điện thoại"), max_length=13, blank=True, validators=[validate_phone]
    )
    address_line = models.CharField(
        _("địa chỉ (số nhà, đường, thôn, ấp)"), max_length=300, blank=True
    )
    administrative_unit = models.ForeignKey(
        "organizations.AdministrativeUnit",
        verbose_name=_("xã, phường, thị trấn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    email_verified_at = models.DateTimeField(
        _("thời điểm xác thực thư điện tử"), null=True, blank=True
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ người dùng")
        verbose_name_plural = _("hồ sơ người dùng")
        constraints = [
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=~models.Q(citizen_id="") & models.Q(kind="citizen"),
                name="accounts_profile_unique_citizen_id",
            ),
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=~models.Q(tax_code=""),
                name="accounts_profile_unique_tax_code",
            ),
        ]

    def __str__(self) -> str:
        return self.organization_name or self.full_name

    def clean(self) -> None:
        if self.kind == ApplicantKind.BUSINESS:
            errors = {}
            if not self.organization_name:
                errors["organization_name"] = _("Doanh nghiệp, tổ chức phải có tên.")
            if not self.tax_code:
                errors["tax_code"] = _("Doanh nghiệp, tổ chức phải có mã số thuế.")
            if errors:
                raise ValidationError(errors)

    @property
    def address(self) -> str:
        """Return the full address: the street line, then the unit and its parents."""
        parts = [self.address_line] if self.address_line else []
        unit = self.administrative_unit
        while unit is not None:
            parts.append(unit.full_name)
            unit = unit.parent
        return ", ".join(parts)


class ExternalIdentity(models.Model):
    """An account at an external OpenID Connect provider (VNeID) linked to a user.

    A person is recognised by the provider's (issuer, subject) pair, never by an email
    address, so a changed address neither splits an account nor opens another's.
    """

    issuer = models.CharField(_("nhà cung cấp định danh"), max_length=255)
    subject = models.CharField(_("mã định danh tại nhà cung cấp"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="external_identities",
    )
    created_at = models.DateTimeField(_("liên kết lúc"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("đăng nhập lần cuối lúc"))

    class Meta:
        verbose_name = _("tài khoản định danh liên kết")
        verbose_name_plural = _("tài khoản định danh liên kết")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="accounts_external_identity_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"


class Role(models.TextChoices):
    """What an officer may do at an agency (Decree 61/2018 Art. 17-21)."""

    RECEPTION = "reception", _("Tiếp nhận và trả kết quả")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    UNIT_HEAD = "unit_head", _("Lãnh đạo phòng chuyên môn")
    APPROVER = "approver", _("Lãnh đạo phê duyệt")
    AGENCY_ADMIN = "agency_admin", _("Quản trị đơn vị")
    SUPERVISOR = "supervisor", _("Giám sát")


class Membership(models.Model):
    """An officer's role at an agency.

    Every back-office read and action is scoped by these rows: an officer sees the
    dossiers of the agencies they are a member of, and acts only in their roles there. A
    supervisor reads every agency's dossiers and acts on none.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("đơn vị trực thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unit_memberships",
        help_text=_("Bộ phận một cửa hoặc phòng chuyên môn của cơ quan, nếu có."),
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("vai trò cán bộ")
        verbose_name_plural = _("vai trò cán bộ")
        ordering = ["agency", "user", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="accounts_membership_unique_role"
            ),
        ]
        indexes = [models.Index(fields=["agency", "role"], name="membership_agency_role")]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} - {self.agency}"

    def clean(self) -> None:
        if self.unit is not None and self.unit.parent_id != self.agency_id:
            raise ValidationError({"unit": _("Đơn vị phải trực thuộc cơ quan đã chọn.")})
