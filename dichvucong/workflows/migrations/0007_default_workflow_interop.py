"""Add the inter-agency steps to the bundled default workflow of an existing installation.

The specialist sends the dossier to another agency declared for the procedure (status
`interoperating`); that agency takes it in, may send it on once more (commune ->
district -> department) and returns it; the dossier comes back to the specialist. Any
agency may be asked for an opinion with a deadline. A default workflow an administrator
has already changed keeps its own steps: this adds only what is missing.
"""

from django.db import migrations
from django.db.models import F

CODE = "mot-cua-mac-dinh"

STATES = [
    ("interoperating", "Đang xử lý liên thông tại cơ quan khác"),
    ("interoperating_onward", "Đang xử lý liên thông tại cơ quan tiếp theo"),
]

# code, name, from states, to ("same" keeps the state), roles, effect, comment required
ACTIONS = [
    ("send_to_agency", "Chuyển hồ sơ liên thông", ["examining"], "interoperating",
     ["specialist"], "send_to_agency", False),
    ("request_opinion", "Xin ý kiến cơ quan khác", ["examining"], "same",
     ["specialist"], "request_opinion", True),
    ("receive_leg", "Tiếp nhận hồ sơ liên thông", ["interoperating", "interoperating_onward"],
     "same", ["leg_agency", "system"], "receive_leg", False),
    ("send_to_agency", "Chuyển tiếp hồ sơ liên thông", ["interoperating"],
     "interoperating_onward", ["leg_agency"], "send_to_agency", False),
    ("request_opinion", "Xin ý kiến cơ quan khác", ["interoperating", "interoperating_onward"],
     "same", ["leg_agency"], "request_opinion", True),
    ("return_to_sender", "Trả hồ sơ liên thông cho cơ quan đã chuyển",
     ["interoperating_onward"], "interoperating", ["leg_agency", "system"], "return_to_sender",
     True),
    ("return_to_sender", "Trả hồ sơ liên thông cho cơ quan đã chuyển", ["interoperating"],
     "examining", ["leg_agency", "system"], "return_to_sender", True),
    ("answer_opinion", "Trả lời xin ý kiến",
     ["examining", "processing_waiting", "paying", "approving", "interoperating",
      "interoperating_onward"],
     "same", ["opinion_agency", "system"], "answer_opinion", True),
]


def add_interop(apps, schema_editor):
    Workflow = apps.get_model("workflows", "Workflow")
    WorkflowState = apps.get_model("workflows", "WorkflowState")
    WorkflowAction = apps.get_model("workflows", "WorkflowAction")
    workflow = Workflow.objects.filter(code=CODE).first()
    if workflow is None or workflow.states.filter(code="interoperating").exists():
        return
    states = {state.code: state for state in workflow.states.all()}
    approving = states.get("approving")
    if approving is None or "examining" not in states:
        return
    workflow.states.filter(position__gte=approving.position).update(
        position=F("position") + len(STATES)
    )
    for offset, (code, name) in enumerate(STATES):
        states[code] = WorkflowState.objects.create(
            workflow=workflow,
            code=code,
            name=name,
            status="interoperating",
            roles=["leg_agency"],
            position=approving.position + offset,
        )
    position = workflow.actions.count()
    for code, name, sources, target, roles, effect, comment_required in ACTIONS:
        for source in sources:
            if source not in states:
                continue
            WorkflowAction.objects.create(
                workflow=workflow,
                code=code,
                name=name,
                from_state=states[source],
                to_state=states[source if target == "same" else target],
                roles=roles,
                effect=effect,
                comment_required=comment_required,
                position=position,
            )
            position += 1


def remove_interop(apps, schema_editor):
    WorkflowState = apps.get_model("workflows", "WorkflowState")
    WorkflowAction = apps.get_model("workflows", "WorkflowAction")
    codes = [code for code, _name in STATES]
    WorkflowAction.objects.filter(workflow__code=CODE).filter(
        models_q_states(codes)
    ).delete()
    WorkflowState.objects.filter(workflow__code=CODE, code__in=codes).delete()


def models_q_states(codes):
    from django.db.models import Q

    return (
        Q(from_state__code__in=codes)
        | Q(to_state__code__in=codes)
        | Q(effect__in=["send_to_agency", "request_opinion", "answer_opinion"])
    )


class Migration(migrations.Migration):
    dependencies = [("workflows", "0006_effects_interop")]

    operations = [migrations.RunPython(add_interop, remove_interop)]
