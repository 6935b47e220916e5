"""Workflow documents: checks, import, export and which workflow a dossier follows."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers.tests.fixtures import default_state
from dichvucong.workflows.definition import DefinitionError, dump_yaml, parse, parse_yaml
from dichvucong.workflows.models import Workflow, WorkflowAction
from dichvucong.workflows.selectors import workflow_for
from dichvucong.workflows.services import workflow_export, workflow_import

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "default.yaml"


def document() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))


def errors_of(data: Any) -> list[str]:
    with pytest.raises(DefinitionError) as raised:
        parse(data)
    return raised.value.errors


def test_the_default_document_is_valid_and_names_the_issue_actions() -> None:
    spec = parse(document())
    codes = {a.code for a in spec.actions}
    assert {
        "accept",
        "request_documents",
        "refuse",
        "assign",
        "propose",
        "approve",
        "return_for_rework",
        "apologize",
        "hand_back",
    } <= codes


def test_the_migration_loaded_the_default_workflow(db: Any) -> None:
    workflow = Workflow.objects.get(is_default=True)
    exported = workflow_export(workflow=workflow)
    assert exported == parse_and_normalise(document())
    assert default_state("submitted").is_initial


def parse_and_normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Return the document as the exporter writes it (flow lists, no false flags)."""
    return yaml.safe_load(dump_yaml(data))


def test_unreachable_state_is_named() -> None:
    data = document()
    data["states"].append({"code": "orphan", "name": "Bước mồ côi", "status": "processing"})
    errors = errors_of(data)
    assert "Bước orphan không thể đến được từ bước đầu tiên." in errors


def test_state_without_a_way_to_an_end_is_named() -> None:
    data = document()
    data["states"] += [
        {"code": "loop-a", "name": "Vòng A", "status": "processing"},
        {"code": "loop-b", "name": "Vòng B", "status": "processing"},
    ]
    data["actions"] += [
        {
            "code": "enter",
            "name": "Vào",
            "from": ["approving"],
            "to": "loop-a",
            "roles": ["approver"],
        },
        {
            "code": "next",
            "name": "Sang B",
            "from": ["loop-a"],
            "to": "loop-b",
            "roles": ["approver"],
        },
        {"code": "back", "name": "Về A", "from": ["loop-b"], "to": "loop-a", "roles": ["approver"]},
    ]
    errors = errors_of(data)
    assert errors == [
        "Từ bước loop-a không thể đi đến bước kết thúc nào.",
        "Từ bước loop-b không thể đi đến bước kết thúc nào.",
    ]


def test_a_terminal_state_must_carry_a_final_status() -> None:
    data = document()
    data["states"].append({"code": "limbo", "name": "Treo", "status": "processing"})
    data["actions"].append(
        {
            "code": "park",
            "name": "Treo lại",
            "from": ["approving"],
            "to": "limbo",
            "roles": ["approver"],
        }
    )
    assert errors_of(data) == [
        "Bước kết thúc limbo phải mang trạng thái đã trả kết quả, không được tiếp nhận, "
        "rút hồ sơ hoặc dừng xử lý."
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["actions"][0].update(roles=["janitor"]), "vai trò 'janitor' không tồn tại"),
        (lambda d: d["actions"][0].update(to="nowhere"), "bước đích 'nowhere' không tồn tại"),
        (lambda d: d["states"][0].update(status="flying"), "trạng thái quốc gia 'flying'"),
        (lambda d: d["states"][1].update(initial=True), "đúng một bước đầu tiên"),
        (lambda d: d["actions"][0].update(effect="teleport"), "tác động 'teleport'"),
        (
            lambda d: d["states"][0].update(time_limit={"amount": -1, "unit": "hours"}),
            "thời hạn phải là một số dương",
        ),
    ],
)
def test_bad_documents_are_refused_with_the_reason(change: Any, message: str) -> None:
    data = document()
    change(data)
    assert any(message in error for error in errors_of(data)), errors_of(data)


def test_yaml_that_does_not_parse() -> None:
    with pytest.raises(DefinitionError, match="YAML"):
        parse_yaml("states: [unclosed")


def test_import_export_round_trip_and_binding(db: Any, procedures: Any, province: Any) -> None:
    procedure: Procedure = procedures[0].procedure
    agency = province["000.00.01.H10"]
    data = copy.deepcopy(document())
    data.update(code="stp-rut-gon", name="Quy trình rút gọn Sở Tư pháp")
    del data["default"]
    # Shorter: the approver's step is dropped and the specialist's proposal releases.
    data["states"] = [s for s in data["states"] if s["code"] != "approving"]
    data["actions"] = [
        a for a in data["actions"] if a["code"] not in {"approve", "return_for_rework"}
    ]
    for action in data["actions"]:
        if action["code"] == "propose":
            action["to"] = "releasing"
        if action["code"] in {"apologize", "answer_opinion"}:
            action["from"] = [f for f in action["from"] if f != "approving"]
    workflow = workflow_import(spec=parse(data), agency=agency)
    workflow.procedures.add(procedure)
    assert workflow_export(workflow=workflow) == parse_and_normalise(data)
    assert workflow_for(procedure_id=procedure.pk, agency_id=agency.pk) == workflow
    other = province["000.00.03.H10"]
    assert workflow_for(procedure_id=procedure.pk, agency_id=other.pk).is_default
    # Importing again replaces the actions, keeps the states.
    states_before = set(workflow.states.values_list("pk", flat=True))
    workflow_import(spec=parse(data), agency=agency)
    assert set(workflow.states.values_list("pk", flat=True)) == states_before
    assert WorkflowAction.objects.filter(workflow=workflow, code="propose").count() == 1


def test_a_state_with_dossiers_cannot_be_dropped(citizen: Any, online_procedure: Procedure) -> None:
    from dichvucong.dossiers.tests.test_actions import submit

    dossier = submit(citizen, online_procedure)
    type(dossier).objects.filter(pk=dossier.pk).update(state=default_state("reception_waiting"))
    data = document()
    data["states"] = [s for s in data["states"] if s["code"] != "reception_waiting"]
    data["actions"] = [
        a
        for a in data["actions"]
        if a["to"] != "reception_waiting" and "reception_waiting" not in a["from"]
    ]
    with pytest.raises(DefinitionError) as refused:
        workflow_import(spec=parse(data))
    assert refused.value.errors == [
        "Không thể bỏ bước reception_waiting: đang có hồ sơ ở bước này."
    ]
    assert default_state("reception_waiting").dossiers.count() == 1
    assert WorkflowAction.objects.filter(workflow__is_default=True, code="supplement").count() == 2
