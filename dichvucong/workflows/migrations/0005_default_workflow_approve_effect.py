"""Give the bundled default workflow's approval the `approve` effect.

The effect issues the signed electronic result of procedures that have online results
(the results app implements it; for other procedures it does nothing). A default
workflow whose approval an administrator already gave another effect keeps it.
"""

from django.db import migrations

CODE = "mot-cua-mac-dinh"


def set_approve_effect(apps, schema_editor):
    WorkflowAction = apps.get_model("workflows", "WorkflowAction")
    WorkflowAction.objects.filter(
        workflow__code=CODE, code="approve", from_state__code="approving", effect="none"
    ).update(effect="approve")


def unset_approve_effect(apps, schema_editor):
    WorkflowAction = apps.get_model("workflows", "WorkflowAction")
    WorkflowAction.objects.filter(
        workflow__code=CODE, code="approve", from_state__code="approving", effect="approve"
    ).update(effect="none")


class Migration(migrations.Migration):
    dependencies = [("workflows", "0004_default_workflow_paying")]

    operations = [migrations.RunPython(set_approve_effect, unset_approve_effect)]
