"""Administration of electronic results: per-procedure templates (checked on save, with
a PDF preview), issued results (read-only, with a retry action) and postal deliveries."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts.models import User

from . import selectors
from .models import IssuedResult, PostalDelivery, PostalDeliveryEvent, ResultStatus, ResultTemplate
from .rendering import VARIABLES, document_pdf
from .services import (
    issued_result_requeue,
    procedure_online_result_set,
    result_template_check,
    result_template_save,
)


class ResultTemplateAdminForm(forms.ModelForm):
    body = forms.CharField(
        label=_("nội dung (HTML, cú pháp mẫu Django)"),
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "spellcheck": "false"}),
    )
    online_result_enabled = forms.BooleanField(
        label=_("trả kết quả điện tử có ký số"),
        required=False,
        help_text=_("Bật để kết quả của thủ tục được phát hành điện tử khi lãnh đạo phê duyệt."),
    )

    class Meta:
        model = ResultTemplate
        fields = ["procedure", "result", "title", "body", "signer_title", "postal_fee"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields[
                "online_result_enabled"
            ].initial = self.instance.procedure.online_result_enabled

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        procedure = cleaned.get("procedure") or getattr(self.instance, "procedure", None)
        if procedure is not None and "title" in cleaned and "body" in cleaned:
            result_template_check(
                procedure=procedure,
                title=cleaned["title"],
                body=cleaned["body"],
                signer_title=cleaned.get("signer_title") or "",
                result=cleaned.get("result"),
            )
        return cleaned


@admin.register(ResultTemplate)
class ResultTemplateAdmin(admin.ModelAdmin):
    form = ResultTemplateAdminForm
    list_display = ["title", "procedure", "online_result", "updated_at", "preview_link"]
    list_select_related = ["procedure"]
    search_fields = ["title", "procedure__code"]
    autocomplete_fields = ["procedure"]
    readonly_fields = ["variables", "preview_link", "updated_at", "updated_by"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        fields = ["procedure", "online_result_enabled", "result", "title", "signer_title"]
        fields += ["postal_fee", "body", "variables"]
        if obj is not None:
            fields += ["preview_link", "updated_at", "updated_by"]
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(self.readonly_fields)
        return ["procedure", *fields] if obj is not None else fields

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        from .rendering import default_body

        return {"body": default_body(), **super().get_changeform_initial_data(request)}

    @admin.display(description=_("trả kết quả điện tử"), boolean=True)
    def online_result(self, obj: ResultTemplate) -> bool:
        return obj.procedure.online_result_enabled

    @admin.display(description=_("biến dùng được"))
    def variables(self, obj: ResultTemplate | None = None) -> str:
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li><code>{{{{ {} }}}}</code>: {}</li>", ((k, v) for k, v in VARIABLES.items())
            ),
        )

    @admin.display(description=_("xem trước"))
    def preview_link(self, obj: ResultTemplate) -> str:
        if not obj.pk:
            return ""
        return format_html(
            '<a href="{}" target="_blank">{}</a>',
            reverse("admin:results_resulttemplate_preview", args=[obj.pk]),
            gettext("Xem trước bản PDF với dữ liệu mẫu"),
        )

    def save_model(
        self, request: HttpRequest, obj: ResultTemplate, form: Any, change: bool
    ) -> None:
        procedure = form.cleaned_data.get("procedure") or obj.procedure
        saved = result_template_save(
            procedure=procedure,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            signer_title=form.cleaned_data.get("signer_title") or "",
            result=form.cleaned_data.get("result"),
            postal_fee=form.cleaned_data.get("postal_fee"),
            by=request.user if isinstance(request.user, User) else None,
        )
        obj.pk = saved.pk
        enabled = bool(form.cleaned_data.get("online_result_enabled"))
        if saved.procedure.online_result_enabled != enabled:
            procedure_online_result_set(procedure=saved.procedure, enabled=enabled)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<path:object_id>/xem-truoc/",
                self.admin_site.admin_view(self.preview_view),
                name="results_resulttemplate_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Show the template as a PDF filled with sample data (unsigned)."""
        template = get_object_or_404(
            ResultTemplate.objects.select_related("procedure", "result"), pk=object_id
        )
        if not self.has_view_permission(request, template):
            raise PermissionDenied
        document = selectors.sample_document(
            procedure=template.procedure,
            title=template.title,
            body=template.body,
            signer_title=template.signer_title,
            result=template.result,
        )
        try:
            pdf = document_pdf(document)
        except ValidationError as exc:
            return HttpResponse("\n".join(exc.messages), status=400, content_type="text/plain")
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="xem-truoc-ket-qua.pdf"'
        return response


@admin.register(IssuedResult)
class IssuedResultAdmin(admin.ModelAdmin):
    list_display = ["number", "dossier", "agency", "status", "issued_at", "attempts"]
    list_filter = ["status"]
    search_fields = ["number", "dossier__code", "uuid"]
    list_select_related = ["dossier", "agency"]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Phát hành lại các kết quả lỗi đã chọn"), permissions=["view"])
    def retry(self, request: HttpRequest, queryset: QuerySet[IssuedResult]) -> None:
        count = 0
        for result in queryset.exclude(status=ResultStatus.ISSUED):
            issued_result_requeue(result=result)
            count += 1
        self.message_user(
            request, gettext("Đã xếp lịch %(count)s kết quả.") % {"count": count}, messages.INFO
        )


class PostalDeliveryEventInline(admin.TabularInline):
    model = PostalDeliveryEvent
    extra = 0
    can_delete = False
    readonly_fields = ["status", "tracking_number", "address", "note", "actor", "created_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PostalDelivery)
class PostalDeliveryAdmin(admin.ModelAdmin):
    list_display = ["dossier", "status", "tracking_number", "recipient_name", "requested_at"]
    list_filter = ["status"]
    search_fields = ["dossier__code", "tracking_number", "recipient_name"]
    list_select_related = ["dossier"]
    inlines = [PostalDeliveryEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
