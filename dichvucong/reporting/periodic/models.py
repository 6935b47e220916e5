"""Periodic reports: the semi-annual and annual reports each agency files on its online
services, and the log of what happened to each report.

A `ReportPeriod` is one reporting round (the 2020 semi-annual report, the 2020 annual
report) with the dates its figures cover and its due date. An `AgencyReport` is one
agency's report for a period: the figures the system computes (shown live while the
report is a draft, frozen into `figures` when it is filed), the narrative the agency
writes, and who filed it when. Every change leaves an `AgencyReportEvent`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    SEMI_ANNUAL = "semi_annual", _("Báo cáo 6 tháng")
    ANNUAL = "annual", _("Báo cáo năm")


class ReportPeriod(models.Model):
    """One reporting round: what kind, which year, the dates covered and the due date."""

    kind = models.CharField(_("kỳ báo cáo"), max_length=12, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    covers_from = models.DateField(_("số liệu từ ngày"))
    covers_to = models.DateField(_("số liệu đến ngày"))
    due_on = models.DateField(_("hạn nộp báo cáo"))
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["-year", "-due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year"], name="periodic_period_unique_kind_year"
            ),
            models.CheckConstraint(
                condition=models.Q(covers_to__gte=models.F("covers_from")),
                name="periodic_period_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def title(self) -> str:
        if self.kind == PeriodKind.SEMI_ANNUAL:
            return str(_("Báo cáo 6 tháng đầu năm %(year)s")) % {"year": self.year}
        return str(_("Báo cáo năm %(year)s")) % {"year": self.year}


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã nộp")


class AgencyReport(models.Model):
    """One agency's report for one period (at most one: the unique constraint)."""

    period = models.ForeignKey(
        ReportPeriod,
        verbose_name=_("kỳ báo cáo"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="periodic_reports",
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    situation = models.TextField(_("tình hình triển khai, kết quả đạt được"), blank=True)
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    other = models.TextField(_("nội dung khác"), blank=True)
    figures = models.JSONField(
        _("số liệu đã chốt"),
        default=dict,
        blank=True,
        help_text=_("Số liệu hệ thống tính, chốt lại khi cơ quan nộp báo cáo."),
    )
    figures_as_of = models.DateField(_("số liệu tính đến ngày"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("nộp lần đầu lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    late = models.BooleanField(_("nộp muộn"), default=False)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("báo cáo của cơ quan")
        verbose_name_plural = _("báo cáo của cơ quan")
        ordering = ["period", "agency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "agency"], name="periodic_report_unique_period_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} - {self.agency_id}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ReportStatus.SUBMITTED


class ReportAction(models.TextChoices):
    CREATED = "created", _("Tạo báo cáo")
    EDITED = "edited", _("Cập nhật nội dung")
    SUBMITTED = "submitted", _("Nộp báo cáo")
    REOPENED = "reopened", _("Trả lại để bổ sung")


class AgencyReportEvent(models.Model):
    """What happened to a report, who did it and when (append-only)."""

    report = models.ForeignKey(
        AgencyReport, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("thao tác"), max_length=12, choices=ReportAction.choices)
    from_status = models.CharField(
        _("từ trạng thái"), max_length=10, choices=ReportStatus.choices, blank=True
    )
    to_status = models.CharField(_("sang trạng thái"), max_length=10, choices=ReportStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        verbose_name = _("nhật ký báo cáo")
        verbose_name_plural = _("nhật ký báo cáo")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Agency report events are append-only.")
        super().save(*args, **kwargs)
