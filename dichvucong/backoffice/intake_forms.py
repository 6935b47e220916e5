"""Forms of the counter pages and of the agency administrator's workflow pages.

They parse and check what the officer typed; the services check it again and decide.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dichvucong.catalogue.models import Procedure
from dichvucong.core.validators import validate_citizen_id, validate_phone
from dichvucong.workflows.definition import DefinitionError, WorkflowSpec, parse_yaml

YAML_MAX_BYTES = 256 * 1024


class ProcedureSearchForm(forms.Form):
    """Step 1 of both counter pages: find a procedure by its name or code."""

    q = forms.CharField(
        label=_("Tên hoặc mã thủ tục"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class WalkInForm(forms.Form):
    """A paper dossier handed over at the counter: who brought it, and what."""

    name = forms.CharField(
        label=_("Họ và tên người nộp"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Vui lòng nhập họ tên người nộp.")},
    )
    id_number = forms.CharField(
        label=_("Số định danh cá nhân"),
        required=False,
        max_length=12,
        validators=[validate_citizen_id],
        help_text=_("12 chữ số trên căn cước công dân (nếu có)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        required=False,
        max_length=13,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    address = forms.CharField(
        label=_("Địa chỉ"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    documents = forms.TypedMultipleChoiceField(
        label=_("Giấy tờ đã nhận"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Đánh dấu các giấy tờ công dân đã nộp.")},
    )
    copies = forms.IntegerField(
        label=_("Số bộ hồ sơ"),
        min_value=1,
        max_value=20,
        initial=1,
        error_messages={
            "min_value": _("Số bộ hồ sơ từ 1 đến 20."),
            "max_value": _("Số bộ hồ sơ từ 1 đến 20."),
        },
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    page_key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    action = forms.ChoiceField(
        choices=[("accept", _("Tiếp nhận ngay")), ("record", _("Chỉ ghi nhận"))],
        widget=forms.HiddenInput,
        initial="accept",
    )

    def __init__(self, *args: Any, documents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = documents  # type: ignore[attr-defined]


class CitizenLookupForm(forms.Form):
    """Step 1 of the assisted submission: the citizen's ID number (or a business's tax code)."""

    id_number = forms.CharField(
        label=_("Số định danh cá nhân hoặc mã số thuế"),
        max_length=14,
        validators=[
            RegexValidator(
                r"^([0-9]{12}|[0-9]{10}(-[0-9]{3})?)$",
                _("Nhập 12 chữ số định danh cá nhân, hoặc mã số thuế 10 chữ số."),
            )
        ],
        help_text=_("Tài khoản của công dân trên Cổng Dịch vụ công được tìm theo số này."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Vui lòng nhập số định danh cá nhân của công dân.")},
    )


class WorkflowImportForm(forms.Form):
    """A workflow document (uploaded or pasted) and the agency's procedures to bind to it."""

    document_file = forms.FileField(
        label=_("Tệp YAML"),
        required=False,
        help_text=_("Tệp .yaml tải về từ trang quy trình, đã chỉnh sửa."),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,application/yaml,text/yaml"}),
    )
    document_text = forms.CharField(
        label=_("Hoặc dán nội dung YAML"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 20, "spellcheck": "false", "class": "bo-yaml"}),
    )
    procedures = forms.ModelMultipleChoiceField(
        label=_("Thủ tục áp dụng quy trình này tại cơ quan"),
        queryset=Procedure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Các thủ tục không chọn tiếp tục theo quy trình của tỉnh hoặc mặc định."),
    )

    def __init__(self, *args: Any, procedures: QuerySet[Procedure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["procedures"]
        field.queryset = procedures  # type: ignore[attr-defined]
        field.label_from_instance = _procedure_label  # type: ignore[attr-defined]
        self.spec: WorkflowSpec | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("document_file")
        text = cleaned.get("document_text") or ""
        field = "document_text"
        if upload:
            field = "document_file"
            if upload.size > YAML_MAX_BYTES:
                self.add_error(field, _("Tệp YAML tối đa 256 KB."))
                return cleaned
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error(field, _("Tệp YAML phải được lưu với bảng mã UTF-8."))
                return cleaned
        if not text.strip():
            self.add_error(
                "document_text", _("Chọn tệp YAML hoặc dán nội dung quy trình vào ô bên dưới.")
            )
            return cleaned
        try:
            self.spec = parse_yaml(text)
        except DefinitionError as error:
            for message in error.errors:
                self.add_error(field, message)
        return cleaned


def _procedure_label(procedure: Procedure) -> str:
    name = procedure.current_version.name if procedure.current_version else ""
    return f"{name} ({procedure.code})"
