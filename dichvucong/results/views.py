"""Pages of electronic results: the applicant's download and delivery by post, the
officer's download, retry and postal tracking, and the public verification page."""

from __future__ import annotations

import hashlib
import logging
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dichvucong.accounts.models import User
from dichvucong.backoffice.access import officer_required
from dichvucong.core.ratelimit import rate_limited
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.selectors import dossier_get_for_applicant, dossier_get_for_officer

from . import selectors, services
from .forms import PostalRequestForm, PostalUpdateForm, VerifyUploadForm
from .models import IssuedResult, PostalDelivery

logger = logging.getLogger(__name__)
VERIFY_LIMIT_PER_MINUTE = 20


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def signed_pdf_response(result: IssuedResult) -> HttpResponse:
    """Send the signed PDF of an issued result as an attachment."""
    try:
        with default_storage.open(str(result.file.name), "rb") as stream:
            content = stream.read()
    except FileNotFoundError:
        logger.error("Signed result missing from storage: %s", result.file.name)
        raise Http404(_("Tệp kết quả không còn trên máy chủ; vui lòng liên hệ cơ quan.")) from None
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The applicant ---------------------------------------------------------------------


def _own_dossier(request: HttpRequest, code: str) -> Dossier:
    try:
        return dossier_get_for_applicant(applicant=_user(request), code=code)
    except Dossier.DoesNotExist:
        raise Http404(_("Không có hồ sơ này.")) from None


def _back(code: str) -> HttpResponse:
    return redirect(reverse("portal:dossier-detail", args=[code]) + "#ket-qua")


@login_required
@require_GET
def result_download(request: HttpRequest, code: str) -> HttpResponse:
    """Send the signed result of the applicant's own dossier; 404 until it is issued."""
    try:
        result = selectors.issued_result_for_applicant(applicant=_user(request), code=code)
    except IssuedResult.DoesNotExist:
        raise Http404(_("Hồ sơ này chưa có kết quả điện tử.")) from None
    return signed_pdf_response(result)


@login_required
@require_POST
def postal_request(request: HttpRequest, code: str) -> HttpResponse:
    """Ask for the paper result by post (or change the address before it is sent)."""
    dossier = _own_dossier(request, code)
    form = PostalRequestForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(code)
    try:
        services.postal_delivery_request(
            dossier=dossier, applicant=_user(request), **form.cleaned_data
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Đã đăng ký nhận kết quả qua bưu chính."))
    return _back(code)


@login_required
@require_POST
def postal_cancel(request: HttpRequest, code: str) -> HttpResponse:
    """Withdraw a request for delivery by post not yet sent."""
    dossier = _own_dossier(request, code)
    try:
        services.postal_delivery_cancel(dossier=dossier, applicant=_user(request))
    except PostalDelivery.DoesNotExist:
        raise Http404(_("Hồ sơ chưa đăng ký nhận kết quả qua bưu chính.")) from None
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Đã hủy đăng ký nhận kết quả qua bưu chính."))
    return _back(code)


# --- Officers --------------------------------------------------------------------------


def _officer_dossier(request: HttpRequest, code: str) -> Dossier:
    try:
        return dossier_get_for_officer(user=_user(request), code=code)
    except Dossier.DoesNotExist:
        raise Http404(_("Không có hồ sơ này.")) from None


def _officer_back(code: str) -> HttpResponse:
    return redirect(reverse("backoffice:dossier", args=[code]) + "#ket-qua")


@officer_required
@require_GET
def officer_result_download(request: HttpRequest, code: str) -> HttpResponse:
    """Send the signed result of a dossier of the officer's agencies."""
    try:
        result = selectors.issued_result_for_officer(user=_user(request), code=code)
    except IssuedResult.DoesNotExist:
        raise Http404(_("Hồ sơ này chưa có kết quả điện tử.")) from None
    if not result.file:
        raise Http404(_("Kết quả chưa được ký và phát hành."))
    return signed_pdf_response(result)


@officer_required
@require_POST
def officer_result_retry(request: HttpRequest, code: str) -> HttpResponse:
    """Issue again a result whose signing failed."""
    try:
        result = selectors.issued_result_for_officer(user=_user(request), code=code)
    except IssuedResult.DoesNotExist:
        raise Http404(_("Hồ sơ này chưa có kết quả điện tử.")) from None
    try:
        result = services.issued_result_retry(result=result, officer=_user(request))
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        result.refresh_from_db()
        if result.status == "issued":
            messages.success(request, _("Đã ký số và phát hành kết quả."))
        elif result.status == "failed":
            messages.error(
                request, _("Phát hành lại vẫn lỗi: %(error)s") % {"error": result.last_error}
            )
        else:
            messages.success(request, _("Đã xếp lịch phát hành lại kết quả."))
    return _officer_back(code)


@officer_required
@require_POST
def officer_postal_update(request: HttpRequest, code: str) -> HttpResponse:
    """Record the post's progress of the paper result (tracking number, status)."""
    dossier = _officer_dossier(request, code)
    delivery = selectors.delivery_for_dossier(dossier=dossier)
    if delivery is None:
        raise Http404(_("Hồ sơ chưa đăng ký nhận kết quả qua bưu chính."))
    form = PostalUpdateForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _officer_back(code)
    try:
        services.postal_delivery_update(
            delivery=delivery, officer=_user(request), **form.cleaned_data
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Đã cập nhật việc gửi kết quả qua bưu chính."))
    return _officer_back(code)


# --- Public verification ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def verify_result(request: HttpRequest, uuid: Any) -> HttpResponse:
    """Say which agency issued which result, when; check an uploaded copy against it."""
    try:
        result = selectors.issued_result_public(uuid=uuid)
    except IssuedResult.DoesNotExist:
        raise Http404(_("Không có kết quả điện tử nào mang mã này.")) from None
    context: dict[str, Any] = {"result": result, "form": VerifyUploadForm(), "checked": False}
    status = 200
    if request.method == "POST":
        if rate_limited(request, scope="verify", limit=VERIFY_LIMIT_PER_MINUTE, window=60):
            context["rate_limited"] = True
            return render(request, "results/verify.html", context, status=429)
        form = VerifyUploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            from dichvucong.documents.verification import pdf_verify

            data: bytes = form.cleaned_data["pdf"]
            context["checked"] = True
            context["identical"] = hashlib.sha256(data).hexdigest() == result.sha256
            context["uploaded_sha256"] = hashlib.sha256(data).hexdigest()
            context["report"] = pdf_verify(pdf=data)
        else:
            status = 400
    return render(request, "results/verify.html", context, status=status)
