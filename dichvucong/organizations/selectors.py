"""Reads of administrative units and agencies (public information)."""

from __future__ import annotations

from django.db.models import QuerySet

from dichvucong.core.cache import memoize_public

from .models import AdministrativeUnit, Agency


def agency_list(*, tier: str = "", kind: str = "") -> QuerySet[Agency]:
    """Return the province's agencies in force today, optionally of one tier or kind."""
    queryset = Agency.objects.valid_on().local().select_related("administrative_unit", "parent")
    if tier:
        queryset = queryset.filter(tier=tier)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("code")


def agency_get(*, code: str) -> Agency:
    """Return the agency with `code` (in force or not); raise Agency.DoesNotExist."""
    return Agency.objects.select_related("administrative_unit", "parent").get(code=code)


def administrative_unit_list(
    *, tier: str = "", parent_code: str = ""
) -> QuerySet[AdministrativeUnit]:
    """Return the units in force today, optionally of one tier or under one parent."""
    queryset = AdministrativeUnit.objects.valid_on().select_related("parent")
    if tier:
        queryset = queryset.filter(tier=tier)
    if parent_code:
        queryset = queryset.filter(parent__code=parent_code)
    return queryset.order_by("code")


def administrative_unit_chain(*, pk: int) -> AdministrativeUnit:
    """Return the unit with its parent and grandparent loaded; raise DoesNotExist.

    Kept in each process until the public data changes (every change to a unit goes
    through services.administrative_unit_upsert, which says so): each online submission
    walks the applicant's commune, district and province. The instance is shared: read it,
    never change it.
    """

    def load() -> AdministrativeUnit:
        return AdministrativeUnit.objects.select_related("parent__parent").get(pk=pk)

    unit: AdministrativeUnit = memoize_public("administrative-unit-chain", pk, load)
    return unit


def address_text(*, value: object) -> str:
    """Return an e-form address answer (`{"unit": "25396", "line": "..."}`) as one line.

    The street line, then the commune, district and province names; a plain string is
    returned as it is.
    """
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    parts = [str(value.get("line") or "").strip()]
    code = value.get("unit")
    unit = (
        AdministrativeUnit.objects.select_related("parent__parent").filter(code=code).first()
        if isinstance(code, str) and code
        else None
    )
    while unit is not None:
        parts.append(unit.full_name)
        unit = unit.parent
    return ", ".join(part for part in parts if part)
