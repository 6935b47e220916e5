"""POST /api/v1/verify/: the signatures of an uploaded PDF, as the public page shows them."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dichvucong.core.api.views import PublicAPIMixin
from dichvucong.core.ratelimit import AddressRateThrottle

from ..verification import pdf_verify
from .serializers import VerificationReportSerializer, VerifyUploadSerializer


@extend_schema(
    tags=["verify"],
    request={"multipart/form-data": VerifyUploadSerializer},
    responses={
        200: VerificationReportSerializer,
        400: OpenApiResponse(description="No file, a file that is not a PDF, or too large."),
        429: OpenApiResponse(description="Too many verifications from this address."),
    },
)
class VerifyView(PublicAPIMixin, APIView):
    """Verify the digital signatures of a PDF: status (valid, altered, untrusted, broken,
    unsigned, invalid_pdf) and, for each signature, who signed, when, and whether the
    document was changed afterwards. Anyone may call it; nothing is stored."""

    parser_classes = (MultiPartParser,)
    throttle_classes = (AddressRateThrottle,)
    throttle_scope = "verify"

    def post(self, request: Request) -> Response:
        serializer = VerifyUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = pdf_verify(pdf=serializer.validated_data["pdf"])
        return Response(VerificationReportSerializer(report).data)
