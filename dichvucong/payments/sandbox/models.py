"""What the sandbox gateway remembers: merchants, their customers' transactions, the
IPN calls it made to the merchants and the merchants' web API requests.

The sandbox stands in for VNPay: these rows are the gateway's, never the merchant's
(the merchant's payments live in `dichvucong.payments`).
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

tmn_code_validator = RegexValidator(
    r"^[A-Za-z0-9]{8}$", _("Mã website gồm đúng 8 chữ cái hoặc chữ số.")
)


class SandboxMerchant(models.Model):
    """A merchant (website) the sandbox knows, besides the demo merchant of the settings."""

    tmn_code = models.CharField(
        _("mã website (vnp_TmnCode)"), max_length=8, unique=True, validators=[tmn_code_validator]
    )
    name = models.CharField(_("tên đơn vị"), max_length=200)
    hash_secret = models.CharField(_("chuỗi bí mật"), max_length=100)
    ipn_url = models.URLField(
        _("địa chỉ IPN"),
        max_length=500,
        blank=True,
        help_text=_("Để trống để dùng PAYMENT_SANDBOX_IPN_URL của cấu hình."),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("website kết nối")
        verbose_name_plural = _("website kết nối")
        ordering = ["tmn_code"]

    def __str__(self) -> str:
        return f"{self.tmn_code}: {self.name}"


class Outcome(models.TextChoices):
    PENDING = "pending", _("Đang chờ thanh toán")
    PAID = "paid", _("Thanh toán thành công")
    CANCELLED = "cancelled", _("Khách hàng hủy giao dịch")
    FAILED = "failed", _("Giao dịch thất bại")
    REFUNDED = "refunded", _("Đã hoàn tiền")


class SandboxTransaction(models.Model):
    """One payment request a merchant sent to the sandbox, and what the payer chose."""

    tmn_code = models.CharField(_("mã website"), max_length=8)
    txn_ref = models.CharField(_("mã tham chiếu (vnp_TxnRef)"), max_length=100)
    transaction_no = models.CharField(
        _("mã giao dịch tại cổng (vnp_TransactionNo)"), max_length=20, blank=True
    )
    amount = models.BigIntegerField(_("số tiền nhân 100 (vnp_Amount)"))
    order_info = models.CharField(_("nội dung thanh toán"), max_length=255)
    order_type = models.CharField(_("loại hàng hóa"), max_length=100, blank=True)
    locale = models.CharField(_("ngôn ngữ"), max_length=5, blank=True)
    return_url = models.CharField(_("địa chỉ trả về"), max_length=1000)
    ip_addr = models.CharField(_("địa chỉ IP người mua"), max_length=45, blank=True)
    create_date = models.CharField(_("vnp_CreateDate"), max_length=14)
    expire_date = models.CharField(_("vnp_ExpireDate"), max_length=14, blank=True)
    bank_code = models.CharField(_("ngân hàng"), max_length=20, blank=True)
    outcome = models.CharField(
        _("kết quả"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    response_code = models.CharField(_("vnp_ResponseCode"), max_length=2, blank=True)
    transaction_status = models.CharField(_("vnp_TransactionStatus"), max_length=2, default="01")
    pay_date = models.DateTimeField(_("thời điểm thanh toán"), null=True, blank=True)
    refunded_amount = models.BigIntegerField(_("đã hoàn, nhân 100"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("giao dịch thử nghiệm")
        verbose_name_plural = _("giao dịch thử nghiệm")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tmn_code", "txn_ref"], name="sandbox_transaction_unique_ref"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tmn_code}/{self.txn_ref}"

    @property
    def amount_vnd(self) -> int:
        return self.amount // 100


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Đang gửi")
    DELIVERED = "delivered", _("Website đã xác nhận")
    FAILED = "failed", _("Không gửi được")


class SandboxIpnDelivery(models.Model):
    """The IPN call announcing a transaction's result to its merchant, retried until the
    merchant answers RspCode 00 or 02."""

    transaction = models.ForeignKey(
        SandboxTransaction,
        verbose_name=_("giao dịch"),
        on_delete=models.CASCADE,
        related_name="ipn_deliveries",
    )
    url = models.CharField(_("địa chỉ IPN"), max_length=500)
    params = models.JSONField(_("tham số đã ký"))
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_rsp_code = models.CharField(_("RspCode gần nhất"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    delivered_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lượt gửi IPN")
        verbose_name_plural = _("lượt gửi IPN")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"IPN {self.transaction} → {self.url}"


class SandboxIpnAttempt(models.Model):
    """One HTTP call of an IPN delivery and the merchant's answer."""

    delivery = models.ForeignKey(
        SandboxIpnDelivery,
        verbose_name=_("lượt gửi IPN"),
        on_delete=models.CASCADE,
        related_name="attempt_log",
    )
    number = models.PositiveSmallIntegerField(_("lần thứ"))
    sent_at = models.DateTimeField(_("gửi lúc"))
    duration_ms = models.PositiveIntegerField(_("thời gian (ms)"), default=0)
    http_status = models.PositiveSmallIntegerField(_("mã HTTP"), null=True, blank=True)
    rsp_code = models.CharField(_("RspCode"), max_length=10, blank=True)
    response_body = models.TextField(_("nội dung trả lời"), blank=True)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("lần gửi IPN")
        verbose_name_plural = _("lần gửi IPN")
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="sandbox_ipn_attempt_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.rsp_code or self.error[:40]}"


class SandboxApiRequest(models.Model):
    """A merchant's web API call (querydr, refund): its request id must not repeat."""

    tmn_code = models.CharField(_("mã website"), max_length=8)
    request_id = models.CharField(_("vnp_RequestId"), max_length=32)
    command = models.CharField(_("lệnh"), max_length=16)
    txn_ref = models.CharField(_("mã tham chiếu"), max_length=100, blank=True)
    response_code = models.CharField(_("vnp_ResponseCode"), max_length=2)
    created_at = models.DateTimeField(_("nhận lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("yêu cầu API của website")
        verbose_name_plural = _("yêu cầu API của website")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tmn_code", "request_id"], name="sandbox_api_request_unique_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.command} {self.request_id}"
