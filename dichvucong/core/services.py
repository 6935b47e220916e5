"""Service helpers shared by the domain apps."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def model_upsert(
    model: type[M], *, lookup: dict[str, Any], values: dict[str, Any]
) -> tuple[M, bool]:
    """Create the row matching `lookup` with `values`, or update the values that differ.

    The row is validated (`full_clean`) before it is written. Return it and whether
    anything was written, so a repeated load of the same data writes nothing.
    """
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        return instance, True
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        return instance, False
    for name in changed:
        setattr(instance, name, values[name])
    instance.full_clean()
    instance.save()  # the whole row: clean() may derive other fields from these
    return instance, True
