"""Which workflow a dossier follows, and what can be done from where it is."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import F, Prefetch, Q, QuerySet

from dichvucong.catalogue.models import Procedure
from dichvucong.core.cache import public_data_generation

from .models import Workflow, WorkflowAction, WorkflowState


@dataclass(frozen=True)
class Entry:
    """The workflow a new dossier follows and the state it starts in."""

    workflow_id: int
    state: WorkflowState


_entries: dict[tuple[int, int, int], Entry] = {}
_entries_lock = threading.Lock()
_ENTRIES_MAX = 4096


def workflow_for(*, procedure_id: int, agency_id: int) -> Workflow:
    """Return the workflow for a procedure at an agency.

    The agency's own workflow for the procedure comes first, then the province's
    workflow for it, then the default one.
    """
    candidates = list(
        Workflow.objects.filter(
            Q(procedures=procedure_id, agency=agency_id)
            | Q(procedures=procedure_id, agency__isnull=True)
            | Q(is_default=True)
        ).distinct()
    )

    def rank(workflow: Workflow) -> tuple[int, int]:
        if workflow.agency_id == agency_id:
            return (0, workflow.pk)
        return (2 if workflow.is_default else 1, workflow.pk)

    chosen = sorted(candidates, key=rank)
    if not chosen:
        raise Workflow.DoesNotExist("No default workflow: load one (manage.py migrate).")
    return chosen[0]


def workflow_entry(*, procedure_id: int, agency_id: int) -> Entry:
    """Return the workflow and initial state for a new dossier, cached per process.

    Importing a workflow changes the public data generation, which empties this cache.
    """
    key = (public_data_generation(), procedure_id, agency_id)
    with _entries_lock:
        hit = _entries.get(key)
    if hit is not None:
        return hit
    workflow = workflow_for(procedure_id=procedure_id, agency_id=agency_id)
    state = WorkflowState.objects.get(workflow=workflow, is_initial=True)
    entry = Entry(workflow_id=workflow.pk, state=state)
    with _entries_lock:
        if len(_entries) >= _ENTRIES_MAX or any(k[0] != key[0] for k in _entries):
            _entries.clear()
        _entries[key] = entry
    return entry


def _at_agency(agency_id: int) -> QuerySet[Workflow]:
    received = (
        Procedure.objects.filter(current_version__agencies=agency_id)
        .select_related("current_version")
        .order_by("code")
    )
    return (
        Workflow.objects.filter(
            Q(is_default=True)
            | Q(agency_id=agency_id)
            | Q(agency__isnull=True, procedures__current_version__agencies=agency_id)
        )
        .distinct()
        .select_related("agency")
        .prefetch_related(Prefetch("procedures", queryset=received, to_attr="bound"))
        .order_by("-is_default", F("agency_id").asc(nulls_first=True), "code")
    )


def workflows_at_agency(*, agency_id: int) -> list[Workflow]:
    """Return the workflows that apply at an agency, the default first, its own last.

    They are the default workflow, the province's workflows bound to a procedure the agency
    receives, and the agency's own. Each carries `bound`: its procedures that the agency
    receives (with their current version), in code order.
    """
    return list(_at_agency(agency_id))


@dataclass(frozen=True)
class WorkflowDetail:
    """A workflow as an agency administrator reads it: its states and actions in order."""

    workflow: Workflow
    states: list[WorkflowState]
    actions: list[WorkflowAction]

    @property
    def editable(self) -> bool:
        """Whether the agency may import a new version of it (its own workflows only)."""
        return self.workflow.agency_id is not None


def workflow_get_at_agency(*, agency_id: int, pk: int) -> WorkflowDetail:
    """Return a workflow that applies at the agency, with its states and actions.

    Raise Workflow.DoesNotExist for a workflow that does not apply there (another agency's,
    or a provincial one bound to none of its procedures).
    """
    workflow = _at_agency(agency_id).get(pk=pk)
    return WorkflowDetail(
        workflow=workflow,
        states=list(workflow.states.order_by("position", "pk")),
        actions=list(
            workflow.actions.select_related("from_state", "to_state").order_by("position", "pk")
        ),
    )
