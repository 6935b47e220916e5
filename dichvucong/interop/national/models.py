"""What the synchronisation with the national public service portal keeps.

`DossierSync` is one row per dossier: whether everything that happened to it has
reached the national portal, and the code the national portal gave it. `SyncEntry` is
the outbox: one row per message to send (create the dossier, a progress entry, a status
change), written in the transaction of the dossier event it comes from, delivered in
order by `services.dossier_sync_deliver`.

The stand-in for the national endpoint keeps its own rows (`standin.models`); they are
imported here so that Django finds them in this app.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .standin.models import (  # noqa: F401
    StandinDossier,
    StandinEntry,
    StandinFile,
    StandinSwitch,
)


class DossierSync(models.Model):
    """A dossier's synchronisation with the national portal."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="national_sync",
    )
    synchronised = models.BooleanField(_("đã đồng bộ"), default=False)
    national_code = models.CharField(
        _("mã hồ sơ trên Cổng quốc gia"),
        max_length=60,
        blank=True,
        help_text=_("Mã do Cổng Dịch vụ công quốc gia cấp khi hồ sơ được đồng bộ lần đầu."),
    )
    last_synced_event = models.ForeignKey(
        "dossiers.DossierEvent",
        verbose_name=_("sự kiện đồng bộ gần nhất"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_attempt_at = models.DateTimeField(_("gửi lần cuối lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    synced_at = models.DateTimeField(_("đồng bộ xong lúc"), null=True, blank=True)
    # A dossier received from another installation through the exchange API is the
    # sending installation's to report: it is never sent from here (counted once).
    reported_elsewhere = models.BooleanField(
        _("do hệ thống khác đồng bộ"),
        default=False,
        help_text=_("Hồ sơ liên thông nhận từ hệ thống khác: hệ thống gửi đồng bộ hồ sơ này."),
    )
    # Who is delivering this dossier's entries now, until when (one sender at a time).
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("tình trạng đồng bộ hồ sơ")
        verbose_name_plural = _("tình trạng đồng bộ hồ sơ")
        indexes = [models.Index(fields=["synchronised", "dossier"], name="national_sync_flag")]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {'synchronised' if self.synchronised else 'pending'}"


class EntryKind(models.TextChoices):
    CREATE = "create", _("Tạo hồ sơ")
    PROGRESS = "progress", _("Tiến độ xử lý")
    STATUS = "status", _("Trạng thái")


class EntryState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")


class SyncEntry(models.Model):
    """One message for the national portal, sent at most once (the national side
    deduplicates by `uuid`), after every earlier entry of the same dossier."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="national_sync_entries",
    )
    event = models.ForeignKey(
        "dossiers.DossierEvent",
        verbose_name=_("sự kiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("loại"), max_length=10, choices=EntryKind.choices)
    payload = models.JSONField(_("nội dung gửi"), default=dict)
    state = models.CharField(
        _("tình trạng"), max_length=10, choices=EntryState.choices, default=EntryState.PENDING
    )
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), default=timezone.now)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    sent_at = models.DateTimeField(_("gửi thành công lúc"), null=True, blank=True)
    response = models.JSONField(_("phản hồi"), null=True, blank=True)

    class Meta:
        verbose_name = _("mục đồng bộ")
        verbose_name_plural = _("mục đồng bộ")
        ordering = ["dossier", "pk"]
        indexes = [
            models.Index(fields=["dossier", "state", "id"], name="national_entry_queue"),
            models.Index(
                fields=["next_attempt_at"],
                name="national_entry_due",
                condition=models.Q(state="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} #{self.pk} ({self.state})"
