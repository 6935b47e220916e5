"""The Django admin (/quan-tri/) behind the officers' two-step sign-in.

The admin's own login page asks for a password only, so it is replaced: the admin lets in
only staff whose session has passed the second factor (TOTP), and sends everybody else to
the back-office sign-in, which asks for both. Installed as the default admin site through
`dichvucong.backoffice.admin_apps.OfficerAdminConfig` in INSTALLED_APPS (in place of
"django.contrib.admin"), so every `admin.register` and `admin.site` keeps working.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .access import forbidden, is_verified
from .signin import safe_next


class OfficerAdminSite(admin.AdminSite):
    """The admin site, open only to staff verified by their second factor."""

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and is_verified(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """Send the user to the back-office sign-in (password and code), then back here."""
        next_url = safe_next(request, request.GET.get("next")) or reverse("admin:index")
        if self.has_permission(request):
            return redirect(next_url)
        if is_verified(request):
            return forbidden(request)
        response: HttpResponse = redirect_to_login(next_url, reverse("backoffice:login"))
        return response
