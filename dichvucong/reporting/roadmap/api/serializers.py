from __future__ import annotations

from rest_framework import serializers

from ..models import PlanTier


class RoadmapProgressRowSerializer(serializers.Serializer[object]):
    """One target of the plan next to the services really at that level."""

    year = serializers.IntegerField()
    tier = serializers.ChoiceField(choices=PlanTier.choices)
    level = serializers.IntegerField(min_value=3, max_value=4)
    target = serializers.IntegerField(help_text="cumulative number of services planned")
    actual = serializers.IntegerField(
        allow_null=True,
        help_text=(
            "services at this level or above (computed level) at the end of the year; "
            "today for the current year; null for a future year"
        ),
    )
