"""Shapes of the rating API's request and answer."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..models import COMMENT_MAX_LENGTH, Rating, RatingLevel


class RatingCreateSerializer(serializers.Serializer[Any]):
    level = serializers.ChoiceField(
        choices=RatingLevel.choices,
        help_text="Overall satisfaction (Circular 32/2017 Art. 12).",
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=COMMENT_MAX_LENGTH,
        default="",
        help_text="Optional remarks for the agency.",
    )


class RatingSerializer(serializers.ModelSerializer[Rating]):
    dossier = serializers.CharField(source="dossier.code")
    level_display = serializers.CharField(source="get_level_display")

    class Meta:
        model = Rating
        fields = ["dossier", "level", "level_display", "comment", "created_at"]
        read_only_fields = fields
