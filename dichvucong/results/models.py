"""Electronic results: per-procedure templates, issued (signed) results, delivery by post.

An approved dossier of a procedure with online results gets one `IssuedResult`: its
public id (the QR code's `/verify/<uuid>/`), the agency's number for it, and once the
background task has rendered and signed it, the signed PDF and its SHA-256. The
applicant may also ask for the paper result by post (`PostalDelivery`); every change of
a delivery leaves an append-only `PostalDeliveryEvent`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

BODY_MAX_LENGTH = 50_000


class ResultTemplate(models.Model):
    """The HTML body of a procedure's result document, with Django template variables.

    The page around it (national heading, number, place and date, signer block, QR code)
    is fixed by `results/result_document.html`; the body is rendered in a sandbox that
    sees only the safe variables of `rendering.SAMPLE_CONTEXT`.
    """

    procedure = models.OneToOneField(
        "catalogue.Procedure",
        verbose_name=_("thủ tục"),
        on_delete=models.CASCADE,
        related_name="result_template",
    )
    result = models.ForeignKey(
        "catalogue.ProcedureResult",
        verbose_name=_("kết quả trong danh mục"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Kết quả thực hiện (theo danh mục thủ tục) mà mẫu này tạo ra."),
    )
    title = models.CharField(
        _("tên văn bản"),
        max_length=300,
        help_text=_("In hoa ở giữa trang, ví dụ: GIẤY CHỨNG NHẬN, QUYẾT ĐỊNH."),
    )
    body = models.TextField(
        _("nội dung (HTML, cú pháp mẫu Django)"),
        max_length=BODY_MAX_LENGTH,
        help_text=_("Chỉ dùng các biến được liệt kê; mẫu được kiểm tra khi lưu."),
    )
    signer_title = models.CharField(
        _("chức danh người ký"), max_length=200, default="CHỦ TỊCH", blank=True
    )
    postal_fee = models.PositiveIntegerField(
        _("cước gửi kết quả qua bưu chính (đồng)"),
        null=True,
        blank=True,
        help_text=_("Để trống để dùng mức chung của hệ thống."),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("mẫu kết quả")
        verbose_name_plural = _("mẫu kết quả")
        ordering = ["procedure"]

    def __str__(self) -> str:
        return self.title


class ResultStatus(models.TextChoices):
    PENDING = "pending", _("Đang phát hành")
    ISSUED = "issued", _("Đã phát hành")
    FAILED = "failed", _("Phát hành lỗi")


def result_upload_to(instance: IssuedResult | None, filename: str) -> str:
    """Store under the result's public id; the download name is built from its code."""
    return f"results/{timezone.now():%Y/%m}/{filename}"


class IssuedResult(models.Model):
    """The electronic result of one approved dossier, signed by its agency."""

    uuid = models.UUIDField(_("mã xác thực"), default=uuid.uuid4, unique=True, editable=False)
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        related_name="issued_result",
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan phát hành"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    template = models.ForeignKey(
        ResultTemplate,
        verbose_name=_("mẫu kết quả"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Trống: mẫu mặc định."),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    sequence = models.PositiveIntegerField(_("số thứ tự"))
    number = models.CharField(_("số văn bản"), max_length=60)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phê duyệt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("phê duyệt lúc"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ResultStatus.choices, default=ResultStatus.PENDING
    )
    file = models.FileField(_("tệp PDF đã ký"), upload_to=result_upload_to, max_length=300)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(_("dung lượng (byte)"), null=True, blank=True)
    issued_at = models.DateTimeField(_("phát hành lúc"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("kết quả điện tử")
        verbose_name_plural = _("kết quả điện tử")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "sequence"], name="issued_result_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.dossier_id})"

    @property
    def filename(self) -> str:
        return f"ket-qua-{self.dossier.code}.pdf"


class ResultSequence(models.Model):
    """The last result number an agency gave in a year (gap-free, like the register)."""

    agency = models.ForeignKey("organizations.Agency", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số thứ tự kết quả")
        verbose_name_plural = _("số thứ tự kết quả")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="result_sequence_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year}: {self.last}"


class DeliveryStatus(models.TextChoices):
    REQUESTED = "requested", _("Đã đăng ký, chờ gửi")
    SENT = "sent", _("Đã gửi bưu chính")
    DELIVERED = "delivered", _("Đã phát thành công")
    RETURNED = "returned", _("Bị chuyển hoàn")
    CANCELLED = "cancelled", _("Đã hủy đăng ký")


class PostalDelivery(models.Model):
    """The applicant's request to receive the paper result by post, and where it is."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="postal_delivery",
    )
    recipient_name = models.CharField(_("người nhận"), max_length=200)
    phone = models.CharField(_("số điện thoại"), max_length=20)
    address = models.CharField(_("địa chỉ nhận"), max_length=500)
    fee = models.PositiveIntegerField(_("cước phí (đồng)"))
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.REQUESTED,
    )
    tracking_number = models.CharField(_("số hiệu bưu gửi"), max_length=20, blank=True)
    requested_at = models.DateTimeField(_("đăng ký lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("gửi kết quả qua bưu chính")
        verbose_name_plural = _("gửi kết quả qua bưu chính")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.get_status_display()}"


class PostalDeliveryEvent(models.Model):
    """One change of a postal delivery. Rows are only ever added."""

    delivery = models.ForeignKey(
        PostalDelivery,
        verbose_name=_("gửi kết quả"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=DeliveryStatus.choices)
    tracking_number = models.CharField(_("số hiệu bưu gửi"), max_length=20, blank=True)
    address = models.CharField(_("địa chỉ nhận"), max_length=500, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        verbose_name = _("nhật ký gửi kết quả")
        verbose_name_plural = _("nhật ký gửi kết quả")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.status} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Postal delivery events are append-only.")
        super().save(*args, **kwargs)
