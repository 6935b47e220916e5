"""Officers' pages of inter-agency processing: incoming legs and the leg actions.

The leg panel on a dossier's page (templatetags/interop_tags.py) posts here; the action
goes through the workflow engine like any other, so the row lock, the refusals (409,
403, 400), the event and the notifications are the engine's.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dichvucong.accounts.models import User
from dichvucong.backoffice.access import officer_required
from dichvucong.backoffice.dossier_views import _detail_page, _dossier_or_404
from dichvucong.dossiers.actions import (
    ActionForbidden,
    ActionNotAllowed,
    ActionRequest,
    available_actions,
    dossier_action_execute,
)

from . import selectors
from .forms import LEG_EFFECTS, LegActionForm
from .panel import leg_form_for

INCOMING_MAX = 500


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


@officer_required
@require_GET
def incoming(request: HttpRequest) -> HttpResponse:
    """List the legs sent to the officer's agencies: open ones, or all with `tat-ca`."""
    user = _user(request)
    show_all = request.GET.get("tat-ca") == "1"
    legs = list(
        selectors.incoming_legs_for_officer(user=user, include_closed=show_all)[:INCOMING_MAX]
    )
    now = timezone.now()
    context = {
        "legs": legs,
        "show_all": show_all,
        "now": now,
        "overdue": sum(1 for leg in legs if leg.is_open and leg.due_at and leg.due_at < now),
    }
    return render(request, "interop/incoming.html", context)


@officer_required
@require_POST
def leg_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """Take one inter-agency action on the dossier, then come back to its page."""
    user = _user(request)
    dossier = _dossier_or_404(user, code)
    chosen = next(
        (a for a in available_actions(dossier=dossier, user=user) if a.code == action), None
    )
    try:
        if chosen is not None and chosen.effect not in LEG_EFFECTS:
            # Open to the officer, but taken on the generic form, never from here.
            raise ActionNotAllowed(_("Thao tác này không áp dụng cho hồ sơ liên thông."))
        if chosen is None:
            # Not open to this officer here: let the engine say why (409 or 403).
            dossier_action_execute(dossier=dossier, actor=user, request=ActionRequest(action))
            raise ActionNotAllowed(_("Thao tác này không áp dụng cho hồ sơ liên thông."))
        form: LegActionForm = leg_form_for(
            dossier=dossier, action=chosen, data=request.POST, files=request.FILES
        )
        if not form.is_valid():
            return _detail_page(request, dossier, refusal=" ".join(form.messages()), status=400)
        dossier_action_execute(dossier=dossier, actor=user, request=form.action_request())
    except ValidationError as exc:
        return _detail_page(request, dossier, refusal=" ".join(exc.messages), status=400)
    except ActionNotAllowed as exc:
        return _detail_page(request, dossier, refusal=str(exc), status=409)
    except ActionForbidden as exc:
        return _detail_page(request, dossier, refusal=str(exc), status=403)
    messages.success(
        request,
        _("Đã thực hiện “%(action)s” với hồ sơ %(code)s.")
        % {"action": chosen.name, "code": dossier.code},
    )
    return redirect("backoffice:dossier", code=code)
