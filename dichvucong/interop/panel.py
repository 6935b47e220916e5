"""What the leg panel of a dossier's page shows: the legs and the actions open to the user."""

from __future__ import annotations

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


def _sender(dossier: Dossier) -> Agency:
    holder = selectors.holder_leg(selectors.open_legs(dossier=dossier))
    return holder.to_agency if holder is not None else dossier.agency


def leg_form_for(
    *, dossier: Dossier, action: WorkflowAction, data: Any = None, files: Any = None
) -> LegActionForm:
    """Return the form of one leg action, with the agencies it may name."""
    targets: list[Agency] = []
    agencies = None
    if action.effect == Effect.SEND_TO_AGENCY:
        sender = _sender(dossier)
        targets = [
            t.agency
            for t in selectors.participant_targets(procedure_id=dossier.procedure_id, sender=sender)
        ]
    if action.effect == Effect.REQUEST_OPINION:
        agencies = (
            Agency.objects.valid_on().exclude(pk=_sender(dossier).pk).order_by("kind", "code")
        )
    return LegActionForm(
        data, files, effect=action.effect, code=action.code, targets=targets, agencies=agencies
    )


@dataclass
class LegPanel:
    legs: list[Leg]
    forms: list[tuple[WorkflowAction, LegActionForm]]
    now: Any


def leg_panel(*, dossier: Dossier, user: User) -> LegPanel:
    """Return the dossier's legs and the leg actions `user` may take on it now."""
    legs = selectors.dossier_legs(dossier=dossier)
    actions = [a for a in available_actions(dossier=dossier, user=user) if a.effect in LEG_EFFECTS]
    actions.sort(key=lambda a: LEG_EFFECTS.index(Effect(a.effect)))
    forms = [(a, leg_form_for(dossier=dossier, action=a)) for a in actions]
    # A procedure without declared participants has nowhere to send the dossier to.
    forms = [
        (a, f)
        for a, f in forms
        if a.effect != Effect.SEND_TO_AGENCY or f.fields["agency"].queryset.exists()  # type: ignore[attr-defined]
    ]
    return LegPanel(legs=legs, forms=forms, now=timezone.now())


def is_leg_reader(*, dossier: Dossier, user: User) -> bool:
    """Whether the dossier was sent on a leg to one of the user's agencies."""
    return Leg.objects.filter(
        dossier_id=dossier.pk, to_agency_id__in=selectors.user_agency_ids(user=user)
    ).exists()
