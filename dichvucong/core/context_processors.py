"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Return the portal's name and province for the page chrome."""
    return {"PORTAL_NAME": settings.PORTAL_NAME, "PROVINCE_NAME": settings.PROVINCE_NAME}
