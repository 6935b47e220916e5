"""Service quality index sets: groups, indicators and their weights, kept as data.

In the style of the national index set for directing, operating and assessing the
quality of service to citizens and businesses (Decision 766/QĐ-TTg of 23 June 2022):
each indicator belongs to one of six groups, carries a number of points, and is measured
by one of the computations implemented in `computations.py` (a fixed set, each
documented in docs/service-quality.md). An agency earns, per indicator, the share the
computation returns times the indicator's points.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IndicatorGroup(models.TextChoices):
    """The six groups of the national index set."""

    TRANSPARENCY = "transparency", _("Công khai, minh bạch")
    PROGRESS = "progress", _("Tiến độ giải quyết")
    ONLINE_SERVICE = "online_service", _("Cung cấp dịch vụ công trực tuyến")
    ONLINE_PAYMENT = "online_payment", _("Thanh toán trực tuyến")
    DIGITISATION = "digitisation", _("Số hóa hồ sơ, kết quả")
    SATISFACTION = "satisfaction", _("Mức độ hài lòng")


class Computation(models.TextChoices):
    """How an indicator is measured; each value is implemented in computations.py."""

    PROCEDURES_PUBLISHED = "procedures_published", _("Tỷ lệ thủ tục công khai đầy đủ thông tin")
    FORMS_DOWNLOADABLE = "forms_downloadable", _("Tỷ lệ thủ tục có đủ biểu mẫu tải về")
    PROCESSED_ON_TIME = "processed_on_time", _("Tỷ lệ hồ sơ giải quyết đúng hạn")
    IN_PROGRESS_WITHIN = "in_progress_within", _("Tỷ lệ hồ sơ đang xử lý còn trong hạn")
    PROCEDURES_LEVEL3 = "procedures_level3", _("Tỷ lệ thủ tục đạt mức độ 3 trở lên")
    PROCEDURES_LEVEL4 = "procedures_level4", _("Tỷ lệ thủ tục đạt mức độ 4")
    RECEIVED_ONLINE = "received_online", _("Tỷ lệ hồ sơ nộp trực tuyến")
    PAYMENT_ENABLED = "payment_enabled", _("Tỷ lệ thủ tục có phí cho phép thanh toán trực tuyến")
    PAID_ONLINE = "paid_online", _("Tỷ lệ hồ sơ thanh toán trực tuyến")
    RESULTS_SIGNED = "results_signed", _("Tỷ lệ kết quả điện tử có ký số")
    DOCUMENTS_DIGITISED = "documents_digitised", _("Tỷ lệ hồ sơ có thành phần được số hóa")
    SATISFIED = "satisfied", _("Tỷ lệ đánh giá hài lòng")
    RATED = "rated", _("Tỷ lệ hồ sơ được người dân đánh giá")


class IndexSet(models.Model):
    """A set of weighted indicators; the active set is the one the public pages show."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    description = models.TextField(_("mô tả"), blank=True)
    is_active = models.BooleanField(
        _("đang áp dụng"),
        default=False,
        help_text=_("Bộ chỉ số được dùng trên trang công khai; chỉ một bộ được áp dụng."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("bộ chỉ số chất lượng phục vụ")
        verbose_name_plural = _("bộ chỉ số chất lượng phục vụ")
        ordering = ["-is_active", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="index_set_one_active",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """One indicator of a set: its group, what it measures, its points and computation."""

    index_set = models.ForeignKey(
        IndexSet,
        verbose_name=_("bộ chỉ số"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    group = models.CharField(_("nhóm"), max_length=20, choices=IndicatorGroup.choices)
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên chỉ số"), max_length=255)
    measures = models.TextField(_("chỉ số đo gì"), blank=True)
    computation = models.CharField(_("cách tính"), max_length=30, choices=Computation.choices)
    max_points = models.DecimalField(
        _("điểm tối đa"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("chỉ số")
        verbose_name_plural = _("chỉ số")
        ordering = ["index_set", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["index_set", "code"], name="indicator_code_per_set"),
            models.CheckConstraint(
                condition=models.Q(max_points__gte=0), name="indicator_points_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
