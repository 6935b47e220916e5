"""The exchange API between installations: partners, the outbox, the inbound log.

Every message is a JWS signed by the sending agency (see `jws.py` and docs/exchange.md).
The outbox (`OutboundMessage`) keeps each message until the partner acknowledges it with
its own signed acknowledgement; the inbound log (`InboundMessage`) keeps every message
received, applied or refused, with its signature. `ExchangeDossier` links a local
dossier to the partner's copy (on the sending side) or the sender's original (on the
receiving side).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageType(models.TextChoices):
    DOSSIER_SEND = "dossier.send", _("Gửi hồ sơ liên thông")
    DOSSIER_STATUS = "dossier.status", _("Cập nhật trạng thái hồ sơ")
    DOSSIER_RESULT = "dossier.result", _("Trả kết quả hồ sơ")
    PING = "ping", _("Kiểm tra kết nối")


class Partner(models.Model):
    """Another installation (a province's or a ministry's system) this one exchanges with."""

    code = models.CharField(
        _("mã hệ thống"),
        max_length=60,
        unique=True,
        help_text=_("Mã định danh của hệ thống đối tác (EXCHANGE_INSTALLATION_ID của họ)."),
    )
    name = models.CharField(_("tên"), max_length=255)
    base_url = models.URLField(
        _("địa chỉ"), help_text=_("Ví dụ https://dichvucong.dongnai.gov.vn; thêm /exchange/v1/…")
    )
    certificates = models.TextField(
        _("chứng thư số tin cậy (PEM)"),
        help_text=_(
            "Chứng thư gốc (CA) mà chứng thư ký số của các cơ quan thuộc đối tác được cấp "
            "từ đó; có thể nhiều chứng thư."
        ),
    )
    message_types = models.JSONField(
        _("loại thông điệp được phép"),
        default=list,
        blank=True,
        help_text=_("Những loại thông điệp đối tác được gửi đến hệ thống này."),
    )
    enabled = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("hệ thống đối tác")
        verbose_name_plural = _("hệ thống đối tác")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PartnerAgency(models.Model):
    """A local agency row that stands for an agency hosted by a partner installation."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("đối tác"), on_delete=models.CASCADE, related_name="agencies"
    )
    agency = models.OneToOneField(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.CASCADE,
        related_name="exchange_partner",
    )

    class Meta:
        verbose_name = _("cơ quan của đối tác")
        verbose_name_plural = _("cơ quan của đối tác")

    def __str__(self) -> str:
        return f"{self.agency} @ {self.partner.code}"


class OutboundState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    ACKNOWLEDGED = "acknowledged", _("Đã được xác nhận")
    FAILED = "failed", _("Bị từ chối")


class OutboundMessage(models.Model):
    """One message in the outbox, kept until the partner acknowledges it."""

    message_id = models.UUIDField(_("mã thông điệp"), default=uuid.uuid4, unique=True)
    partner = models.ForeignKey(
        Partner, verbose_name=_("đối tác"), on_delete=models.PROTECT, related_name="outbound"
    )
    type = models.CharField(_("loại"), max_length=30, choices=MessageType.choices)
    sender_agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan gửi"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient_agency_code = models.CharField(_("cơ quan nhận"), max_length=30)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.JSONField(_("nội dung"), default=dict)
    fingerprint = models.CharField(_("dấu vân tay nội dung"), max_length=64)
    state = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=OutboundState.choices,
        default=OutboundState.PENDING,
    )
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), null=True, blank=True)
    sending_since = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    token = models.TextField(_("thông điệp đã ký (JWS)"), blank=True)
    signature = models.TextField(_("chữ ký"), blank=True)
    ack_token = models.TextField(_("xác nhận đã nhận (JWS)"), blank=True)
    ack_signature = models.TextField(_("chữ ký của xác nhận"), blank=True)
    ack_data = models.JSONField(_("nội dung xác nhận"), default=dict, blank=True)
    refusal_code = models.CharField(_("mã lỗi từ chối"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    sent_at = models.DateTimeField(_("gửi lần cuối lúc"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    alerted_at = models.DateTimeField(
        _("đã cảnh báo lúc"),
        null=True,
        blank=True,
        help_text=_("Thông điệp gửi không thành công quá thời gian cho phép."),
    )

    class Meta:
        verbose_name = _("thông điệp gửi đi")
        verbose_name_plural = _("thông điệp gửi đi (hộp thư đi)")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="exchange_outbox_due"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.message_id}"


class InboundState(models.TextChoices):
    APPLIED = "applied", _("Đã áp dụng")
    REFUSED = "refused", _("Từ chối")


class InboundMessage(models.Model):
    """Every message received, applied or refused, with its token and signature."""

    message_id = models.UUIDField(_("mã thông điệp"), null=True, blank=True)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("đối tác"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inbound",
    )
    type = models.CharField(_("loại"), max_length=30, blank=True)
    sender_agency_code = models.CharField(_("cơ quan gửi"), max_length=30, blank=True)
    recipient_agency_code = models.CharField(_("cơ quan nhận"), max_length=30, blank=True)
    fingerprint = models.CharField(_("dấu vân tay nội dung"), max_length=64, blank=True)
    state = models.CharField(_("kết quả"), max_length=10, choices=InboundState.choices)
    error_code = models.CharField(_("mã lỗi"), max_length=30, blank=True)
    error_detail = models.TextField(_("chi tiết lỗi"), blank=True)
    token = models.TextField(_("thông điệp (JWS)"), blank=True)
    signature = models.TextField(_("chữ ký"), blank=True)
    signer = models.CharField(_("người ký (chứng thư)"), max_length=300, blank=True)
    ack_token = models.TextField(_("xác nhận đã gửi (JWS)"), blank=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    remote_addr = models.GenericIPAddressField(_("địa chỉ gửi"), null=True, blank=True)
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("thông điệp nhận được")
        verbose_name_plural = _("thông điệp nhận được")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"],
                condition=models.Q(state="applied"),
                name="exchange_inbound_applied_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.message_id}"


class ExchangeDirection(models.TextChoices):
    OUTGOING = "outgoing", _("Gửi đi")
    INCOMING = "incoming", _("Nhận về")


class ExchangeDossierState(models.TextChoices):
    SENT = "sent", _("Đã gửi, chờ xác nhận")
    RECEIVED = "received", _("Đối tác đã tiếp nhận")
    REFUSED = "refused", _("Đối tác từ chối")
    RETURNED = "returned", _("Đã trả kết quả")


class ExchangeDossier(models.Model):
    """A dossier exchanged with a partner: its local row and the partner's copy."""

    direction = models.CharField(_("chiều"), max_length=10, choices=ExchangeDirection.choices)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        related_name="exchanges",
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("đối tác"), on_delete=models.PROTECT, related_name="dossiers"
    )
    local_agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan của hệ thống này"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    remote_agency_code = models.CharField(_("cơ quan của đối tác"), max_length=30)
    origin_message_id = models.UUIDField(_("mã thông điệp gửi hồ sơ"))
    remote_dossier_code = models.CharField(_("mã hồ sơ bên đối tác"), max_length=40, blank=True)
    state = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=ExchangeDossierState.choices,
        default=ExchangeDossierState.SENT,
    )
    remote_status = models.CharField(_("trạng thái bên đối tác"), max_length=30, blank=True)
    refusal_code = models.CharField(_("mã lỗi từ chối"), max_length=30, blank=True)
    refusal_reason = models.TextField(_("lý do từ chối"), blank=True)
    outcome = models.CharField(_("kết quả"), max_length=30, blank=True)
    leg_id = models.PositiveBigIntegerField(_("chặng liên thông"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ liên thông giữa hệ thống")
        verbose_name_plural = _("hồ sơ liên thông giữa hệ thống")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "origin_message_id"], name="exchange_dossier_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier} → {self.partner.code}"
