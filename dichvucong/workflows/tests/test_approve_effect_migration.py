"""Data migration 0005: the bundled default workflow's approval takes the `approve` effect."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps

from dichvucong.workflows.models import Workflow, WorkflowAction

migration = importlib.import_module(
    "dichvucong.workflows.migrations.0005_default_workflow_approve_effect"
)


def test_the_bundled_approval_gets_the_effect_once(db: Any) -> None:
    approve = WorkflowAction.objects.get(workflow__code="mot-cua-mac-dinh", code="approve")
    WorkflowAction.objects.filter(pk=approve.pk).update(effect="none")
    migration.set_approve_effect(apps, None)
    approve.refresh_from_db()
    assert approve.effect == "approve"
    migration.unset_approve_effect(apps, None)
    approve.refresh_from_db()
    assert approve.effect == "none"


def test_an_approval_an_administrator_changed_is_kept(db: Any) -> None:
    approve = WorkflowAction.objects.get(workflow__code="mot-cua-mac-dinh", code="approve")
    WorkflowAction.objects.filter(pk=approve.pk).update(effect="hand_back")
    migration.set_approve_effect(apps, None)
    approve.refresh_from_db()
    assert approve.effect == "hand_back"


def test_other_workflows_are_left_alone(db: Any) -> None:
    default = Workflow.objects.get(code="mot-cua-mac-dinh")
    WorkflowAction.objects.filter(workflow=default, code="approve").update(effect="none")
    Workflow.objects.filter(pk=default.pk).update(code="quy-trinh-rieng")
    migration.set_approve_effect(apps, None)
    assert WorkflowAction.objects.get(workflow=default, code="approve").effect == "none"
