"""Forms of the roadmap pages: the annex filters, the quality view's period, the import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dichvucong.organizations.models import Agency

from .models import Plan, PlanLevel, PlanTier

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class AnnexFilterForm(forms.Form):
    """Filters of the annex list (query string: cap, muc-do, nam, co-quan)."""

    cap = forms.ChoiceField(
        label=_("Cấp"), required=False, choices=[("", _("Tất cả")), *PlanTier.choices]
    )
    muc_do = forms.TypedChoiceField(
        label=_("Mức độ"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Tất cả"))] + [(str(v), label) for v, label in PlanLevel.choices],
    )
    nam = forms.TypedChoiceField(label=_("Năm đạt"), required=False, coerce=int, empty_value=None)
    co_quan = forms.CharField(label=_("Mã cơ quan"), required=False, max_length=35)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nam"].choices = [("", _("Tất cả"))] + [(str(y), str(y)) for y in plan.years]  # type: ignore[attr-defined]

    def clean_co_quan(self) -> Agency | None:
        code = self.cleaned_data["co_quan"].strip()
        if not code:
            return None
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise forms.ValidationError(_("Không có cơ quan mã %(code)s.") % {"code": code})
        return agency


class QualityForm(forms.Form):
    """The quality view's period and thresholds (query string: tu, den, it, nang)."""

    tu = forms.DateField(
        label=_("Từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    den = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    it = forms.IntegerField(label=_("Ít hơn (hồ sơ trực tuyến)"), required=False, min_value=0)
    nang = forms.IntegerField(label=_("Đề xuất mức độ 4 từ (hồ sơ)"), required=False, min_value=1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: dt.date | None = data.get("tu")
        end: dt.date | None = data.get("den")
        if start and end and start > end:
            self.add_error("den", _("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        return data


class AnnexImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel phụ lục (.xlsx)"),
        help_text=_(
            "Dòng tiêu đề có các cột: Mã thủ tục, Tên thủ tục, Cấp, Mức độ, Năm đạt, Mã cơ quan."
        ),
    )
    replace = forms.BooleanField(
        label=_("Thay toàn bộ phụ lục (xóa các dòng không có trong tệp)"), required=False
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn 5 MB."))
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Cần tệp Excel (.xlsx)."))
        return upload


TARGET_COLUMNS: tuple[tuple[str, int], ...] = (
    (PlanTier.DEPARTMENT, 3),
    (PlanTier.DEPARTMENT, 4),
    (PlanTier.DISTRICT, 3),
    (PlanTier.DISTRICT, 4),
)


def target_field_name(year: int, tier: str, level: int) -> str:
    return f"{year}-{tier}-{level}"


class PlanTargetsForm(forms.Form):
    """One number per year, tier and level; an empty box means no target."""

    def __init__(self, *args: Any, plan: Plan, initial_targets: dict[str, int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.plan = plan
        for year in plan.years:
            for tier, level in TARGET_COLUMNS:
                name = target_field_name(year, tier, level)
                self.fields[name] = forms.IntegerField(
                    label=_("Năm %(year)s, %(tier)s, mức độ %(level)s")
                    % {"year": year, "tier": PlanTier(tier).label, "level": level},
                    required=False,
                    min_value=0,
                    initial=initial_targets.get(name),
                    widget=forms.NumberInput(attrs={"class": "roadmap-target-input"}),
                )

    def rows(self) -> list[tuple[int, list[forms.BoundField]]]:
        """Return, per year, the bound fields in the order of TARGET_COLUMNS."""
        return [
            (year, [self[target_field_name(year, tier, level)] for tier, level in TARGET_COLUMNS])
            for year in self.plan.years
        ]
