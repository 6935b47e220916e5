"""Dossiers: what an applicant submits, its documents and its append-only history.

A dossier (hồ sơ) is created as a draft or submitted at once; submission gives it the
code `<agency code>-<YYMMDD>-<NNNN>` (Circular 01/2018 Art. 19). Statuses are the
national portal's codes (PRODUCT.md); `draft` is this system's own and never leaves it.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.catalogue.models import Channel
from dichvucong.core.workdays import Timeliness


class DossierStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    RECEIVING = "receiving", _("Mới đăng ký")
    NEW = "new", _("Được tiếp nhận")
    DENIED = "denied", _("Không được tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    WAITING = "waiting", _("Yêu cầu bổ sung")
    PAYING = "paying", _("Yêu cầu thực hiện nghĩa vụ tài chính")
    CANCELLED = "cancelled", _("Công dân rút hồ sơ")
    UNRESOLVED = "unresolved", _("Dừng xử lý")
    RELEASING = "releasing", _("Đã xử lý xong")
    DONE = "done", _("Đã trả kết quả")
    INTEROPERATING = "interoperating", _("Đang liên thông")


# An applicant may withdraw a dossier only until the agency accepts it.
WITHDRAWABLE = frozenset({DossierStatus.RECEIVING})


class Dossier(models.Model):
    """An application for a procedure, from its draft to its result."""

    code = models.CharField(
        _("mã hồ sơ"), max_length=60, unique=True, null=True, blank=True, editable=False
    )
    # Empty for a paper dossier taken at the counter from someone without an account.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ nhập hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Cán bộ một cửa đã nhập hồ sơ giấy hoặc nộp trực tuyến thay công dân."),
    )
    procedure = models.ForeignKey(
        "catalogue.Procedure",
        verbose_name=_("thủ tục"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    version = models.ForeignKey(
        "catalogue.ProcedureVersion",
        verbose_name=_("phiên bản thủ tục"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    case = models.ForeignKey(
        "catalogue.ProcedureCase",
        verbose_name=_("trường hợp"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    # No index of its own: the composite indexes below all begin with the agency, and a
    # lone one tempts the planner into reading whole agencies from the table.
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_index=False,
    )
    eform = models.ForeignKey(
        "eforms.EForm",
        verbose_name=_("biểu mẫu điện tử"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossiers",
    )
    form_data = models.JSONField(_("nội dung tờ khai"), default=dict, blank=True)
    channel = models.CharField(
        _("hình thức nộp"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=DossierStatus.choices, default=DossierStatus.DRAFT
    )
    # The applicant as they were at submission: profiles change, dossiers do not.
    applicant_name = models.CharField(_("tên người nộp"), max_length=300, blank=True)
    applicant_id_number = models.CharField(_("số giấy tờ tùy thân"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    idempotency_key = models.CharField(_("khóa chống gửi trùng"), max_length=100, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    due_at = models.DateTimeField(
        _("hẹn trả kết quả"),
        null=True,
        blank=True,
        help_text=_("Ghi trên giấy tiếp nhận khi cơ quan tiếp nhận hồ sơ."),
    )
    withdrawn_at = models.DateTimeField(_("rút lúc"), null=True, blank=True)
    copies = models.PositiveSmallIntegerField(_("số lượng hồ sơ (bộ)"), default=1)

    # Where the dossier is in its workflow, and who holds it.
    workflow = models.ForeignKey(
        "workflows.Workflow",
        verbose_name=_("quy trình"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    state = models.ForeignKey(
        "workflows.WorkflowState",
        verbose_name=_("bước xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    state_entered_at = models.DateTimeField(_("vào bước lúc"), null=True, blank=True)
    state_due_at = models.DateTimeField(_("hạn của bước"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chuyên viên xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_dossiers",
    )
    # Deadlines (Decree 61/2018 Art. 19): counted in working time from acceptance,
    # restarted after more documents, moved once by an apology (Form 04).
    accepted_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    paused_at = models.DateTimeField(_("dừng tính thời hạn lúc"), null=True, blank=True)
    original_due_at = models.DateTimeField(
        _("hẹn trả ban đầu"),
        null=True,
        blank=True,
        help_text=_("Ngày hẹn trước khi cơ quan xin lỗi và hẹn lại (Mẫu 04)."),
    )
    result_at = models.DateTimeField(_("có kết quả lúc"), null=True, blank=True)
    handed_back_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    timeliness = models.CharField(
        _("kết quả đúng hạn"), max_length=10, choices=Timeliness.choices, blank=True
    )
    overdue_at = models.DateTimeField(
        _("ghi nhận quá hạn lúc"),
        null=True,
        blank=True,
        help_text=_("Do tác vụ nhắc hạn ghi khi hồ sơ chưa xong mà đã quá hạn."),
    )
    reminded_at = models.DateTimeField(_("nhắc hạn lúc"), null=True, blank=True)
    # The agency's yearly register (Form 06): continuous numbering from 1 each year.
    register_year = models.PositiveSmallIntegerField(_("năm vào sổ"), null=True, blank=True)
    register_number = models.PositiveIntegerField(_("số thứ tự trong sổ"), null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["applicant", "-created_at"], name="dossier_applicant_recent"),
            models.Index(fields=["agency", "status"], name="dossier_agency_status"),
            models.Index(fields=["agency", "state", "due_at"], name="dossier_agency_state_due"),
            # Open dossiers by due date (due soon, overdue), without the finished ones; the
            # procedure too, so the statistics' in-progress counts read only the index.
            models.Index(
                fields=["agency", "due_at", "procedure"],
                name="dossier_open_due",
                condition=models.Q(
                    status__in=[
                        "receiving",
                        "new",
                        "processing",
                        "paying",
                        "releasing",
                        "interoperating",
                    ]
                ),
            ),
            # An agency's dossiers newest first (the inbox's "all" scope).
            models.Index(fields=["agency", "-submitted_at"], name="dossier_agency_submitted"),
            models.Index(fields=["assignee", "state"], name="dossier_assignee_state"),
            models.Index(
                fields=["agency", "register_year", "register_number"], name="dossier_register"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="dossier_unique_idempotency_key",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft", code__isnull=True)
                | (~models.Q(status="draft") & models.Q(code__isnull=False)),
                name="dossier_code_iff_submitted",
            ),
            models.UniqueConstraint(
                fields=["agency", "register_year", "register_number"],
                condition=models.Q(register_number__isnull=False),
                name="dossier_unique_register_number",
            ),
        ]

    def __str__(self) -> str:
        return self.code or _("Bản nháp #%(id)s") % {"id": self.pk}

    @property
    def is_draft(self) -> bool:
        return self.status == DossierStatus.DRAFT

    @property
    def can_withdraw(self) -> bool:
        return self.status in WITHDRAWABLE


def document_upload_to(instance: DossierDocument | None, filename: str) -> str:
    """Store under an unguessable name; the original name is kept in the row."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    today = timezone.now()
    return f"dossiers/{today:%Y/%m}/{uuid.uuid4().hex}.{extension}"


class DocumentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    SIGNED_PDF = "signed_pdf", _("PDF có chữ ký số")
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"
    DOCX = "docx", "DOCX"
    XLSX = "xlsx", "XLSX"


class DossierDocument(models.Model):
    """A file attached to a dossier, for one of the procedure's required documents."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="documents"
    )
    required_document = models.ForeignKey(
        "catalogue.RequiredDocument",
        verbose_name=_("thành phần hồ sơ"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    file = models.FileField(_("tệp"), upload_to=document_upload_to, max_length=300)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    kind = models.CharField(_("loại tệp"), max_length=12, choices=DocumentKind.choices)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("tải lên lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["required_document__position", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class DossierEvent(models.Model):
    """One line of a dossier's history. Rows are only ever added."""

    class Action(models.TextChoices):
        DRAFT_SAVED = "draft_saved", _("Lưu bản nháp")
        SUBMITTED = "submitted", _("Nộp hồ sơ")
        WITHDRAWN = "withdrawn", _("Rút hồ sơ")

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("thao tác"), max_length=30)
    from_status = models.CharField(
        _("từ trạng thái"), max_length=20, choices=DossierStatus.choices, blank=True
    )
    to_status = models.CharField(_("sang trạng thái"), max_length=20, choices=DossierStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    # For a workflow action: its name then, the steps left and entered, the officer's
    # role, and whether the step left was finished early, on time or late (Form 05).
    action_name = models.CharField(_("tên thao tác"), max_length=255, blank=True)
    from_state = models.CharField(_("từ bước"), max_length=60, blank=True)
    to_state = models.CharField(_("sang bước"), max_length=60, blank=True)
    actor_role = models.CharField(_("vai trò người thực hiện"), max_length=20, blank=True)
    step_started_at = models.DateTimeField(_("bước bắt đầu lúc"), null=True, blank=True)
    step_due_at = models.DateTimeField(_("hạn của bước"), null=True, blank=True)
    step_timeliness = models.CharField(
        _("tiến độ của bước"), max_length=10, choices=Timeliness.choices, blank=True
    )
    # What the action set: the assignee, the new due date, the missing documents, etc.
    data = models.JSONField(_("dữ liệu thao tác"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký hồ sơ")
        verbose_name_plural = _("nhật ký hồ sơ")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.created_at:%Y-%m-%d %H:%M}"

    # save() only refuses to rewrite an event: core.writes.row_insert may add one.
    save_guards_rewrites_only = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Dossier events are append-only.")
        super().save(*args, **kwargs)

    @property
    def action_display(self) -> str:
        if self.action_name:
            return self.action_name
        try:
            return str(self.Action(self.action).label)
        except ValueError:
            return self.action


def attachment_upload_to(instance: EventAttachment | None, filename: str) -> str:
    """Store under an unguessable name; the original name is kept in the row."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"dossier-actions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class EventAttachment(models.Model):
    """A file an officer attached to an action (a draft result, a minute, a scan)."""

    event = models.ForeignKey(
        DossierEvent,
        verbose_name=_("thao tác"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("tệp"), upload_to=attachment_upload_to, max_length=300)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    kind = models.CharField(_("loại tệp"), max_length=12, choices=DocumentKind.choices)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("tệp đính kèm thao tác")
        verbose_name_plural = _("tệp đính kèm thao tác")
        ordering = ["event", "pk"]

    def __str__(self) -> str:
        return self.original_name


class RegisterSequence(models.Model):
    """The last number an agency wrote in its yearly dossier register (Form 06)."""

    agency = models.ForeignKey("organizations.Agency", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số thứ tự sổ theo dõi")
        verbose_name_plural = _("số thứ tự sổ theo dõi")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="register_sequence_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year}: {self.last}"


class DossierSequence(models.Model):
    """The last dossier number given by an agency on a day (Vietnam time)."""

    agency = models.ForeignKey("organizations.Agency", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số thứ tự hồ sơ")
        verbose_name_plural = _("số thứ tự hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="dossier_sequence_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day:%Y-%m-%d}: {self.last}"
