"""Back-office pages of dossiers: the officer's inbox, a dossier with its actions, the register.

Every read goes through the officer selectors of `dichvucong.dossiers.selectors` (scoped
by the officer's memberships; another agency's dossier is a 404) and every action
through the workflow engine (`dossier_action_execute`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dichvucong.accounts.models import User
from dichvucong.accounts.selectors import officer_display_name
from dichvucong.catalogue.models import Procedure
from dichvucong.core import workdays
from dichvucong.documents.dossier_forms import available_forms, register_row
from dichvucong.dossiers.actions import (
    ActionForbidden,
    ActionNotAllowed,
    available_actions,
    dossier_action_execute,
)
from dichvucong.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStatus,
    EventAttachment,
)
from dichvucong.dossiers.selectors import (
    FINISHED_STATUSES,
    InboxFilters,
    OfficerScope,
    attachment_get_for_officer,
    document_get_for_officer,
    dossier_get_for_officer,
    dossier_inbox_for_officer,
    officer_scope,
    register_for_officer,
)
from dichvucong.dossiers.uploads import CONTENT_TYPES
from dichvucong.organizations.models import Agency
from dichvucong.portal.form_display import form_data_rows
from dichvucong.workflows.models import ACTOR_ROLES, APPLICANT, WorkflowAction, WorkflowState

from .access import officer_required
from .action_forms import ActionForm, submitted_rows
from .filter_forms import InboxFilterForm, RegisterForm

logger = logging.getLogger(__name__)

PAGE_SIZE = 25
REGISTER_PAGE_SIZE = 50
ACTION_CODE = re.compile(r"[a-z0-9_-]{1,60}")


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


# ---------------------------------------------------------------------------------------
# The inbox


@dataclass(frozen=True)
class InboxCounts:
    scope: str  # "mine", or "all" for an officer who only supervises
    waiting: int
    due_soon: int
    overdue: int


def _due_horizon(now: datetime) -> datetime:
    """Return the end of "due soon": one working day of office time from now."""
    return workdays.working_time_add(now, workdays.working_day_seconds())


def due_marker(dossier: Dossier, *, now: datetime, horizon: datetime) -> str:
    """Return "overdue", "soon" or "" for a dossier whose clock is running."""
    if dossier.due_at is None or dossier.status in FINISHED_STATUSES:
        return ""
    if dossier.status == DossierStatus.WAITING:
        return ""  # the clock is stopped while the applicant completes the dossier
    if dossier.due_at < now:
        return "overdue"
    return "soon" if dossier.due_at <= horizon else ""


def default_scope(scope: OfficerScope) -> str:
    """Return the inbox's default scope: the officer's queue, or all for a supervisor only."""
    return "mine" if scope.agency_ids else "all"


def inbox_counts(
    *, user: User, scope: str | None = None, now: datetime | None = None
) -> InboxCounts:
    """Return how many dossiers wait for the officer, and how many are due soon or late."""
    now = now or timezone.now()
    scope = scope or default_scope(officer_scope(user=user))

    def count(due: str) -> int:
        filters = InboxFilters(scope=scope, due=due)
        return dossier_inbox_for_officer(user=user, filters=filters, now=now).count()

    return InboxCounts(
        scope=scope, waiting=count(""), due_soon=count("soon"), overdue=count("overdue")
    )


def _procedure_choices(scope: OfficerScope) -> list[tuple[str, str]]:
    """Return the procedures the officer's agencies receive (all for a supervisor)."""
    procedures = Procedure.objects.filter(current_version__isnull=False)
    if not scope.supervisor:
        procedures = procedures.filter(
            current_version__agencies__in=sorted(scope.agency_ids)
        ).distinct()
    procedures = procedures.select_related("current_version").order_by("code")
    return [(p.code, p.current_version.name if p.current_version else p.code) for p in procedures]


@dataclass
class InboxRow:
    dossier: Dossier
    marker: str


@officer_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """List the dossiers waiting for the officer (or all they may read), filtered, paged."""
    user = _user(request)
    officer = officer_scope(user=user)
    scope = default_scope(officer)
    form = InboxFilterForm(
        request.GET or None,
        procedures=_procedure_choices(officer),
        default_scope=scope,
        initial={"scope": scope, "ordering": ""},
    )
    now = timezone.now()
    filters = form.filters()
    dossiers = dossier_inbox_for_officer(user=user, filters=filters, now=now)
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    horizon = _due_horizon(now)
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "rows": [InboxRow(d, due_marker(d, now=now, horizon=horizon)) for d in page],
        "counts": inbox_counts(user=user, scope=scope, now=now),
    }
    return render(request, "backoffice/inbox.html", context)


# ---------------------------------------------------------------------------------------
# A dossier


def _dossier_or_404(user: User, code: str) -> Dossier:
    try:
        return dossier_get_for_officer(user=user, code=code)
    except Dossier.DoesNotExist:
        raise Http404(_("Không có hồ sơ này.")) from None


def _aware(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    parsed = parse_datetime(value)
    if parsed is None or timezone.is_naive(parsed):
        return None
    return parsed


@dataclass
class TimelineEntry:
    """One event as the page shows it, with its data parsed."""

    event: DossierEvent
    actor: str
    role: str
    from_state: str
    to_state: str
    items: list[dict[str, str]] = field(default_factory=list)
    due_at: datetime | None = None
    new_due_at: datetime | None = None
    original_due_at: datetime | None = None
    register: str = ""
    assignee: str = ""
    documents: list[str] = field(default_factory=list)


def _by_applicant(dossier: Dossier, event: DossierEvent) -> bool:
    return event.actor_id is not None and event.actor_id == dossier.applicant_id


def _actor_name(dossier: Dossier, event: DossierEvent) -> str:
    """Return who acted: the applicant by the name on the dossier, an officer by theirs."""
    if event.actor is None:
        return ""
    if _by_applicant(dossier, event) and dossier.applicant_name:
        return dossier.applicant_name
    return officer_display_name(user=event.actor)


def _assignee_name(dossier: Dossier, assigned: Any) -> str:
    """Return the assigned specialist's name as recorded (as shown today if still assigned)."""
    if not isinstance(assigned, dict) or not assigned:
        return ""
    current = dossier.assignee
    if current is not None and current.username == assigned.get("username"):
        return officer_display_name(user=current)
    return str(assigned.get("name") or assigned.get("username") or "")


def _timeline(dossier: Dossier) -> list[TimelineEntry]:
    states = WorkflowState.objects.filter(workflow_id=dossier.workflow_id or 0)
    names = dict(states.values_list("code", "name"))
    entries = []
    for event in dossier.events.all():
        data = event.data if isinstance(event.data, dict) else {}
        register = data.get("register") or {}
        assignee = data.get("assignee") or {}
        entries.append(
            TimelineEntry(
                event=event,
                actor=_actor_name(dossier, event),
                role=str(
                    ACTOR_ROLES.get(event.actor_role, event.actor_role)
                    or (ACTOR_ROLES[APPLICANT] if _by_applicant(dossier, event) else "")
                ),
                from_state=names.get(event.from_state, event.from_state),
                to_state=names.get(event.to_state, event.to_state),
                items=[i for i in data.get("items", []) if isinstance(i, dict)],
                due_at=_aware(data.get("due_at")) if event.action == "accept" else None,
                new_due_at=_aware(data.get("new_due_at")),
                original_due_at=_aware(data.get("original_due_at")),
                register=(
                    f"{register.get('number')}/{register.get('year')}"
                    if isinstance(register, dict) and register.get("number")
                    else ""
                ),
                assignee=_assignee_name(dossier, assignee),
                documents=[str(d) for d in data.get("documents", [])],
            )
        )
    return entries


@dataclass(frozen=True)
class Printable:
    label: str
    url: str


def _printables(dossier: Dossier) -> list[Printable]:
    """Return the Circular 01/2018 forms the dossier has, linked to the forms API."""
    printables = []
    for ref in available_forms(dossier, events=list(dossier.events.all())):
        url = reverse("api:backoffice-dossier-form", args=[dossier.code, ref.number])
        label = _("Mẫu %(number)02d: %(title)s") % {"number": ref.number, "title": ref.title}
        if ref.repeatable and ref.event_id is not None:
            url += f"?event={ref.event_id}"
            when = formats.date_format(timezone.localtime(ref.issued_at), "H:i d/m/Y")
            label += f" ({when})"
        printables.append(Printable(label=label, url=url))
    return printables


def _action_forms(
    dossier: Dossier, actions: list[WorkflowAction], *, bound: ActionForm | None = None
) -> list[ActionForm]:
    forms = []
    for action in actions:
        if bound is not None and bound.code == action.code:
            forms.append(bound)
        else:
            forms.append(ActionForm(action=action, code=action.code, agency_id=dossier.agency_id))
    return forms


def _detail_page(
    request: HttpRequest,
    dossier: Dossier,
    *,
    bound: ActionForm | None = None,
    refusal: str = "",
    refusal_calm: bool = False,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    actions = available_actions(dossier=dossier, user=user)
    forms = _action_forms(dossier, actions, bound=bound)
    now = timezone.now()
    context = {
        "dossier": dossier,
        "marker": due_marker(dossier, now=now, horizon=_due_horizon(now)),
        "finished": dossier.status in FINISHED_STATUSES,
        "form_rows": form_data_rows(dossier.eform, dossier.form_data),
        "timeline": _timeline(dossier),
        "printables": _printables(dossier),
        "action_forms": forms,
        "failed_form": bound if bound is not None and bound in forms else None,
        "refusal": refusal,
        "refusal_calm": refusal_calm,
        "read_only": not officer_scope(user=user).roles_by_agency.get(dossier.agency_id),
    }
    return render(request, "backoffice/dossier_detail.html", context, status=status)


@officer_required
@require_GET
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Show a dossier of the officer's agencies: facts, applicant, files, history, actions."""
    return _detail_page(request, _dossier_or_404(_user(request), code))


def _already_done(dossier: Dossier, *, code: str, user: User) -> str:
    """Explain a refusal that follows the officer's own identical action (a double click)."""
    events = list(dossier.events.all())
    last = events[-1] if events else None
    if last is None or last.action != code or last.actor_id != user.pk:
        return ""
    when = formats.date_format(timezone.localtime(last.created_at), "H:i d/m/Y")
    state = dossier.state.name if dossier.state else dossier.get_status_display()
    return _(
        "Thao tác “%(action)s” đã được bạn thực hiện lúc %(when)s; hồ sơ hiện ở bước "
        "“%(state)s”. Không cần gửi lại."
    ) % {"action": last.action_display, "when": when, "state": state}


@officer_required
@require_POST
def dossier_action(request: HttpRequest, code: str) -> HttpResponse:
    """Take one workflow action on the dossier, then come back to its page."""
    user = _user(request)
    dossier = _dossier_or_404(user, code)
    posted = request.POST.get("action", "")
    action_code = posted if ACTION_CODE.fullmatch(posted) else ""
    action = next(
        (a for a in available_actions(dossier=dossier, user=user) if a.code == action_code),
        None,
    )
    if action is not None and "add_row" in request.POST:
        # One more row for a request for more documents, keeping what was typed (no JS).
        prefix = f"{action.code}-"
        form = ActionForm(
            initial={k.removeprefix(prefix): v for k, v in request.POST.items()},
            action=action,
            code=action.code,
            agency_id=dossier.agency_id,
            rows=submitted_rows(request.POST, prefix=action.code) + 1,
        )
        return _detail_page(request, dossier, bound=form)
    form = ActionForm(
        request.POST,
        request.FILES,
        action=action,
        code=action_code,
        agency_id=dossier.agency_id,
    )
    if not form.is_valid():
        return _detail_page(request, dossier, bound=form, status=400)
    try:
        dossier_action_execute(dossier=dossier, actor=user, request=form.action_request())
    except ValidationError as exc:
        form.add_engine_errors(exc)
        return _detail_page(request, dossier, bound=form, status=400)
    except ActionNotAllowed as exc:
        already = _already_done(dossier, code=action_code, user=user)
        return _detail_page(
            request, dossier, refusal=already or str(exc), refusal_calm=bool(already), status=409
        )
    except ActionForbidden as exc:
        return _detail_page(request, dossier, refusal=str(exc), status=403)
    assert action is not None  # noqa: S101 - the engine refuses an action not open here
    messages.success(
        request,
        _("Đã thực hiện “%(action)s” với hồ sơ %(code)s.")
        % {"action": action.name, "code": dossier.code},
    )
    return redirect("backoffice:dossier", code=code)


def _file_response(file_name: str, original_name: str, kind: str) -> HttpResponse:
    try:
        stream = default_storage.open(file_name, "rb")
    except FileNotFoundError:
        logger.error("Dossier file missing from storage: %s", file_name)
        raise Http404(_("Tệp không còn trên máy chủ.")) from None
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=original_name,
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),  # type: ignore[call-overload]
    )
    response["X-Content-Type-Options"] = "nosniff"
    return cast(HttpResponse, response)  # a streaming response; the guard is typed for any


@officer_required
@require_GET
def document_download(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Send a file of the dossier under its original name."""
    try:
        document = document_get_for_officer(user=_user(request), code=code, pk=pk)
    except DossierDocument.DoesNotExist:
        raise Http404(_("Không có tệp này.")) from None
    return _file_response(str(document.file.name), document.original_name, document.kind)


@officer_required
@require_GET
def attachment_download(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Send a file attached to an action on the dossier, under its original name."""
    try:
        attachment = attachment_get_for_officer(user=_user(request), code=code, pk=pk)
    except EventAttachment.DoesNotExist:
        raise Http404(_("Không có tệp này.")) from None
    return _file_response(str(attachment.file.name), attachment.original_name, attachment.kind)


# ---------------------------------------------------------------------------------------
# The register (Form 06)


@dataclass
class RegisterEntry:
    dossier: Dossier
    address_phone: str
    note: str


def _register_agencies(*, user: User) -> QuerySet[Agency]:
    scope = officer_scope(user=user)
    agencies = (
        Agency.objects.all()
        if scope.supervisor
        else Agency.objects.filter(pk__in=sorted(scope.agency_ids))
    )
    return agencies.order_by("code")


def _register_entry(dossier: Dossier) -> RegisterEntry:
    """Return a dossier's row as Form 06 prints it (address and phone, note)."""
    try:
        row = register_row(dossier)
    except ValueError:  # in the register without an acceptance time: shown as it is
        return RegisterEntry(dossier=dossier, address_phone=dossier.applicant_address, note="")
    return RegisterEntry(dossier=dossier, address_phone=row.address_phone, note=row.note)


@officer_required
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """Show an agency's dossier register for a year (Form 06), in register order."""
    user = _user(request)
    agencies = list(_register_agencies(user=user))
    data = request.GET.copy()
    if agencies:
        data.setdefault("agency", agencies[0].code)
    data.setdefault("year", str(RegisterForm.current_year()))
    form = RegisterForm(data, agencies=agencies)
    page = None
    entries: list[RegisterEntry] = []
    agency = None
    if form.is_valid():
        agency = form.chosen_agency()
        try:
            dossiers = register_for_officer(
                user=user, agency_id=agency.pk, year=form.cleaned_data["year"]
            )
        except Dossier.DoesNotExist:
            raise Http404 from None
        page = Paginator(dossiers, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
        entries = [_register_entry(d) for d in page]
    context = {
        "form": form,
        "agency": agency,
        "page": page,
        "entries": entries,
        "exports": _register_exports(form) if agency else [],
    }
    return render(
        request, "backoffice/register.html", context, status=200 if form.is_valid() else 400
    )


def _register_exports(form: RegisterForm) -> list[tuple[str, str]]:
    """Return the links to the register as PDF and Excel (the forms API)."""
    base = reverse("api:backoffice-register")
    query = urlencode({"agency": form.chosen_agency().code, "year": form.cleaned_data["year"]})
    links = [
        (_("Tải sổ theo dõi (PDF)"), f"{base}?{query}&format=pdf"),
        (_("Tải sổ theo dõi (Excel)"), f"{base}?{query}&format=xlsx"),
    ]
    today = timezone.localdate()
    if form.cleaned_data["year"] == today.year:
        # A large agency's year is too long for one PDF: this month's part prints at once.
        links.insert(
            1,
            (
                _("Tải sổ tháng %(month)d (PDF)") % {"month": today.month},
                f"{base}?{query}&format=pdf&month={today.month}",
            ),
        )
    return links
