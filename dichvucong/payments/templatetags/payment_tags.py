"""Dossier pages' payment sections: `{% dossier_payments_portal dossier %}` for the
applicant and `{% dossier_payments_officer dossier %}` for the agency's officers."""

from __future__ import annotations

from typing import Any

from django import template

from dichvucong.dossiers.models import Dossier

from ..receipt import vnd
from ..selectors import dossier_payments

register = template.Library()


@register.filter
def dong(amount: Any) -> str:
    """Return an amount of đồng with dots between thousands."""
    try:
        return vnd(int(amount))
    except (TypeError, ValueError):
        return ""


@register.inclusion_tag("payments/_portal_payments.html", takes_context=True)
def dossier_payments_portal(context: Any, dossier: Dossier) -> dict[str, Any]:
    """The applicant's view: what is due with the pay button, attempts and receipts."""
    return {
        "dossier": dossier,
        "summary": dossier_payments(dossier=dossier),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("payments/_officer_payments.html")
def dossier_payments_officer(dossier: Dossier) -> dict[str, Any]:
    """The officer's view: the payment requests and the attempts, with receipts."""
    return {"dossier": dossier, "summary": dossier_payments(dossier=dossier)}
