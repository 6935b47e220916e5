"""The officers' API: queue, dossier, actions, and who may reach what."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.fixtures import pdf_upload
from dichvucong.dossiers.tests.test_actions import submit

URL = "/api/v1/backoffice/dossiers/"


def token_client(user: Any) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def post_action(client: Client, code: str, **data: Any) -> Any:
    return client.post(f"{URL}{code}/actions/", data, content_type="application/json")


@pytest.fixture
def code(citizen: Any, online_procedure: Procedure) -> str:
    return str(submit(citizen, online_procedure).code)


def test_reception_queue_lists_new_dossiers_and_the_detail_offers_actions(
    code: str, officers: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = token_client(officers["reception"])
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert [d["code"] for d in body["results"]] == [code]
    assert body["results"][0]["state"] == "submitted"
    detail = client.get(f"{URL}{code}/").json()
    assert [a["code"] for a in detail["available_actions"]] == [
        "accept",
        "request_documents",
        "refuse",
    ]
    assert detail["applicant_id_number"] == "074090001234"
    # The specialist has nothing to do yet; the head neither.
    assert token_client(officers["specialist"]).get(URL).json()["results"] == []
    assert token_client(officers["head"]).get(URL).json()["results"] == []
    everything = token_client(officers["specialist"]).get(URL, {"scope": "all"}).json()
    assert [d["code"] for d in everything["results"]] == [code]


def test_the_whole_path_through_the_api(code: str, officers: dict[str, Any]) -> None:
    reception = token_client(officers["reception"])
    response = post_action(reception, code, action="accept")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "new"
    assert response.json()["register_number"] == 1
    head = token_client(officers["head"])
    assert [d["code"] for d in head.get(URL).json()["results"]] == [code]
    response = post_action(head, code, action="assign", assignee="chuyenvien.stp")
    assert response.status_code == 200, response.json()
    assert response.json()["assignee"] == "chuyenvien.stp"
    specialist = token_client(officers["specialist"])
    response = specialist.post(
        f"{URL}{code}/actions/",
        {
            "action": "propose",
            "comment": "Đủ điều kiện.",
            "attachments": [pdf_upload("du-thao-ket-qua.pdf")],
        },
    )
    assert response.status_code == 200, response.json()
    event = response.json()["event"]
    assert (event["action"], event["from_state"], event["to_state"]) == (
        "propose",
        "examining",
        "approving",
    )
    assert event["attachments"][0]["original_name"] == "du-thao-ket-qua.pdf"
    approver = token_client(officers["approver"])
    assert post_action(approver, code, action="approve").status_code == 200
    response = post_action(reception, code, action="hand_back")
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["status"], body["state"]) == (code, "done", "done")
    assert body["timeliness"] in {"early", "on_time", "late"}
    assert reception.get(f"{URL}{code}/").json()["available_actions"] == []


def test_request_documents_with_items_as_multipart(code: str, officers: dict[str, Any]) -> None:
    response = token_client(officers["reception"]).post(
        f"{URL}{code}/actions/",
        {
            "action": "request_documents",
            "comment": "Bổ sung giấy tờ.",
            "items": json.dumps([{"document": "Bản sao CCCD", "reason": "Ảnh mờ"}]),
        },
    )
    assert response.status_code == 200, response.json()
    assert response.json()["event"]["data"]["items"] == [
        {"document": "Bản sao CCCD", "reason": "Ảnh mờ"}
    ]


@pytest.mark.parametrize(
    ("who", "action", "expected"),
    [
        ("specialist", "accept", 403),
        ("reception", "approve", 409),
        ("supervisor", "accept", 403),
        ("outsider", "accept", 404),
    ],
)
def test_refusals(
    code: str, officers: dict[str, Any], who: str, action: str, expected: int
) -> None:
    before = Dossier.objects.get(code=code)
    response = post_action(token_client(officers[who]), code, action=action)
    assert response.status_code == expected
    assert response.json()["detail"]
    after = Dossier.objects.get(code=code)
    assert (after.status, after.state_id, after.events.count()) == (
        before.status,
        before.state_id,
        before.events.count(),
    )


def test_bad_input(code: str, officers: dict[str, Any]) -> None:
    client = token_client(officers["reception"])
    response = post_action(client, code, action="refuse")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["comment"]
    post_action(client, code, action="accept")
    head = token_client(officers["head"])
    response = post_action(head, code, action="assign", assignee="nobody")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["assignee"]
    response = post_action(head, code, action="apologize", comment="Trễ", new_due_date="hôm qua")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["new_due_date"]


def test_who_may_read(
    code: str, citizen: Any, officers: dict[str, Any], second_factor_login: Any
) -> None:
    assert Client().get(URL).status_code in {401, 403}
    assert token_client(citizen).get(URL).status_code == 403
    assert token_client(officers["outsider"]).get(f"{URL}{code}/").status_code == 404
    assert token_client(officers["outsider"]).get(URL, {"scope": "all"}).json()["results"] == []
    # The supervisor reads every agency's dossiers, and may act on none.
    supervisor = token_client(officers["supervisor"])
    detail = supervisor.get(f"{URL}{code}/").json()
    assert detail["available_actions"] == []
    # A signed-in session without the second factor reaches nothing.
    unverified = Client()
    unverified.force_login(officers["reception"])
    assert unverified.get(URL).status_code == 403
    verified = second_factor_login(Client(), officers["reception"])
    assert verified.get(URL).status_code == 200


def test_queue_filters(citizen: Any, online_procedure: Procedure, officers: dict[str, Any]) -> None:
    first = submit(citizen, online_procedure, key="a")
    submit(citizen, online_procedure, key="b")
    client = token_client(officers["reception"])
    assert client.get(URL, {"q": str(first.code)}).json()["count"] == 1
    assert client.get(URL, {"status": "new"}).json()["count"] == 0
    assert client.get(URL, {"procedure": online_procedure.code}).json()["count"] == 2
    assert client.get(URL, {"due": "overdue"}).json()["count"] == 0
    post_action(client, str(first.code), action="accept")
    Dossier.objects.filter(pk=first.pk).update(due_at="2020-01-01T00:00:00Z")
    overdue = token_client(officers["head"]).get(URL, {"due": "overdue"}).json()
    assert [d["code"] for d in overdue["results"]] == [first.code]


def test_an_action_costs_a_bounded_number_of_queries(
    code: str, officers: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = token_client(officers["reception"])
    # Ten for the action itself (the token, the memberships, the transaction, the
    # dossier found within the officer's reach and locked, the action and the time
    # limit on their first use, the register, the event, the move, the commit), two for
    # the statistics' day and month rows. The memberships are read once: the engine
    # takes the roles the view read.
    with django_assert_max_num_queries(10 + 2):
        response = post_action(client, code, action="accept")
    assert response.status_code == 200
    # A dossier that does not exist is the same 404 as one out of reach.
    assert post_action(client, "H10.99-261127-9999", action="accept").status_code == 404


def test_queue_rows_are_what_the_documented_serializer_writes(
    citizen: Any, online_procedure: Procedure, officers: dict[str, Any]
) -> None:
    from dichvucong.dossiers.api.backoffice import OfficerDossierListSerializer
    from dichvucong.dossiers.selectors import InboxFilters, dossier_inbox_for_officer

    first = submit(citizen, online_procedure, key="s-1")
    submit(citizen, online_procedure, key="s-2")
    post_action(token_client(officers["reception"]), str(first.code), action="accept")
    post_action(
        token_client(officers["head"]), str(first.code), action="assign", assignee="chuyenvien.stp"
    )
    rows = token_client(officers["head"]).get(URL, {"scope": "all"}).json()["results"]
    expected = OfficerDossierListSerializer(
        dossier_inbox_for_officer(user=officers["head"], filters=InboxFilters(scope="all")),
        many=True,
    ).data
    assert rows == expected
    assert {r["assignee"] for r in rows} == {"chuyenvien.stp", None}


def test_action_answers_are_what_the_documented_serializer_writes(
    code: str, officers: dict[str, Any]
) -> None:
    from dichvucong.dossiers.api.backoffice import ActionResultSerializer
    from dichvucong.dossiers.models import DossierEvent

    def documented() -> Any:
        dossier = Dossier.objects.get(code=code)
        event = DossierEvent.objects.filter(dossier=dossier).latest("pk")
        return ActionResultSerializer(event, context={"dossier": dossier}).data

    steps: list[tuple[str, dict[str, Any]]] = [
        ("reception", {"action": "accept"}),
        ("head", {"action": "assign", "assignee": "chuyenvien.stp"}),
        (
            "specialist",
            {
                "action": "propose",
                "comment": "Đủ điều kiện.",
                "attachments": [pdf_upload("du-thao.pdf")],
            },
        ),
        ("approver", {"action": "return_for_rework", "comment": "Xem lại."}),
    ]
    for role, data in steps:
        client = token_client(officers[role])
        if "attachments" in data:
            response = client.post(f"{URL}{code}/actions/", data)
        else:
            response = post_action(client, code, **data)
        assert response.status_code == 200, response.json()
        assert response.json() == json.loads(json.dumps(documented()))
    answers = response.json()
    assert answers["event"]["comment"] == "Xem lại."
    assert answers["assignee"] == "chuyenvien.stp"  # kept from the assignment


@pytest.mark.parametrize("who", ["reception", "outsider", "supervisor"])
def test_the_compiled_reach_finds_what_the_plain_condition_finds(
    who: str, code: str, officers: dict[str, Any]
) -> None:
    """The engine's locking read within a Condition (compiled once) or the same Q."""
    from django.db import transaction

    from dichvucong.dossiers.actions import _lock
    from dichvucong.dossiers.selectors import officer_scope

    scope = officer_scope(user=officers[who])
    found = []
    for within in (scope.readable(), scope.readable_condition()):
        for key in (Dossier(code=code), Dossier(pk=Dossier.objects.get(code=code).pk)):
            with transaction.atomic():
                try:
                    found.append(_lock(key, within).code)
                except Dossier.DoesNotExist:
                    found.append(None)
    assert found == [None if who == "outsider" else code] * 4


def test_action_input_validates_the_fields_sent_as_all_fields_would() -> None:
    """ActionInputSerializer copies only the fields sent: right while no field but the
    action is required or has a default, which this checks."""
    from rest_framework.fields import empty

    from dichvucong.dossiers.api.backoffice import ActionInputSerializer

    declared = ActionInputSerializer._declared_fields
    assert [name for name, field in declared.items() if field.required] == ["action"]
    assert all(field.default is empty for field in declared.values())
    assert set(ActionInputSerializer().fields) == set(declared)  # the schema sees all
    accept = ActionInputSerializer(data={"action": "accept", "unknown": "x"})
    assert accept.is_valid() and accept.validated_data == {"action": "accept"}
    assert set(accept.fields) == {"action"}
    wrong = ActionInputSerializer(data={"copies": 0, "new_due_date": "hôm nay"})
    assert not wrong.is_valid()
    assert set(wrong.errors) == {"action", "copies", "new_due_date"}
