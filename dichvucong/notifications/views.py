"""The signed-in user's notifications: the list, and marking them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .models import Notification

PAGE_SIZE = 20


def _back_to_list(request: HttpRequest) -> HttpResponseRedirect:
    """Redirect to the page the form was posted from (`next`), if it is this site's."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect("notifications:list")


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    queryset = selectors.notification_list(user=request.user)  # type: ignore[arg-type]
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {"page": page})


@require_POST
@login_required
def notification_mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.notification_mark_read(user=request.user, notification_id=pk)  # type: ignore[arg-type]
    except Notification.DoesNotExist:
        raise Http404(_("Không có thông báo này.")) from None
    return _back_to_list(request)


@require_POST
@login_required
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notification_mark_read(user=request.user)  # type: ignore[arg-type]
    return _back_to_list(request)
