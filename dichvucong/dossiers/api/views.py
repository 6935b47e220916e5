"""The dossier API: e-form description, submission, the applicant's dossiers, lookup."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dichvucong.catalogue.models import Procedure, ProcedureCase
from dichvucong.core.api.views import PublicAPIMixin
from dichvucong.core.ratelimit import AddressRateThrottle
from dichvucong.eforms.selectors import eform_for_case

from .. import selectors, services
from ..models import DocumentKind, Dossier
from .serializers import (
    DossierCreatedSerializer,
    DossierCreateSerializer,
    DossierDetailSerializer,
    DossierListSerializer,
    EFormSerializer,
    LookupSerializer,
    WithdrawSerializer,
)


def _validation_error(exc: DjangoValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
    return ValidationError({"non_field_errors": exc.messages})


@extend_schema(
    tags=["dossiers"],
    parameters=[
        OpenApiParameter("case", int, description="Case position; the first case when omitted.")
    ],
    responses=EFormSerializer,
)
class EFormView(PublicAPIMixin, APIView):
    """Describe how to submit a dossier online: the e-form, an example, the documents."""

    def get(self, request: Request, code: str) -> Response:
        try:
            procedure = selectors.online_procedure_get(code=code)
        except Procedure.DoesNotExist:
            raise Http404 from None
        raw_case = request.query_params.get("case")
        try:
            position = int(raw_case) if raw_case not in (None, "") else None
        except ValueError:
            raise ValidationError({"case": [_("Phải là một số nguyên.")]}) from None
        version = procedure.current_version
        if version is None:  # online_procedure_get only returns published ones
            raise Http404
        try:
            case = selectors.case_for_version(version=version, position=position)
        except ProcedureCase.DoesNotExist:
            raise Http404 from None
        eform = eform_for_case(procedure=procedure, case_name=case.name)
        if eform is None:
            raise Http404
        data = {
            "procedure": procedure.code,
            "case": {"position": case.position, "name": case.name},
            "title": eform.title,
            "schema": eform.schema,
            "layout": eform.layout,
            "example": eform.example,
            "documents": selectors.document_requirements(case=case, eform=eform),
            "agencies": selectors.receiving_agencies(version=version),
            "allowed_types": [k.value for k in DocumentKind],
            "max_file_bytes": settings.DOSSIER_MAX_FILE_BYTES,
            "max_total_bytes": settings.DOSSIER_MAX_TOTAL_BYTES,
        }
        return Response(EFormSerializer(data).data)


class DossierListCreateView(generics.GenericAPIView[Dossier]):
    """The caller's own dossiers; submit a new one."""

    permission_classes = (IsAuthenticated,)
    parser_classes = (MultiPartParser, FormParser)
    serializer_class = DossierListSerializer

    def get_queryset(self) -> QuerySet[Dossier]:
        return selectors.dossier_list_for_applicant(
            applicant=self.request.user  # type: ignore[arg-type]
        ).exclude(code__isnull=True)

    @extend_schema(tags=["dossiers"], responses=DossierListSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(DossierListSerializer(page, many=True).data)

    @extend_schema(
        tags=["dossiers"],
        request={"multipart/form-data": DossierCreateSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description=(
                    "A unique value per dossier (a UUID). A retry with the same key and "
                    "content returns the dossier already created (header "
                    "Idempotent-Replayed: true); the same key with other content is a 409."
                ),
            )
        ],
        responses={
            201: DossierCreatedSerializer,
            401: OpenApiResponse(description="Not signed in."),
            409: OpenApiResponse(description="The Idempotency-Key was used for another request."),
        },
        examples=[
            OpenApiExample(
                "Submission",
                request_only=True,
                value={
                    "procedure": "1.001776.000.00.00.H10",
                    "form_data": '{"ho_ten": "Nguyễn Văn An"}',
                    "document_1": "(file)",
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = DossierCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        try:
            procedure = Procedure.objects.select_related("current_version").get(
                code=values["procedure"]
            )
        except Procedure.DoesNotExist:
            raise ValidationError({"procedure": [_("Không có thủ tục mã này.")]}) from None
        files = {name: request.FILES.getlist(name) for name in request.FILES}
        try:
            result = services.dossier_submit(
                applicant=request.user,  # type: ignore[arg-type]
                procedure=procedure,
                form_data=values["form_data"],
                files=files,
                idempotency_key=request.headers.get("Idempotency-Key", ""),
                case_position=values.get("case"),
                agency_code=values.get("agency", ""),
            )
        except DjangoValidationError as exc:
            raise _validation_error(exc) from None
        except services.IdempotencyConflict:
            return Response(
                {
                    "detail": _("Khóa Idempotency-Key này đã dùng cho một yêu cầu nộp khác."),
                    "errors": {"idempotency_key": [_("Hãy dùng khóa mới cho hồ sơ mới.")]},
                },
                status=status.HTTP_409_CONFLICT,
            )
        dossier = result.dossier
        headers = {"Location": request.build_absolute_uri(f"{dossier.code}/")}
        if result.replayed:
            headers["Idempotent-Replayed"] = "true"
        # Built by hand from what the submission wrote (no query); the schema is
        # DossierCreatedSerializer's, and a test checks the two agree.
        body = {
            "code": dossier.code,
            "status": dossier.status,
            "status_display": dossier.get_status_display(),
            "procedure": dossier.procedure.code,
            "procedure_name": dossier.version.name,
            "agency": dossier.agency.code,
            "agency_name": dossier.agency.name,
            "channel": dossier.channel,
            "submitted_at": _datetime(dossier.submitted_at),
            "due_at": _datetime(dossier.due_at),
            "form_data": dossier.form_data,
            "documents": [
                {
                    "id": document.pk,
                    "field": selectors.document_field(document.required_document),
                    "document_name": document.required_document.name,
                    "original_name": document.original_name,
                    "kind": document.kind,
                    "size": document.size,
                    "sha256": document.sha256,
                }
                for document in result.documents
            ],
        }
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)


# Stateless (the time zone is read at each call): one instance for every answer.
_DATETIME_FIELD = serializers.DateTimeField()


def _datetime(value: datetime | None) -> str | None:
    return _DATETIME_FIELD.to_representation(value) if value else None


def _own_dossier(request: Request, code: str) -> Dossier:
    try:
        return selectors.dossier_get_for_applicant(
            applicant=request.user,  # type: ignore[arg-type]
            code=code,
        )
    except Dossier.DoesNotExist:
        raise Http404 from None


@extend_schema(tags=["dossiers"], responses=DossierDetailSerializer)
class DossierDetailView(APIView):
    """One of the caller's dossiers, with its documents and history."""

    permission_classes = (IsAuthenticated,)

    def get(self, request: Request, code: str) -> Response:
        return Response(DossierDetailSerializer(_own_dossier(request, code)).data)


@extend_schema(tags=["dossiers"], request=WithdrawSerializer, responses=DossierDetailSerializer)
class DossierWithdrawView(APIView):
    """Withdraw one of the caller's dossiers while the agency has not accepted it."""

    permission_classes = (IsAuthenticated,)

    def post(self, request: Request, code: str) -> Response:
        dossier = _own_dossier(request, code)
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.dossier_withdraw(
                dossier=dossier,
                applicant=request.user,  # type: ignore[arg-type]
                reason=serializer.validated_data.get("reason", ""),
            )
        except DjangoValidationError as exc:
            raise _validation_error(exc) from None
        return Response(DossierDetailSerializer(_own_dossier(request, code)).data)


@extend_schema(tags=["dossiers"], responses=LookupSerializer)
class LookupView(PublicAPIMixin, APIView):
    """The public status of a dossier, by its code: no personal data (Circular 01/2018 Art. 16)."""

    throttle_classes = (AddressRateThrottle,)
    throttle_scope = "lookup"

    def get(self, request: Request, code: str) -> Response:
        try:
            public = selectors.dossier_public_status(code=code)
        except Dossier.DoesNotExist:
            raise Http404 from None
        return Response(lookup_payload(public))


# The lookup is the portal's hottest read: its answer is written by hand instead of by
# LookupSerializer, which documents it (a test checks the two agree), to save building
# the serializer's fields on every request.
_TIME = serializers.DateTimeField(allow_null=True)


def lookup_payload(public: selectors.PublicStatus) -> dict[str, Any]:
    """Return LookupSerializer(public).data, written out."""
    return {
        "code": public.code,
        "status": public.status,
        "status_display": public.status_display,
        "procedure": public.procedure_code,
        "procedure_name": public.procedure_name,
        "agency": public.agency_code,
        "agency_name": public.agency_name,
        "submitted_at": None
        if public.submitted_at is None
        else _TIME.to_representation(public.submitted_at),
        "due_at": None if public.due_at is None else _TIME.to_representation(public.due_at),
    }
