"""Payments: what a dossier owes (a payment request), attempts to pay it, and their log.

A `PaymentRequest` is the fees computed for a dossier (at submission, or when the agency
asks during processing): its lines and total in whole đồng. Each time the applicant goes
to the gateway a `Payment` (an attempt, with its own `vnp_TxnRef`) is created; the
gateway's server-to-server call (IPN) alone moves it to paid, failed or cancelled.
Everything the gateway tells us is logged in `PaymentEvent`, append-only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RequestStage(models.TextChoices):
    SUBMISSION = "submission", _("Khi nộp hồ sơ")
    PROCESSING = "processing", _("Cơ quan yêu cầu trong khi xử lý")


class PaymentRequest(models.Model):
    """The fees a dossier owes, computed from the procedure's fee schedule."""

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="payment_requests",
    )
    stage = models.CharField(_("thời điểm"), max_length=12, choices=RequestStage.choices)
    # [{"fee": id, "kind", "name", "basis", "unit_amount", "quantity", "amount",
    #   "exempt", "discount"}], amounts in whole đồng.
    lines = models.JSONField(_("các khoản"), default=list)
    total = models.PositiveBigIntegerField(_("tổng số tiền (đồng)"))
    copies = models.PositiveSmallIntegerField(_("số bản"), default=1)
    pages = models.PositiveIntegerField(_("số trang"), default=0)
    exemption_reason = models.CharField(_("lý do miễn"), max_length=500, blank=True)
    discount_percent = models.PositiveSmallIntegerField(_("giảm khi nộp trực tuyến (%)"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ yêu cầu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("lập lúc"), default=timezone.now)
    paid_at = models.DateTimeField(_("đã nộp lúc"), null=True, blank=True)
    cancelled_at = models.DateTimeField(
        _("hủy lúc"),
        null=True,
        blank=True,
        help_text=_("Thay bằng một yêu cầu mới trước khi được thanh toán."),
    )

    class Meta:
        verbose_name = _("yêu cầu thanh toán")
        verbose_name_plural = _("yêu cầu thanh toán")
        ordering = ["dossier", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.total} đ"

    @property
    def is_open(self) -> bool:
        """Whether the applicant may still pay it."""
        return self.paid_at is None and self.cancelled_at is None and self.total > 0


class PaymentStatus(models.TextChoices):
    CREATED = "created", _("Đã tạo")
    PENDING = "pending", _("Đang chờ cổng thanh toán xác nhận")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Không thành công")
    EXPIRED = "expired", _("Hết hạn")
    CANCELLED = "cancelled", _("Đã hủy")
    REFUNDED = "refunded", _("Đã hoàn tiền")


# Statuses the gateway may still change by a success (an IPN or a query).
OPEN_STATUSES = frozenset({PaymentStatus.CREATED, PaymentStatus.PENDING})


class PaymentFlag(models.TextChoices):
    NONE = "", _("Không")
    LATE = "late", _("Báo thành công sau khi đã hết hạn hoặc đã đóng")
    DUPLICATE = "duplicate", _("Yêu cầu đã được thanh toán bằng giao dịch khác: cần hoàn tiền")


class Payment(models.Model):
    """One attempt to pay a payment request through a gateway."""

    request = models.ForeignKey(
        PaymentRequest,
        verbose_name=_("yêu cầu thanh toán"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thanh toán"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    provider = models.CharField(_("cổng thanh toán"), max_length=20, default="vnpay")
    txn_ref = models.CharField(_("mã tham chiếu (vnp_TxnRef)"), max_length=100, unique=True)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.CREATED
    )
    flag = models.CharField(
        _("cần kiểm tra"), max_length=10, choices=PaymentFlag.choices, blank=True, default=""
    )
    order_info = models.CharField(_("nội dung thanh toán"), max_length=255)
    payment_url = models.TextField(_("địa chỉ thanh toán"))
    idempotency_key = models.CharField(_("khóa chống gửi trùng"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    # What the gateway reported.
    transaction_no = models.CharField(_("mã giao dịch tại cổng"), max_length=50, blank=True)
    bank_code = models.CharField(_("ngân hàng"), max_length=20, blank=True)
    response_code = models.CharField(_("mã kết quả"), max_length=4, blank=True)
    gateway_paid_at = models.DateTimeField(_("cổng ghi nhận lúc"), null=True, blank=True)
    last_query_at = models.DateTimeField(_("đối soát lần cuối"), null=True, blank=True)

    class Meta:
        verbose_name = _("giao dịch thanh toán")
        verbose_name_plural = _("giao dịch thanh toán")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="payment_status_created"),
            models.Index(fields=["dossier", "-created_at"], name="payment_dossier_recent"),
        ]
        constraints = [
            # One credit per request; a second success is kept, flagged for a refund.
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(status="paid") & ~models.Q(flag="duplicate"),
                name="payment_one_credit_per_request",
            ),
            models.UniqueConstraint(
                fields=["payer", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="payment_unique_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return self.txn_ref


class EventKind(models.TextChoices):
    CREATED = "created", _("Tạo giao dịch")
    IPN = "ipn", _("Cổng thanh toán báo kết quả (IPN)")
    RETURN = "return", _("Người nộp quay lại từ cổng")
    QUERY = "query", _("Đối soát (querydr)")
    EXPIRED = "expired", _("Hết hạn")


class PaymentEvent(models.Model):
    """One thing received about a payment (or done to it), with its raw parameters."""

    payment = models.ForeignKey(
        Payment, verbose_name=_("giao dịch"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("loại"), max_length=10, choices=EventKind.choices)
    params = models.JSONField(_("tham số nhận được"), default=dict, blank=True)
    # The answer given (an IPN's RspCode) or the outcome applied.
    outcome = models.CharField(_("kết quả xử lý"), max_length=10, blank=True)
    from_status = models.CharField(_("từ trạng thái"), max_length=10, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=10, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("nhật ký thanh toán")
        verbose_name_plural = _("nhật ký thanh toán")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.kind} {self.outcome}"

    # save() only refuses to rewrite an event: core.writes.row_insert may add one.
    save_guards_rewrites_only = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Payment events are append-only.")
        super().save(*args, **kwargs)
