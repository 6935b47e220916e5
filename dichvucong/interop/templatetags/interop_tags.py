"""The leg panel on a back-office dossier's page, and the test that hides leg actions
from the generic action list (they need their own inputs)."""

from __future__ import annotations

from typing import Any

from django import template

from dichvucong.accounts.models import User
from dichvucong.dossiers.models import Dossier

from ..forms import LEG_EFFECTS
from ..panel import leg_panel
from ..selectors import is_leg_reader

register = template.Library()


@register.inclusion_tag("interop/_leg_panel.html", takes_context=True)
def interop_leg_panel(context: Any, dossier: Dossier) -> dict[str, Any]:
    """Render the dossier's inter-agency legs and the leg actions open to the user."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {"panel": None}
    # The page's action forms carry the actions open to the user: no second reading.
    forms = context.get("action_forms")
    actions = [form.action for form in forms] if forms is not None else None
    panel = leg_panel(dossier=dossier, user=user, actions=actions)
    return {"panel": panel, "dossier": dossier, "request": request}


@register.filter
def is_leg_action(action: Any) -> bool:
    """Whether a workflow action is one the leg panel offers."""
    return getattr(action, "effect", "") in LEG_EFFECTS


@register.filter
def has_leg_action(forms: Any) -> bool:
    """Whether one of the page's action forms is for an action the leg panel offers."""
    return any(is_leg_action(getattr(form, "action", None)) for form in forms or ())


@register.simple_tag(takes_context=True)
def interop_leg_reader(context: Any, dossier: Dossier) -> bool:
    """Whether the page's user reads the dossier because it was sent to their agency."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return isinstance(user, User) and is_leg_reader(dossier=dossier, user=user)
