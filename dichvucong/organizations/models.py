"""Administrative units and the agencies that implement procedures."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.core.models import ValidityManager, ValidityPeriod, ValidityQuerySet
from dichvucong.core.validators import validate_agency_code, validate_unit_code


class Tier(models.TextChoices):
    """The three tiers of local government a procedure can be implemented at."""

    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class UnitKind(models.TextChoices):
    """The Vietnamese kinds of administrative unit (Law on Local Government 2015)."""

    TINH = "tinh", _("Tỉnh")
    THANH_PHO_TRUC_THUOC_TRUNG_UONG = (
        "thanh_pho_truc_thuoc_trung_uong",
        _("Thành phố trực thuộc trung ương"),
    )
    HUYEN = "huyen", _("Huyện")
    QUAN = "quan", _("Quận")
    THI_XA = "thi_xa", _("Thị xã")
    THANH_PHO_THUOC_TINH = "thanh_pho_thuoc_tinh", _("Thành phố thuộc tỉnh")
    XA = "xa", _("Xã")
    PHUONG = "phuong", _("Phường")
    THI_TRAN = "thi_tran", _("Thị trấn")


UNIT_KIND_TIER: dict[str, str] = {
    UnitKind.TINH: Tier.PROVINCE,
    UnitKind.THANH_PHO_TRUC_THUOC_TRUNG_UONG: Tier.PROVINCE,
    UnitKind.HUYEN: Tier.DISTRICT,
    UnitKind.QUAN: Tier.DISTRICT,
    UnitKind.THI_XA: Tier.DISTRICT,
    UnitKind.THANH_PHO_THUOC_TINH: Tier.DISTRICT,
    UnitKind.XA: Tier.COMMUNE,
    UnitKind.PHUONG: Tier.COMMUNE,
    UnitKind.THI_TRAN: Tier.COMMUNE,
}


class AdministrativeUnit(ValidityPeriod):
    """A province, district-level or commune-level unit, coded by the statistics office."""

    code = models.CharField(_("mã"), max_length=5, unique=True, validators=[validate_unit_code])
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=40, choices=UnitKind.choices)
    tier = models.CharField(_("cấp thực hiện"), max_length=10, choices=Tier.choices, editable=False)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = ValidityManager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["code"]
        indexes = [models.Index(fields=["tier", "code"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """Return the name with its kind: "thị xã Đồng Xoài"."""
        return f"{self.get_kind_display()} {self.name}"

    def clean(self) -> None:

        super().clean()
        self.tier = UNIT_KIND_TIER.get(self.kind, "")
        expected_parent_tier: dict[str, str] = {
            Tier.DISTRICT: Tier.PROVINCE,
            Tier.COMMUNE: Tier.DISTRICT,
        }
        if self.tier == Tier.PROVINCE and self.parent_id is not None:
            raise ValidationError({"parent": _("Đơn vị cấp tỉnh không có đơn vị cấp trên.")})
        if self.tier in expected_parent_tier and (
            self.parent is None or self.parent.tier != expected_parent_tier[self.tier]
        ):
            raise ValidationError(
                {"parent": _("Đơn vị cấp huyện thuộc một tỉnh, đơn vị cấp xã thuộc một huyện.")}
            )


class AgencyKind(models.TextChoices):
    PEOPLE_COMMITTEE = "people_committee", _("Ủy ban nhân dân")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    ONE_STOP_UNIT = "one_stop_unit", _("Bộ phận tiếp nhận và trả kết quả")
    SPECIALISED_OFFICE = "specialised_office", _("Phòng chuyên môn")


class AgencyQuerySet(ValidityQuerySet):
    def local(self) -> AgencyQuerySet:
        """Keep this province's agencies: codes ending in its province-level code.

        An agency code's last group is the province's (Decision 20/2020), so the agencies
        of a partner system that the exchange API knows (another province, a ministry)
        stay out of the province's lists, reports and signing keys.
        """
        return self.filter(code__endswith=f".{settings.PROVINCE_CODE}")


AgencyManager = models.Manager.from_queryset(AgencyQuerySet)


class Agency(ValidityPeriod):
    """An agency (cơ quan, đơn vị): a department, a People's Committee, a one-stop unit."""

    code = models.CharField(
        _("mã định danh"), max_length=35, unique=True, validators=[validate_agency_code]
    )
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=120, blank=True)
    kind = models.CharField(_("loại"), max_length=30, choices=AgencyKind.choices)
    tier = models.CharField(_("cấp thực hiện"), max_length=10, choices=Tier.choices, editable=False)
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hành chính"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=50, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    website = models.URLField(_("trang thông tin điện tử"), blank=True)

    objects = AgencyManager()

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["code"]
        indexes = [models.Index(fields=["tier", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        super().clean()
        if self.administrative_unit_id is not None:
            self.tier = self.administrative_unit.tier
