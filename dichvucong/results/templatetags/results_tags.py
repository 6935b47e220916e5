"""The results sections of the portal's and the back office's dossier pages.

Each page includes one template of this app, which calls the tag here: the tag reads
the dossier's result and postal delivery (the page's view has already checked that the
user may see the dossier) and renders the section.
"""

from __future__ import annotations

from typing import Any

from django import template

from dichvucong.accounts.models import Membership, Role
from dichvucong.accounts.selectors import is_officer

from .. import selectors
from ..forms import PostalRequestForm, PostalUpdateForm
from ..models import DeliveryStatus
from ..services import POSTAL_OPEN_STATUSES, POSTAL_TRANSITIONS

register = template.Library()


@register.inclusion_tag("results/_portal_section.html", takes_context=True)
def portal_result_section(context: template.Context) -> dict[str, Any]:
    """The applicant's result (download) and delivery by post on their dossier page."""
    dossier = context["dossier"]
    user = context["request"].user
    delivery = selectors.delivery_for_dossier(dossier=dossier)
    can_request = dossier.status in POSTAL_OPEN_STATUSES and (
        delivery is None or delivery.status in (DeliveryStatus.REQUESTED, DeliveryStatus.CANCELLED)
    )
    form = None
    if can_request:
        profile = getattr(user, "profile", None)
        if delivery is not None and delivery.status == DeliveryStatus.REQUESTED:
            initial = {
                "recipient_name": delivery.recipient_name,
                "phone": delivery.phone,
                "address": delivery.address,
            }
        else:
            initial = {
                "recipient_name": dossier.applicant_name or (profile.full_name if profile else ""),
                "phone": dossier.applicant_phone or (profile.phone if profile else ""),
                "address": dossier.applicant_address or (profile.address if profile else ""),
            }
        form = PostalRequestForm(initial=initial)
    return {
        "dossier": dossier,
        "result": selectors.result_for_dossier(dossier=dossier),
        "delivery": delivery,
        "delivery_active": delivery is not None and delivery.status != DeliveryStatus.CANCELLED,
        "form": form,
        "fee": selectors.postal_fee(procedure_id=dossier.procedure_id),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("results/_backoffice_section.html", takes_context=True)
def backoffice_result_section(context: template.Context) -> dict[str, Any]:
    """The officer's view of the dossier's result and delivery by post."""
    dossier = context["dossier"]
    user = context["request"].user
    acting = (
        is_officer(user=user)
        and Membership.objects.filter(user=user, agency_id=dossier.agency_id)
        .exclude(role=Role.SUPERVISOR)
        .exists()
    )
    delivery = selectors.delivery_for_dossier(dossier=dossier)
    update_form = None
    if acting and delivery is not None and POSTAL_TRANSITIONS.get(delivery.status):
        allowed = POSTAL_TRANSITIONS[delivery.status]
        update_form = PostalUpdateForm(initial={"tracking_number": delivery.tracking_number})
        update_form.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, label)
            for value, label in update_form.fields["status"].choices  # type: ignore[attr-defined]
            if value in allowed
        ]
    return {
        "dossier": dossier,
        "result": selectors.result_for_dossier(dossier=dossier),
        "delivery": delivery,
        "acting": acting,
        "update_form": update_form,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def vnd(value: int | None) -> str:
    """Write an amount in đồng with dots between thousands: 30000 -> "30.000"."""
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", ".")
