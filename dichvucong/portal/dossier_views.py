"""The applicant's pages: fill and submit an e-form, "My dossiers", withdrawal, public lookup."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dichvucong.accounts.models import User
from dichvucong.catalogue.models import Procedure, ProcedureCase
from dichvucong.core.ratelimit import rate_limited
from dichvucong.documents import selectors as form_selectors
from dichvucong.documents.dossier_forms import applicant_forms
from dichvucong.dossiers import actions, selectors, services
from dichvucong.dossiers.models import Dossier, DossierDocument
from dichvucong.dossiers.uploads import ACCEPT_ATTRIBUTE, CONTENT_TYPES
from dichvucong.eforms.forms import eform_bound, eform_data_from_post, eform_form_errors
from dichvucong.eforms.selectors import eform_for_case, eform_initial
from dichvucong.feedback import selectors as feedback_selectors
from dichvucong.feedback import services as feedback_services
from dichvucong.feedback.models import COMMENT_MAX_LENGTH, RatingLevel
from dichvucong.workflows.models import Effect

from .form_display import form_data_rows

LOOKUP_LIMIT_PER_MINUTE = 30
logger = logging.getLogger(__name__)


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # the views are all behind login_required
        raise PermissionDenied
    return user


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


def _case_position(request: HttpRequest) -> int | None:
    raw = request.GET.get("truong-hop", "")
    return int(raw) if raw.isdigit() else None


def _form_page(
    request: HttpRequest, *, procedure: Procedure, case: ProcedureCase, dossier: Dossier | None
) -> HttpResponse:
    user = _user(request)
    version = procedure.current_version
    if version is None:
        raise Http404
    eform = eform_for_case(procedure=procedure, case_name=case.name)
    if eform is None:
        raise Http404(_("Thủ tục này chưa có biểu mẫu điện tử."))
    requirements = selectors.document_requirements(case=case, eform=eform)
    agencies = selectors.receiving_agencies(version=version)
    field_names = {r.field for r in requirements}
    form_errors: dict[str, list[str]] = {}
    document_errors: dict[str, list[str]] = {}
    general: list[str] = []
    agency_code = dossier.agency.code if dossier else ""
    if request.method == "POST":
        data: Any = eform_data_from_post(eform=eform, post=request.POST)
        agency_code = request.POST.get("agency", "")
        files = {f: request.FILES.getlist(f) for f in field_names if request.FILES.getlist(f)}
        remove = [int(v) for v in request.POST.getlist("remove_document") if v.isdigit()]
        try:
            draft = services.dossier_draft_save(
                applicant=user,
                procedure=procedure,
                form_data=data,
                files=files,
                dossier=dossier,
                case_position=case.position,
                agency_code=agency_code,
                remove_document_ids=remove,
                idempotency_key=request.POST.get("page_key", ""),
            )
        except ValidationError as exc:
            form_errors, document_errors, general = _split_errors(exc, field_names)
            if files:
                general.append(_("Các tệp vừa chọn chưa được lưu: vui lòng chọn lại."))
        else:
            if not draft.is_draft:  # this page was already submitted (a second click)
                return redirect("portal:dossier-detail", code=draft.code)
            dossier = draft
            if request.POST.get("action") == "submit":
                try:
                    submitted = services.dossier_draft_submit(dossier=draft, applicant=user)
                except ValidationError as exc:
                    form_errors, document_errors, general = _split_errors(exc, field_names)
                    general.insert(
                        0, _("Đã lưu bản nháp, nhưng hồ sơ chưa nộp được: vui lòng sửa các lỗi.")
                    )
                else:
                    return redirect(
                        reverse("portal:dossier-detail", args=[submitted.code]) + "?moi=1"
                    )
            else:
                messages.success(request, _("Đã lưu bản nháp. Bạn có thể quay lại nộp sau."))
                return redirect("portal:draft-edit", pk=draft.pk)
    else:
        data = dossier.form_data if dossier else eform_initial(eform=eform, user=user)
        if not agency_code:
            default = selectors.default_agency(agencies=agencies, applicant=user)
            agency_code = default.code if default else ""
    existing = list(dossier.documents.all()) if dossier else []
    documents = [
        {
            "requirement": r,
            "files": [d for d in existing if d.required_document_id == r.document.pk],
            "errors": document_errors.get(r.field, []),
        }
        for r in requirements
    ]
    status = 400 if (form_errors or document_errors or general) else 200
    context = {
        "procedure": procedure,
        "version": version,
        "case": case,
        "cases": selectors.selectable_cases(version=version) if dossier is None else [],
        "eform": eform,
        "sections": eform_bound(eform=eform, data=data, errors=form_errors),
        "form_level_errors": eform_form_errors(eform=eform, errors=form_errors),
        "documents": documents,
        "agencies": agencies,
        "agency_code": agency_code,
        "general_errors": general,
        "has_errors": status == 400,
        "dossier": dossier,
        "accept": ACCEPT_ATTRIBUTE,
        "page_key": request.POST.get("page_key", "") or uuid.uuid4().hex,
    }
    return render(request, "portal/dossier_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def dossier_apply(request: HttpRequest, code: str) -> HttpResponse:
    try:
        procedure = selectors.online_procedure_get(code=code)
    except Procedure.DoesNotExist:
        raise Http404(_("Thủ tục này chưa tiếp nhận hồ sơ trực tuyến.")) from None
    if not hasattr(request.user, "profile"):
        messages.error(request, _("Vui lòng cập nhật thông tin cá nhân trước khi nộp hồ sơ."))
        return redirect("accounts:profile")
    if procedure.current_version is None:
        raise Http404
    try:
        case = selectors.case_for_version(
            version=procedure.current_version, position=_case_position(request)
        )
    except ProcedureCase.DoesNotExist:
        raise Http404(_("Thủ tục không có trường hợp này.")) from None
    return _form_page(request, procedure=procedure, case=case, dossier=None)


def _draft_or_404(request: HttpRequest, pk: int) -> Dossier:
    try:
        return selectors.draft_get_for_applicant(applicant=_user(request), pk=pk)
    except Dossier.DoesNotExist:
        raise Http404(_("Không có bản nháp này.")) from None


@login_required
@require_http_methods(["GET", "POST"])
def draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _draft_or_404(request, pk)
    return _form_page(request, procedure=dossier.procedure, case=dossier.case, dossier=dossier)


@login_required
@require_POST
def draft_delete(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _draft_or_404(request, pk)
    services.dossier_draft_delete(dossier=dossier, applicant=_user(request))
    messages.success(request, _("Đã xóa bản nháp."))
    return redirect("portal:my-dossiers")


@login_required
@require_http_methods(["GET"])
def my_dossiers(request: HttpRequest) -> HttpResponse:
    queryset = selectors.dossier_list_for_applicant(applicant=_user(request))
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    return render(request, "portal/dossier_list.html", {"page": page})


def _own_or_404(request: HttpRequest, code: str) -> Dossier:
    try:
        return selectors.dossier_get_for_applicant(applicant=_user(request), code=code)
    except Dossier.DoesNotExist:
        raise Http404(_("Không có hồ sơ này.")) from None


def _detail_page(
    request: HttpRequest,
    dossier: Dossier,
    *,
    rating_post: dict[str, str] | None = None,
    rating_errors: dict[str, list[str]] | None = None,
    supplement_errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    rating = feedback_selectors.rating_for_dossier(dossier=dossier)
    context = {
        "supplement": _supplement_context(request, dossier),
        "supplement_errors": supplement_errors or {},
        "dossier": dossier,
        "just_submitted": request.GET.get("moi") == "1",
        "form_rows": form_data_rows(dossier.eform, dossier.form_data),
        "rating": rating,
        "can_rate": rating is None and dossier.status in feedback_services.RATEABLE,
        "rating_levels": RatingLevel.choices,
        "rating_post": rating_post or {},
        "rating_errors": rating_errors or {},
        "comment_max_length": COMMENT_MAX_LENGTH,
        "agency_forms": applicant_forms(dossier),
    }
    status = 400 if rating_errors or supplement_errors else 200
    return render(request, "portal/dossier_detail.html", context, status=status)


def _supplement_context(request: HttpRequest, dossier: Dossier) -> dict[str, Any] | None:
    """Return what the applicant needs to answer a request for more documents, if asked."""
    action = next(
        (
            a
            for a in actions.available_actions(dossier=dossier, user=_user(request))
            if a.effect == Effect.SUPPLEMENT
        ),
        None,
    )
    if action is None:
        return None
    request_event = next(
        (e for e in reversed(list(dossier.events.all())) if e.action == "request_documents"),
        None,
    )
    return {
        "action": action,
        "request": request_event,
        "requirements": selectors.document_requirements(case=dossier.case, eform=dossier.eform),
        "accept": ACCEPT_ATTRIBUTE,
    }


@login_required
@require_POST
def dossier_supplement(request: HttpRequest, code: str) -> HttpResponse:
    """Answer a request for more documents: new files and a note, then back to the agency."""
    dossier = _own_or_404(request, code)
    context = _supplement_context(request, dossier)
    if context is None:
        messages.error(request, _("Hồ sơ này hiện không cần bổ sung."))
        return redirect("portal:dossier-detail", code=code)
    fields = {r.field for r in context["requirements"]}
    files = {name: request.FILES.getlist(name) for name in request.FILES if name in fields}
    try:
        actions.dossier_action_execute(
            dossier=dossier,
            actor=_user(request),
            request=actions.ActionRequest(
                action=context["action"].code,
                comment=request.POST.get("comment", ""),
                documents=files,
            ),
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        return _detail_page(request, _own_or_404(request, code), supplement_errors=errors)
    except (actions.ActionNotAllowed, actions.ActionForbidden) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Đã gửi hồ sơ bổ sung. Cơ quan sẽ tiếp tục xử lý hồ sơ của bạn.")
        )
    return redirect("portal:dossier-detail", code=code)


@login_required
@require_http_methods(["GET"])
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _detail_page(request, _own_or_404(request, code))


@login_required
@require_POST
def dossier_rate(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own_or_404(request, code)
    level = request.POST.get("level", "")
    comment = request.POST.get("comment", "")
    try:
        feedback_services.rating_submit(
            dossier=dossier, applicant=_user(request), level=level, comment=comment
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        if set(errors) <= {"level", "comment"}:  # shown beside the fields, as typed
            return _detail_page(
                request,
                dossier,
                rating_post={"level": level, "comment": comment},
                rating_errors=errors,
            )
        for message in exc.messages:
            messages.error(request, message)
    return redirect(reverse("portal:dossier-detail", args=[code]) + "#danh-gia")


@login_required
@require_POST
def dossier_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own_or_404(request, code)
    try:
        services.dossier_withdraw(
            dossier=dossier, applicant=_user(request), reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã rút hồ sơ %(code)s.") % {"code": dossier.code})
    return redirect("portal:dossier-detail", code=code)


@login_required
@require_http_methods(["GET"])
def document_download(request: HttpRequest, dossier_pk: int, pk: int) -> FileResponse:
    try:
        document = selectors.document_get_for_applicant(
            applicant=_user(request), dossier_pk=dossier_pk, pk=pk
        )
    except DossierDocument.DoesNotExist:
        raise Http404(_("Không có tệp này.")) from None
    try:
        stream = default_storage.open(str(document.file.name), "rb")
    except FileNotFoundError:
        logger.error("Dossier file missing from storage: %s", document.file.name)
        raise Http404(
            _("Tệp không còn trên máy chủ; vui lòng liên hệ cơ quan tiếp nhận.")
        ) from None
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=document.original_name,
        content_type=CONTENT_TYPES.get(document.kind, "application/octet-stream"),  # type: ignore[call-overload]
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET"])
def dossier_form(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """Send a form the agency issued on the applicant's own dossier (01-04) as a PDF."""
    raw_event = request.GET.get("event", "")
    if raw_event and not (raw_event.isdigit() and len(raw_event) <= 18):
        raise Http404(_("Không có giấy tờ này."))
    try:
        filename, pdf = form_selectors.dossier_form_for_applicant(
            applicant=_user(request),
            code=code,
            number=number,
            event_id=int(raw_event) if raw_event else None,
        )
    except Dossier.DoesNotExist:
        raise Http404(_("Không có giấy tờ này.")) from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET"])
def dossier_lookup(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("ma", "").strip().upper()
    context: dict[str, Any] = {"code": code, "result": None, "not_found": False}
    status = 200
    if code:
        if rate_limited(request, scope="lookup", limit=LOOKUP_LIMIT_PER_MINUTE, window=60):
            context["rate_limited"] = True
            status = 429
        elif len(code) > 60:
            context["not_found"] = True
            status = 404
        else:
            try:
                context["result"] = selectors.dossier_public_status(code=code)
            except Dossier.DoesNotExist:
                context["not_found"] = True
                status = 404
    return render(request, "portal/dossier_lookup.html", context, status=status)
