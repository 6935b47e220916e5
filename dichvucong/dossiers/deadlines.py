"""The deadline check: mark overdue dossiers and remind the officers who must act.

Celery beat runs `tasks.dossier_deadlines_check` every `DOSSIER_REMINDER_MINUTES`
(15 by default); `manage.py dossier_deadlines_check` runs it once, for installations
driven by cron. A dossier is *running* while its status is neither finished (done,
denied, cancelled, unresolved) nor waiting: the clock is stopped while the applicant
completes the dossier (Decree 61/2018 Art. 19(4)).

Each run:

1. marks `overdue_at` on every running dossier past its due date, in one UPDATE;
2. tells the officers who must act on a dossier marked overdue and not yet told so
   (event `dossier_overdue`);
3. reminds them of each running dossier due within one working day of office time and
   not reminded since it entered its current step (event `dossier_due_soon`).

The officers who must act are those holding one of the step's roles at the dossier's
agency, or only its assignee in a step reserved to the assignee, as in their inbox.
Each notification's key names the dossier, the moment it entered its step and the
officer, and `reminded_at` records the reminder, so a second run, or two runs at
once, send nothing twice. Every read goes through the index (agency, state, due_at);
the dossiers found are handled in batches of BATCH_SIZE, each in its own short
transaction, in a fixed number of queries per batch.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from dichvucong.accounts.models import Membership, Role, User
from dichvucong.core import workdays
from dichvucong.notifications.services import Message, notify_many
from dichvucong.organizations.models import Agency
from dichvucong.workflows.models import WorkflowState

from .models import Dossier, DossierStatus
from .services import dossier_backoffice_url, local_display, person_name

logger = logging.getLogger(__name__)

BATCH_SIZE = 500

# The clock does not run in these statuses: no deadline to watch.
STOPPED = (
    DossierStatus.DONE,
    DossierStatus.DENIED,
    DossierStatus.CANCELLED,
    DossierStatus.UNRESOLVED,
    DossierStatus.WAITING,
    DossierStatus.DRAFT,
)
# The roles that act on dossiers (a supervisor only reads).
_ACTING_ROLES = frozenset(Role.values) - {Role.SUPERVISOR}

DUE_SOON_EVENT = "dossier_due_soon"
OVERDUE_EVENT = "dossier_overdue"
_KEY_PREFIX = {DUE_SOON_EVENT: "dossier-due-soon", OVERDUE_EVENT: "dossier-overdue"}


@dataclass(frozen=True)
class DeadlineReport:
    """What one run did."""

    marked_overdue: int  # dossiers found past their due date in this run
    due_soon_reminders: int  # notifications to officers: due within one working day
    overdue_reminders: int  # notifications to officers: newly overdue

    @property
    def reminders_sent(self) -> int:
        return self.due_soon_reminders + self.overdue_reminders


def reminder_key(*, event: str, dossier: Dossier, user: User) -> str:
    """Return the key of one reminder: one per officer, dossier and stay in a step."""
    entered = dossier.state_entered_at
    stamp = entered.astimezone(dt.UTC).isoformat() if entered is not None else "-"
    return f"{_KEY_PREFIX[event]}:{dossier.pk}:{stamp}:{user.pk}"


def dossier_deadlines_check(*, now: dt.datetime | None = None) -> DeadlineReport:
    """Mark the overdue dossiers and remind their officers; return the counts.

    Idempotent: a second run at the same moment marks and sends nothing. Not one
    transaction: the marking and every batch of reminders commit on their own, so a
    long run holds no lock for long, and a failure loses only its own batch, which
    the next run finds again.
    """
    now = now or timezone.now()
    if timezone.is_naive(now):
        raise ValueError("now must be a timezone-aware datetime.")
    states = {
        state.pk: state for state in WorkflowState.objects.exclude(status__in=STOPPED).order_by()
    }
    running = _running(states=states)

    with transaction.atomic():
        marked = running.filter(due_at__lt=now, overdue_at__isnull=True).update(overdue_at=now)

    overdue = running.filter(due_at__lt=now, overdue_at__isnull=False).filter(
        Q(reminded_at__isnull=True) | Q(reminded_at__lt=F("overdue_at"))
    )
    overdue_sent = _remind(dossiers=overdue, event=OVERDUE_EVENT, states=states, now=now)

    horizon = workdays.working_time_add(now, workdays.working_day_seconds())
    due_soon = running.filter(due_at__gte=now, due_at__lte=horizon).filter(
        Q(reminded_at__isnull=True) | Q(reminded_at__lt=F("state_entered_at"))
    )
    due_soon_sent = _remind(dossiers=due_soon, event=DUE_SOON_EVENT, states=states, now=now)

    report = DeadlineReport(
        marked_overdue=marked, due_soon_reminders=due_soon_sent, overdue_reminders=overdue_sent
    )
    logger.info(
        "Deadline check: %s marked overdue, %s due-soon and %s overdue reminders sent",
        report.marked_overdue,
        report.due_soon_reminders,
        report.overdue_reminders,
    )
    return report


def _running(*, states: dict[int, WorkflowState]) -> QuerySet[Dossier]:
    """Return the running dossiers, filtered so the (agency, state, due_at) index serves.

    The index leads with the agency: naming every agency (a few hundred in a province)
    and every running step lets the database descend the index once per pair and read
    only the due dates asked for, instead of scanning the table.
    """
    agency_ids = sorted(Agency.objects.order_by().values_list("pk", flat=True))
    return Dossier.objects.filter(agency_id__in=agency_ids, state_id__in=sorted(states)).exclude(
        status__in=STOPPED
    )


def _chunks(ids: Sequence[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _remind(
    *, dossiers: QuerySet[Dossier], event: str, states: dict[int, WorkflowState], now: dt.datetime
) -> int:
    """Notify the officers of `dossiers`, a batch at a time; return the notifications sent."""
    ids = sorted(dossiers.values_list("pk", flat=True))
    sent = 0
    for chunk in _chunks(ids, BATCH_SIZE):
        with transaction.atomic():
            # The conditions are checked again under the lock; a dossier another run
            # holds is left to that run.
            batch = list(
                dossiers.filter(pk__in=chunk)
                .select_related("version", "agency")
                .select_for_update(of=("self",), skip_locked=True)
                .order_by("pk")
            )
            if not batch:
                continue
            recipients = _recipients(batch=batch, states=states)
            messages = [
                _message(event=event, dossier=dossier, user=user, state=states[dossier.state_id])
                for dossier in batch
                if dossier.state_id is not None
                for user in recipients.get(dossier.pk, [])
            ]
            sent += len(notify_many(messages=messages))
            Dossier.objects.filter(pk__in=[d.pk for d in batch]).update(reminded_at=now)
    return sent


def _recipients(
    *, batch: Sequence[Dossier], states: dict[int, WorkflowState]
) -> dict[int, list[User]]:
    """Return, per dossier, the active officers who must act on it in its step (one query)."""
    roles = {
        role
        for dossier in batch
        if dossier.state_id is not None
        for role in states[dossier.state_id].roles
        if role in _ACTING_ROLES
    }
    if not roles:
        return {}
    officers: dict[tuple[int, str], list[User]] = {}
    memberships = (
        Membership.objects.filter(
            agency_id__in={d.agency_id for d in batch}, role__in=sorted(roles), user__is_active=True
        )
        .select_related("user")
        .order_by("user_id", "role")
    )
    for membership in memberships:
        officers.setdefault((membership.agency_id, membership.role), []).append(membership.user)
    result: dict[int, list[User]] = {}
    for dossier in batch:
        if dossier.state_id is None:
            continue
        state = states[dossier.state_id]
        users: dict[int, User] = {}
        for role in state.roles:
            for user in officers.get((dossier.agency_id, role), []):
                users.setdefault(user.pk, user)
        if state.assignee_only:
            users = {pk: user for pk, user in users.items() if pk == dossier.assignee_id}
        result[dossier.pk] = sorted(users.values(), key=lambda user: user.pk)
    return result


def _message(*, event: str, dossier: Dossier, user: User, state: WorkflowState) -> Message:
    url = dossier_backoffice_url(code=dossier.code or "")
    return Message(
        user=user,
        event=event,
        url=url,
        key=reminder_key(event=event, dossier=dossier, user=user),
        context={
            "code": dossier.code or "",
            "procedure_name": dossier.version.name,
            "agency_name": dossier.agency.name,
            "applicant_name": dossier.applicant_name,
            "state_name": state.name,
            "due_at": local_display(dossier.due_at),
            "officer_name": person_name(user),
            "url": url,
        },
    )
