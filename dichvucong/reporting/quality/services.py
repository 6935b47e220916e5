"""Writes of the service quality app: index sets and their indicators."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from dichvucong.core.cache import public_data_changed

from .models import IndexSet, Indicator


@dataclass(frozen=True)
class IndicatorSpec:
    group: str
    code: str
    name: str
    measures: str
    computation: str
    max_points: Decimal


@transaction.atomic
def index_set_upsert(
    *,
    code: str,
    name: str,
    description: str = "",
    indicators: Sequence[IndicatorSpec],
    activate: bool = False,
) -> tuple[IndexSet, bool]:
    """Create or update the set `code` with exactly `indicators`; return it and whether it changed.

    Indicators are matched by code: a changed one is updated, a missing one deleted.
    """
    index_set = IndexSet.objects.select_for_update().filter(code=code).first()
    changed = False
    if index_set is None:
        index_set = IndexSet(code=code)
        changed = True
    if (index_set.name, index_set.description) != (name, description):
        index_set.name, index_set.description = name, description
        changed = True
    if changed:
        index_set.full_clean(exclude=["is_active"])
        index_set.save()
    existing = {i.code: i for i in index_set.indicators.all()}
    for position, spec in enumerate(indicators, start=1):
        indicator = existing.pop(spec.code, None) or Indicator(index_set=index_set, code=spec.code)
        values = {
            "group": spec.group,
            "name": spec.name,
            "measures": spec.measures,
            "computation": spec.computation,
            "max_points": spec.max_points,
            "position": position,
        }
        if indicator.pk is None or any(getattr(indicator, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(indicator, key, value)
            indicator.full_clean()
            indicator.save()
            changed = True
    for leftover in existing.values():
        leftover.delete()
        changed = True
    if activate and not index_set.is_active:
        index_set_activate(index_set=index_set)
        changed = True
    if changed:
        public_data_changed()
    return index_set, changed


@transaction.atomic
def index_set_activate(*, index_set: IndexSet) -> IndexSet:
    """Make `index_set` the one the public pages use (and no other)."""
    IndexSet.objects.filter(is_active=True).exclude(pk=index_set.pk).update(is_active=False)
    if not index_set.is_active:
        index_set.is_active = True
        index_set.save(update_fields=["is_active"])
    public_data_changed()
    return index_set
