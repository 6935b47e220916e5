"""The GET forms of the officer's inbox and of the dossier register page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.dossiers.models import DossierStatus
from dichvucong.dossiers.selectors import InboxFilters
from dichvucong.organizations.models import Agency

SCOPE_CHOICES = [
    ("mine", _("Cần tôi xử lý")),
    ("all", _("Tất cả hồ sơ của cơ quan")),
]
DUE_CHOICES = [
    ("", _("Tất cả")),
    ("soon", _("Sắp đến hạn (trong 01 ngày làm việc)")),
    ("overdue", _("Quá hạn")),
]
ORDERING_CHOICES = [
    ("", _("Mặc định (cần tôi xử lý: hạn trả gần nhất; tất cả: mới nhất)")),
    ("due_at", _("Hạn trả: gần nhất trước")),
    ("-due_at", _("Hạn trả: xa nhất trước")),
    ("-submitted_at", _("Ngày nhận: mới nhất trước")),
    ("submitted_at", _("Ngày nhận: cũ nhất trước")),
]
QUERY_MAX = 100


class InboxFilterForm(forms.Form):
    """What the officer filters the inbox by; a wrong value is ignored, not refused."""

    scope = forms.ChoiceField(label=_("Phạm vi"), choices=SCOPE_CHOICES, required=False)
    status = forms.ChoiceField(label=_("Trạng thái"), required=False)
    procedure = forms.ChoiceField(label=_("Thủ tục"), required=False)
    due = forms.ChoiceField(label=_("Thời hạn"), choices=DUE_CHOICES, required=False)
    q = forms.CharField(
        label=_("Mã hồ sơ hoặc tên người nộp"),
        max_length=QUERY_MAX,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    ordering = forms.ChoiceField(label=_("Sắp xếp"), choices=ORDERING_CHOICES, required=False)

    def __init__(
        self,
        *args: Any,
        procedures: Sequence[tuple[str, str]] = (),
        default_scope: str = "mine",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.default_scope = default_scope
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("Tất cả")),
            *[(value, label) for value, label in DossierStatus.choices if value != "draft"],
        ]
        cast(forms.ChoiceField, self.fields["procedure"]).choices = [
            ("", _("Tất cả")),
            *[(code, f"{code}: {name}") for code, name in procedures],
        ]

    def value(self, name: str, default: str = "") -> str:
        """Return a field's valid value as chosen, or `default` (a wrong value is ignored)."""
        if not self.is_bound:
            return default
        self.is_valid()
        if name in self.errors:
            return default
        return str(self.cleaned_data.get(name) or default)

    def filters(self) -> InboxFilters:
        """Return the selector's filters from what the officer chose."""
        return InboxFilters(
            scope=self.value("scope", self.default_scope),
            status=self.value("status"),
            procedure=self.value("procedure"),
            due=self.value("due"),
            query=self.value("q").strip(),
            ordering=self.value("ordering"),
        )


class RegisterForm(forms.Form):
    """Which agency's register, for which year."""

    agency = forms.ChoiceField(label=_("Cơ quan"))
    year = forms.IntegerField(
        label=_("Năm"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, agencies: Sequence[Agency] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {a.code: a for a in agencies}
        choices = [(a.code, a.name) for a in agencies]
        cast(forms.ChoiceField, self.fields["agency"]).choices = choices
        self.fields["agency"].error_messages["invalid_choice"] = _(
            "Bạn không được xem sổ theo dõi của cơ quan này."
        )
        self.fields["year"].error_messages["invalid"] = _("Năm gồm 4 chữ số, ví dụ 2025.")

    @staticmethod
    def current_year() -> int:
        return timezone.localtime().year

    def chosen_agency(self) -> Agency:
        return self.agencies[self.cleaned_data["agency"]]
