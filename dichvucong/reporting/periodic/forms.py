"""Forms of the periodic reports pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PeriodKind

NARRATIVE_MAX_LENGTH = 20000


def _text(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=NARRATIVE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class NarrativeForm(forms.Form):
    """What the agency writes in its report (Circular 01/2018 Art. 11; the seed, section V)."""

    situation = _text(
        _("Tình hình triển khai, kết quả đạt được"),
        _("Đánh giá việc cung cấp dịch vụ công trực tuyến mức độ 3, 4 trong kỳ."),
    )
    difficulties = _text(
        _("Khó khăn, vướng mắc"),
        _("Về thể chế, hạ tầng, giải pháp kỹ thuật, thói quen người dùng…"),
    )
    proposals = _text(_("Đề xuất, kiến nghị"), _("Giải pháp đề xuất, kiến nghị với tỉnh, bộ."))
    other = _text(_("Nội dung khác"), "")


class PeriodCreateForm(forms.Form):
    """A supervisor opens a period; dates left empty take the defaults."""

    kind = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=PeriodKind.choices)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    covers_from = forms.DateField(
        label=_("Số liệu từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    covers_to = forms.DateField(
        label=_("Số liệu đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_on = forms.DateField(
        label=_("Hạn nộp"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("covers_from"), data.get("covers_to")
        if start and end and end < start:
            self.add_error("covers_to", _("Ngày kết thúc trước ngày bắt đầu."))
        return data


class ReopenForm(forms.Form):
    """Why a supervisor sends a filed report back."""

    comment = forms.CharField(
        label=_("Nội dung cần bổ sung, chỉnh sửa"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
