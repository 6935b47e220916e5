"""Add the fees step to the bundled default workflow of an existing installation.

The specialist may ask for the fees (status `paying`); the system takes the dossier back
to the specialist once the payment is confirmed. A default workflow an administrator has
already changed keeps its own steps: this adds only what is missing.
"""

from django.db import migrations
from django.db.models import F

CODE = "mot-cua-mac-dinh"


def add_paying(apps, schema_editor):
    Workflow = apps.get_model("workflows", "Workflow")
    WorkflowState = apps.get_model("workflows", "WorkflowState")
    WorkflowAction = apps.get_model("workflows", "WorkflowAction")
    workflow = Workflow.objects.filter(code=CODE).first()
    if workflow is None or workflow.states.filter(code="paying").exists():
        return
    states = {state.code: state for state in workflow.states.all()}
    examining = states.get("examining")
    approving = states.get("approving")
    if examining is None or approving is None:
        return
    workflow.states.filter(position__gte=approving.position).update(position=F("position") + 1)
    paying = WorkflowState.objects.create(
        workflow=workflow,
        code="paying",
        name="Chờ công dân thực hiện nghĩa vụ tài chính",
        status="paying",
        position=approving.position,
    )
    propose = workflow.actions.filter(code="propose").order_by("position").first()
    start = propose.position if propose else workflow.actions.count()
    workflow.actions.filter(position__gte=start).update(position=F("position") + 2)
    WorkflowAction.objects.create(
        workflow=workflow,
        code="request_payment",
        name="Yêu cầu thực hiện nghĩa vụ tài chính",
        from_state=examining,
        to_state=paying,
        roles=["specialist"],
        effect="request_payment",
        position=start,
    )
    WorkflowAction.objects.create(
        workflow=workflow,
        code="payment_received",
        name="Đã nhận thanh toán",
        from_state=paying,
        to_state=examining,
        roles=["system"],
        effect="payment_received",
        position=start + 1,
    )


class Migration(migrations.Migration):
    dependencies = [("workflows", "0003_effects_payment_result")]

    operations = [migrations.RunPython(add_paying, migrations.RunPython.noop)]
