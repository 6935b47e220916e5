"""Workflow administration: a workflow is edited as its YAML document, checked on save.

Saving goes through `workflow_import`, which refuses a document with an unreachable
state, a state without a way to an end, an unknown role or a dropped state that still
holds dossiers, naming each problem. The states and actions are shown read-only below.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .definition import DefinitionError, WorkflowSpec, dump_yaml, parse_yaml
from .models import Workflow, WorkflowAction
from .services import busy_states, workflow_export, workflow_import, workflow_procedures_set


class WorkflowAdminForm(forms.ModelForm):
    document = forms.CharField(
        label=_("định nghĩa quy trình (YAML)"),
        widget=forms.Textarea(attrs={"rows": 40, "cols": 100, "spellcheck": "false"}),
        help_text=_(
            "Các bước (states) với trạng thái quốc gia và vai trò xử lý; các thao tác "
            "(actions) với bước bắt đầu, bước đích, vai trò và tác động. Xem docs/workflows.md."
        ),
    )

    class Meta:
        model = Workflow
        fields = ["agency", "procedures"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["document"] = dump_yaml(workflow_export(workflow=self.instance))
        self.spec: WorkflowSpec | None = None

    def clean_document(self) -> str:
        text: str = self.cleaned_data["document"]
        try:
            self.spec = parse_yaml(text)
        except DefinitionError as error:
            raise forms.ValidationError(error.errors) from None
        if self.instance.pk:
            if self.spec.code != self.instance.code:
                raise forms.ValidationError(_("Không đổi được mã của quy trình đã có."))
            kept = {state.code for state in self.spec.states}
            dropped = set(self.instance.states.values_list("code", flat=True)) - kept
            busy = busy_states(workflow=self.instance, codes=dropped)
            if busy:
                raise forms.ValidationError(
                    [
                        _("Không thể bỏ bước %(state)s: đang có hồ sơ ở bước này.")
                        % {"state": code}
                        for code in busy
                    ]
                )
        return text


@admin.register(Workflow)
class WorkflowAdmin(admin.ModelAdmin):
    form = WorkflowAdminForm
    list_display = ["code", "name", "agency", "is_default", "updated_at", "export_link"]
    list_filter = ["is_default"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["agency", "procedures"]
    readonly_fields = ["diagram"]
    fields = ["document", "agency", "procedures", "diagram"]

    @admin.display(description=_("các bước và thao tác"))
    def diagram(self, obj: Workflow) -> str:
        """Show each state with the actions that leave it, as stored."""
        if obj.pk is None:
            return "-"
        actions: dict[int, list[WorkflowAction]] = {}
        for action in obj.actions.select_related("to_state").order_by("position", "pk"):
            actions.setdefault(action.from_state_id, []).append(action)
        rows = format_html_join(
            "",
            "<tr><td><code>{}</code> {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    state.code,
                    state.name,
                    state.get_status_display(),
                    ", ".join(state.roles),
                    "; ".join(
                        f"{a.code} → {a.to_state.code} ({', '.join(a.roles)})"
                        for a in actions.get(state.pk, [])
                    ),
                )
                for state in obj.states.order_by("position", "pk")
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("Bước"),
            _("Trạng thái quốc gia"),
            _("Vai trò xử lý"),
            _("Thao tác"),
            rows,
        )

    @admin.display(description=_("tải về"))
    def export_link(self, obj: Workflow) -> str:
        url = reverse("admin:workflows_workflow_export", args=[obj.pk])
        return format_html('<a href="{}">YAML</a>', url)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/export/",
                self.admin_site.admin_view(self.export_view),
                name="workflows_workflow_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        workflow = get_object_or_404(Workflow, pk=pk)
        response = HttpResponse(
            dump_yaml(workflow_export(workflow=workflow)),
            content_type="application/yaml; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{workflow.code}.yaml"'
        return response

    def save_model(self, request: HttpRequest, obj: Workflow, form: Any, change: bool) -> None:
        spec: WorkflowSpec = form.spec  # set by clean_document
        workflow = workflow_import(spec=spec, agency=form.cleaned_data.get("agency"))
        form.instance = workflow
        obj.pk = workflow.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        workflow_procedures_set(
            workflow=form.instance, procedures=form.cleaned_data.get("procedures", [])
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Workflow]:
        return super().get_queryset(request).select_related("agency")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A workflow that dossiers follow cannot go; the default one never.
        if obj is not None and (obj.is_default or obj.dossiers.exists()):
            return False
        return super().has_delete_permission(request, obj)
