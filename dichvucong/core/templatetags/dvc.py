"""Template filters for Vietnamese formatting."""

from __future__ import annotations

from django import template
from django.utils.formats import get_format

register = template.Library()


@register.filter
def thousands(value: object) -> str:
    """Return an integer grouped by thousands the local way: 200.000 in Vietnamese."""
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return str(value)
    separator = get_format("THOUSAND_SEPARATOR")
    return f"{number:,}".replace(",", separator)
