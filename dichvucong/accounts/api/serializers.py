from __future__ import annotations

from rest_framework import serializers


class CredentialsSerializer(serializers.Serializer[None]):
    username = serializers.CharField(max_length=150, help_text="The account's username.")
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"}
    )
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text=(
            "Officers and staff only: the 6-digit code their authenticator app (TOTP) "
            "shows now. Citizens and businesses leave it out."
        ),
    )


class TokenSerializer(serializers.Serializer[None]):
    token = serializers.CharField(
        read_only=True, help_text="Send it as the header `Authorization: Token <token>`."
    )
