"""Store workflows from their documents, and write them back out."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from dichvucong.catalogue.models import Procedure
from dichvucong.core.cache import public_data_changed
from dichvucong.organizations.models import Agency

from .definition import SAME, DefinitionError, WorkflowSpec, parse_yaml
from .models import Workflow, WorkflowAction, WorkflowState


@transaction.atomic
def workflow_import(*, spec: WorkflowSpec, agency: Agency | None = None) -> Workflow:
    """Create the workflow the document describes, or bring the stored one in line with it.

    States are matched by code so that dossiers in a state keep it; a state that the
    document drops while dossiers are in it is refused. Actions are replaced.
    """
    workflow = Workflow.objects.select_for_update().filter(code=spec.code).first()
    if workflow is not None and workflow.agency_id != (agency.pk if agency else None):
        raise DefinitionError(
            [_("Mã quy trình %(code)s đã được dùng cho cơ quan khác.") % {"code": spec.code}]
        )
    if spec.default and agency is not None:
        raise DefinitionError([_("Quy trình mặc định phải áp dụng trong toàn tỉnh.")])
    if workflow is None:
        workflow = Workflow(code=spec.code, agency=agency)
    workflow.name = spec.name
    workflow.description = spec.description
    if spec.default and not workflow.is_default:
        Workflow.objects.filter(is_default=True).update(is_default=False)
    workflow.is_default = spec.default
    workflow.full_clean(validate_unique=False)
    workflow.save()

    existing = {state.code: state for state in workflow.states.all()}
    dropped = set(existing) - {state.code for state in spec.states}
    busy = busy_states(workflow=workflow, codes=dropped) if workflow.pk else []
    if busy:
        raise DefinitionError(
            [
                _("Không thể bỏ bước %(state)s: đang có hồ sơ ở bước này.") % {"state": code}
                for code in busy
            ]
        )
    workflow.actions.all().delete()
    WorkflowState.objects.filter(pk__in=[existing[c].pk for c in dropped]).delete()

    states: dict[str, WorkflowState] = {}
    for position, state_spec in enumerate(spec.states):
        state = existing.get(state_spec.code) or WorkflowState(
            workflow=workflow, code=state_spec.code
        )
        state.name = state_spec.name
        state.status = state_spec.status
        state.is_initial = state_spec.initial
        state.roles = state_spec.roles
        state.assignee_only = state_spec.assignee_only
        state.time_limit = state_spec.time_limit
        state.time_limit_unit = state_spec.time_limit_unit
        state.position = position
        state.full_clean(validate_unique=False)
        state.save()
        states[state.code] = state
    position = 0
    for action_spec in spec.actions:
        for source in action_spec.from_states:
            target = source if action_spec.to_state == SAME else action_spec.to_state
            action = WorkflowAction(
                workflow=workflow,
                code=action_spec.code,
                name=action_spec.name,
                from_state=states[source],
                to_state=states[target],
                roles=action_spec.roles,
                effect=action_spec.effect,
                comment_required=action_spec.comment_required,
                document_required=action_spec.document_required,
                position=position,
            )
            action.full_clean(validate_unique=False)
            action.save()
            position += 1
    public_data_changed()  # new dossiers look their workflow up through the cache
    return workflow


@transaction.atomic
def workflow_procedures_set(*, workflow: Workflow, procedures: Iterable[Procedure]) -> None:
    """Bind exactly these procedures to the workflow (for dossiers submitted from now on)."""
    workflow.procedures.set(list(procedures))
    public_data_changed()


def busy_states(*, workflow: Workflow, codes: set[str]) -> list[str]:
    """Return which of the workflow's states `codes` hold dossiers, sorted."""
    if not codes:
        return []
    in_use = (
        WorkflowState.objects.filter(workflow=workflow, code__in=codes)
        .annotate(n=Count("dossiers"))
        .filter(n__gt=0)
    )
    return sorted(state.code for state in in_use)


def workflow_export(*, workflow: Workflow) -> dict[str, Any]:
    """Return the workflow as the document `workflow_import` reads."""
    states = list(workflow.states.order_by("position", "pk"))
    document: dict[str, Any] = {"code": workflow.code, "name": workflow.name}
    if workflow.description:
        document["description"] = workflow.description
    if workflow.is_default:
        document["default"] = True
    document["states"] = []
    for state in states:
        item: dict[str, Any] = {"code": state.code, "name": state.name, "status": state.status}
        if state.is_initial:
            item["initial"] = True
        if state.roles:
            item["roles"] = list(state.roles)
        if state.assignee_only:
            item["assignee_only"] = True
        if state.time_limit is not None:
            amount = state.time_limit.normalize()
            item["time_limit"] = {
                "amount": int(amount) if amount == amount.to_integral() else float(amount),
                "unit": state.time_limit_unit,
            }
        document["states"].append(item)
    # Rows sharing code, target kind and settings become one action with several sources.
    grouped: dict[tuple[Any, ...], dict[str, Any]] = {}
    for action in workflow.actions.select_related("from_state", "to_state").order_by(
        "position", "pk"
    ):
        same = action.from_state_id == action.to_state_id
        key = (
            action.code,
            action.name,
            SAME if same else action.to_state.code,
            tuple(action.roles),
            action.effect,
            action.comment_required,
            action.document_required,
        )
        if key in grouped:
            grouped[key]["from"].append(action.from_state.code)
            continue
        item = {
            "code": action.code,
            "name": action.name,
            "from": [action.from_state.code],
            "to": SAME if same else action.to_state.code,
            "roles": list(action.roles),
        }
        if action.effect != "none":
            item["effect"] = action.effect
        if action.comment_required:
            item["comment_required"] = True
        if action.document_required:
            item["document_required"] = True
        grouped[key] = item
    document["actions"] = list(grouped.values())
    return document


DEFAULT_DOCUMENT = Path(__file__).with_name("data") / "default.yaml"


def workflow_default_ensure(*, using: str = "default") -> Workflow | None:
    """Load the bundled default workflow when no default workflow exists; else do nothing.

    Every procedure needs a workflow to follow, so the system never runs without one: this
    runs after every migrate and flush, like Django's content types.
    """
    if Workflow.objects.using(using).filter(is_default=True).exists():
        return None
    if using != "default":
        return None
    spec = parse_yaml(DEFAULT_DOCUMENT.read_text(encoding="utf-8"))
    return workflow_import(spec=spec)


@transaction.atomic
def workflow_import_for_agency(
    *, spec: WorkflowSpec, agency: Agency, procedures: Iterable[Procedure]
) -> Workflow:
    """Store an agency's own workflow from its document and bind it to `procedures`.

    Only procedures the agency receives may be bound; one bound to another of the agency's
    workflows moves to this one, so that each has one workflow there. Bindings to
    procedures the agency does not receive are left as they were. Dossiers in progress
    keep the workflow they follow; new dossiers follow this one once it commits.
    """
    chosen = {procedure.pk for procedure in procedures}
    received = set(
        Procedure.objects.filter(current_version__agencies=agency).values_list("pk", flat=True)
    )
    if chosen - received:
        raise ValidationError(
            {"procedures": [_("Chỉ gắn được quy trình với thủ tục mà cơ quan tiếp nhận.")]}
        )
    workflow = workflow_import(spec=spec, agency=agency)
    elsewhere = set(workflow.procedures.values_list("pk", flat=True)) - received
    workflow.procedures.set(chosen | elsewhere)
    Workflow.procedures.through.objects.filter(
        workflow__agency=agency, procedure_id__in=chosen
    ).exclude(workflow=workflow).delete()
    public_data_changed()  # new dossiers look their workflow up in a cache
    return workflow
