"""What the leg panel of a dossier's page shows: the legs and the actions open to the user."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from dichvucong.accounts.models import User
from dichvucong.dossiers.actions import available_actions
from dichvucong.dossiers.models import Dossier
from dichvucong.organizations.models import Agency
from dichvucong.workflows.models import Effect, WorkflowAction

from . import selectors
from .forms import LEG_EFFECTS, LegActionForm
from .models import Leg


def leg_form_for(
    *,
    dossier: Dossier,
    action: WorkflowAction,
    data: Any = None,
    files: Any = None,
    legs: list[Leg] | None = None,
) -> LegActionForm:
    """Return the form of one leg action, with the agencies it may name.

    `legs` are the dossier's legs in the order sent, when the caller has them already.
    """
    targets: list[Agency] = []
    agencies = None
    if action.effect in {Effect.SEND_TO_AGENCY, Effect.REQUEST_OPINION}:
        if legs is None:
            legs = selectors.open_legs(dossier=dossier)
        sender, _ = selectors.leg_sender(dossier=dossier, legs=legs)
        if action.effect == Effect.SEND_TO_AGENCY:
            targets = [
                t.agency
                for t in selectors.participant_targets(
                    procedure_id=dossier.procedure_id, sender=sender
                )
            ]
        else:
            agencies = Agency.objects.valid_on().exclude(pk=sender.pk).order_by("kind", "code")
    return LegActionForm(
        data, files, effect=action.effect, code=action.code, targets=targets, agencies=agencies
    )


@dataclass
class LegPanel:
    legs: list[Leg]
    forms: list[tuple[WorkflowAction, LegActionForm]]
    now: Any


def leg_panel(
    *, dossier: Dossier, user: User, actions: Sequence[WorkflowAction] | None = None
) -> LegPanel:
    """Return the dossier's legs and the leg actions `user` may take on it now.

    `actions` are the actions open to the user on the dossier, when the page has them.
    """
    legs = selectors.dossier_legs(dossier=dossier)
    if actions is None:
        actions = available_actions(dossier=dossier, user=user)
    leg_actions = sorted(
        (a for a in actions if a.effect in LEG_EFFECTS),
        key=lambda a: LEG_EFFECTS.index(Effect(a.effect)),
    )
    forms = [(a, leg_form_for(dossier=dossier, action=a, legs=legs)) for a in leg_actions]
    # A procedure without declared participants has nowhere to send the dossier to.
    forms = [(a, f) for a, f in forms if a.effect != Effect.SEND_TO_AGENCY or f.targets]
    return LegPanel(legs=legs, forms=forms, now=timezone.now())
