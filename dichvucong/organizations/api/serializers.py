from __future__ import annotations

from rest_framework import serializers

from ..models import AdministrativeUnit, Agency


class AgencyRefSerializer(serializers.ModelSerializer[Agency]):
    class Meta:
        model = Agency
        fields = ["code", "name"]


class AgencySerializer(serializers.ModelSerializer[Agency]):
    administrative_unit: serializers.SlugRelatedField[AdministrativeUnit] = (
        serializers.SlugRelatedField(slug_field="code", read_only=True)
    )
    parent: serializers.SlugRelatedField[Agency] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True
    )

    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "tier",
            "administrative_unit",
            "parent",
            "address",
            "phone",
            "email",
            "website",
            "valid_from",
            "valid_to",
        ]


class AdministrativeUnitSerializer(serializers.ModelSerializer[AdministrativeUnit]):
    parent: serializers.SlugRelatedField[AdministrativeUnit] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True
    )

    class Meta:
        model = AdministrativeUnit
        fields = ["code", "name", "full_name", "kind", "tier", "parent", "valid_from", "valid_to"]
