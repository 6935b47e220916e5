"""Inter-agency legs through the workflow engine: deadlines, the chain and its refusals."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from dichvucong.core import workdays
from dichvucong.dossiers.actions import ActionForbidden, available_actions
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.dossiers.tests.fixtures import pdf_upload
from dichvucong.interop import remote, services
from dichvucong.interop.models import Leg, ProcedureParticipant, ShareUnit

from .conftest import COMMUNE, DEPARTMENT, DISTRICT, JUSTICE, act


def step_code(dossier: Dossier) -> str:
    return dossier.state.code if dossier.state is not None else ""


def snapshot(dossier: Dossier) -> tuple[Any, ...]:
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.state_id,
        dossier.events.count(),
        list(Leg.objects.filter(dossier=dossier).values_list("pk", "state")),
    )


def codes(dossier: Dossier, user: Any) -> list[str]:
    dossier.refresh_from_db()
    return sorted(a.code for a in available_actions(dossier=dossier, user=user))


def test_commune_district_department_and_back(
    examining: Dossier, people: dict[str, Any], province: dict[str, Any]
) -> None:
    dossier = examining
    sent = act(
        dossier,
        people["specialist"],
        "send_to_agency",
        comment="Đề nghị UBND thị xã giải quyết",
        extra={"agency": province[DISTRICT].pk},
    )
    dossier.refresh_from_db()
    assert (dossier.status, step_code(dossier)) == ("interoperating", "interoperating")
    first = Leg.objects.get(dossier=dossier)
    assert (first.kind, first.from_agency_id, first.to_agency_id, first.state) == (
        "transfer",
        province[COMMUNE].pk,
        province[DISTRICT].pk,
        "sent",
    )
    # The district's share: 5 working days from the hand-over.
    assert first.due_at == workdays.due_at_compute(
        start=sent.created_at, amount=Decimal(5), unit="working_days"
    )
    assert first.send_event_id == sent.pk
    assert first.request_note == "Đề nghị UBND thị xã giải quyết"
    assert sent.data["leg"]["to"]["code"] == DISTRICT

    # Only the district acts now; the commune waits.
    assert codes(dossier, people["specialist"]) == []
    assert codes(dossier, people["district"]) == [
        "receive_leg",
        "request_opinion",
        "return_to_sender",
        "send_to_agency",
    ]
    act(dossier, people["district"], "receive_leg")
    first.refresh_from_db()
    assert first.state == "received" and first.received_by == people["district"]

    onward = act(
        dossier, people["district"], "send_to_agency", extra={"agency": province[DEPARTMENT].pk}
    )
    dossier.refresh_from_db()
    assert (dossier.status, step_code(dossier)) == ("interoperating", "interoperating_onward")
    second = Leg.objects.exclude(pk=first.pk).get(dossier=dossier)
    assert (second.parent_id, second.from_agency_id, second.to_agency_id) == (
        first.pk,
        province[DISTRICT].pk,
        province[DEPARTMENT].pk,
    )
    assert second.due_at == workdays.due_at_compute(
        start=onward.created_at, amount=Decimal(3), unit="working_days"
    )
    # While the department holds it, the district cannot return it.
    assert codes(dossier, people["district"]) == []
    before = snapshot(dossier)
    with pytest.raises(ActionForbidden):
        act(
            dossier,
            people["district"],
            "return_to_sender",
            comment="Trả",
            extra={"outcome": "approved"},
        )
    assert snapshot(dossier) == before

    back = act(
        dossier,
        people["department"],
        "return_to_sender",
        comment="Phù hợp quy hoạch",
        extra={"outcome": "approved"},
        attachments=[pdf_upload("y-kien-sxd.pdf")],
    )
    dossier.refresh_from_db()
    assert (dossier.status, step_code(dossier)) == ("interoperating", "interoperating")
    second.refresh_from_db()
    assert (second.state, second.outcome, second.answer, second.timeliness) == (
        "returned",
        "approved",
        "Phù hợp quy hoạch",
        "early",
    )
    assert second.return_event_id == back.pk
    assert [a.original_name for a in back.attachments.all()] == ["y-kien-sxd.pdf"]

    act(
        dossier,
        people["district"],
        "return_to_sender",
        comment="Đồng ý cấp",
        extra={"outcome": "approved"},
    )
    dossier.refresh_from_db()
    assert (dossier.status, step_code(dossier)) == ("processing", "examining")
    first.refresh_from_db()
    assert (first.state, first.returned_by, first.timeliness) == (
        "returned",
        people["district"],
        "early",
    )

    # The commune finishes and hands the result back: one dossier, counted once.
    act(dossier, people["specialist"], "propose", comment="Trình ký")
    act(dossier, people["approver"], "approve")
    act(dossier, people["reception"], "hand_back")
    dossier.refresh_from_db()
    assert dossier.status == "done"
    by_agency = list(Dossier.objects.values_list("agency__code").annotate(n=Count("pk")))
    assert by_agency == [(COMMUNE, 1)]
    statuses = list(dossier.events.values_list("action", "to_status"))
    assert statuses[-8:] == [
        ("send_to_agency", "interoperating"),
        ("receive_leg", "interoperating"),
        ("send_to_agency", "interoperating"),
        ("return_to_sender", "interoperating"),
        ("return_to_sender", "processing"),
        ("propose", "processing"),
        ("approve", "releasing"),
        ("hand_back", "done"),
    ]


def test_late_leg_is_judged_late(
    examining: Dossier, people: dict[str, Any], province: dict[str, Any]
) -> None:
    act(examining, people["specialist"], "send_to_agency", extra={"agency": province[DISTRICT].pk})
    Leg.objects.update(due_at=timezone.now() - timedelta(hours=1))
    event = act(
        examining,
        people["district"],
        "return_to_sender",
        comment="Không đủ điều kiện",
        extra={"outcome": "rejected"},
    )
    leg = Leg.objects.get()
    assert (leg.timeliness, leg.outcome) == ("late", "rejected")
    assert event.data["leg"]["timeliness"] == "late"


def test_sending_outside_the_participants_is_refused(
    examining: Dossier, people: dict[str, Any], province: dict[str, Any]
) -> None:
    before = snapshot(examining)
    with pytest.raises(ValidationError) as refused:
        act(
            examining,
            people["specialist"],
            "send_to_agency",
            extra={"agency": province[JUSTICE].pk},
        )
    assert list(refused.value.message_dict) == ["agency"]
    with pytest.raises(ValidationError) as missing:
        act(examining, people["specialist"], "send_to_agency")
    assert missing.value.message_dict["agency"] == ["Vui lòng chọn cơ quan nhận hồ sơ liên thông."]
    # The commune itself is a participant (it receives) but is not a target.
    with pytest.raises(ValidationError):
        act(
            examining,
            people["specialist"],
            "send_to_agency",
            extra={"agency": province[COMMUNE].pk},
        )
    assert snapshot(examining) == before


def test_another_agency_cannot_act_on_a_leg(
    examining: Dossier, people: dict[str, Any], province: dict[str, Any]
) -> None:
    act(examining, people["specialist"], "send_to_agency", extra={"agency": province[DISTRICT].pk})
    before = snapshot(examining)
    for user in (people["outsider"], people["department"], people["specialist"]):
        assert codes(examining, user) == []
        with pytest.raises(ActionForbidden):
            act(examining, user, "return_to_sender", comment="x", extra={"outcome": "approved"})
    # A supervisor reads everything and acts on nothing.
    assert codes(examining, people["supervisor"]) == []
    assert snapshot(examining) == before


def test_opinion_with_a_deadline(
    examining: Dossier, people: dict[str, Any], province: dict[str, Any]
) -> None:
    due = workdays.due_at_compute(start=timezone.now(), amount=Decimal(2), unit="working_days")
    before = snapshot(examining)
    with pytest.raises(ValidationError) as no_due:
        act(
            examining,
            people["specialist"],
            "request_opinion",
            comment="Xin ý kiến",
            extra={"agency": province[DEPARTMENT].pk},
        )
    assert list(no_due.value.message_dict) == ["due_date"]
    with pytest.raises(ValidationError):
        act(
            examining,
            people["specialist"],
            "request_opinion",
            comment="Xin ý kiến",
            extra={"agency": province[DEPARTMENT].pk, "due_at": timezone.now() - timedelta(1)},
        )
    assert snapshot(examining) == before

    asked = act(
        examining,
        people["specialist"],
        "request_opinion",
        comment="Xin ý kiến về quy hoạch xây dựng",
        extra={"agency": province[DEPARTMENT].pk, "due_at": due},
    )
    examining.refresh_from_db()
    # An opinion does not move the dossier.
    assert (examining.status, step_code(examining)) == ("processing", "examining")
    leg = Leg.objects.get()
    assert (leg.kind, leg.due_at, leg.to_agency_id, leg.send_event_id) == (
        "opinion",
        due,
        province[DEPARTMENT].pk,
        asked.pk,
    )
    assert codes(examining, people["department"]) == ["answer_opinion"]
    assert "answer_opinion" not in codes(examining, people["outsider"])
    with pytest.raises(ActionForbidden):
        act(
            examining,
            people["outsider"],
            "answer_opinion",
            comment="x",
            extra={"outcome": "approved"},
        )
    act(
        examining,
        people["department"],
        "answer_opinion",
        comment="Thống nhất",
        extra={"outcome": "approved"},
    )
    leg.refresh_from_db()
    assert (leg.state, leg.answer, leg.timeliness) == ("returned", "Thống nhất", "early")
    assert codes(examining, people["department"]) == []
    examining.refresh_from_db()
    assert step_code(examining) == "examining"


class Dispatcher:
    def __init__(self, code: str) -> None:
        self.code = code
        self.dispatched: list[tuple[int, bool]] = []

    def handles(self, agency: Any) -> bool:
        return bool(agency.code == self.code)

    def dispatch(self, leg: Leg) -> None:
        self.dispatched.append((leg.pk, transaction.get_connection().in_atomic_block))


@pytest.fixture
def dispatcher() -> Any:
    d = Dispatcher(DEPARTMENT)
    remote.remote_dispatcher_register(d)
    yield d
    remote.remote_dispatcher_unregister(d)


def test_remote_target_is_dispatched_and_returned_once(
    examining: Dossier, people: dict[str, Any], province: dict[str, Any], dispatcher: Dispatcher
) -> None:
    act(examining, people["specialist"], "send_to_agency", extra={"agency": province[DISTRICT].pk})
    assert dispatcher.dispatched == []  # the district is local
    act(examining, people["district"], "send_to_agency", extra={"agency": province[DEPARTMENT].pk})
    leg = Leg.objects.get(to_agency=province[DEPARTMENT])
    assert leg.remote is True
    assert dispatcher.dispatched == [(leg.pk, True)]

    at = timezone.now()
    services.leg_progress_record(leg=leg, status="processing", note="Đang thẩm định", at=at)
    progress = examining.events.get(action="leg_progress")
    assert (progress.comment, progress.created_at, progress.actor_id) == (
        "Đang thẩm định",
        at,
        None,
    )

    returned = services.leg_return(
        leg=leg, outcome="approved", comment="Đồng ý", files=[pdf_upload("kq.pdf")], actor=None
    )
    assert (returned.state, returned.outcome, returned.returned_by_id) == (
        "returned",
        "approved",
        None,
    )
    count = DossierEvent.objects.filter(dossier=examining).count()
    again = services.leg_return(leg=leg, outcome="rejected", comment="Lặp", files=[], actor=None)
    assert (again.pk, again.outcome) == (leg.pk, "approved")
    assert DossierEvent.objects.filter(dossier=examining).count() == count
    examining.refresh_from_db()
    assert step_code(examining) == "interoperating"
    event = examining.events.get(action="return_to_sender")
    assert (event.actor_id, event.actor_role) == (None, "system")


def test_shares_must_fit_the_total(online_procedure: Any) -> None:
    def p(share: str, unit: str = ShareUnit.WORKING_DAYS) -> ProcedureParticipant:
        return ProcedureParticipant(
            procedure=online_procedure, tier="district", share=Decimal(share), share_unit=unit
        )

    services.participants_check(participants=[p("5"), p("3")], total_days=Decimal(8))
    with pytest.raises(ValidationError) as days:
        services.participants_check(participants=[p("5"), p("4")], total_days=Decimal(8))
    assert days.value.messages == [
        "Tổng thời hạn của các cơ quan là 9 ngày làm việc, vượt quá thời hạn giải quyết "
        "của thủ tục (8 ngày làm việc)."
    ]
    with pytest.raises(ValidationError):
        services.participants_check(
            participants=[p("60", ShareUnit.PERCENT), p("50", ShareUnit.PERCENT)], total_days=None
        )
    assert services.participant_share_days(
        participant=p("25", ShareUnit.PERCENT), total=Decimal(10)
    ) == Decimal("2.50")
    with pytest.raises(ValidationError):
        ProcedureParticipant(procedure=online_procedure, share=Decimal(1)).full_clean()


def test_a_late_remote_opinion_is_recorded_after_the_dossier_moved_on(
    examining: Dossier, people: dict[str, Any], province: dict[str, Any], dispatcher: Dispatcher
) -> None:
    due = workdays.due_at_compute(start=timezone.now(), amount=Decimal(1), unit="working_days")
    act(
        examining,
        people["specialist"],
        "request_opinion",
        comment="Xin ý kiến",
        extra={"agency": province[DEPARTMENT].pk, "due_at": due},
    )
    leg = Leg.objects.get()
    assert (leg.remote, dispatcher.dispatched) == (True, [(leg.pk, True)])
    act(examining, people["specialist"], "propose", comment="Trình ký")
    act(examining, people["approver"], "approve")
    examining.refresh_from_db()
    assert examining.status == "releasing"
    returned = services.leg_return(
        leg=leg, outcome="approved", comment="Thống nhất", files=[pdf_upload("yk.pdf")], actor=None
    )
    assert (returned.state, returned.answer, returned.timeliness) == (
        "returned",
        "Thống nhất",
        "early",
    )
    event = examining.events.get(action="answer_opinion")
    assert (event.from_status, event.to_status, event.actor_id) == ("releasing", "releasing", None)
    assert returned.return_event_id == event.pk
    assert [a.original_name for a in event.attachments.all()] == ["yk.pdf"]
    services.leg_return(leg=leg, outcome="rejected", comment="Lặp", files=[], actor=None)
    assert examining.events.filter(action="answer_opinion").count() == 1
    examining.refresh_from_db()
    assert examining.status == "releasing"
