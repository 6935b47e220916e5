"""Workflows: the configurable path a dossier follows inside the one-stop system.

A workflow is data, in the style of DIGIT's workflow service: states (each mapped to a
national status value), actions between them (who may take them, what they require,
what they do to the deadlines) and per-state time limits. Every procedure follows the
default one-stop workflow unless an agency or the province binds it to another one. One
service (`dichvucong.dossiers.services.dossier_action_execute`) executes any action.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts.models import Role
from dichvucong.dossiers.models import DossierStatus

# The applicant acts in a workflow too (answering a request for more documents,
# withdrawing); it is not an officer role, so it is named here.
APPLICANT = "applicant"
# The system acts when something outside an officer's hands happens: a payment gateway
# confirms a payment, for instance. Nobody signs in as it.
SYSTEM = "system"
# Officers of another agency act on a dossier only through its inter-agency legs (the
# interop app): the agency that holds the dossier on an open transfer leg, and an
# agency asked for an opinion on an open opinion leg.
LEG_AGENCY = "leg_agency"
OPINION_AGENCY = "opinion_agency"
ACTOR_ROLES: dict[str, Any] = {
    **dict(Role.choices),
    APPLICANT: _("Người nộp hồ sơ"),
    SYSTEM: _("Hệ thống (tự động)"),
    LEG_AGENCY: _("Cơ quan nhận hồ sơ liên thông"),
    OPINION_AGENCY: _("Cơ quan được xin ý kiến"),
}


class Effect(models.TextChoices):
    """What an action does besides moving the dossier: a fixed set, implemented in code."""

    NONE = "none", _("Chỉ chuyển bước")
    ACCEPT = "accept", _("Tiếp nhận: tính hạn trả, vào sổ, cấp giấy tiếp nhận (Mẫu 01)")
    REQUEST_DOCUMENTS = (
        "request_documents",
        _("Yêu cầu bổ sung: dừng thời hạn, lập phiếu (Mẫu 02)"),
    )
    SUPPLEMENT = "supplement", _("Bổ sung hồ sơ: thời hạn tính lại từ đầu")
    REFUSE = "refuse", _("Từ chối: lập phiếu từ chối (Mẫu 03)")
    ASSIGN = "assign", _("Phân công chuyên viên xử lý")
    APOLOGIZE = "apologize", _("Xin lỗi, hẹn lại ngày trả kết quả (Mẫu 04)")
    HAND_BACK = "hand_back", _("Trả kết quả: kết thúc hồ sơ")
    WITHDRAW = "withdraw", _("Người nộp rút hồ sơ")
    REQUEST_PAYMENT = (
        "request_payment",
        _("Yêu cầu thực hiện nghĩa vụ tài chính: dừng thời hạn, lập yêu cầu thanh toán"),
    )
    PAYMENT_RECEIVED = (
        "payment_received",
        _("Đã nhận thanh toán: thời hạn chạy tiếp"),
    )
    APPROVE = "approve", _("Phê duyệt: phát hành kết quả điện tử có ký số")
    SEND_TO_AGENCY = "send_to_agency", _("Chuyển hồ sơ liên thông đến cơ quan khác")
    RECEIVE_LEG = "receive_leg", _("Tiếp nhận hồ sơ liên thông")
    RETURN_TO_SENDER = "return_to_sender", _("Trả hồ sơ liên thông cho cơ quan đã chuyển")
    REQUEST_OPINION = "request_opinion", _("Xin ý kiến cơ quan khác, có thời hạn")
    ANSWER_OPINION = "answer_opinion", _("Trả lời xin ý kiến")


class Workflow(models.Model):
    """A set of states and actions, for the procedures bound to it (or every procedure)."""

    code = models.SlugField(_("mã quy trình"), max_length=60, unique=True)
    name = models.CharField(_("tên quy trình"), max_length=255)
    description = models.TextField(_("mô tả"), blank=True)
    is_default = models.BooleanField(
        _("quy trình mặc định"),
        default=False,
        help_text=_("Áp dụng cho mọi thủ tục chưa gắn với quy trình riêng."),
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan áp dụng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workflows",
        help_text=_("Để trống: áp dụng trong toàn tỉnh."),
    )
    procedures = models.ManyToManyField(
        "catalogue.Procedure",
        verbose_name=_("thủ tục áp dụng"),
        blank=True,
        related_name="workflows",
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("quy trình xử lý")
        verbose_name_plural = _("quy trình xử lý")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="workflow_single_default",
            ),
            models.CheckConstraint(
                condition=models.Q(is_default=False) | models.Q(agency__isnull=True),
                name="workflow_default_is_provincial",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TimeLimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("Ngày làm việc")
    HOURS = "hours", _("Giờ làm việc")


class WorkflowState(models.Model):
    """A step of a workflow, shown to the citizen as its national status."""

    workflow = models.ForeignKey(
        Workflow, verbose_name=_("quy trình"), on_delete=models.CASCADE, related_name="states"
    )
    code = models.SlugField(_("mã bước"), max_length=60)
    name = models.CharField(_("tên bước"), max_length=255)
    status = models.CharField(
        _("trạng thái quốc gia"), max_length=20, choices=DossierStatus.choices
    )
    is_initial = models.BooleanField(_("bước đầu tiên"), default=False)
    roles = models.JSONField(
        _("vai trò xử lý"),
        default=list,
        blank=True,
        help_text=_("Những vai trò thấy hồ sơ ở bước này trong hộp hồ sơ cần xử lý."),
    )
    assignee_only = models.BooleanField(
        _("chỉ người được phân công"),
        default=False,
        help_text=_("Ở bước này chỉ chuyên viên được phân công thấy và xử lý hồ sơ."),
    )
    time_limit = models.DecimalField(
        _("thời hạn của bước"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Để trống: bước được dùng phần thời hạn còn lại của hồ sơ."),
    )
    time_limit_unit = models.CharField(
        _("đơn vị thời hạn"),
        max_length=15,
        choices=TimeLimitUnit.choices,
        default=TimeLimitUnit.WORKING_DAYS,
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["workflow", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "code"], name="workflow_state_code"),
        ]

    def __str__(self) -> str:
        return self.name


class WorkflowAction(models.Model):
    """A move from one state to another (or within one), by the roles allowed to make it."""

    workflow = models.ForeignKey(
        Workflow, verbose_name=_("quy trình"), on_delete=models.CASCADE, related_name="actions"
    )
    code = models.SlugField(_("mã thao tác"), max_length=60)
    name = models.CharField(_("tên thao tác"), max_length=255)
    from_state = models.ForeignKey(
        WorkflowState,
        verbose_name=_("từ bước"),
        on_delete=models.CASCADE,
        related_name="actions_out",
    )
    to_state = models.ForeignKey(
        WorkflowState,
        verbose_name=_("sang bước"),
        on_delete=models.CASCADE,
        related_name="actions_in",
    )
    roles = models.JSONField(_("vai trò được thực hiện"), default=list)
    effect = models.CharField(
        _("tác động"), max_length=20, choices=Effect.choices, default=Effect.NONE
    )
    comment_required = models.BooleanField(_("bắt buộc ghi ý kiến"), default=False)
    document_required = models.BooleanField(_("bắt buộc đính kèm văn bản"), default=False)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thao tác")
        verbose_name_plural = _("thao tác")
        ordering = ["workflow", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "code", "from_state"], name="workflow_action_per_state"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.from_state.code} → {self.to_state.code})"
