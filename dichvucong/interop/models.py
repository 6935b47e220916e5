"""Inter-agency processing (liên thông) inside one dossier.

A procedure that needs several agencies declares them (`ProcedureParticipant`): who
receives, who decides, who is consulted, and the share of the total time limit each
gets (Circular 01/2018 Art. 16-18). The dossier stays one dossier: each hand-over to
another agency is a `Leg` with its own deadline, so statistics count the dossier once.
A transfer leg (send to agency) moves the dossier to `interoperating` until the target
returns it; an opinion leg (xin ý kiến) leaves the dossier where it is. A leg may have a
parent: the district that received a leg from the commune sends on to a department.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.core.workdays import Timeliness
from dichvucong.organizations.models import Tier


class ParticipantRole(models.TextChoices):
    RECEIVES = "receives", _("Tiếp nhận hồ sơ")
    DECIDES = "decides", _("Giải quyết, quyết định")
    CONSULTED = "consulted", _("Cho ý kiến")


class ShareUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("Ngày làm việc")
    PERCENT = "percent", _("Phần trăm tổng thời hạn")


class ProcedureParticipant(models.Model):
    """An agency (or a tier of People's Committee) taking part in an inter-agency procedure.

    A named agency is that agency; a tier without an agency is the People's Committee of
    that tier over the sending agency's area (the district of the applicant's commune).
    """

    procedure = models.ForeignKey(
        "catalogue.Procedure",
        verbose_name=_("thủ tục"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    role = models.CharField(_("vai trò"), max_length=12, choices=ParticipantRole.choices)
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedure_participations",
    )
    tier = models.CharField(
        _("cấp"),
        max_length=10,
        choices=Tier.choices,
        blank=True,
        help_text=_(
            "Khi không chọn cơ quan: Ủy ban nhân dân cấp này nơi cơ quan chuyển hồ sơ đóng "
            "trụ sở (ví dụ UBND cấp huyện của xã tiếp nhận)."
        ),
    )
    share = models.DecimalField(
        _("phần thời hạn"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    share_unit = models.CharField(
        _("đơn vị"), max_length=15, choices=ShareUnit.choices, default=ShareUnit.WORKING_DAYS
    )

    class Meta:
        verbose_name = _("cơ quan tham gia liên thông")
        verbose_name_plural = _("cơ quan tham gia liên thông")
        ordering = ["procedure", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agency__isnull=False) | ~models.Q(tier=""),
                name="participant_agency_or_tier",
            ),
        ]

    def __str__(self) -> str:
        who = self.agency.display_name if self.agency else self.get_tier_display()
        return f"{who} ({self.get_role_display()})"

    def clean(self) -> None:
        super().clean()
        if self.agency_id is None and not self.tier:
            raise ValidationError(_("Chọn cơ quan hoặc cấp của cơ quan tham gia."))
        if self.share_unit == ShareUnit.PERCENT and self.share is not None and self.share > 100:
            raise ValidationError({"share": _("Phần trăm thời hạn không vượt quá 100.")})


class LegKind(models.TextChoices):
    TRANSFER = "transfer", _("Chuyển xử lý liên thông")
    OPINION = "opinion", _("Xin ý kiến")


class LegState(models.TextChoices):
    SENT = "sent", _("Đã gửi")
    RECEIVED = "received", _("Đã tiếp nhận")
    RETURNED = "returned", _("Đã trả lại")
    CANCELLED = "cancelled", _("Đã hủy")


OPEN_LEG_STATES = (LegState.SENT, LegState.RECEIVED)


class LegOutcome(models.TextChoices):
    APPROVED = "approved", _("Đồng ý / đã giải quyết")
    REJECTED = "rejected", _("Không đồng ý / không giải quyết")


class Leg(models.Model):
    """One hand-over of a dossier to another agency, with its own deadline."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="legs"
    )
    kind = models.CharField(_("loại"), max_length=10, choices=LegKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("chặng trước"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    participant = models.ForeignKey(
        ProcedureParticipant,
        verbose_name=_("cơ quan tham gia"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legs",
    )
    from_agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan chuyển"),
        on_delete=models.PROTECT,
        related_name="legs_out",
    )
    to_agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan nhận"),
        on_delete=models.PROTECT,
        related_name="legs_in",
    )
    request_note = models.TextField(_("nội dung đề nghị"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chuyển"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("chuyển lúc"))
    due_at = models.DateTimeField(_("hạn của chặng"), null=True, blank=True)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=LegState.choices, default=LegState.SENT
    )
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tiếp nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("trả lại lúc"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trả lại"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("kết quả"), max_length=10, choices=LegOutcome.choices, blank=True)
    answer = models.TextField(_("ý kiến, kết quả xử lý"), blank=True)
    timeliness = models.CharField(
        _("tiến độ"), max_length=10, choices=Timeliness.choices, blank=True
    )
    remote = models.BooleanField(
        _("liên thông ngoài hệ thống"),
        default=False,
        help_text=_("Cơ quan nhận thuộc hệ thống khác; hồ sơ được gửi qua trục liên thông."),
    )
    # The dossier events that sent and returned the leg; the return's attachments are
    # the leg's result files.
    send_event = models.ForeignKey(
        "dossiers.DossierEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_event = models.ForeignKey(
        "dossiers.DossierEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("chặng liên thông")
        verbose_name_plural = _("chặng liên thông")
        ordering = ["dossier", "sent_at", "pk"]
        indexes = [
            # An agency's incoming inbox and the officer's access to a dossier.
            models.Index(fields=["to_agency", "state", "dossier"], name="leg_to_agency_open"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.from_agency_id} → {self.to_agency_id} ({self.kind})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_LEG_STATES
