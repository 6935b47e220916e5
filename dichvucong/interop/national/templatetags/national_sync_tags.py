"""The officer's dossier page: `{% national_sync_badge dossier %}`, synchronised or not."""

from __future__ import annotations

from typing import Any

from django import template

from dichvucong.dossiers.models import Dossier

from ..selectors import dossier_sync_state
from ..services import sync_enabled

register = template.Library()


@register.inclusion_tag("national_sync/_badge.html")
def national_sync_badge(dossier: Dossier) -> dict[str, Any]:
    """Show whether the dossier reached the national portal, and the last attempt."""
    sync = dossier_sync_state(dossier=dossier)
    return {"sync": sync, "shown": sync is not None or sync_enabled()}
