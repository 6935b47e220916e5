"""The payment API: the applicant's payments of a dossier, a new attempt, receipts."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dichvucong.dossiers.models import Dossier

from .. import selectors, services
from ..models import Payment
from ..receipt import payment_receipt
from ..views import client_ip
from .serializers import DossierPaymentsSerializer, PaymentSerializer


def _own_dossier(request: Request, code: str) -> Dossier:
    try:
        return selectors.dossier_get_for_payer(
            applicant=request.user,  # type: ignore[arg-type]
            code=code,
        )
    except Dossier.DoesNotExist:
        raise Http404(_("Không có hồ sơ này.")) from None


def _validation_error(exc: DjangoValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
    return ValidationError({"non_field_errors": exc.messages})


class DossierPaymentListView(APIView):
    """What the caller's dossier owes, and its payment attempts."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(
        tags=["payments"],
        responses={
            200: DossierPaymentsSerializer,
            401: OpenApiResponse(description="Not signed in."),
            404: OpenApiResponse(description="Not the caller's dossier."),
        },
    )
    def get(self, request: Request, code: str) -> Response:
        """Return the amount due now (with its lines), the payment requests and attempts."""
        summary = selectors.dossier_payments(dossier=_own_dossier(request, code))
        body = {
            "amount_due": summary.amount_due if summary.payable else 0,
            "due_lines": summary.due_lines if summary.payable else [],
            "requests": summary.requests,
            "payments": summary.payments,
        }
        return Response(DossierPaymentsSerializer(body, context={"request": request}).data)

    @extend_schema(
        tags=["payments"],
        request=None,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=False,
                description=(
                    "A unique value per attempt (a UUID). A retry with the same key returns "
                    "the attempt already created (header Idempotent-Replayed: true)."
                ),
            )
        ],
        responses={
            201: PaymentSerializer,
            200: OpenApiResponse(PaymentSerializer, description="A retry with the same key."),
            400: OpenApiResponse(description="Nothing is due on this dossier now."),
            401: OpenApiResponse(description="Not signed in."),
            404: OpenApiResponse(description="Not the caller's dossier."),
            409: OpenApiResponse(description="The Idempotency-Key was used for another dossier."),
        },
    )
    def post(self, request: Request, code: str) -> Response:
        """Start a payment of what the dossier owes; answer with the gateway's URL
        (`payment_url`) to send the payer to."""
        dossier = _own_dossier(request, code)
        key = request.headers.get("Idempotency-Key", "")
        existed = (
            bool(key)
            and Payment.objects.filter(
                payer=request.user,  # type: ignore[misc]
                idempotency_key=key.strip(),
            ).exists()
        )
        try:
            payment = services.payment_create(
                dossier=dossier,
                payer=request.user,  # type: ignore[arg-type]
                ip_address=client_ip(request),
                language=get_language() or "vi",
                idempotency_key=key,
            )
        except services.IdempotencyConflict:
            return Response(
                {
                    "detail": _("Khóa Idempotency-Key này đã dùng cho hồ sơ khác."),
                    "errors": {"idempotency_key": [_("Hãy dùng khóa mới cho lần thanh toán mới.")]},
                },
                status=status.HTTP_409_CONFLICT,
            )
        except DjangoValidationError as exc:
            raise _validation_error(exc) from None
        except Dossier.DoesNotExist:
            raise Http404(_("Không có hồ sơ này.")) from None
        headers = {"Idempotent-Replayed": "true"} if existed else {}
        return Response(
            PaymentSerializer(payment, context={"request": request}).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
            headers=headers,
        )


class DossierPaymentReceiptView(APIView):
    """The e-receipt (PDF) of a paid payment of the caller's dossier."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(
        tags=["payments"],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The receipt (biên lai điện tử)."
            ),
            401: OpenApiResponse(description="Not signed in."),
            404: OpenApiResponse(description="Not the caller's payment, or not paid."),
        },
    )
    def get(self, request: Request, code: str, pk: int) -> HttpResponse:
        """Return the receipt of a paid payment."""
        try:
            payment = selectors.payment_get_for_applicant(
                applicant=request.user,  # type: ignore[arg-type]
                code=code,
                pk=pk,
            )
            filename, pdf = payment_receipt(payment)
        except (Payment.DoesNotExist, LookupError):
            raise Http404(_("Không có biên lai này.")) from None
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response
