"""Who may open a back-office page: officers who have passed the second factor."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from dichvucong.accounts.selectors import is_officer

View = Callable[..., HttpResponse]


def is_verified(request: HttpRequest) -> bool:
    """Return whether the request's user is signed in and has passed the second factor."""
    user = request.user
    check = getattr(user, "is_verified", None)
    return bool(user.is_authenticated and check is not None and check())


def forbidden(request: HttpRequest) -> HttpResponse:
    """Answer a signed-in, verified user who holds no role here (403)."""
    return render(request, "backoffice/forbidden.html", status=403)


def officer_required(view: View) -> View:
    """Let only verified officers through.

    Anonymous and unverified users (password given, code not yet, or signed in on the
    citizen portal) go to the back-office sign-in with `next`; a verified user without
    any membership gets the 403 page.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_verified(request):
            return redirect_to_login(request.get_full_path(), reverse("backoffice:login"))
        if not is_officer(user=request.user):
            return forbidden(request)
        return view(request, *args, **kwargs)

    return wrapped
