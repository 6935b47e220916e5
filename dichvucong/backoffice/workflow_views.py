"""The agency administrator's workflow pages: what applies at the agency, and its own.

An agency administrator reads the default workflow, the province's and the agency's own,
downloads any of them as YAML, and imports the agency's own workflows (new, or a new
version of one) bound to procedures the agency receives. The default, the province's and
other agencies' workflows are never written here: `workflow_import` refuses a code that
belongs to another agency or to the province.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dichvucong.accounts.models import Membership, Role, User
from dichvucong.catalogue.models import Procedure
from dichvucong.organizations.models import Agency
from dichvucong.workflows import selectors
from dichvucong.workflows.definition import DefinitionError, dump_yaml
from dichvucong.workflows.models import ACTOR_ROLES, Workflow
from dichvucong.workflows.services import workflow_export, workflow_import_for_agency

from .access import officer_required
from .intake_forms import WorkflowImportForm

View = Callable[..., HttpResponse]


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # the views are all behind officer_required
        raise PermissionDenied
    return user


def agency_admin_required(view: View) -> View:
    """Let only verified agency administrators through, with the agency they act for.

    An administrator of several agencies chooses one with `co-quan`; the first by code
    otherwise. Everyone else gets the 403 page.
    """

    @officer_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ids = Membership.objects.filter(user=_user(request), role=Role.AGENCY_ADMIN).values(
            "agency_id"
        )
        agencies = list(Agency.objects.filter(pk__in=ids).order_by("code"))
        if not agencies:
            return render(
                request,
                "backoffice/workflow_forbidden.html",
                {"role": Role.AGENCY_ADMIN.label},
                status=403,
            )
        code = request.POST.get("co-quan") or request.GET.get("co-quan", "")
        agency = next((a for a in agencies if a.code == code), agencies[0])
        return view(request, agency, agencies, *args, **kwargs)

    return wrapped


def _url(name: str, agency: Agency, agencies: list[Agency], *args: Any, **params: str) -> str:
    """Return a page's URL, naming the agency when the administrator has several."""
    url = reverse(name, args=args)
    query = {k: v for k, v in params.items() if v}
    if len(agencies) > 1:
        query["co-quan"] = agency.code
    return f"{url}?{urlencode(query)}" if query else url


def _amount(value: Decimal | None) -> str:
    """Return a time limit as people write it: 0,5 and 4, not 0,50 and 4,00."""
    if value is None:
        return ""
    exact = value.to_integral() if value == value.to_integral() else value.normalize()
    return formats.number_format(exact)


def _role_names(codes: list[str]) -> list[str]:
    return [str(ACTOR_ROLES.get(code, code)) for code in codes]


@agency_admin_required
@require_http_methods(["GET"])
def workflow_list(request: HttpRequest, agency: Agency, agencies: list[Agency]) -> HttpResponse:
    """List the workflows that apply at the agency, with the procedures bound to each."""
    workflows = selectors.workflows_at_agency(agency_id=agency.pk)
    rows = [
        {
            "workflow": w,
            "scope": _scope(w),
            "url": _url("backoffice:workflow", agency, agencies, w.pk),
            "procedures": w.bound,  # type: ignore[attr-defined]
        }
        for w in workflows
    ]
    context = {
        "agency": agency,
        "agencies": agencies,
        "rows": rows,
        "import_url": _url("backoffice:workflow-import", agency, agencies),
    }
    return render(request, "backoffice/workflow_list.html", context)


def _scope(workflow: Workflow) -> str:
    if workflow.is_default:
        return _("Mặc định (mọi thủ tục chưa gắn quy trình riêng)")
    if workflow.agency_id is None:
        return _("Của tỉnh")
    return _("Của cơ quan")


def _detail_or_404(agency: Agency, pk: int) -> selectors.WorkflowDetail:
    try:
        return selectors.workflow_get_at_agency(agency_id=agency.pk, pk=pk)
    except Workflow.DoesNotExist:
        raise Http404(_("Không có quy trình này tại cơ quan.")) from None


@agency_admin_required
@require_http_methods(["GET"])
def workflow_detail(
    request: HttpRequest, agency: Agency, agencies: list[Agency], pk: int
) -> HttpResponse:
    """Show a workflow's states and actions as tables, with its bound procedures."""
    detail = _detail_or_404(agency, pk)
    states = [
        {"state": s, "roles": _role_names(list(s.roles)), "limit": _amount(s.time_limit)}
        for s in detail.states
    ]
    actions = [
        {
            "action": a,
            "roles": _role_names(list(a.roles)),
            "same": a.from_state_id == a.to_state_id,
        }
        for a in detail.actions
    ]
    context = {
        "agency": agency,
        "agencies": agencies,
        "workflow": detail.workflow,
        "scope": _scope(detail.workflow),
        "editable": detail.editable,
        "states": states,
        "actions": actions,
        "procedures": detail.workflow.bound,  # type: ignore[attr-defined]
        "list_url": _url("backoffice:workflows", agency, agencies),
        "yaml_url": _url("backoffice:workflow-yaml", agency, agencies, pk),
        "edit_url": _url("backoffice:workflow-import", agency, agencies, ma=str(pk)),
    }
    return render(request, "backoffice/workflow_detail.html", context)


@agency_admin_required
@require_http_methods(["GET"])
def workflow_yaml(
    request: HttpRequest, agency: Agency, agencies: list[Agency], pk: int
) -> HttpResponse:
    """Download a workflow that applies at the agency as its YAML document."""
    workflow = _detail_or_404(agency, pk).workflow
    response = HttpResponse(
        dump_yaml(workflow_export(workflow=workflow)),
        content_type="application/yaml; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{workflow.code}.yaml"'
    return response


def _import_errors(form: WorkflowImportForm, exc: Exception) -> None:
    field = "document_file" if form.cleaned_data.get("document_file") else "document_text"
    if isinstance(exc, DefinitionError):
        for message in exc.errors:
            form.add_error(field, message)
    elif isinstance(exc, ValidationError):
        items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
        for key, messages_ in items:
            for message in messages_:
                form.add_error("procedures" if key == "procedures" else None, message)


@agency_admin_required
@require_http_methods(["GET", "POST"])
def workflow_import(request: HttpRequest, agency: Agency, agencies: list[Agency]) -> HttpResponse:
    """Import one of the agency's own workflows (new, or a new version) and bind procedures."""
    received = (
        Procedure.objects.filter(current_version__agencies=agency)
        .select_related("current_version")
        .order_by("code")
    )
    editing: Workflow | None = None
    initial: dict[str, Any] = {}
    raw = request.GET.get("ma", "")
    if raw:
        detail = _detail_or_404(agency, int(raw)) if raw.isdigit() else None
        if detail is None or not detail.editable:
            raise Http404(_("Chỉ cập nhật được quy trình riêng của cơ quan."))
        editing = detail.workflow
        initial = {
            "document_text": dump_yaml(workflow_export(workflow=editing)),
            "procedures": [p.pk for p in editing.bound],  # type: ignore[attr-defined]
        }
    form = WorkflowImportForm(
        request.POST or None, request.FILES or None, procedures=received, initial=initial
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and form.spec is not None:
            try:
                workflow = workflow_import_for_agency(
                    spec=form.spec, agency=agency, procedures=form.cleaned_data["procedures"]
                )
            except (DefinitionError, ValidationError) as exc:
                _import_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã lưu quy trình %(name)s và gắn với %(count)d thủ tục.")
                    % {"name": workflow.name, "count": len(form.cleaned_data["procedures"])},
                )
                return redirect(_url("backoffice:workflow", agency, agencies, workflow.pk))
    default = Workflow.objects.filter(is_default=True).only("pk").first()
    context = {
        "agency": agency,
        "agencies": agencies,
        "form": form,
        "editing": editing,
        "action_url": _url(
            "backoffice:workflow-import", agency, agencies, ma=str(editing.pk) if editing else ""
        ),
        "list_url": _url("backoffice:workflows", agency, agencies),
        "default_yaml_url": (
            _url("backoffice:workflow-yaml", agency, agencies, default.pk) if default else ""
        ),
    }
    return render(request, "backoffice/workflow_import.html", context, status=status)
