"""One form per workflow action open to the officer on a dossier page.

The form only parses what was typed (types, lengths, what the action needs); the
engine (`dossier_action_execute`) decides whether the action may be taken, and its
refusals are put back beside the fields they concern.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dichvucong.accounts.models import User
from dichvucong.accounts.selectors import officer_display_name
from dichvucong.dossiers.actions import (
    COMMENT_MAX,
    ITEMS_MAX,
    ActionRequest,
    MissingItem,
    due_at_for_day,
)
from dichvucong.dossiers.selectors import specialists_for
from dichvucong.dossiers.uploads import ACCEPT_ATTRIBUTE
from dichvucong.payments.forms import payment_request_extra, payment_request_fields
from dichvucong.workflows.models import Effect, WorkflowAction

ITEM_ROWS_MIN = 3
DOCUMENT_MAX = 500
REASON_MAX = 1000

COMMENT_LABELS: dict[str, Any] = {
    Effect.REFUSE: gettext_lazy("Lý do từ chối tiếp nhận"),
    Effect.APOLOGIZE: gettext_lazy("Lý do chậm trả kết quả"),
    Effect.REQUEST_DOCUMENTS: gettext_lazy("Nội dung yêu cầu bổ sung, hoàn thiện"),
}


def submitted_rows(data: Any, *, prefix: str) -> int:
    """Return how many rows of missing documents a posted form carried."""
    rows = 0
    while f"{prefix}-item_document_{rows}" in data and rows < ITEMS_MAX:
        rows += 1
    return rows


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (none when not required)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class SpecialistChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{officer_display_name(user=obj)} ({obj.username})"


@dataclass
class ItemRow:
    number: int
    document: forms.BoundField
    reason: forms.BoundField


@dataclass
class SummaryError:
    anchor: str
    message: str


class ActionForm(forms.Form):
    """The inputs of one action: comment, attachments and what its effect needs."""

    def __init__(
        self,
        *args: Any,
        action: WorkflowAction | None,
        code: str,
        agency_id: int,
        rows: int | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", code)
        super().__init__(*args, **kwargs)
        self.action = action
        self.code = code
        self.item_errors: list[str] = []
        effect = action.effect if action else Effect.NONE
        name = action.name if action else code
        comment_required = bool(action and action.comment_required)
        self.fields["comment"] = forms.CharField(
            label=COMMENT_LABELS.get(effect, gettext_lazy("Ý kiến xử lý")),
            required=comment_required,
            max_length=COMMENT_MAX,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={
                "required": _("Thao tác “%(action)s” cần ghi ý kiến.") % {"action": name}
            },
        )
        document_required = bool(action and action.document_required)
        self.fields["attachments"] = MultipleFileField(
            label=_("Văn bản đính kèm") if document_required else _("Tệp đính kèm (nếu có)"),
            required=document_required,
            help_text=_("PDF, JPEG, PNG, DOCX, XLSX; mỗi tệp tối đa 10 MB."),
            error_messages={
                "required": _("Thao tác “%(action)s” cần đính kèm văn bản.") % {"action": name}
            },
        )
        if effect == Effect.ASSIGN:
            self.fields["assignee"] = SpecialistChoiceField(
                label=_("Chuyên viên xử lý"),
                queryset=specialists_for(agency_id=agency_id),
                empty_label=_("— Chọn chuyên viên —"),
                error_messages={
                    "required": _("Vui lòng chọn chuyên viên xử lý."),
                    "invalid_choice": _("Người được phân công phải là chuyên viên của cơ quan."),
                },
            )
        if effect == Effect.APOLOGIZE:
            self.fields["new_due_date"] = forms.DateField(
                label=_("Ngày hẹn trả mới"),
                help_text=_("Trả kết quả vào cuối giờ làm việc của ngày này (Mẫu 04)."),
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                error_messages={
                    "required": _("Vui lòng nhập ngày hẹn trả mới."),
                    "invalid": _("Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm."),
                },
            )
        if effect == Effect.REQUEST_PAYMENT:
            self.fields.update(payment_request_fields())
        self.item_count = 0
        if effect == Effect.REQUEST_DOCUMENTS:
            if rows is None:
                rows = submitted_rows(self.data, prefix=code) if self.is_bound else 0
            self.item_count = max(ITEM_ROWS_MIN, min(ITEMS_MAX, rows))
            for i in range(self.item_count):
                self.fields[f"item_document_{i}"] = forms.CharField(
                    label=_("Giấy tờ cần bổ sung %(n)d") % {"n": i + 1},
                    max_length=DOCUMENT_MAX,
                    required=False,
                )
                self.fields[f"item_reason_{i}"] = forms.CharField(
                    label=_("Lý do %(n)d") % {"n": i + 1}, max_length=REASON_MAX, required=False
                )

    @property
    def item_rows(self) -> list[ItemRow]:
        return [
            ItemRow(i + 1, self[f"item_document_{i}"], self[f"item_reason_{i}"])
            for i in range(self.item_count)
        ]

    @property
    def has_inputs(self) -> bool:
        """Whether the action needs more than a click (shown open, not behind a toggle)."""
        action = self.action
        if action is None:
            return False
        return bool(
            action.comment_required
            or action.document_required
            or action.effect
            in {Effect.ASSIGN, Effect.APOLOGIZE, Effect.REQUEST_DOCUMENTS, Effect.REQUEST_PAYMENT}
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for i in range(self.item_count):
            document = (cleaned.get(f"item_document_{i}") or "").strip()
            reason = (cleaned.get(f"item_reason_{i}") or "").strip()
            if reason and not document:
                self.add_error(
                    f"item_document_{i}", _("Ghi tên giấy tờ cần bổ sung cho lý do này.")
                )
        return cleaned

    def items(self) -> list[MissingItem]:
        return [
            MissingItem(
                document=self.cleaned_data.get(f"item_document_{i}", "").strip(),
                reason=self.cleaned_data.get(f"item_reason_{i}", "").strip(),
            )
            for i in range(self.item_count)
            if self.cleaned_data.get(f"item_document_{i}", "").strip()
        ]

    def action_request(self) -> ActionRequest:
        """Return the engine's request; raise ValidationError for a day off as new date."""
        day = self.cleaned_data.get("new_due_date")
        assignee = self.cleaned_data.get("assignee")
        return ActionRequest(
            action=self.code,
            comment=self.cleaned_data.get("comment", ""),
            assignee=assignee if isinstance(assignee, User) else None,
            new_due_at=due_at_for_day(day) if day else None,
            items=self.items(),
            attachments=self.cleaned_data.get("attachments", []),
            extra=payment_request_extra(self.cleaned_data),
        )

    def add_engine_errors(self, error: ValidationError) -> None:
        """Put the engine's refusal beside the fields it concerns."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            if key == "items":
                self.item_errors.extend(messages)
            elif key in self.fields:
                self.add_error(key, messages)
            else:
                self.add_error(None, messages)

    def summary(self) -> list[SummaryError]:
        """Return every error of the form, each with the anchor of its field."""
        entries = [SummaryError(f"thao-tac-{self.code}", str(m)) for m in self.non_field_errors()]
        for name, field_errors in self.errors.items():
            if name == NON_FIELD_ERRORS:
                continue
            label = self.fields[name].label
            anchor = self[name].id_for_label or self[name].auto_id
            entries += [SummaryError(anchor, f"{label}: {m}") for m in field_errors]
        anchor = f"id_{self.prefix}-item_document_0"
        entries += [SummaryError(anchor, str(m)) for m in self.item_errors]
        return entries
