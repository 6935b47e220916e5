"""Place dossiers submitted before workflows existed in the default workflow.

Each takes the default workflow's state for its status (a dossier waiting for reception
at the initial state, a withdrawn one at the state of withdrawn dossiers).
"""

from django.db import migrations


def place(apps, schema_editor):
    Workflow = apps.get_model("workflows", "Workflow")
    Dossier = apps.get_model("dossiers", "Dossier")
    workflow = Workflow.objects.filter(is_default=True).first()
    if workflow is None:
        return
    by_status = {}
    for state in workflow.states.order_by("-is_initial", "position"):
        by_status.setdefault(state.status, state)
    for status, state in by_status.items():
        Dossier.objects.filter(state__isnull=True, status=status).update(
            workflow=workflow, state=state, state_entered_at=None
        )


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0002_workflow_state_deadlines_register"),
        ("workflows", "0002_default_workflow"),
    ]

    operations = [migrations.RunPython(place, migrations.RunPython.noop)]
