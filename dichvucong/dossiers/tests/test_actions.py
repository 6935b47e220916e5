"""The workflow engine on the default one-stop workflow: every transition and refusal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dichvucong.catalogue.models import Procedure
from dichvucong.core import workdays
from dichvucong.dossiers import actions, services
from dichvucong.dossiers.actions import (
    ActionForbidden,
    ActionNotAllowed,
    ActionRequest,
    EffectContext,
    MissingItem,
    available_actions,
    dossier_action_execute,
    dossier_time_limit,
    effect_handler_register,
)
from dichvucong.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierStatus
from dichvucong.dossiers.tests.fixtures import EXAMPLE, ID_COPY_FIELD, pdf_upload
from dichvucong.notifications.models import Notification


def submit(applicant: Any, procedure: Procedure, key: str = "k-1") -> Dossier:
    return services.dossier_submit(
        applicant=applicant,
        procedure=procedure,
        form_data=dict(EXAMPLE),
        files={ID_COPY_FIELD: [pdf_upload()]},
        idempotency_key=key,
    ).dossier


def act(dossier: Dossier, actor: Any, action: str, **fields: Any) -> DossierEvent:
    return dossier_action_execute(
        dossier=dossier, actor=actor, request=ActionRequest(action=action, **fields)
    )


def snapshot(dossier: Dossier) -> tuple[Any, ...]:
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.state_id,
        dossier.due_at,
        dossier.assignee_id,
        dossier.register_number,
        dossier.events.count(),
    )


@pytest.fixture
def dossier(citizen: Any, online_procedure: Procedure) -> Dossier:
    return submit(citizen, online_procedure)


def test_submission_enters_the_default_workflow(dossier: Dossier) -> None:
    assert dossier.workflow is not None and dossier.workflow.is_default
    assert dossier.state is not None
    assert (dossier.state.code, dossier.status) == ("submitted", "receiving")
    # Reception has half a working day to check an online dossier.
    assert dossier.state_entered_at is not None
    assert dossier.state_due_at == workdays.due_at_compute(
        start=dossier.state_entered_at, amount=workdays.Decimal("0.5"), unit="working_days"
    )


def test_the_whole_path_to_hand_back(
    dossier: Dossier,
    citizen: Any,
    officers: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        accepted = act(dossier, officers["reception"], "accept")
    dossier.refresh_from_db()
    limit = dossier_time_limit(dossier=dossier)
    assert limit is not None and limit.duration is not None
    assert dossier.status == DossierStatus.NEW
    assert dossier.accepted_at == accepted.created_at
    assert dossier.due_at == workdays.due_at_compute(
        start=accepted.created_at, amount=limit.duration, unit=limit.unit
    )
    assert (dossier.register_year, dossier.register_number) == (
        timezone.localtime(accepted.created_at).year,
        1,
    )
    assert accepted.data["register"] == {"year": dossier.register_year, "number": 1}
    assert (accepted.from_state, accepted.to_state, accepted.actor_role) == (
        "submitted",
        "assigning",
        "reception",
    )
    assert accepted.step_timeliness in {"early", "on_time"}

    assigned = act(dossier, officers["head"], "assign", assignee=officers["specialist"])
    dossier.refresh_from_db()
    assert dossier.assignee == officers["specialist"]
    assert dossier.status == DossierStatus.PROCESSING
    assert assigned.data["assignee"]["username"] == "chuyenvien.stp"

    act(dossier, officers["specialist"], "propose", comment="Đủ điều kiện cấp phiếu.")
    act(dossier, officers["approver"], "return_for_rework", comment="Ghi rõ số phiếu.")
    dossier.refresh_from_db()
    assert dossier.state is not None and dossier.state.code == "examining"
    act(dossier, officers["specialist"], "propose", comment="Đã sửa.")
    act(dossier, officers["approver"], "approve")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RELEASING
    assert dossier.result_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        act(dossier, officers["reception"], "hand_back")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DONE
    assert dossier.handed_back_at is not None
    assert dossier.timeliness == workdays.timeliness(
        due_at=dossier.due_at, done_at=dossier.result_at
    )
    assert list(dossier.events.values_list("action", flat=True)) == [
        "submitted",
        "accept",
        "assign",
        "propose",
        "return_for_rework",
        "propose",
        "approve",
        "hand_back",
    ]
    assert available_actions(dossier=dossier, user=officers["reception"]) == []
    # The applicant heard of acceptance and of the result (the callbacks run for those).
    notified = Notification.objects.filter(user=citizen).order_by("pk")
    assert [(n.event, n.key) for n in notified] == [
        ("dossier_accepted", f"dossier-event:{accepted.pk}"),
        ("dossier_done", f"dossier-event:{dossier.events.last().pk}"),  # type: ignore[union-attr]
    ]


def test_register_numbers_are_continuous_per_agency_and_year(
    citizen: Any, online_procedure: Procedure, officers: dict[str, Any]
) -> None:
    numbers = []
    for n in range(3):
        dossier = submit(citizen, online_procedure, key=f"k-{n}")
        act(dossier, officers["reception"], "accept")
        dossier.refresh_from_db()
        numbers.append(dossier.register_number)
    assert numbers == [1, 2, 3]


def test_reception_requests_documents_and_the_applicant_completes_them(
    dossier: Dossier, citizen: Any, officers: dict[str, Any]
) -> None:
    event = act(
        dossier,
        officers["reception"],
        "request_documents",
        comment="Bản chụp CCCD bị mờ.",
        items=[MissingItem(document="Bản chụp CCCD", reason="Ảnh mờ, không đọc được số")],
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WAITING
    assert dossier.state_due_at is None
    assert event.data["items"] == [
        {"document": "Bản chụp CCCD", "reason": "Ảnh mờ, không đọc được số"}
    ]
    assert available_actions(dossier=dossier, user=officers["reception"]) == []
    assert [a.code for a in available_actions(dossier=dossier, user=citizen)] == ["supplement"]
    # Nothing sent: refused, and nothing changes.
    before = snapshot(dossier)
    with pytest.raises(ValidationError):
        act(dossier, citizen, "supplement")
    assert snapshot(dossier) == before
    act(
        dossier,
        citizen,
        "supplement",
        documents={ID_COPY_FIELD: [pdf_upload("cccd-ro.pdf")]},
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.state.code if dossier.state else "") == (
        "receiving",
        "submitted",
    )
    names = set(
        DossierDocument.objects.filter(dossier=dossier).values_list("original_name", flat=True)
    )
    assert names == {"cccd.pdf", "cccd-ro.pdf"}
    assert dossier.due_at is None  # the clock starts only at acceptance


def test_request_during_processing_restarts_the_time_limit(
    dossier: Dossier, citizen: Any, officers: dict[str, Any]
) -> None:
    act(dossier, officers["reception"], "accept")
    act(dossier, officers["head"], "assign", assignee=officers["specialist"])
    act(dossier, officers["specialist"], "request_documents", comment="Thiếu bản sao hộ khẩu.")
    dossier.refresh_from_db()
    first_due = dossier.due_at
    assert dossier.paused_at is not None
    event = act(
        dossier, citizen, "supplement", documents={ID_COPY_FIELD: [pdf_upload("ho-khau.pdf")]}
    )
    dossier.refresh_from_db()
    limit = dossier_time_limit(dossier=dossier)
    assert limit is not None
    assert dossier.state is not None and dossier.state.code == "examining"
    assert dossier.paused_at is None
    assert dossier.due_at == workdays.due_at_compute(
        start=event.created_at, amount=limit.duration, unit=limit.unit
    )
    assert dossier.due_at is not None and first_due is not None and dossier.due_at >= first_due


def test_refusal_ends_the_dossier(dossier: Dossier, officers: dict[str, Any]) -> None:
    act(dossier, officers["reception"], "refuse", comment="Không thuộc thẩm quyền của Sở.")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DENIED
    with pytest.raises(ActionNotAllowed):
        act(dossier, officers["reception"], "accept")


@pytest.mark.parametrize(
    ("who", "action", "error"),
    [
        ("specialist", "accept", ActionForbidden),  # wrong role
        ("outsider", "accept", ActionForbidden),  # every role, but at another agency
        ("supervisor", "accept", ActionForbidden),  # read-only
        ("citizen", "accept", ActionForbidden),
        ("reception", "approve", ActionNotAllowed),  # not from this state
        ("reception", "no_such_action", ActionNotAllowed),
    ],
)
def test_refusals_change_nothing(
    dossier: Dossier,
    citizen: Any,
    officers: dict[str, Any],
    who: str,
    action: str,
    error: type[Exception],
) -> None:
    actor = citizen if who == "citizen" else officers[who]
    before = snapshot(dossier)
    with pytest.raises(error):
        act(dossier, actor, action)
    assert snapshot(dossier) == before


def test_required_comment_and_assignee(dossier: Dossier, officers: dict[str, Any]) -> None:
    before = snapshot(dossier)
    with pytest.raises(ValidationError) as refused:
        act(dossier, officers["reception"], "refuse", comment="  ")
    assert list(refused.value.message_dict) == ["comment"]
    assert snapshot(dossier) == before
    act(dossier, officers["reception"], "accept")
    before = snapshot(dossier)
    with pytest.raises(ValidationError) as no_one:
        act(dossier, officers["head"], "assign")
    assert list(no_one.value.message_dict) == ["assignee"]
    with pytest.raises(ValidationError):  # not a specialist here
        act(dossier, officers["head"], "assign", assignee=officers["outsider"])
    assert snapshot(dossier) == before


def test_only_the_assignee_examines(dossier: Dossier, officers: dict[str, Any]) -> None:
    act(dossier, officers["reception"], "accept")
    act(dossier, officers["head"], "assign", assignee=officers["specialist"])
    assert available_actions(dossier=dossier, user=officers["specialist2"]) == []
    before = snapshot(dossier)
    with pytest.raises(ActionForbidden):
        act(dossier, officers["specialist2"], "propose", comment="Không phải hồ sơ của tôi.")
    assert snapshot(dossier) == before
    codes = [a.code for a in available_actions(dossier=dossier, user=officers["specialist"])]
    assert codes == [
        "request_documents",
        "request_payment",
        "propose",
        "apologize",
        "send_to_agency",
        "request_opinion",
    ]


def test_apology_moves_the_date_once(dossier: Dossier, officers: dict[str, Any]) -> None:
    act(dossier, officers["reception"], "accept")
    dossier.refresh_from_db()
    due = dossier.due_at
    assert due is not None
    # Give the dossier a due date far enough away for an apology to be in time.
    far = workdays.working_time_add(timezone.now(), 5 * workdays.working_day_seconds())
    Dossier.objects.filter(pk=dossier.pk).update(due_at=far, state_due_at=None)
    new_due = far + timedelta(days=7)
    with pytest.raises(ValidationError):  # not later than the current date
        act(dossier, officers["head"], "apologize", comment="Cần xác minh.", new_due_at=far)
    event = act(dossier, officers["head"], "apologize", comment="Cần xác minh.", new_due_at=new_due)
    dossier.refresh_from_db()
    assert (dossier.original_due_at, dossier.due_at) == (far, new_due)
    assert dossier.state is not None and dossier.state.code == "assigning"
    assert event.data["new_due_at"] == new_due.isoformat()
    with pytest.raises(ActionNotAllowed, match="một lần"):
        act(
            dossier,
            officers["head"],
            "apologize",
            comment="Lần nữa.",
            new_due_at=new_due + timedelta(days=3),
        )


def test_apology_after_the_last_working_day_is_refused(
    dossier: Dossier, officers: dict[str, Any]
) -> None:
    act(dossier, officers["reception"], "accept")
    soon = timezone.now() + timedelta(hours=1)
    Dossier.objects.filter(pk=dossier.pk).update(due_at=soon)
    before = snapshot(dossier)
    with pytest.raises(ActionNotAllowed):
        act(
            dossier,
            officers["head"],
            "apologize",
            comment="Trễ.",
            new_due_at=soon + timedelta(days=5),
        )
    assert snapshot(dossier) == before


def test_withdrawal_is_a_workflow_action(
    dossier: Dossier, citizen: Any, other_citizen: Any
) -> None:
    with pytest.raises(ActionForbidden):
        act(dossier, other_citizen, "withdraw")
    act(dossier, citizen, "withdraw", comment="Nộp nhầm.")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.withdrawn_at is not None) == ("cancelled", True)


def test_step_timeliness_is_recorded(dossier: Dossier, officers: dict[str, Any]) -> None:
    past = timezone.now() - timedelta(hours=2)
    Dossier.objects.filter(pk=dossier.pk).update(state_due_at=past)
    event = act(dossier, officers["reception"], "accept")
    assert (event.step_due_at, event.step_timeliness) == (past, "late")


def _examining(dossier: Dossier, officers: dict[str, Any]) -> None:
    act(dossier, officers["reception"], "accept")
    act(dossier, officers["head"], "assign", assignee=officers["specialist"])


def test_effects_of_other_apps_plug_into_the_engine(
    dossier: Dossier, officers: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _examining(dossier, officers)
    seen: list[EffectContext] = []

    def handler(context: EffectContext) -> None:
        seen.append(context)
        context.data["amount"] = context.request.extra["amount"]

    monkeypatch.setattr(actions, "_effect_handlers", {})
    before = snapshot(dossier)
    with pytest.raises(ActionNotAllowed):
        act(dossier, officers["specialist"], "request_payment")
    assert snapshot(dossier) == before
    effect_handler_register("request_payment", handler)
    event = act(dossier, officers["specialist"], "request_payment", extra={"amount": 50000})
    assert [c.actor for c in seen] == [officers["specialist"]]
    assert event.data == {"effect": "request_payment", "amount": 50000}
    assert event.to_status == DossierStatus.PAYING


def test_an_action_writes_only_the_columns_it_changes(
    dossier: Dossier, officers: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _examining(dossier, officers)

    def handler(context: EffectContext) -> None:
        context.dossier.form_data["ghi_chu"] = "sửa tại chỗ"  # edited in place
        # Written meanwhile by other code, not through the locked instance.
        Dossier.objects.filter(pk=context.dossier.pk).update(applicant_phone="0912000111")

    monkeypatch.setattr(actions, "_effect_handlers", {})
    effect_handler_register("request_payment", handler)
    with CaptureQueriesContext(connection) as queries:
        act(dossier, officers["specialist"], "request_payment")
    *_handler_update, update = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('UPDATE "dossiers_dossier"')
    ]
    assert '"status"' in update and '"form_data"' in update and '"updated_at"' in update
    assert '"applicant_name"' not in update and '"applicant_phone"' not in update
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PAYING
    assert dossier.form_data["ghi_chu"] == "sửa tại chỗ"
    assert dossier.applicant_phone == "0912000111"  # not overwritten with what was read


def test_an_action_reads_the_row_alone_and_hands_it_back(
    dossier: Dossier, officers: dict[str, Any]
) -> None:
    dossier = Dossier.objects.select_related("agency", "assignee").get(pk=dossier.pk)
    agency = dossier.agency
    with CaptureQueriesContext(connection) as queries:
        act(dossier, officers["reception"], "accept")
    statements = [q["sql"] for q in queries.captured_queries]
    lock = next(s for s in statements if s.startswith('SELECT "dossiers_dossier"."id"'))
    update = next(s for s in statements if s.startswith('UPDATE "dossiers_dossier"'))
    assert "JOIN" not in lock  # no relation read with the row
    assert '"form_data"' not in update
    # The caller's instance holds the dossier as the action left it, and keeps the
    # relations it had loaded that still hold.
    assert (dossier.status, dossier.register_number) == (DossierStatus.NEW, 1)
    with CaptureQueriesContext(connection) as queries:
        assert dossier.agency is agency
        assert dossier.state is not None and dossier.state.status == DossierStatus.NEW
    assert queries.captured_queries == []
    bare = Dossier(pk=dossier.pk)  # what the API passes: the engine reads the row
    act(bare, officers["head"], "assign", assignee=officers["specialist"])
    assert bare.status == DossierStatus.PROCESSING and bare.form_data == EXAMPLE
    assert not bare._state.adding


def test_the_roles_a_caller_read_give_what_the_memberships_give(
    dossier: Dossier, citizen: Any, officers: dict[str, Any]
) -> None:
    from dichvucong.dossiers.selectors import officer_scope
    from dichvucong.dossiers.tests.fixtures import make_officer

    # A supervisor whose membership is at the dossier's own agency.
    supervisor = make_officer("giamsat.stp", dossier.agency, "supervisor")
    for person in (citizen, supervisor, *officers.values()):
        read = officer_scope(user=person).roles_by_agency
        assert actions.actor_roles(dossier=dossier, user=person, agency_roles=read) == (
            actions.actor_roles(dossier=dossier, user=person)
        ), person
    # A supervisor's role reads everywhere but acts nowhere, whichever way it is read.
    scope = officer_scope(user=supervisor).roles_by_agency
    assert scope and actions.actor_roles(dossier=dossier, user=supervisor, agency_roles=scope) == (
        set()
    )


def test_only_the_system_takes_system_actions(
    dossier: Dossier, citizen: Any, officers: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _examining(dossier, officers)
    monkeypatch.setattr(actions, "_effect_handlers", {})
    effect_handler_register("request_payment", lambda context: None)
    effect_handler_register("payment_received", lambda context: None)
    act(dossier, officers["specialist"], "request_payment")
    for person in (citizen, officers["specialist"], officers["reception"]):
        with pytest.raises(ActionForbidden):
            act(dossier, person, "payment_received")
    assert [a.code for a in available_actions(dossier=dossier, user=officers["specialist"])] == []
    event = act(dossier, None, "payment_received")
    dossier.refresh_from_db()
    assert (event.actor_id, event.actor_role, dossier.status) == (None, "system", "processing")
