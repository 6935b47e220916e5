"""E-form administration: definitions edited as JSON, checked on save, previewed.

Saving goes through `eform_upsert`, which refuses a definition that breaks the
conventions; the preview shows the form exactly as applicants will see it, filled with
the example data or empty, and validates what staff submit in it.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .definition import definition_errors
from .forms import eform_bound, eform_data_from_post, eform_form_errors
from .models import EForm
from .services import eform_delete, eform_upsert, procedure_online_submission_set
from .validation import eform_validate

JSON_FIELDS = ("schema", "layout", "example")


class PrettyJSONField(forms.JSONField):
    """A JSON field shown indented, with Vietnamese diacritics kept as they are."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                return value
        return json.dumps(value, ensure_ascii=False, indent=2)


class EFormAdminForm(forms.ModelForm):
    schema = PrettyJSONField(
        label=_("lược đồ dữ liệu (JSON Schema)"),
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "spellcheck": "false"}),
    )
    layout = PrettyJSONField(
        label=_("bố cục"),
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100, "spellcheck": "false"}),
    )
    example = PrettyJSONField(
        label=_("dữ liệu mẫu"),
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100, "spellcheck": "false"}),
    )
    online_submission_enabled = forms.BooleanField(
        label=_("cho phép nộp hồ sơ trực tuyến"),
        required=False,
        help_text=_("Áp dụng cho cả thủ tục (mọi trường hợp)."),
    )

    class Meta:
        model = EForm
        fields = ["procedure", "case_name", "title", "schema", "layout", "example"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields[
                "online_submission_enabled"
            ].initial = self.instance.procedure.online_submission_enabled

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if all(name in cleaned for name in JSON_FIELDS):
            errors = definition_errors(
                schema=cleaned["schema"], layout=cleaned["layout"], example=cleaned["example"]
            )
            if errors:
                raise ValidationError(errors)
        return cleaned


@admin.register(EForm)
class EFormAdmin(admin.ModelAdmin):
    form = EFormAdminForm
    list_display = [
        "title",
        "procedure",
        "case_label",
        "online_submission",
        "updated_at",
        "preview_links",
    ]
    list_select_related = ["procedure"]
    search_fields = ["title", "procedure__code", "case_name"]
    readonly_fields = ["preview_links", "updated_at", "updated_by"]
    actions = ["enable_online_submission", "disable_online_submission"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(self.readonly_fields)
        if obj is not None:
            # Another procedure or case is another e-form: add it instead.
            fields = ["procedure", "case_name", *fields]
        return fields

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        fields = ["procedure", "case_name", "title", "online_submission_enabled"]
        fields += ["schema", "layout", "example"]
        if obj is not None:
            fields += ["preview_links", "updated_at", "updated_by"]
        return fields

    @admin.display(description=_("trường hợp"))
    def case_label(self, obj: EForm) -> str:
        return obj.case_name or gettext("Mọi trường hợp")

    @admin.display(description=_("nộp trực tuyến"), boolean=True)
    def online_submission(self, obj: EForm) -> bool:
        return obj.procedure.online_submission_enabled

    @admin.display(description=_("xem trước"))
    def preview_links(self, obj: EForm) -> str:
        if not obj.pk:
            return ""
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:eforms_eform_preview", args=[obj.pk]),
            gettext("Xem trước với dữ liệu mẫu"),
            reverse("admin:eforms_eform_preview_empty", args=[obj.pk]),
            gettext("Xem trước biểu mẫu trống"),
        )

    def save_model(self, request: HttpRequest, obj: EForm, form: Any, change: bool) -> None:
        saved = eform_upsert(
            procedure=form.cleaned_data.get("procedure", obj.procedure),
            case_name=form.cleaned_data.get("case_name", obj.case_name) or "",
            title=form.cleaned_data["title"],
            schema=form.cleaned_data["schema"],
            layout=form.cleaned_data["layout"],
            example=form.cleaned_data["example"],
            by=request.user,  # type: ignore[arg-type]
        )
        obj.pk = saved.pk
        enabled = form.cleaned_data.get("online_submission_enabled", False)
        if saved.procedure.online_submission_enabled != enabled:
            procedure_online_submission_set(procedure=saved.procedure, enabled=enabled)

    def delete_model(self, request: HttpRequest, obj: EForm) -> None:
        eform_delete(eform=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[EForm]) -> None:
        for eform in queryset:
            eform_delete(eform=eform)

    def _set_online_submission(
        self, request: HttpRequest, queryset: QuerySet[EForm], enabled: bool
    ) -> None:
        procedures = {eform.procedure_id: eform.procedure for eform in queryset}
        for procedure in procedures.values():
            procedure_online_submission_set(procedure=procedure, enabled=enabled)
        self.message_user(
            request,
            gettext("Đã cập nhật %(count)s thủ tục.") % {"count": len(procedures)},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Bật nộp hồ sơ trực tuyến cho thủ tục của các biểu mẫu đã chọn"),
        permissions=["change"],
    )
    def enable_online_submission(self, request: HttpRequest, queryset: QuerySet[EForm]) -> None:
        self._set_online_submission(request, queryset, True)

    @admin.action(
        description=_("Tắt nộp hồ sơ trực tuyến cho thủ tục của các biểu mẫu đã chọn"),
        permissions=["change"],
    )
    def disable_online_submission(self, request: HttpRequest, queryset: QuerySet[EForm]) -> None:
        self._set_online_submission(request, queryset, False)

    def get_urls(self) -> list[URLPattern]:
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path(
                "<path:object_id>/xem-truoc/",
                preview,
                {"empty": False},
                name="eforms_eform_preview",
            ),
            path(
                "<path:object_id>/xem-truoc/trong/",
                preview,
                {"empty": True},
                name="eforms_eform_preview_empty",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, object_id: str, empty: bool) -> HttpResponse:
        """Render the e-form as applicants see it; validate what staff submit in it."""
        eform = get_object_or_404(EForm.objects.select_related("procedure"), pk=object_id)
        if not self.has_view_permission(request, eform):
            raise PermissionDenied
        data: dict[str, Any] = {} if empty else eform.example
        errors: dict[str, list[str]] = {}
        if request.method == "POST":
            data = eform_data_from_post(eform=eform, post=request.POST)
            errors = eform_validate(eform, data)
        return TemplateResponse(
            request,
            "eforms/admin_preview.html",
            {
                "eform": eform,
                "empty": empty,
                "submitted": request.method == "POST",
                "sections": eform_bound(eform=eform, data=data, errors=errors),
                "form_errors": eform_form_errors(eform=eform, errors=errors),
                "data_json": json.dumps(data, ensure_ascii=False, indent=2),
                "change_url": reverse("admin:eforms_eform_change", args=[eform.pk]),
                "example_url": reverse("admin:eforms_eform_preview", args=[eform.pk]),
                "empty_url": reverse("admin:eforms_eform_preview_empty", args=[eform.pk]),
            },
        )
