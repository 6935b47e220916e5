"""The statistics filters (period, agency, tier, procedure), shared by the page and the API."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dichvucong.catalogue.models import Procedure
from dichvucong.organizations.models import Agency, Tier

from .selectors import StatisticsQuery

# The longest period one request may cover (a dashboard of many years is still cheap,
# but an open-ended range is a typo).
MAX_DAYS = 366 * 20


class StatisticsFilterForm(forms.Form):
    """Parse `from`, `to` (ISO dates, inclusive), `agency` and `procedure` (codes), `tier`."""

    date_from = forms.DateField(label=gettext_lazy("Từ ngày"), required=False)
    date_to = forms.DateField(label=gettext_lazy("Đến ngày"), required=False)
    agency = forms.CharField(label=gettext_lazy("Cơ quan"), required=False, max_length=40)
    tier = forms.CharField(label=gettext_lazy("Cấp"), required=False, max_length=20)
    procedure = forms.CharField(label=gettext_lazy("Thủ tục"), required=False, max_length=60)

    # The query-string names (`from` is a Python keyword).
    PARAMS = {"from": "date_from", "to": "date_to"}

    def __init__(self, params: Any, **kwargs: Any) -> None:
        data = {self.PARAMS.get(k, k): v for k, v in params.items()} if params else {}
        super().__init__(data, **kwargs)
        for name in ("date_from", "date_to"):
            self.fields[name].input_formats = ["%Y-%m-%d"]  # type: ignore[attr-defined]
            self.fields[name].error_messages["invalid"] = _(
                "Ngày không hợp lệ; dùng định dạng YYYY-MM-DD."
            )
        self.agency_obj: Agency | None = None
        self.procedure_obj: Procedure | None = None

    def clean_agency(self) -> str:
        code: str = self.cleaned_data["agency"].strip()
        if code:
            self.agency_obj = Agency.objects.filter(code=code).first()
            if self.agency_obj is None:
                raise forms.ValidationError(_("Không có cơ quan mã “%(code)s”.") % {"code": code})
        return code

    def clean_tier(self) -> str:
        tier: str = self.cleaned_data["tier"].strip()
        if tier and tier not in Tier.values:
            raise forms.ValidationError(
                _("Cấp không hợp lệ; chọn một trong: %(values)s.")
                % {"values": ", ".join(Tier.values)}
            )
        return tier

    def clean_procedure(self) -> str:
        code: str = self.cleaned_data["procedure"].strip()
        if code:
            self.procedure_obj = Procedure.objects.filter(code=code).first()
            if self.procedure_obj is None:
                raise forms.ValidationError(_("Không có thủ tục mã “%(code)s”.") % {"code": code})
        return code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        today = timezone.localdate()
        start: date | None = cleaned.get("date_from")
        end: date | None = cleaned.get("date_to")
        if "date_from" in self.errors or "date_to" in self.errors:
            return cleaned
        end = end or today
        start = start or end.replace(month=1, day=1)
        if end < start:
            self.add_error("date_to", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
        elif (end - start).days > MAX_DAYS:
            self.add_error("date_from", _("Khoảng thời gian tối đa 20 năm."))
        cleaned["date_from"], cleaned["date_to"] = start, end
        return cleaned

    def query(self) -> StatisticsQuery:
        """Return the query of a valid form."""
        data = self.cleaned_data
        return StatisticsQuery(
            date_from=data["date_from"],
            date_to=data["date_to"],
            agency_id=self.agency_obj.pk if self.agency_obj else None,
            tier=data["tier"] or None,
            procedure_id=self.procedure_obj.pk if self.procedure_obj else None,
        )

    def param_errors(self) -> dict[str, list[str]]:
        """Return the errors keyed by query-string parameter name."""
        names = {v: k for k, v in self.PARAMS.items()}
        return {names.get(k, k): [str(m) for m in v] for k, v in self.errors.items()}
