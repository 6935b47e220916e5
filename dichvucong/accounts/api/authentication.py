"""API token authentication: Django REST framework's, with its read compiled once."""

from __future__ import annotations

from typing import Any

from rest_framework import authentication
from rest_framework.authtoken.models import Token

from dichvucong.core.queries import CompiledQuery

# Every token-authenticated request reads its token and user: compiled once (core.queries).
_TOKEN: CompiledQuery[Token] = CompiledQuery(
    lambda key: Token.objects.select_related("user").filter(key=key)
)


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, checked as Django REST framework checks it."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        token = _TOKEN.first(key=key)
        if token is None or not token.user.is_active:
            # Refused: REST framework's own check says why, in its words.
            return super().authenticate_credentials(key)
        return (token.user, token)
