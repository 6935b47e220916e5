"""The counter: paper dossiers taken at the counter, online dossiers filed for a citizen.

Both are for reception officers. A procedure filed online (level 3-4, online submission
on) takes no paper: the counter files it in the citizen's own account instead, with the
same e-form the citizen would fill on the portal.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dichvucong.accounts.models import Membership, Role, User
from dichvucong.catalogue.models import Procedure, ProcedureCase, ProcedureVersion
from dichvucong.catalogue.selectors import ProcedureFilters, procedure_search
from dichvucong.dossiers import intake as counter
from dichvucong.dossiers import selectors
from dichvucong.dossiers.actions import ActionForbidden, ActionNotAllowed
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.services import IdempotencyConflict
from dichvucong.dossiers.uploads import ACCEPT_ATTRIBUTE
from dichvucong.eforms.forms import eform_bound, eform_data_from_post, eform_form_errors
from dichvucong.eforms.selectors import eform_for_case, eform_initial
from dichvucong.organizations.models import Agency

from .access import officer_required
from .intake_forms import CitizenLookupForm, ProcedureSearchForm, WalkInForm

View = Callable[..., HttpResponse]
# The citizen the counter is filing for, kept in the officer's session (not in URLs,
# where ID numbers would reach the access logs).
ASSISTED_CITIZEN = "backoffice.assisted.citizen"
PAGE_SIZE = 20
# Where the service's error keys are shown on the paper form.
WALK_IN_FIELDS = {
    "name": "name",
    "applicant_name": "name",
    "id_number": "id_number",
    "applicant_id_number": "id_number",
    "applicant_phone": "phone",
    "applicant_email": "email",
    "applicant_address": "address",
    "copies": "copies",
    "documents": "documents",
    "scans": "documents",
}


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # the views are all behind officer_required
        raise PermissionDenied
    return user


def _reception_agencies(user: User) -> list[Agency]:
    """Return the agencies where the officer receives dossiers, by code."""
    ids = Membership.objects.filter(user=user, role=Role.RECEPTION).values("agency_id")
    return list(Agency.objects.filter(pk__in=ids).order_by("code"))


def reception_required(view: View) -> View:
    """Let only verified reception officers through; others get the 403 page."""

    @officer_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        agencies = _reception_agencies(_user(request))
        if not agencies:
            return render(
                request,
                "backoffice/intake_forbidden.html",
                {"role": Role.RECEPTION.label},
                status=403,
            )
        return view(request, agencies, *args, **kwargs)

    return wrapped


def _chosen(request: HttpRequest, agencies: list[Agency]) -> Agency:
    """Return the agency named by `co-quan` among the officer's, or the first."""
    code = request.POST.get("co-quan") or request.GET.get("co-quan", "")
    return next((a for a in agencies if a.code == code), agencies[0])


def _with_agency(url: str, agency: Agency, agencies: list[Agency], **params: str) -> str:
    """Return `url` with the chosen agency (when the officer has several) and `params`."""
    query = {k: v for k, v in params.items() if v}
    if len(agencies) > 1:
        query["co-quan"] = agency.code
    return f"{url}?{urlencode(query)}" if query else url


def dossier_url(code: str) -> str:
    """Return the back-office page of a dossier."""
    try:
        return reverse("backoffice:dossier", args=[code])
    except NoReverseMatch:  # the dossier page is being built alongside this one
        return reverse("backoffice:home") + f"ho-so/{code}/"


def form_01_url(code: str) -> str | None:
    """Return the link to the printable receipt (Form 01), when the forms API exists."""
    try:
        return reverse("api:backoffice-dossier-form", args=[code, "01"])
    except NoReverseMatch:
        return None


def _received_procedures(agency: Agency, search: str) -> QuerySet[Procedure]:
    return procedure_search(filters=ProcedureFilters(search=search, agency=agency)).select_related(
        "current_version"
    )


def _procedure_or_404(agency: Agency, code: str) -> tuple[Procedure, ProcedureVersion]:
    """Return a published procedure the agency receives, with its current version."""
    procedure = (
        Procedure.objects.select_related("current_version")
        .filter(code=code, current_version__agencies=agency)
        .first()
    )
    if procedure is None or procedure.current_version is None:
        raise Http404(_("Cơ quan không tiếp nhận thủ tục này."))
    return procedure, procedure.current_version


def _case_or_404(request: HttpRequest, version: ProcedureVersion) -> ProcedureCase:
    raw = request.GET.get("truong-hop", "")
    try:
        return selectors.case_for_version(
            version=version, position=int(raw) if raw.isdigit() else None
        )
    except ProcedureCase.DoesNotExist:
        raise Http404(_("Thủ tục không có trường hợp này.")) from None


@reception_required
@require_http_methods(["GET"])
def intake(request: HttpRequest, agencies: list[Agency]) -> HttpResponse:
    """Step 1 at the counter: find the procedure among those the agency receives."""
    agency = _chosen(request, agencies)
    form = ProcedureSearchForm(request.GET)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(_received_procedures(agency, search), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    rows = [
        {
            "procedure": procedure,
            "online": counter.procedure_online_only(procedure),
            "paper_url": _with_agency(
                reverse("backoffice:intake-paper", args=[procedure.code]), agency, agencies
            ),
            "online_url": _with_agency(
                reverse("backoffice:assisted"), agency, agencies, **{"thu-tuc": procedure.code}
            ),
        }
        for procedure in page
    ]
    context = {
        "agency": agency,
        "agencies": agencies,
        "form": form,
        "search": search,
        "page": page,
        "rows": rows,
    }
    return render(request, "backoffice/intake_start.html", context)


def _walk_in_errors(form: WalkInForm, exc: ValidationError) -> None:
    """Put the service's refusals on the fields they concern, the rest on the form."""
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
    for key, messages_ in items:
        field = WALK_IN_FIELDS.get(key)
        for message in messages_:
            if field is not None and field not in form.errors:
                form.add_error(field, message)
            elif field is None:
                form.add_error(None, message)


@reception_required
@require_http_methods(["GET", "POST"])
def intake_paper(request: HttpRequest, agencies: list[Agency], code: str) -> HttpResponse:
    """Step 2 at the counter: record a paper dossier, and accept it at once if asked."""
    agency = _chosen(request, agencies)
    procedure, version = _procedure_or_404(agency, code)
    if counter.procedure_online_only(procedure):
        messages.info(
            request,
            _(
                "Thủ tục %(code)s nộp trực tuyến (mức độ %(level)d): Bộ phận Một cửa không "
                "nhận hồ sơ giấy mà nộp trực tuyến giúp công dân vào tài khoản của họ."
            )
            % {"code": procedure.code, "level": procedure.level},
        )
        url = reverse("backoffice:assisted")
        return redirect(_with_agency(url, agency, agencies, **{"thu-tuc": procedure.code}))
    case = _case_or_404(request, version)
    requirements = selectors.document_requirements(case=case, eform=None)
    choices = [(r.document.pk, r.document.name) for r in requirements]
    form = WalkInForm(
        request.POST or None,
        documents=choices,
        initial={"page_key": uuid.uuid4().hex, "copies": 1, "action": "accept"},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            scans = {
                r.document.pk: request.FILES.getlist(f"scan_{r.document.pk}")
                for r in requirements
                if request.FILES.getlist(f"scan_{r.document.pk}")
            }
            data = form.cleaned_data
            try:
                dossier = counter.dossier_counter_intake(
                    officer=_user(request),
                    procedure=procedure,
                    walk_in=counter.WalkIn(
                        name=data["name"],
                        id_number=data["id_number"],
                        phone=data["phone"],
                        email=data["email"],
                        address=data["address"],
                    ),
                    received_document_ids=data["documents"],
                    scans=scans,
                    copies=data["copies"],
                    case_position=case.position,
                    agency_code=agency.code,
                    accept=data["action"] == "accept",
                    note=data["note"],
                    idempotency_key=data["page_key"],
                )
            except ValidationError as exc:
                _walk_in_errors(form, exc)
                status = 400
            except (ActionNotAllowed, ActionForbidden) as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                _recorded_message(request, dossier)
                return redirect(dossier_url(str(dossier.code)))
        else:
            status = 400
        if request.FILES:
            form.add_error(None, _("Các tệp vừa chọn chưa được lưu: vui lòng chọn lại."))
    checked = set(form["documents"].value() or []) if form.is_bound else set()
    documents = [
        {
            "requirement": r,
            "index": index,
            "checked": str(r.document.pk) in {str(v) for v in checked},
            "field": f"scan_{r.document.pk}",
        }
        for index, r in enumerate(requirements)
    ]
    context = {
        "agency": agency,
        "agencies": agencies,
        "procedure": procedure,
        "version": version,
        "case": case,
        "cases": selectors.selectable_cases(version=version),
        "form": form,
        "documents": documents,
        "accept": ACCEPT_ATTRIBUTE,
        "action_url": _with_agency(
            reverse("backoffice:intake-paper", args=[procedure.code]),
            agency,
            agencies,
            **{"truong-hop": str(case.position) if request.GET.get("truong-hop") else ""},
        ),
        "back_url": _with_agency(reverse("backoffice:intake"), agency, agencies),
    }
    return render(request, "backoffice/intake_paper.html", context, status=status)


def _recorded_message(request: HttpRequest, dossier: Dossier) -> None:
    if dossier.due_at is None:
        messages.success(
            request,
            _("Đã ghi nhận hồ sơ %(code)s. Hồ sơ đang chờ tiếp nhận.") % {"code": dossier.code},
        )
        return
    due = timezone.localtime(dossier.due_at)
    text = _("Đã tiếp nhận hồ sơ %(code)s, hẹn trả kết quả lúc %(time)s ngày %(date)s.") % {
        "code": dossier.code,
        "time": formats.time_format(due, "H:i"),
        "date": formats.date_format(due, "d/m/Y"),
    }
    receipt = form_01_url(str(dossier.code))
    if receipt is None:
        messages.success(request, text)
        return
    messages.success(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            text,
            receipt,
            _("In giấy tiếp nhận và hẹn trả kết quả (Mẫu 01)"),
        ),
    )


# Assisted online submission -------------------------------------------------------------


def _assisted_citizen(request: HttpRequest) -> User | None:
    """Return the citizen chosen in this session, if still an active account with a profile."""
    pk = request.session.get(ASSISTED_CITIZEN)
    if not isinstance(pk, int):
        return None
    return (
        User.objects.select_related("profile")
        .filter(pk=pk, is_active=True, profile__isnull=False)
        .first()
    )


def _online_procedures(agency: Agency, search: str) -> QuerySet[Procedure]:
    return _received_procedures(agency, search).filter(
        level__in=counter.ONLINE_LEVELS, online_submission_enabled=True
    )


@reception_required
@require_http_methods(["GET", "POST"])
def assisted(request: HttpRequest, agencies: list[Agency]) -> HttpResponse:
    """Steps 1-2 of an assisted submission: find the citizen's account, then the procedure."""
    agency = _chosen(request, agencies)
    procedure_code = request.POST.get("thu-tuc") or request.GET.get("thu-tuc", "")
    here = reverse("backoffice:assisted")
    if request.method == "POST" and request.POST.get("action") == "change":
        request.session.pop(ASSISTED_CITIZEN, None)
        return redirect(_with_agency(here, agency, agencies, **{"thu-tuc": procedure_code}))
    lookup = CitizenLookupForm(request.POST if request.method == "POST" else None)
    not_found = False
    if request.method == "POST":
        if lookup.is_valid():
            try:
                found = counter.citizen_find(id_number=lookup.cleaned_data["id_number"])
            except User.DoesNotExist:
                not_found = True
            else:
                request.session[ASSISTED_CITIZEN] = found.pk
                chosen = _online_procedures(agency, "").filter(code=procedure_code)
                if procedure_code and chosen.exists():
                    url = reverse("backoffice:assisted-form", args=[procedure_code])
                    return redirect(_with_agency(url, agency, agencies))
                return redirect(_with_agency(here, agency, agencies))
        status = 404 if not_found else 400
    else:
        status = 200
    citizen = _assisted_citizen(request) if request.method == "GET" else None
    search_form = ProcedureSearchForm(request.GET)
    search = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    page = None
    rows: list[dict[str, Any]] = []
    if citizen is not None:
        page = Paginator(_online_procedures(agency, search), PAGE_SIZE).get_page(
            request.GET.get("trang")
        )
        rows = [
            {
                "procedure": p,
                "url": _with_agency(
                    reverse("backoffice:assisted-form", args=[p.code]), agency, agencies
                ),
            }
            for p in page
        ]
    context = {
        "agency": agency,
        "agencies": agencies,
        "lookup": lookup,
        "not_found": not_found,
        "citizen": citizen,
        "procedure_code": procedure_code,
        "search_form": search_form,
        "search": search,
        "page": page,
        "rows": rows,
    }
    return render(request, "backoffice/intake_assisted.html", context, status=status)


def _split_errors(
    exc: ValidationError, field_names: set[str]
) -> tuple[dict[str, list[str]], dict[str, list[str]], list[str]]:
    """Return (e-form errors by path, document errors by field, general messages)."""
    form_errors: dict[str, list[str]] = {}
    document_errors: dict[str, list[str]] = {}
    general: list[str] = []
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
    for key, messages_ in items:
        if key == "form_data":
            form_errors.setdefault("", []).extend(messages_)
        elif key.startswith("form_data."):
            form_errors[key.removeprefix("form_data.")] = messages_
        elif key in field_names:
            document_errors[key] = messages_
        else:
            general.extend(messages_)
    return form_errors, document_errors, general


@reception_required
@require_http_methods(["GET", "POST"])
def assisted_form(request: HttpRequest, agencies: list[Agency], code: str) -> HttpResponse:
    """Step 3 of an assisted submission: the citizen's e-form and uploads, submitted for them."""
    agency = _chosen(request, agencies)
    citizen = _assisted_citizen(request)
    if citizen is None:
        messages.info(request, _("Tìm tài khoản của công dân trước khi nộp hồ sơ giúp."))
        url = reverse("backoffice:assisted")
        return redirect(_with_agency(url, agency, agencies, **{"thu-tuc": code}))
    procedure, version = _procedure_or_404(agency, code)
    if not counter.procedure_online_only(procedure):
        messages.info(request, _("Thủ tục này chưa nộp trực tuyến được: hãy tiếp nhận hồ sơ giấy."))
        url = reverse("backoffice:intake-paper", args=[procedure.code])
        return redirect(_with_agency(url, agency, agencies))
    case = _case_or_404(request, version)
    eform = eform_for_case(procedure=procedure, case_name=case.name)
    if eform is None:
        raise Http404(_("Thủ tục này chưa có biểu mẫu điện tử."))
    requirements = selectors.document_requirements(case=case, eform=eform)
    field_names = {r.field for r in requirements}
    form_errors: dict[str, list[str]] = {}
    document_errors: dict[str, list[str]] = {}
    general: list[str] = []
    status = 200
    if request.method == "POST":
        data: Any = eform_data_from_post(eform=eform, post=request.POST)
        files = {f: request.FILES.getlist(f) for f in field_names if request.FILES.getlist(f)}
        try:
            result = counter.dossier_submit_on_behalf(
                officer=_user(request),
                applicant=citizen,
                procedure=procedure,
                form_data=data,
                files=files,
                idempotency_key=request.POST.get("page_key", ""),
                case_position=case.position,
                agency_code=agency.code,
            )
        except ValidationError as exc:
            form_errors, document_errors, general = _split_errors(exc, field_names)
            if files:
                general.append(_("Các tệp vừa chọn chưa được lưu: vui lòng chọn lại."))
            status = 400
        except IdempotencyConflict as conflict:
            messages.warning(
                request,
                _("Trang này đã nộp hồ sơ %(code)s; nội dung gửi lại không được ghi nhận.")
                % {"code": conflict.dossier.code},
            )
            return redirect(dossier_url(str(conflict.dossier.code)))
        else:
            request.session.pop(ASSISTED_CITIZEN, None)
            messages.success(
                request,
                _("Đã nộp hồ sơ %(code)s vào tài khoản của %(name)s.")
                % {"code": result.dossier.code, "name": result.dossier.applicant_name},
            )
            return redirect(dossier_url(str(result.dossier.code)))
    else:
        data = eform_initial(eform=eform, user=citizen)
    documents = [
        {"requirement": r, "errors": document_errors.get(r.field, [])} for r in requirements
    ]
    context = {
        "agency": agency,
        "agencies": agencies,
        "citizen": citizen,
        "procedure": procedure,
        "version": version,
        "case": case,
        "cases": selectors.selectable_cases(version=version),
        "eform": eform,
        "sections": eform_bound(eform=eform, data=data, errors=form_errors),
        "form_level_errors": eform_form_errors(eform=eform, errors=form_errors),
        "documents": documents,
        "general_errors": general,
        "has_errors": status == 400,
        "accept": ACCEPT_ATTRIBUTE,
        "page_key": request.POST.get("page_key", "") or uuid.uuid4().hex,
        "action_url": _with_agency(
            reverse("backoffice:assisted-form", args=[procedure.code]),
            agency,
            agencies,
            **{"truong-hop": str(case.position) if request.GET.get("truong-hop") else ""},
        ),
        "change_url": _with_agency(
            reverse("backoffice:assisted"), agency, agencies, **{"thu-tuc": procedure.code}
        ),
    }
    return render(request, "backoffice/intake_assisted_form.html", context, status=status)
