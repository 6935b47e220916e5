"""The inputs of the inter-agency actions on a dossier's page (the leg panel)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dichvucong.backoffice.action_forms import MultipleFileField
from dichvucong.dossiers.actions import COMMENT_MAX, ActionRequest, due_at_for_day
from dichvucong.organizations.models import Agency
from dichvucong.workflows.models import Effect

from .models import LegOutcome

# The effects the leg panel offers, in the order it shows them.
LEG_EFFECTS = (
    Effect.RECEIVE_LEG,
    Effect.SEND_TO_AGENCY,
    Effect.REQUEST_OPINION,
    Effect.RETURN_TO_SENDER,
    Effect.ANSWER_OPINION,
)

COMMENT_LABELS: dict[str, Any] = {
    Effect.SEND_TO_AGENCY: gettext_lazy("Nội dung đề nghị cơ quan nhận giải quyết"),
    Effect.REQUEST_OPINION: gettext_lazy("Nội dung cần xin ý kiến"),
    Effect.RETURN_TO_SENDER: gettext_lazy("Kết quả xử lý của cơ quan"),
    Effect.ANSWER_OPINION: gettext_lazy("Ý kiến trả lời"),
    Effect.RECEIVE_LEG: gettext_lazy("Ghi chú (nếu có)"),
}


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class LegActionForm(forms.Form):
    """One inter-agency action: the target agency, a deadline, an outcome, a comment."""

    def __init__(
        self,
        *args: Any,
        effect: str,
        code: str,
        targets: Sequence[Agency] = (),
        agencies: Any = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", f"leg-{code}")
        super().__init__(*args, **kwargs)
        self.effect = effect
        self.code = code
        self.targets = list(targets)
        if effect == Effect.SEND_TO_AGENCY:
            self.fields["agency"] = AgencyChoiceField(
                label=_("Cơ quan nhận hồ sơ"),
                queryset=Agency.objects.filter(pk__in=[a.pk for a in self.targets]).order_by(
                    "code"
                ),
                empty_label=_("— Chọn cơ quan —"),
                error_messages={
                    "required": _("Vui lòng chọn cơ quan nhận hồ sơ liên thông."),
                    "invalid_choice": _(
                        "Cơ quan này không tham gia giải quyết thủ tục theo quy định liên thông."
                    ),
                },
            )
        if effect == Effect.REQUEST_OPINION:
            self.fields["agency"] = AgencyChoiceField(
                label=_("Cơ quan được xin ý kiến"),
                queryset=agencies if agencies is not None else Agency.objects.none(),
                empty_label=_("— Chọn cơ quan —"),
                error_messages={
                    "required": _("Vui lòng chọn cơ quan được xin ý kiến."),
                    "invalid_choice": _("Cơ quan không hợp lệ."),
                },
            )
            self.fields["due_date"] = forms.DateField(
                label=_("Hạn trả lời"),
                help_text=_("Cơ quan được xin ý kiến trả lời trước cuối giờ làm việc ngày này."),
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                error_messages={
                    "required": _("Vui lòng nhập thời hạn trả lời."),
                    "invalid": _("Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm."),
                },
            )
        if effect in {Effect.RETURN_TO_SENDER, Effect.ANSWER_OPINION}:
            self.fields["outcome"] = forms.ChoiceField(
                label=_("Kết quả"),
                choices=LegOutcome.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Vui lòng chọn kết quả xử lý.")},
            )
        self.fields["comment"] = forms.CharField(
            label=COMMENT_LABELS.get(effect, _("Ý kiến")),
            required=effect != Effect.RECEIVE_LEG and effect != Effect.SEND_TO_AGENCY,
            max_length=COMMENT_MAX,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": _("Vui lòng ghi nội dung.")},
        )
        if effect in {Effect.RETURN_TO_SENDER, Effect.ANSWER_OPINION, Effect.SEND_TO_AGENCY}:
            self.fields["attachments"] = MultipleFileField(
                label=_("Văn bản kết quả, tệp đính kèm (nếu có)"),
                required=False,
                help_text=_("PDF, JPEG, PNG, DOCX, XLSX; mỗi tệp tối đa 10 MB."),
            )

    def action_request(self) -> ActionRequest:
        """Return the engine's request; raise ValidationError for a day off as deadline."""
        data = self.cleaned_data
        extra: dict[str, Any] = {}
        agency = data.get("agency")
        if isinstance(agency, Agency):
            extra["agency"] = agency.pk
        day = data.get("due_date")
        if isinstance(day, dt.date):
            extra["due_at"] = due_at_for_day(day)
        if data.get("outcome"):
            extra["outcome"] = data["outcome"]
        return ActionRequest(
            action=self.code,
            comment=data.get("comment", ""),
            attachments=data.get("attachments") or [],
            extra=extra,
        )

    def messages(self) -> list[str]:
        """Return every error of the form as one list of sentences."""
        result: list[str] = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            result += [f"{label}: {e}" if label else str(e) for e in errors]
        return result
