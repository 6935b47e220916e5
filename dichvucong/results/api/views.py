"""The result API: the applicant downloads the signed result of their dossier."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from dichvucong.dossiers.api.forms import IgnoreFormatNegotiation

from .. import selectors
from ..models import IssuedResult
from ..views import signed_pdf_response


@extend_schema(
    tags=["dossiers"],
    responses={
        (200, "application/pdf"): OpenApiResponse(
            OpenApiTypes.BINARY,
            description="The result as issued: a PDF signed by the agency (PAdES).",
        ),
        403: OpenApiResponse(description="Not signed in (no session or token)."),
        404: OpenApiResponse(
            description="Not the caller's dossier, or its result is not issued (yet)."
        ),
    },
)
class DossierResultView(APIView):
    """Download the signed electronic result of one of the caller's dossiers."""

    permission_classes = (IsAuthenticated,)
    content_negotiation_class = IgnoreFormatNegotiation

    def get(self, request: Request, code: str) -> HttpResponse:
        """Return the signed PDF; 404 for anyone but the applicant, and until it is issued."""
        try:
            result = selectors.issued_result_for_applicant(
                applicant=request.user,  # type: ignore[arg-type]
                code=code,
            )
        except IssuedResult.DoesNotExist:
            raise Http404(_("Hồ sơ này chưa có kết quả điện tử.")) from None
        return signed_pdf_response(result)
