from __future__ import annotations

from rest_framework import serializers


class CredentialsSerializer(serializers.Serializer[None]):
    username = serializers.CharField(max_length=150, help_text="The account's username.")
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"}
    )


class TokenSerializer(serializers.Serializer[None]):
    token = serializers.CharField(
        read_only=True, help_text="Send it as the header `Authorization: Token <token>`."
    )
