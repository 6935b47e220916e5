"""Which workflow a dossier follows, and what can be done from where it is."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import Q

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


def actions_from(*, state_id: int) -> list[WorkflowAction]:
    """Return the actions that leave a state, in the workflow's order."""
    return list(
        WorkflowAction.objects.filter(from_state_id=state_id)
        .select_related("to_state")
        .order_by("position", "pk")
    )
