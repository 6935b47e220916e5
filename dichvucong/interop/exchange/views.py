"""The machine endpoint of the exchange API: `POST /exchange/v1/messages/`.

The request body is one compact JWS (`Content-Type: application/jose`); the answer is
JSON: `{"status": "acknowledged", "message_id", "acknowledgement": <JWS>}` or
`{"error": <code>, "detail", "message_id"}` (see docs/exchange.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import jws, services


class JoseParser(BaseParser):
    """Read a compact JWS body, refusing more than EXCHANGE_MAX_MESSAGE_BYTES."""

    media_type = jws.CONTENT_TYPE

    def parse(  # type: ignore[override]
        self, stream: Any, media_type: str | None = None, parser_context: Any = None
    ) -> str:
        if stream is None:
            return ""
        limit = int(settings.EXCHANGE_MAX_MESSAGE_BYTES)
        data = stream.read(limit + 1)
        if len(data) > limit:
            raise TooLarge
        return data.decode("ascii", errors="replace")


class TooLarge(Exception):
    pass


_ack = inline_serializer(
    "ExchangeAcknowledgement",
    {
        "status": serializers.CharField(),
        "message_id": serializers.UUIDField(),
        "replay": serializers.BooleanField(required=False),
        "acknowledgement": serializers.CharField(help_text="JWS signed by the recipient agency"),
    },
)
_error = inline_serializer(
    "ExchangeError",
    {
        "error": serializers.ChoiceField(choices=sorted(services.HTTP_STATUS)),
        "detail": serializers.CharField(),
        "message_id": serializers.UUIDField(required=False),
    },
)


class MessageView(APIView):
    """Receive one signed message from a partner installation."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes = [JoseParser]
    throttle_classes: list[Any] = []

    @extend_schema(
        operation_id="exchange_message_receive",
        tags=["exchange"],
        request={jws.CONTENT_TYPE: OpenApiTypes.STR},
        responses={
            200: _ack,
            400: OpenApiResponse(_error, description="invalid or stale"),
            401: OpenApiResponse(_error, description="bad_signature"),
            403: OpenApiResponse(_error, description="unknown_partner or not_allowed"),
            409: OpenApiResponse(_error, description="replay_mismatch"),
            413: OpenApiResponse(_error, description="too large"),
            415: OpenApiResponse(_error, description="not application/jose"),
            422: OpenApiResponse(_error, description="unknown_procedure"),
            503: OpenApiResponse(_error, description="unavailable: retry later"),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        content_type = (request.content_type or "").split(";")[0].strip()
        if content_type != jws.CONTENT_TYPE:
            return Response(
                {"error": "invalid", "detail": f"Content-Type must be {jws.CONTENT_TYPE}"},
                status=415,
            )
        try:
            token = request.data
        except TooLarge:
            return Response({"error": "invalid", "detail": "message too large"}, status=413)
        reply = services.inbound_message_receive(
            token=token if isinstance(token, str) else "",
            remote_addr=request.META.get("REMOTE_ADDR"),
        )
        return Response(reply.body, status=reply.status)
