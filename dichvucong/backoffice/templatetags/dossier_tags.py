"""What the back-office dossier pages and the home page show of dossiers and officers."""

from __future__ import annotations

from typing import Any

from django import template

from dichvucong.accounts.selectors import officer_display_name

from ..access import is_verified

register = template.Library()


@register.filter
def officer_name(user: Any) -> str:
    """Return an officer's name, family name first, as in Vietnamese."""
    return officer_display_name(user=user) if user is not None else ""


@register.simple_tag(takes_context=True)
def inbox_counts(context: dict[str, Any]) -> Any:
    """Return the signed-in officer's inbox counts (waiting, due soon, overdue)."""
    from ..dossier_views import inbox_counts as counts

    request = context.get("request")
    if request is None or not is_verified(request):
        return None
    return counts(user=request.user)
