"""Reads of dossiers. Each read that needs a permission checks it here, in the query."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from dichvucong.accounts.models import Membership, Role, User
from dichvucong.catalogue.models import Procedure, ProcedureCase, ProcedureVersion, RequiredDocument
from dichvucong.core import workdays
from dichvucong.core.cache import memoize_public
from dichvucong.core.queries import CompiledQuery, Condition
from dichvucong.core.text import fold
from dichvucong.eforms.models import EForm
from dichvucong.organizations.models import Agency
from dichvucong.workflows.models import WorkflowState

from .models import Dossier, DossierDocument, DossierEvent, DossierStatus, EventAttachment

# Words that mark a document as needed only in some situations ("nếu có").
_OPTIONAL_MARKERS = ("neu co", "truong hop", "(neu")
# Declarations and applications: the e-form is their online form, nothing to upload.
_FILLED_ONLINE_PREFIXES = ("to khai", "don de nghi", "don dang ky", "don xin", "phieu yeu cau")


@dataclass(frozen=True)
class DocumentRequirement:
    """A required document of a case, as the applicant meets it online."""

    document: RequiredDocument
    field: str
    mandatory: bool
    filled_online: bool

    @property
    def needs_upload(self) -> bool:
        return self.mandatory and not self.filled_online


def document_field(document: RequiredDocument) -> str:
    """Return the multipart field name a document's files are uploaded under."""
    return f"document_{document.position + 1}"


@dataclass(frozen=True)
class VersionFacts:
    """What submission needs to know of a published version: it never changes."""

    cases: list[ProcedureCase]
    selectable: list[ProcedureCase]
    agencies: list[Agency]
    documents: list[RequiredDocument]


# Published versions are immutable, so each process keeps their facts for a while (the
# agencies' names may be edited: hence the time limit) instead of four queries per
# submission. Keyed by id and publication time, which together never repeat.
_FACTS_SECONDS = 300
_FACTS_ENTRIES = 512
_facts: OrderedDict[tuple[int, datetime], tuple[float, VersionFacts]] = OrderedDict()
_facts_lock = threading.Lock()


def version_facts(*, version: ProcedureVersion) -> VersionFacts:
    """Return the version's cases, receiving agencies and required documents."""
    key = (version.pk, version.published_at)
    now = time.monotonic()
    with _facts_lock:
        hit = _facts.get(key)
        if hit is not None and now - hit[0] < _FACTS_SECONDS:
            _facts.move_to_end(key)
            return hit[1]
    cases: list[ProcedureCase] = list(
        version.cases.annotate(document_count=Count("documents")).order_by("position", "pk")
    )
    selectable = [c for c in cases if c.name or c.document_count]  # type: ignore[attr-defined]
    facts = VersionFacts(
        cases=cases,
        selectable=selectable or cases[:1],
        agencies=list(version.agencies.select_related("administrative_unit").order_by("code")),
        documents=list(
            RequiredDocument.objects.filter(case__version=version).order_by("position", "pk")
        ),
    )
    with _facts_lock:
        _facts[key] = (now, facts)
        _facts.move_to_end(key)
        while len(_facts) > _FACTS_ENTRIES:
            _facts.popitem(last=False)
    return facts


def document_requirements(*, case: ProcedureCase, eform: EForm | None) -> list[DocumentRequirement]:
    """Return the documents a dossier of `case` needs, with upload field and obligation.

    The documents of the version's unnamed case apply to every case; a named case adds
    its own. The national data has no "mandatory" flag: a document whose name says it
    applies only in some situations ("nếu có", "trường hợp …") is optional; a declaration
    or an application ("Tờ khai …", "Đơn đề nghị …") is what the e-form produces when the
    procedure has one, so the applicant does not upload it.
    """
    facts = version_facts(version=case.version)
    general = {c.pk for c in facts.cases if not c.name}
    requirements = []
    for document in facts.documents:
        if document.case_id != case.pk and document.case_id not in general:
            continue
        name = fold(document.name)
        mandatory = not any(marker in name for marker in _OPTIONAL_MARKERS)
        filled_online = eform is not None and name.startswith(_FILLED_ONLINE_PREFIXES)
        requirements.append(
            DocumentRequirement(
                document=document,
                field=document_field(document),
                mandatory=mandatory,
                filled_online=filled_online,
            )
        )
    return requirements


def selectable_cases(*, version: ProcedureVersion) -> list[ProcedureCase]:
    """Return the cases an applicant chooses from.

    The unnamed case is a choice when it lists documents of its own (the general case,
    named cases being variants of it); when it only carries time limits, the named cases
    are the choices. A version with only the unnamed case has that one.
    """
    return list(version_facts(version=version).selectable)


def case_for_version(*, version: ProcedureVersion, position: int | None = None) -> ProcedureCase:
    """Return the selectable case at `position`, or the first; raise DoesNotExist otherwise."""
    cases = selectable_cases(version=version)
    if position is None:
        if not cases:
            raise ProcedureCase.DoesNotExist
        return cases[0]
    for case in cases:
        if case.position == position:
            return case
    raise ProcedureCase.DoesNotExist


def receiving_agencies(*, version: ProcedureVersion) -> list[Agency]:
    """Return the agencies that receive dossiers of this procedure version."""
    return list(version_facts(version=version).agencies)


def default_agency(*, agencies: list[Agency], applicant: User) -> Agency | None:
    """Return the one agency, or the one whose area holds the applicant's address."""
    if len(agencies) == 1:
        return agencies[0]
    profile = getattr(applicant, "profile", None)
    unit = profile.administrative_unit if profile is not None else None
    ancestors = []
    while unit is not None:
        ancestors.append(unit.pk)
        unit = unit.parent
    for unit_id in ancestors:  # the closest unit first: commune, then district, province
        for agency in agencies:
            if agency.administrative_unit_id == unit_id:
                return agency
    return None


def online_procedure_get(*, code: str) -> Procedure:
    """Return a published procedure that takes online dossiers; raise DoesNotExist."""
    return Procedure.objects.select_related("current_version").get(
        code=code, online_submission_enabled=True, current_version__isnull=False
    )


def dossier_list_for_applicant(*, applicant: User) -> QuerySet[Dossier]:
    """Return the applicant's own dossiers, drafts included, newest first."""
    return (
        Dossier.objects.filter(applicant=applicant)
        .select_related("procedure", "version", "agency")
        .order_by("-created_at", "-pk")
    )


def dossier_get_for_applicant(*, applicant: User, code: str) -> Dossier:
    """Return the applicant's submitted dossier with this code; raise DoesNotExist otherwise."""
    return (
        Dossier.objects.select_related("procedure", "version", "case", "agency", "eform")
        .prefetch_related(
            Prefetch(
                "documents",
                queryset=DossierDocument.objects.select_related("required_document"),
            ),
            Prefetch("events", queryset=DossierEvent.objects.select_related("actor")),
        )
        .get(applicant=applicant, code=code)
    )


def draft_get_for_applicant(*, applicant: User, pk: int) -> Dossier:
    """Return the applicant's draft; raise DoesNotExist for anything else."""
    return (
        Dossier.objects.select_related("procedure", "version", "case", "agency", "eform")
        .prefetch_related(
            Prefetch(
                "documents", queryset=DossierDocument.objects.select_related("required_document")
            )
        )
        .get(applicant=applicant, pk=pk, status=DossierStatus.DRAFT)
    )


def document_get_for_applicant(*, applicant: User, dossier_pk: int, pk: int) -> DossierDocument:
    """Return a file of one of the applicant's dossiers; raise DoesNotExist otherwise."""
    return DossierDocument.objects.select_related("dossier").get(
        pk=pk, dossier_id=dossier_pk, dossier__applicant=applicant
    )


@dataclass(frozen=True)
class PublicStatus:
    """What anyone may learn about a dossier from its code (Circular 01/2018 Art. 16)."""

    code: str
    status: str
    status_display: str
    procedure_code: str
    procedure_name: str
    agency_code: str
    agency_name: str
    submitted_at: datetime | None
    due_at: datetime | None


# The public lookup is the hottest read of the portal (see bench/bench_dossiers.py): one
# hand-written query costs a quarter of the ORM's (1 ms against 3.7 ms per lookup).
_PUBLIC_STATUS_SQL = """
SELECT d.code, d.status, p.code, v.name, a.code, a.name, d.submitted_at, d.due_at
FROM {dossier} d
JOIN {procedure} p ON p.id = d.procedure_id
JOIN {version} v ON v.id = d.version_id
JOIN {agency} a ON a.id = d.agency_id
WHERE d.code = %s AND d.status <> %s
"""


def dossier_public_status(*, code: str) -> PublicStatus:
    """Return the public status of a submitted dossier; raise Dossier.DoesNotExist."""
    sql = _PUBLIC_STATUS_SQL.format(
        dossier=Dossier._meta.db_table,
        procedure=Procedure._meta.db_table,
        version=ProcedureVersion._meta.db_table,
        agency=Agency._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [code, DossierStatus.DRAFT.value])
        row = cursor.fetchone()
    if row is None:
        raise Dossier.DoesNotExist
    code, status, procedure_code, procedure_name, agency_code, agency_name, submitted, due = row
    return PublicStatus(
        code=code,
        status=status,
        status_display=str(DossierStatus(status).label),
        procedure_code=procedure_code,
        procedure_name=procedure_name,
        agency_code=agency_code,
        agency_name=agency_name,
        submitted_at=_aware(submitted),
        due_at=_aware(due),
    )


def _aware(value: datetime | str | None) -> datetime | None:
    """Return a stored time as an aware datetime (SQLite hands back text, in UTC)."""
    if value is None or isinstance(value, datetime):
        if isinstance(value, datetime) and timezone.is_naive(value):
            return timezone.make_aware(value, UTC)
        return value
    parsed = parse_datetime(value)
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


# ---------------------------------------------------------------------------------------
# The back office: what an officer may see, and their queue. Every read is one query
# scoped by the officer's memberships (an indexed join on agency and state), never a
# loop over rows.

# Open dossiers whose clock runs: not finished, not waiting for the applicant.
CLOCK_RUNNING_STATUSES = (
    DossierStatus.RECEIVING,
    DossierStatus.NEW,
    DossierStatus.PROCESSING,
    DossierStatus.PAYING,
    DossierStatus.RELEASING,
    DossierStatus.INTEROPERATING,
)
FINISHED_STATUSES = (
    DossierStatus.DONE,
    DossierStatus.DENIED,
    DossierStatus.CANCELLED,
    DossierStatus.UNRESOLVED,
)


# Conditions other apps add to what an officer reads, given the officer's agencies (the
# interop app: dossiers sent to those agencies on an inter-agency leg).
ReaderCondition = Callable[[list[int]], Q]

_reader_conditions: dict[str, ReaderCondition] = {}


def reader_condition_register(name: str, condition: ReaderCondition) -> None:
    """Let an app widen `OfficerScope.readable()` from its ready().

    `condition(agency_ids)` returns the condition on dossiers the officers of those
    agencies may also read, beyond the dossiers of their agencies.
    """
    _reader_conditions[name] = condition


@dataclass(frozen=True)
class OfficerScope:
    """What an officer reaches: roles per agency, or every agency for a supervisor."""

    user_id: int
    roles_by_agency: dict[int, frozenset[str]]
    supervisor: bool

    @property
    def agency_ids(self) -> set[int]:
        return {a for a, roles in self.roles_by_agency.items() if roles - {Role.SUPERVISOR}}

    def visible(self) -> Q:
        """Return the condition on dossiers the officer may read."""
        if self.supervisor:
            return _not_draft()
        return Q(agency_id__in=sorted(self.agency_ids)) & _not_draft()

    def readable(self) -> Q:
        """Return `visible()` and the dossiers other apps let the officer's agencies read.

        An agency that receives a dossier on an inter-agency leg (interop, through
        `reader_condition_register`) reads it whole; it acts only through the leg's actions.
        """
        return self.readable_condition().q()

    def readable_condition(self) -> Condition:
        """Return `readable()` as a Condition, for a query compiled once (core.queries)."""
        if self.supervisor:
            return Condition(_not_draft, {})
        return Condition(_readable_by_agencies, {"agency_ids": sorted(self.agency_ids)})


def _not_draft() -> Q:
    """Every dossier an officer may read at all: a draft is its applicant's alone."""
    return ~Q(status=DossierStatus.DRAFT)


def _readable_by_agencies(agency_ids: list[int]) -> Q:
    """The dossiers of these agencies, and those other apps let them read (none: none)."""
    condition = Q(agency_id__in=agency_ids)
    for extra in _reader_conditions.values():
        condition |= extra(agency_ids)
    return condition & _not_draft()


# Read on every officer's request: compiled once (core.queries). Unordered: the default
# order (by agency code) would join the agencies for nothing.
_MEMBERSHIPS: CompiledQuery[tuple[int, str]] = CompiledQuery(
    lambda user_id: (
        Membership.objects.filter(user_id=user_id).order_by().values_list("agency_id", "role")
    )
)


def officer_scope(*, user: User) -> OfficerScope:
    """Return the officer's scope from their memberships (one query, never cached)."""
    roles: dict[int, set[str]] = {}
    if user.is_authenticated and user.is_active:
        for agency_id, role in _MEMBERSHIPS.list(user_id=user.pk):
            roles.setdefault(agency_id, set()).add(role)
    return OfficerScope(
        user_id=user.pk or 0,
        roles_by_agency={a: frozenset(r) for a, r in roles.items()},
        supervisor=any(Role.SUPERVISOR in r for r in roles.values()),
    )


def _queue_condition(scope: OfficerScope) -> Q:
    """Return the condition on dossiers waiting for one of the officer's roles."""
    states: list[tuple[int, list[str], bool]] = memoize_public(
        "workflow-state-roles",
        None,
        lambda: list(WorkflowState.objects.values_list("pk", "roles", "assignee_only")),
    )
    condition = Q(pk__in=[])
    for agency_id in sorted(scope.agency_ids):
        roles = scope.roles_by_agency[agency_id]
        shared = [pk for pk, state_roles, only in states if not only and roles & set(state_roles)]
        mine = [pk for pk, state_roles, only in states if only and roles & set(state_roles)]
        if shared:
            condition |= Q(agency_id=agency_id, state_id__in=shared)
        if mine:
            condition |= Q(agency_id=agency_id, state_id__in=mine, assignee_id=scope.user_id)
    return condition


@dataclass(frozen=True)
class InboxFilters:
    """The officer's choices on the inbox page or the queue endpoint."""

    scope: str = "mine"  # "mine": waiting for me; "all": everything I may read
    status: str = ""
    procedure: str = ""  # procedure code
    due: str = ""  # "soon": due within one working day; "overdue"
    query: str = ""  # dossier code or applicant name, as typed
    ordering: str = ""  # "": due date for my queue, newest first for everything


# Dossiers without a due date yet (not accepted) come last either way, on both databases.
ORDERINGS: dict[str, tuple[Any, ...]] = {
    "due_at": (F("due_at").asc(nulls_last=True), "pk"),
    "-due_at": (F("due_at").desc(nulls_last=True), "-pk"),
    "submitted_at": ("submitted_at", "pk"),
    "-submitted_at": ("-submitted_at", "-pk"),
}


def default_ordering(scope: str) -> str:
    """Return the queue's order when none is chosen: what is due first, or newest first.

    An agency's whole list is read newest first (an index serves it); ordered by due
    date it would start with the oldest finished dossiers.
    """
    return "-submitted_at" if scope == "all" else "due_at"


def dossier_inbox_for_officer(
    *,
    user: User,
    filters: InboxFilters,
    now: datetime | None = None,
    scope: OfficerScope | None = None,
) -> QuerySet[Dossier]:
    """Return the dossiers the officer's inbox lists, filtered and ordered (not sliced).

    `scope` is the officer's, when the caller has read it already (else it is read here).
    """
    scope = scope if scope is not None and scope.user_id == user.pk else officer_scope(user=user)
    now = now or timezone.now()
    dossiers = Dossier.objects.filter(scope.visible())
    if filters.scope != "all":
        dossiers = dossiers.filter(_queue_condition(scope))
    if filters.status:
        dossiers = dossiers.filter(status=filters.status)
    if filters.procedure:
        dossiers = dossiers.filter(procedure__code=filters.procedure)
    if filters.due in {"soon", "overdue"}:
        # Named, not excluded: so PostgreSQL can answer from the partial index of open
        # dossiers (dossier_open_due) instead of every past-due finished one.
        dossiers = dossiers.filter(status__in=CLOCK_RUNNING_STATUSES)
        if filters.due == "overdue":
            dossiers = dossiers.filter(due_at__lt=now)
        else:
            horizon = workdays.working_time_add(now, workdays.working_day_seconds())
            dossiers = dossiers.filter(due_at__gte=now, due_at__lte=horizon)
    query = filters.query.strip()
    if query:
        dossiers = dossiers.filter(
            Q(code__iexact=query) | Q(applicant_name__icontains=query) | Q(code__startswith=query)
        )
    return (
        dossiers.select_related("procedure", "version", "agency", "state", "assignee")
        .only(*INBOX_FIELDS)
        .order_by(*ORDERINGS.get(filters.ordering, ORDERINGS[default_ordering(filters.scope)]))
    )


# What a queue row shows (the inbox page and the queue endpoint): rows stay narrow when
# thousands are sorted, instead of carrying the version's texts and whole user rows.
INBOX_FIELDS = (
    "code",
    "status",
    "channel",
    "applicant_name",
    "submitted_at",
    "accepted_at",
    "due_at",
    "state_due_at",
    "procedure__code",
    "version__name",
    "agency__code",
    "agency__name",
    "agency__short_name",
    "state__code",
    "state__name",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
)


def dossier_get_for_officer(*, user: User, code: str) -> Dossier:
    """Return a dossier the officer may read; raise Dossier.DoesNotExist otherwise.

    Another agency's dossier is as absent as one that does not exist.
    """
    scope = officer_scope(user=user)
    return (
        Dossier.objects.filter(scope.readable())
        .select_related(
            "procedure", "version", "case", "agency", "eform", "state", "assignee", "applicant"
        )
        .prefetch_related(
            Prefetch(
                "documents",
                queryset=DossierDocument.objects.select_related("required_document"),
            ),
            Prefetch(
                "events",
                queryset=DossierEvent.objects.select_related("actor").prefetch_related(
                    "attachments"
                ),
            ),
        )
        .get(code=code)
    )


def document_get_for_officer(*, user: User, code: str, pk: int) -> DossierDocument:
    """Return a file of a dossier the officer may read; raise DoesNotExist otherwise."""
    scope = officer_scope(user=user)
    visible = Dossier.objects.filter(scope.readable(), code=code)
    return DossierDocument.objects.select_related("dossier").get(pk=pk, dossier__in=visible)


def attachment_get_for_officer(*, user: User, code: str, pk: int) -> EventAttachment:
    """Return a file attached to an action on a dossier the officer may read."""
    scope = officer_scope(user=user)
    visible = Dossier.objects.filter(scope.readable(), code=code)
    return EventAttachment.objects.select_related("event").get(pk=pk, event__dossier__in=visible)


def specialists_for(*, agency_id: int) -> QuerySet[User]:
    """Return the active specialists of an agency, whom a unit head may assign."""
    return (
        User.objects.filter(
            is_active=True, memberships__agency_id=agency_id, memberships__role=Role.SPECIALIST
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def register_for_officer(*, user: User, agency_id: int, year: int) -> QuerySet[Dossier]:
    """Return an agency's register for a year (Form 06), in register order.

    Raise Dossier.DoesNotExist when the officer may not read that agency's dossiers.
    """
    scope = officer_scope(user=user)
    if not scope.supervisor and agency_id not in scope.agency_ids:
        raise Dossier.DoesNotExist
    return (
        Dossier.objects.filter(
            agency_id=agency_id, register_year=year, register_number__isnull=False
        )
        .select_related("procedure", "version", "agency")
        .order_by("register_number")
    )
