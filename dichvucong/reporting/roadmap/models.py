"""The online-services roadmap: plans, yearly targets, annex lists and level history.

A `Plan` is a province's decision on bringing its procedures online (Bình Phước's is
Decision 409/QĐ-UBND of 2 March 2015). It sets, per year, tier and level, a cumulative
number of online services (`PlanTarget`), and lists in its annexes which procedure is to
reach which level in which year (`AnnexEntry`). Progress is measured against the
computed level (`catalogue.Procedure.level`), whose history this app records
(`LevelRecord`) because the catalogue keeps only the level of today.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.catalogue.models import Procedure
from dichvucong.organizations.models import AdministrativeUnit, Agency


class PlanTier(models.TextChoices):
    """The two groups a plan sets targets for (the seed's "cấp tỉnh" and "cấp huyện")."""

    DEPARTMENT = "department", _("Sở, ban, ngành")
    DISTRICT = "district", _("Cấp huyện")


class PlanLevel(models.IntegerChoices):
    LEVEL_3 = 3, _("Mức độ 3")
    LEVEL_4 = 4, _("Mức độ 4")


class Plan(models.Model):
    """A roadmap for online public services (lộ trình cung cấp dịch vụ công trực tuyến)."""

    slug = models.SlugField(_("mã lộ trình"), max_length=50, unique=True)
    name = models.CharField(_("tên"), max_length=500)
    decision_number = models.CharField(_("số quyết định"), max_length=100, blank=True)
    decision_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    province = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("tỉnh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_year = models.PositiveSmallIntegerField(_("từ năm"))
    last_year = models.PositiveSmallIntegerField(_("đến năm"))
    commune_counts_as_district = models.BooleanField(
        _("tính thủ tục cấp xã vào cấp huyện"),
        default=True,
        help_text=_(
            "Lộ trình của tỉnh đặt chỉ tiêu cho cấp tỉnh và cấp huyện; thủ tục cấp xã "
            "được tính vào chỉ tiêu cấp huyện khi bật."
        ),
    )
    few_online_threshold = models.PositiveIntegerField(
        _("ngưỡng ít hồ sơ trực tuyến"),
        default=10,
        help_text=_(
            "Dịch vụ công trực tuyến nhận ít hơn số hồ sơ trực tuyến này trong kỳ được "
            "liệt kê là ít được sử dụng."
        ),
    )
    upgrade_threshold = models.PositiveIntegerField(
        _("ngưỡng đề xuất nâng lên mức độ 4"),
        default=100,
        help_text=_(
            "Dịch vụ mức độ 3 nhận từ số hồ sơ trực tuyến này trở lên trong kỳ được đề "
            "xuất nâng cấp lên mức độ 4."
        ),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("lộ trình")
        verbose_name_plural = _("lộ trình")
        ordering = ["-first_year", "slug"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.first_year and self.last_year and self.first_year > self.last_year:
            raise ValidationError({"last_year": _("Năm kết thúc phải từ năm bắt đầu trở đi.")})

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)


class PlanTarget(models.Model):
    """How many services of a tier are to be at a level by the end of a year (cumulative)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("lộ trình"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    tier = models.CharField(_("cấp"), max_length=10, choices=PlanTier.choices)
    level = models.PositiveSmallIntegerField(_("mức độ"), choices=PlanLevel.choices)
    target = models.PositiveIntegerField(_("chỉ tiêu (số dịch vụ, lũy kế)"))

    class Meta:
        verbose_name = _("chỉ tiêu năm")
        verbose_name_plural = _("chỉ tiêu năm")
        ordering = ["plan", "year", "tier", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "tier", "level"], name="roadmap_target_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.tier} L{self.level}: {self.target}"

    def clean(self) -> None:
        super().clean()
        plan = self.plan if self.plan_id is not None else None
        if plan is not None and self.year and self.year not in plan.years:
            raise ValidationError(
                {
                    "year": _("Năm %(year)s nằm ngoài thời kỳ của lộ trình (%(first)s-%(last)s).")
                    % {"year": self.year, "first": plan.first_year, "last": plan.last_year}
                }
            )


class AnnexEntry(models.Model):
    """A row of a plan's annex: which procedure is to reach which level in which year.

    The procedure code and name are kept as written in the annex, so that a row whose
    code is not (yet) in the catalogue is kept and shown; `procedure` links it when it is.
    """

    plan = models.ForeignKey(
        Plan, verbose_name=_("lộ trình"), on_delete=models.CASCADE, related_name="annex_entries"
    )
    position = models.PositiveIntegerField(_("số thứ tự"), default=0)
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("thủ tục"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    procedure_code = models.CharField(_("mã thủ tục"), max_length=50)
    procedure_name = models.CharField(_("tên thủ tục"), max_length=1000, blank=True)
    tier = models.CharField(_("cấp"), max_length=10, choices=PlanTier.choices)
    target_level = models.PositiveSmallIntegerField(_("mức độ"), choices=PlanLevel.choices)
    target_year = models.PositiveSmallIntegerField(_("năm đạt"))
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Để trống khi mọi cơ quan cùng cấp cùng cung cấp dịch vụ."),
    )

    class Meta:
        verbose_name = _("dòng phụ lục")
        verbose_name_plural = _("phụ lục danh mục dịch vụ")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "procedure_code", "target_level"], name="roadmap_annex_unique"
            )
        ]
        indexes = [models.Index(fields=["plan", "target_year"], name="roadmap_annex_year")]

    def __str__(self) -> str:
        return f"{self.procedure_code} L{self.target_level} {self.target_year}"


class LevelRecordSource(models.TextChoices):
    OBSERVED = "observed", _("Ghi nhận từ hệ thống")
    DEMO = "demo", _("Dữ liệu minh họa")


class LevelRecord(models.Model):
    """From `recorded_at` on, the procedure's computed level was `level` (append-only).

    The catalogue keeps only today's level; the roadmap needs the level a procedure had
    at the end of each past year. `procedure_levels_record` appends a row whenever the
    computed level differs from the last one recorded (daily, and on demand).
    """

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("mức độ thực tế"))
    recorded_at = models.DateTimeField(_("ghi nhận lúc"))
    source = models.CharField(
        _("nguồn"),
        max_length=10,
        choices=LevelRecordSource.choices,
        default=LevelRecordSource.OBSERVED,
    )

    class Meta:
        verbose_name = _("lịch sử mức độ")
        verbose_name_plural = _("lịch sử mức độ")
        ordering = ["procedure", "recorded_at", "pk"]
        indexes = [
            models.Index(fields=["procedure", "recorded_at"], name="roadmap_level_record"),
            models.Index(fields=["recorded_at"], name="roadmap_level_recorded_at"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} L{self.level} @ {self.recorded_at:%Y-%m-%d}"
