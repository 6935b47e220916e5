"""The procedure search filters, shared by the portal's search page and the read API."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dichvucong.organizations.models import Agency, Tier

from .models import ApplicantType, Field, ServiceLevel
from .selectors import ProcedureFilters


class CodeChoiceField(forms.ModelChoiceField):
    """A model choice by code, whose error names the unknown value."""

    default_error_messages = {"invalid_choice": _("Không có mã %(value)s.")}

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        queryset = cast(QuerySet[Any], self.queryset)
        try:
            return queryset.get(**{self.to_field_name or "pk": value})
        except (ValueError, TypeError, queryset.model.DoesNotExist):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


def _agency_label(agency: Agency) -> str:
    return agency.name


class ProcedureFilterForm(forms.Form):
    search = forms.CharField(label=_("Tìm thủ tục"), required=False, strip=True)
    agency = CodeChoiceField(
        label=_("Cơ quan thực hiện"),
        queryset=Agency.objects.valid_on().local().exclude(kind="one_stop_unit").order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("Tất cả cơ quan"),
    )
    tier = forms.ChoiceField(
        label=_("Cấp thực hiện"), choices=[("", _("Tất cả các cấp")), *Tier.choices], required=False
    )
    field = CodeChoiceField(
        label=_("Lĩnh vực"),
        queryset=Field.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Tất cả lĩnh vực"),
    )
    level = forms.TypedChoiceField(
        label=_("Mức độ dịch vụ"),
        choices=[("", _("Mọi mức độ")), *ServiceLevel.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    applicant_type = forms.ChoiceField(
        label=_("Đối tượng"),
        choices=[("", _("Mọi đối tượng")), *ApplicantType.choices],
        required=False,
    )

    def to_filters(self, *, agency: Agency | None = None) -> ProcedureFilters:
        """Return the validated filters; `agency` (an agency's own page) takes precedence."""
        data = self.cleaned_data
        return ProcedureFilters(
            search=data["search"],
            agency=agency or data["agency"],
            tier=data["tier"],
            field=data["field"],
            level=data["level"],
            applicant_type=data["applicant_type"],
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = cast(CodeChoiceField, self.fields["agency"])
        agency_field.label_from_instance = _agency_label  # type: ignore[method-assign,assignment]
        for name in ("tier", "level", "applicant_type"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "%(value)s không phải là một giá trị hợp lệ."
            )

    def group_agency_choices(self) -> None:
        """Show the agency choices grouped by tier (for the portal's select box).

        Only the rendering changes; a submitted code is still looked up by code.
        """
        agency_field = cast(CodeChoiceField, self.fields["agency"])
        groups: dict[str, list[tuple[str, str]]] = {value: [] for value in Tier.values}
        for agency in cast(QuerySet[Agency], agency_field.queryset):
            groups[agency.tier].append((agency.code, agency.name))
        agency_field.choices = [
            ("", str(agency_field.empty_label)),
            *((str(label), groups[value]) for value, label in Tier.choices if groups[value]),
        ]
