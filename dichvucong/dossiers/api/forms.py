"""The Circular 01/2018 forms of a dossier as downloads, for officers and applicants.

Officers get Forms 01-05 of their agencies' dossiers and the register (Form 06) of an
agency; an applicant gets Forms 01-04 of their own dossiers. Anything else is a 404,
as if it did not exist. Downloads are attachments, never cached by shared caches.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dichvucong.accounts.models import User
from dichvucong.catalogue.models import ProcedureVersion
from dichvucong.core.api.pagination import PageNumberPagination
from dichvucong.documents import selectors as forms
from dichvucong.documents.dossier_forms import FormRef

from ..models import Dossier
from .backoffice import IsVerifiedOfficer
from .views import _datetime

PDF = "application/pdf"


class FormRefSerializer(serializers.Serializer[FormRef]):
    number = serializers.IntegerField(help_text="Form number in Circular 01/2018 (1-5).")
    event = serializers.IntegerField(
        source="event_id", allow_null=True, help_text="The event the form comes from."
    )
    title = serializers.CharField()
    filename = serializers.CharField()
    issued_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField(help_text="Where to download the PDF.")

    def get_url(self, obj: FormRef) -> str:
        path = reverse(self.context["url_name"], args=[self.context["code"], obj.number])
        if obj.repeatable and obj.event_id is not None:
            path += f"?event={obj.event_id}"
        request: Request = self.context["request"]
        return request.build_absolute_uri(path)


class IgnoreFormatNegotiation(DefaultContentNegotiation):
    """Answer errors in JSON, whatever `?format=` or Accept ask for.

    The downloads are built by hand; only errors go through a renderer. `format` is
    the register's own parameter (pdf or xlsx), not DRF's format override.
    """

    def select_renderer(
        self, request: Request, renderers: Any, format_suffix: str | None = None
    ) -> tuple[Any, str]:
        renderer = renderers[0]
        return renderer, renderer.media_type


def _attachment(filename: str, content: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _event_id(request: Request) -> int | None:
    raw = request.query_params.get("event", "")
    if raw == "":
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ValidationError({"event": [_("Phải là một số nguyên.")]})
    return int(raw)


def _user(request: Request) -> User:
    user = request.user
    if not isinstance(user, User):  # the permission classes let only users through
        raise Http404
    return user


def _list(request: Request, refs: list[FormRef], *, code: str, url_name: str) -> Response:
    context = {"request": request, "code": code, "url_name": url_name}
    return Response(FormRefSerializer(refs, many=True, context=context).data)  # type: ignore[arg-type]


EVENT_PARAMETER = OpenApiParameter(
    "event",
    int,
    description="The event of the form (02, 04), when the dossier has several; default: latest.",
)
PDF_RESPONSES = {
    (200, PDF): OpenApiResponse(OpenApiTypes.BINARY, description="The form as a PDF."),
    404: OpenApiResponse(description="No such dossier for the caller, or no such form."),
}


@extend_schema(tags=["backoffice"], responses=FormRefSerializer(many=True))
class OfficerFormListView(APIView):
    """The forms of a dossier of the officer's agencies (01-05), with download links."""

    permission_classes = (IsVerifiedOfficer,)

    def get(self, request: Request, code: str) -> Response:
        try:
            refs = forms.forms_list_for_officer(user=_user(request), code=code)
        except Dossier.DoesNotExist:
            raise Http404 from None
        return _list(request, refs, code=code, url_name="api:backoffice-dossier-form")


@extend_schema(tags=["backoffice"], parameters=[EVENT_PARAMETER], responses=PDF_RESPONSES)
class OfficerFormView(APIView):
    """Download a form (01-05) of a dossier of the officer's agencies as a PDF."""

    permission_classes = (IsVerifiedOfficer,)
    content_negotiation_class = IgnoreFormatNegotiation

    def get(self, request: Request, code: str, number: int) -> HttpResponse:
        try:
            filename, pdf = forms.dossier_form_for_officer(
                user=_user(request), code=code, number=number, event_id=_event_id(request)
            )
        except Dossier.DoesNotExist:
            raise Http404 from None
        return _attachment(filename, pdf, PDF)


REGISTER_VALUES = (
    "register_number",
    "code",
    "version_id",
    "copies",
    "applicant_name",
    "applicant_address",
    "applicant_phone",
    "accepted_at",
    "due_at",
    "result_at",
    "handed_back_at",
    "status",
    "timeliness",
)


class RegisterRowSerializer(serializers.Serializer[Any]):
    """One line of the register (Form 06), as the JSON listing gives it."""

    number = serializers.IntegerField()
    code = serializers.CharField()
    procedure_name = serializers.CharField()
    copies = serializers.IntegerField()
    applicant_name = serializers.CharField()
    applicant_address = serializers.CharField()
    applicant_phone = serializers.CharField()
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    result_at = serializers.DateTimeField(allow_null=True)
    handed_back_at = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField()
    timeliness = serializers.CharField()


class RegisterPageSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = RegisterRowSerializer(many=True)


def register_row(values: dict[str, Any], version_names: dict[int, str]) -> dict[str, Any]:
    """Return a register line from its values (written by hand: a register is long)."""
    return {
        "number": values["register_number"],
        "code": values["code"],
        "procedure_name": version_names.get(values["version_id"], ""),
        "copies": values["copies"],
        "applicant_name": values["applicant_name"],
        "applicant_address": values["applicant_address"],
        "applicant_phone": values["applicant_phone"],
        "received_at": _datetime(values["accepted_at"]),
        "due_at": _datetime(values["due_at"]),
        "result_at": _datetime(values["result_at"]),
        "handed_back_at": _datetime(values["handed_back_at"]),
        "status": values["status"],
        "timeliness": values["timeliness"],
    }


@extend_schema(
    tags=["backoffice"],
    parameters=[
        OpenApiParameter("agency", str, required=True, description="Agency code"),
        OpenApiParameter("year", int, required=True, description="Register year, e.g. 2026"),
        OpenApiParameter(
            "format",
            str,
            enum=["pdf", "xlsx", "json"],
            description="Default: pdf. json: the register's rows, paginated (page, page_size).",
        ),
        OpenApiParameter(
            "month", int, description="1-12: that month's dossiers only (a large agency's PDF)"
        ),
        OpenApiParameter("page", int, description="json only"),
    ],
    responses={
        (200, PDF): OpenApiResponse(OpenApiTypes.BINARY, description="Form 06 as a PDF."),
        (200, forms.XLSX_CONTENT_TYPE): OpenApiResponse(
            OpenApiTypes.BINARY, description="Form 06 as an Excel workbook."
        ),
        (200, "application/json"): RegisterPageSerializer,
        400: OpenApiResponse(
            description="A parameter is missing or wrong, or the PDF would be too long."
        ),
        404: OpenApiResponse(description="No such agency among the officer's agencies."),
    },
)
class OfficerRegisterView(APIView):
    """An agency's dossier register (Form 06) for a year: PDF, Excel, or its rows as JSON."""

    permission_classes = (IsVerifiedOfficer,)
    content_negotiation_class = IgnoreFormatNegotiation

    def _listing(
        self, request: Request, *, agency_code: str, year: int, month: int | None
    ) -> Response:
        try:
            rows = forms.register_rows_for_officer(
                user=_user(request), agency_code=agency_code, year=year, month=month
            )
        except Dossier.DoesNotExist:
            raise Http404 from None
        paginator = PageNumberPagination()
        # No join in the listing, so that its count reads the register's index alone (a
        # join to the procedure versions made it visit every row of the agency's year);
        # the page's procedure names come after, by id.
        page = paginator.paginate_queryset(rows.values(*REGISTER_VALUES), request, view=self)
        values = list(page or [])
        versions = ProcedureVersion.objects.filter(pk__in={v["version_id"] for v in values})
        names = dict(versions.order_by().values_list("pk", "name"))  # no join for the order
        return paginator.get_paginated_response([register_row(v, names) for v in values])

    def get(self, request: Request) -> HttpResponse:
        params = request.query_params
        agency = params.get("agency", "").strip()
        raw_year = params.get("year", "")
        kind = params.get("format", "pdf")
        errors: dict[str, list[str]] = {}
        if not agency or len(agency) > 35:
            errors["agency"] = [_("Vui lòng nhập mã cơ quan.")]
        if not (raw_year.isdigit() and len(raw_year) == 4 and 2000 <= int(raw_year) <= 2100):
            errors["year"] = [_("Năm phải có 4 chữ số, từ 2000 đến 2100.")]
        if kind not in ("pdf", "xlsx", "json"):
            errors["format"] = [_("Định dạng phải là pdf, xlsx hoặc json.")]
        raw_month = params.get("month", "")
        if raw_month and not (raw_month.isdigit() and 1 <= int(raw_month) <= 12):
            errors["month"] = [_("Tháng phải từ 1 đến 12.")]
        if errors:
            raise ValidationError(errors)
        month = int(raw_month) if raw_month else None
        if kind == "json":
            return self._listing(request, agency_code=agency, year=int(raw_year), month=month)
        if kind == "xlsx":
            build, content_type = forms.register_xlsx_for_officer, forms.XLSX_CONTENT_TYPE
        else:
            build, content_type = forms.register_pdf_for_officer, PDF
        try:
            filename, content = build(
                user=_user(request), agency_code=agency, year=int(raw_year), month=month
            )
        except Dossier.DoesNotExist:
            raise Http404 from None
        except forms.RegisterTooLarge as exc:
            message = _(
                "Sổ có %(rows)d hồ sơ, quá dài cho một tệp PDF (tối đa %(max)d): hãy chọn "
                "một tháng (month) hoặc tải bản Excel."
            ) % {"rows": exc.rows, "max": forms.REGISTER_PDF_MAX_ROWS}
            raise ValidationError({"month": [message]}) from None
        return _attachment(filename, content, content_type)


@extend_schema(tags=["dossiers"], responses=FormRefSerializer(many=True))
class ApplicantFormListView(APIView):
    """The forms the agency issued on one of the caller's dossiers (01-04)."""

    permission_classes = (IsAuthenticated,)

    def get(self, request: Request, code: str) -> Response:
        try:
            refs = forms.forms_list_for_applicant(applicant=_user(request), code=code)
        except Dossier.DoesNotExist:
            raise Http404 from None
        return _list(request, refs, code=code, url_name="api:dossier-form")


@extend_schema(tags=["dossiers"], parameters=[EVENT_PARAMETER], responses=PDF_RESPONSES)
class ApplicantFormView(APIView):
    """Download a form (01-04) the agency issued on one of the caller's dossiers."""

    permission_classes = (IsAuthenticated,)
    content_negotiation_class = IgnoreFormatNegotiation

    def get(self, request: Request, code: str, number: int) -> HttpResponse:
        try:
            filename, pdf = forms.dossier_form_for_applicant(
                applicant=_user(request), code=code, number=number, event_id=_event_id(request)
            )
        except Dossier.DoesNotExist:
            raise Http404 from None
        return _attachment(filename, pdf, PDF)
