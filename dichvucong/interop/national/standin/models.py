"""What the stand-in for the national portal's synchronisation interface remembers.

These rows are the national side's, never the province's: the files, dossiers, progress
entries and status changes it received, each kept with the sender's synchronisation id
(`IdDongBo`) so that a message sent twice is recorded once.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StandinSwitch(models.Model):
    """The stand-in's one setting changed at run time: answer every call with an error."""

    failing = models.BooleanField(
        _("giả lập sự cố"),
        default=False,
        help_text=_("Khi bật, mọi lời gọi nhận lỗi 503 như khi Cổng quốc gia gián đoạn."),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("giả lập Cổng quốc gia: sự cố")
        verbose_name_plural = _("giả lập Cổng quốc gia: sự cố")

    def __str__(self) -> str:
        return str(_("Đang giả lập sự cố") if self.failing else _("Hoạt động bình thường"))


class StandinFile(models.Model):
    """A file uploaded ahead of a dossier; `IdGiayTo` is what the dossier refers to."""

    file_id = models.UUIDField(_("IdGiayTo"), default=uuid.uuid4, unique=True, editable=False)
    sha256 = models.CharField(_("HashTepTin"), max_length=64, unique=True)
    name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("giả lập Cổng quốc gia: tệp")
        verbose_name_plural = _("giả lập Cổng quốc gia: tệp")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_id} {self.name}"


class StandinDossier(models.Model):
    """A dossier the national portal holds (created once, then updated by entries)."""

    code = models.CharField(_("MaHoSo"), max_length=60, unique=True)
    procedure_code = models.CharField(_("MaTTHC"), max_length=60, blank=True)
    agency_code = models.CharField(_("MaDonViTiepNhan"), max_length=60, blank=True)
    local_code = models.CharField(_("mã hồ sơ tại tỉnh"), max_length=60, blank=True)
    sync_id = models.CharField(_("IdDongBo"), max_length=64, unique=True, null=True, blank=True)
    status = models.PositiveSmallIntegerField(_("TrangThai"), null=True, blank=True)
    data = models.JSONField(_("dữ liệu nhận được"), default=dict)
    issued_at = models.DateTimeField(_("cấp mã lúc"), default=timezone.now)
    received_at = models.DateTimeField(_("nhận hồ sơ lúc"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("giả lập Cổng quốc gia: hồ sơ")
        verbose_name_plural = _("giả lập Cổng quốc gia: hồ sơ")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.code


class StandinEntry(models.Model):
    """A progress entry or status change received for a dossier."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Tiến độ xử lý")
        STATUS = "status", _("Trạng thái")

    dossier = models.ForeignKey(
        StandinDossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    sync_id = models.CharField(_("IdDongBo"), max_length=64, unique=True)
    status = models.PositiveSmallIntegerField(_("TrangThai"), null=True, blank=True)
    data = models.JSONField(_("dữ liệu nhận được"), default=dict)
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("giả lập Cổng quốc gia: tiến độ, trạng thái")
        verbose_name_plural = _("giả lập Cổng quốc gia: tiến độ, trạng thái")
        ordering = ["dossier", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} {self.status}"
