"""Template context for the page header: the signed-in user's unread count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .selectors import notification_unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    """Return `notifications_unread` for a signed-in user (one COUNT query), else nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": notification_unread_count(user=user)}
