"""Reads of inter-agency legs, with the officer's access checked."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from dichvucong.accounts.models import Membership, Role, User
from dichvucong.dossiers.models import Dossier, DossierStatus
from dichvucong.organizations.models import AdministrativeUnit, Agency, AgencyKind
from dichvucong.workflows.models import LEG_AGENCY, OPINION_AGENCY

from .models import OPEN_LEG_STATES, Leg, LegKind, ProcedureParticipant


def _ancestor_unit_ids(agency: Agency) -> list[int]:
    """Return the agency's administrative unit and the units above it."""
    ids: list[int] = []
    unit: AdministrativeUnit | None = agency.administrative_unit
    while unit is not None and len(ids) < 4:
        ids.append(unit.pk)
        unit = unit.parent
    return ids


@dataclass(frozen=True)
class Target:
    """An agency a dossier may be sent to, and the declaration that allows it."""

    participant: ProcedureParticipant
    agency: Agency


def participant_targets(*, procedure_id: int, sender: Agency) -> list[Target]:
    """Return the agencies the sender may send a dossier of the procedure to, in order.

    A participant naming an agency is that agency; one naming a tier is the People's
    Committee of that tier whose area holds the sender's. The sender itself is left out.
    """
    participants = list(
        ProcedureParticipant.objects.filter(procedure_id=procedure_id)
        .select_related("agency")
        .order_by("position", "pk")
    )
    tiers = {p.tier for p in participants if p.agency_id is None}
    committees: dict[str, Agency] = {}
    if tiers:
        # The People's Committee of each tier over the sender's area (the first by code).
        for committee in (
            Agency.objects.valid_on()
            .filter(
                tier__in=tiers,
                kind=AgencyKind.PEOPLE_COMMITTEE,
                administrative_unit_id__in=_ancestor_unit_ids(sender),
            )
            .order_by("code")
        ):
            committees.setdefault(committee.tier, committee)
    targets: list[Target] = []
    for participant in participants:
        agency = participant.agency or committees.get(participant.tier)
        if agency is not None and agency.pk != sender.pk:
            targets.append(Target(participant=participant, agency=agency))
    return targets


def open_legs(*, dossier: Dossier) -> list[Leg]:
    """Return the dossier's open legs, oldest first."""
    return list(
        Leg.objects.filter(dossier_id=dossier.pk, state__in=OPEN_LEG_STATES)
        .select_related("from_agency", "to_agency")
        .order_by("sent_at", "pk")
    )


def holder_leg(legs: list[Leg]) -> Leg | None:
    """Return the open transfer leg whose target holds the dossier now (the latest)."""
    transfers = [leg for leg in legs if leg.kind == LegKind.TRANSFER and leg.is_open]
    return transfers[-1] if transfers else None


def leg_sender(*, dossier: Dossier, legs: list[Leg]) -> tuple[Agency, Leg | None]:
    """Return the agency holding the dossier now, and the leg that brought it there.

    `legs` are the dossier's legs in the order sent (open ones at least).
    """
    holder = holder_leg(legs)
    if holder is not None:
        return holder.to_agency, holder
    return dossier.agency, None


def _acting_agencies(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user_id=user.pk, user__is_active=True).exclude(
        role=Role.SUPERVISOR
    )


# The national statuses in which a leg's agency may act: a dossier being processed,
# waiting for the applicant or the fees (an opinion may be answered then), or elsewhere.
# Reception, assignment and release never need the query below.
LEG_STATUSES = frozenset(
    {
        DossierStatus.PROCESSING,
        DossierStatus.WAITING,
        DossierStatus.PAYING,
        DossierStatus.INTEROPERATING,
    }
)


def leg_roles(*, dossier: Dossier, user: User) -> set[str]:
    """Return the pseudo-roles `user` holds on `dossier` through its open legs (one query).

    `leg_agency`: an officer of the agency holding the dossier on the latest open
    transfer leg; `opinion_agency`: an officer of an agency asked for an open opinion.
    """
    if not user.is_authenticated or dossier.status not in LEG_STATUSES:
        return set()
    rows = list(
        Leg.objects.filter(dossier_id=dossier.pk, state__in=OPEN_LEG_STATES)
        .annotate(mine=Exists(_acting_agencies(user).filter(agency_id=OuterRef("to_agency_id"))))
        .order_by("sent_at", "pk")
        .values_list("kind", "mine")
    )
    roles: set[str] = set()
    transfers = [mine for kind, mine in rows if kind == LegKind.TRANSFER]
    if transfers and transfers[-1]:
        roles.add(LEG_AGENCY)
    if any(mine for kind, mine in rows if kind == LegKind.OPINION):
        roles.add(OPINION_AGENCY)
    return roles


def user_agency_ids(*, user: User) -> list[int]:
    """Return the agencies the officer acts for (supervision excluded)."""
    return sorted(set(_acting_agencies(user).values_list("agency_id", flat=True)))


def incoming_legs_for_officer(*, user: User, include_closed: bool = False) -> QuerySet[Leg]:
    """Return the legs sent to the officer's agencies (open ones unless asked), due first."""
    legs = Leg.objects.filter(to_agency_id__in=user_agency_ids(user=user))
    if not include_closed:
        legs = legs.filter(state__in=OPEN_LEG_STATES)
    return legs.select_related(
        "dossier", "dossier__procedure", "dossier__version", "from_agency", "to_agency"
    ).order_by("due_at", "sent_at", "pk")


def dossier_legs(*, dossier: Dossier) -> list[Leg]:
    """Return every leg of the dossier, in the order sent (for its page and Form 05)."""
    return list(
        Leg.objects.filter(dossier_id=dossier.pk)
        .select_related("from_agency", "to_agency", "sent_by", "returned_by", "return_event")
        .prefetch_related("return_event__attachments")
        .order_by("sent_at", "pk")
    )


def leg_reader_condition(agency_ids: list[int]) -> Q:
    """Return the condition on dossiers that were sent to one of the agencies on a leg.

    Registered with `dossiers.selectors.reader_condition_register`: officers of those
    agencies read the dossier (`OfficerScope.readable`).
    """
    return Q(pk__in=Leg.objects.filter(to_agency_id__in=agency_ids).values("dossier_id"))


def is_leg_reader(*, dossier: Dossier, user: User) -> bool:
    """Whether the dossier was sent on a leg to one of the user's agencies."""
    return Leg.objects.filter(
        dossier_id=dossier.pk, to_agency_id__in=user_agency_ids(user=user)
    ).exists()
