"""Reads of the national synchronisation, for the officers' pages.

Who sees what: a supervisor reads every agency's dossiers and retries nothing; an
agency administrator reads and retries their agencies' dossiers; a superuser does both
everywhere. Anyone else is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from dichvucong.accounts.models import Role, User
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.selectors import officer_scope

from .models import DossierSync, EntryState, SyncEntry

LIST_LIMIT = 50


class SyncPageForbidden(Exception):
    """The user may not see the synchronisation page."""


@dataclass(frozen=True)
class SyncViewer:
    """What a user reaches: agencies read (None: all) and agencies they may retry."""

    read_agency_ids: frozenset[int] | None
    retry_agency_ids: frozenset[int] | None = field(default_factory=frozenset)

    def reads(self) -> Q:
        if self.read_agency_ids is None:
            return Q()
        return Q(dossier__agency_id__in=sorted(self.read_agency_ids))

    def may_retry(self, dossier: Dossier | None = None) -> bool:
        if self.retry_agency_ids is None:
            return True
        if dossier is None:
            return bool(self.retry_agency_ids)
        return dossier.agency_id in self.retry_agency_ids


def sync_viewer(*, user: User) -> SyncViewer:
    """Return what the user reaches on the synchronisation page, or raise SyncPageForbidden."""
    if not (user.is_authenticated and user.is_active):
        raise SyncPageForbidden
    if user.is_superuser:
        return SyncViewer(read_agency_ids=None, retry_agency_ids=None)
    scope = officer_scope(user=user)
    admin = frozenset(a for a, roles in scope.roles_by_agency.items() if Role.AGENCY_ADMIN in roles)
    if scope.supervisor:
        return SyncViewer(read_agency_ids=None, retry_agency_ids=admin)
    if admin:
        return SyncViewer(read_agency_ids=admin, retry_agency_ids=admin)
    raise SyncPageForbidden


@dataclass(frozen=True)
class SyncOverview:
    tracked: int
    synchronised: int
    not_synchronised: int
    pending_entries: int
    failed_entries: int
    waiting: Sequence[DossierSync]
    failures: Sequence[SyncEntry]
    # The dossiers of `waiting` the viewer may send again.
    retryable: frozenset[int]


def sync_overview(*, viewer: SyncViewer) -> SyncOverview:
    """Return the counts and the dossiers not yet synchronised, oldest first."""
    syncs = DossierSync.objects.filter(viewer.reads(), reported_elsewhere=False)
    counts = syncs.aggregate(
        tracked=Count("pk"), synchronised=Count("pk", filter=Q(synchronised=True))
    )
    entries = SyncEntry.objects.filter(viewer.reads()).aggregate(
        pending=Count("pk", filter=Q(state=EntryState.PENDING)),
        failed=Count("pk", filter=Q(state=EntryState.FAILED)),
    )
    unsent = SyncEntry.objects.filter(dossier_id=OuterRef("dossier_id")).exclude(
        state=EntryState.SENT
    )
    waiting = list(
        syncs.filter(synchronised=False)
        .select_related("dossier__agency")
        .annotate(
            unsent_count=Subquery(
                unsent.order_by().values("dossier_id").annotate(n=Count("pk")).values("n")[:1]
            ),
            # The first unsent entry holds the others back: its attempts and next one.
            next_attempt_at=Subquery(unsent.order_by("pk").values("next_attempt_at")[:1]),
            attempts=Subquery(unsent.order_by("pk").values("attempts")[:1]),
            has_failed=Exists(unsent.filter(state=EntryState.FAILED)),
        )
        .order_by("dossier__submitted_at", "pk")[:LIST_LIMIT]
    )
    failures = list(
        SyncEntry.objects.filter(viewer.reads(), state=EntryState.FAILED)
        .select_related("dossier__agency")
        .order_by("-next_attempt_at", "-pk")[:LIST_LIMIT]
    )
    return SyncOverview(
        tracked=counts["tracked"],
        synchronised=counts["synchronised"],
        not_synchronised=counts["tracked"] - counts["synchronised"],
        pending_entries=entries["pending"],
        failed_entries=entries["failed"],
        waiting=waiting,
        failures=failures,
        retryable=frozenset(row.dossier_id for row in waiting if viewer.may_retry(row.dossier)),
    )


def dossier_for_retry(*, viewer: SyncViewer, code: str) -> Dossier:
    """Return the dossier the viewer may retry, or raise Dossier.DoesNotExist."""
    dossier = Dossier.objects.filter(code=code).first()
    if dossier is None or not viewer.may_retry(dossier):
        raise Dossier.DoesNotExist
    return dossier


def dossier_sync_state(*, dossier: Dossier) -> DossierSync | None:
    """Return the dossier's synchronisation row (None when never seen)."""
    return DossierSync.objects.filter(dossier_id=dossier.pk).first()


def retry_scope(*, viewer: SyncViewer) -> QuerySet[DossierSync]:
    """Return the dossiers not yet synchronised that the viewer may retry."""
    rows = DossierSync.objects.filter(synchronised=False)
    if viewer.retry_agency_ids is not None:
        rows = rows.filter(dossier__agency_id__in=sorted(viewer.retry_agency_ids))
    return rows.order_by("dossier_id")
