"""The synchronisation page (/national-sync/): what has not reached the national portal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dichvucong.backoffice.access import forbidden, is_verified
from dichvucong.dossiers.models import Dossier

from . import selectors, services


def _viewer(request: HttpRequest) -> selectors.SyncViewer | HttpResponse:
    if not is_verified(request):
        return redirect_to_login(request.get_full_path(), reverse("backoffice:login"))
    try:
        return selectors.sync_viewer(user=request.user)  # type: ignore[arg-type]
    except selectors.SyncPageForbidden:
        return forbidden(request)


def status_page(request: HttpRequest) -> HttpResponse:
    """List the counts, the dossiers not yet synchronised and the refused entries."""
    viewer = _viewer(request)
    if isinstance(viewer, HttpResponse):
        return viewer
    return render(
        request,
        "national_sync/status.html",
        {
            "overview": selectors.sync_overview(viewer=viewer),
            "may_retry": viewer.may_retry(),
            "enabled": services.sync_enabled(),
        },
    )


@require_POST
def retry(request: HttpRequest) -> HttpResponse:
    """Send one dossier (`code`) or every dossier the user may retry again, now."""
    viewer = _viewer(request)
    if isinstance(viewer, HttpResponse):
        return viewer
    if not viewer.may_retry():
        return forbidden(request)
    code = request.POST.get("code", "").strip()
    if code:
        try:
            dossier = selectors.dossier_for_retry(viewer=viewer, code=code)
        except Dossier.DoesNotExist:
            return forbidden(request)
        ids = [dossier.pk]
    else:
        ids = list(selectors.retry_scope(viewer=viewer).values_list("dossier_id", flat=True)[:500])
    report = services.dossiers_sync_retry(dossier_ids=ids)
    if report.failed:
        messages.error(
            request,
            _("Đã gửi %(sent)s mục; %(failed)s hồ sơ vẫn lỗi: %(error)s")
            % {"sent": report.sent, "failed": report.failed, "error": report.errors[0]},
        )
    else:
        messages.success(
            request,
            _("Đã gửi %(sent)s mục của %(dossiers)s hồ sơ lên Cổng quốc gia.")
            % {"sent": report.sent, "dossiers": report.dossiers},
        )
    return redirect("national_sync:status")
