"""Load the default one-stop workflow, as it was when this migration was written.

The document is frozen next to this file (0002_default_workflow.yaml): later changes to
`workflows/data/default.yaml` reach existing installations through `workflow_load`.
"""

from decimal import Decimal
from pathlib import Path

import yaml
from django.db import migrations

DOCUMENT = Path(__file__).with_name("0002_default_workflow.yaml")


def load(apps, schema_editor):
    Workflow = apps.get_model("workflows", "Workflow")
    WorkflowState = apps.get_model("workflows", "WorkflowState")
    WorkflowAction = apps.get_model("workflows", "WorkflowAction")
    data = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    if Workflow.objects.filter(code=data["code"]).exists():
        return
    workflow = Workflow.objects.create(
        code=data["code"],
        name=data["name"],
        description=data.get("description", ""),
        is_default=not Workflow.objects.filter(is_default=True).exists(),
    )
    states = {}
    for position, item in enumerate(data["states"]):
        limit = item.get("time_limit") or {}
        states[item["code"]] = WorkflowState.objects.create(
            workflow=workflow,
            code=item["code"],
            name=item["name"],
            status=item["status"],
            is_initial=item.get("initial", False),
            roles=item.get("roles", []),
            assignee_only=item.get("assignee_only", False),
            time_limit=Decimal(str(limit["amount"])) if limit else None,
            time_limit_unit=limit.get("unit", "working_days"),
            position=position,
        )
    position = 0
    for item in data["actions"]:
        for source in item["from"]:
            target = source if item["to"] == "same" else item["to"]
            WorkflowAction.objects.create(
                workflow=workflow,
                code=item["code"],
                name=item["name"],
                from_state=states[source],
                to_state=states[target],
                roles=item["roles"],
                effect=item.get("effect", "none"),
                comment_required=item.get("comment_required", False),
                document_required=item.get("document_required", False),
                position=position,
            )
            position += 1


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_workflows")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
