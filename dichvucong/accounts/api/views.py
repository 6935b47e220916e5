"""API tokens: obtain one with a username and password, revoke one's own."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .. import otp, services
from ..models import User
from ..selectors import requires_second_factor
from .authentication import TokenAuthentication
from .serializers import CredentialsSerializer, TokenSerializer

# The project's error shape (core/api/schema.py adds it to the components).
ERROR = {"$ref": "#/components/schemas/Error"}


class InvalidCredentials(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản chưa kích hoạt.")
    default_code = "invalid_credentials"


class InvalidOtp(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("Mã xác thực không đúng hoặc đã hết hạn.")
    default_code = "invalid_otp"


class OtpThrottled(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _(
        "Đã tạm dừng xác thực vì mã bị nhập sai nhiều lần liên tiếp, vui lòng thử lại sau."
    )
    default_code = "otp_throttled"


class LockedOut(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _(
        "Đăng nhập sai quá nhiều lần: tài khoản tạm khóa từ địa chỉ này, vui lòng thử lại sau."
    )
    default_code = "locked_out"


class AuthTokenView(APIView):
    """Obtain (POST) or revoke (DELETE) the caller's API token."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(
        tags=["auth"],
        summary="Obtain an API token",
        description=(
            "Exchange a username and password for the account's token (the same token on "
            "every call until it is revoked). Accounts whose email address is not verified "
            "yet get none. After 5 wrong passwords for a username from one address, that "
            "pair is locked for 15 minutes (429). Officers and staff also send `otp`, the "
            "current code of their authenticator app: without it, or with a wrong one, no "
            "token (400); each wrong code delays the next try (429 meanwhile)."
        ),
        request=CredentialsSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                response=ERROR,
                description=(
                    "A field is missing, the credentials are refused, or an officer's "
                    "code is missing or wrong."
                ),
            ),
            429: OpenApiResponse(
                response=ERROR,
                description=(
                    "Locked out after repeated failures, throttled, or an officer's wrong "
                    "codes wait their delay."
                ),
            ),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = CredentialsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = cast(dict[str, Any], serializer.validated_data)
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None:
            if getattr(request, "axes_locked_out", False):
                raise LockedOut
            raise InvalidCredentials
        if requires_second_factor(user=user):
            self._check_second_factor(user=user, code=data.get("otp", ""))
        token = services.auth_token_issue(user=user)
        return Response({"token": token.key})

    @staticmethod
    def _check_second_factor(*, user: User, code: str) -> None:
        """Refuse an officer's request whose authenticator code is missing or wrong."""
        if not code.strip():
            raise ValidationError(
                {
                    "otp": [
                        _("Tài khoản cán bộ phải nhập mã xác thực 6 chữ số của ứng dụng xác thực.")
                    ]
                }
            )
        check = otp.totp_token_verify(user=user, token=code)
        if check.throttled_until is not None:
            raise OtpThrottled
        if not check.accepted:
            raise InvalidOtp

    @extend_schema(
        tags=["auth"],
        summary="Revoke one's own API token",
        description="Delete the caller's token; a new POST issues a new one.",
        request=None,
        responses={204: OpenApiResponse(description="The token is deleted.")},
    )
    def delete(self, request: Request) -> Response:
        services.auth_token_revoke(user=cast(User, request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)
