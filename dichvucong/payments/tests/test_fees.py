"""Fee computation and the workflow's fees step (request_payment, payment_received)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.authtoken.models import Token

from dichvucong.catalogue.models import Fee, FeeBasis, Procedure
from dichvucong.core import workdays
from dichvucong.dossiers.actions import ActionNotAllowed
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.payments import services
from dichvucong.payments.fees import case_fees, fee_compute
from dichvucong.payments.models import PaymentRequest
from dichvucong.payments.receipt import vnd_in_words

from .conftest import act, submit

pytestmark = pytest.mark.django_db


def _fees(procedure: Procedure) -> list[Fee]:
    dossier_case = procedure.current_version.cases.get(name="")  # type: ignore[union-attr]
    return case_fees(case=dossier_case, channel="online")


def test_fixed_per_copy_and_per_page(fee_procedure: Procedure) -> None:
    fees = _fees(fee_procedure)
    assert [(f.amount, f.basis) for f in fees] == [(200_000, "fixed"), (5000, "per_copy")]
    result = fee_compute(fees=fees, channel="online", copies=3)
    assert [(line.quantity, line.amount) for line in result.lines] == [(1, 200_000), (3, 15_000)]
    assert result.total == 215_000
    Fee.objects.filter(pk=fees[1].pk).update(basis=FeeBasis.PER_PAGE)
    with pytest.raises(ValidationError) as error:
        fee_compute(fees=_fees(fee_procedure), channel="online", copies=1)
    assert error.value.message_dict == {"pages": ["Số trang từ 1 đến 1000."]}
    paged = fee_compute(fees=_fees(fee_procedure), channel="online", pages=12)
    assert paged.total == 260_000


def test_exemption_zeroes_only_exemptible_fees(fee_procedure: Procedure) -> None:
    result = fee_compute(fees=_fees(fee_procedure), channel="online", copies=2, exempt=True)
    assert [(line.exempt, line.amount) for line in result.lines] == [(True, 0), (False, 10_000)]
    assert result.total == 10_000


def test_online_discount_from_the_province_setting(fee_procedure: Procedure, settings: Any) -> None:
    settings.PAYMENT_ONLINE_DISCOUNT_PERCENT = 50
    online = fee_compute(fees=_fees(fee_procedure), channel="online", copies=1)
    assert [(line.discount, line.amount) for line in online.lines] == [
        (100_000, 100_000),
        (2500, 2500),
    ]
    assert (online.total, online.discount_percent) == (102_500, 50)
    settings.PAYMENT_ONLINE_DISCOUNT_PERCENT = 33
    odd = fee_compute(fees=_fees(fee_procedure), channel="online", copies=1)
    # 33% of 5.000 is 1.650; of 200.000 is 66.000: the applicant never pays a fraction.
    assert [line.amount for line in odd.lines] == [134_000, 3350]
    direct = fee_compute(fees=_fees(fee_procedure), channel="direct", copies=1)
    assert direct.total == 205_000


@pytest.mark.parametrize("copies", [0, 1001, "hai"])
def test_counts_out_of_range_are_refused(fee_procedure: Procedure, copies: Any) -> None:
    with pytest.raises(ValidationError) as error:
        fee_compute(fees=_fees(fee_procedure), channel="online", copies=copies)
    assert list(error.value.message_dict) == ["copies"]


def test_amount_in_words() -> None:
    assert vnd_in_words(210_000) == "Hai trăm mười nghìn đồng"
    assert vnd_in_words(1_250_000) == "Một triệu hai trăm năm mươi nghìn đồng"
    assert vnd_in_words(105_000) == "Một trăm linh năm nghìn đồng"
    assert vnd_in_words(21_015) == "Hai mươi mốt nghìn không trăm mười lăm đồng"
    assert vnd_in_words(1_000_000_000) == "Một tỷ đồng"


def test_request_payment_stores_the_request_and_stops_the_clock(
    paying_dossier: Dossier, officers: dict[str, Any]
) -> None:
    request = PaymentRequest.objects.get(dossier=paying_dossier)
    assert (request.stage, request.total, request.copies, request.requested_by) == (
        "processing",
        210_000,
        2,
        officers["specialist"],
    )
    event = DossierEvent.objects.filter(dossier=paying_dossier).last()
    assert event is not None
    assert event.data == {
        "effect": "request_payment",
        "payment_request": {"id": request.pk, "total": 210_000},
    }
    assert paying_dossier.status == "paying"
    assert paying_dossier.paused_at == event.created_at


def _examining(dossier: Dossier, officers: dict[str, Any]) -> None:
    act(dossier, officers["reception"], "accept")
    act(dossier, officers["head"], "assign", assignee=officers["specialist"])


def _snapshot(dossier: Dossier) -> tuple[Any, ...]:
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.paused_at,
        dossier.events.count(),
        PaymentRequest.objects.count(),
    )


def test_request_payment_refusals_change_nothing(
    dossier: Dossier, officers: dict[str, Any], fee_procedure: Procedure
) -> None:
    _examining(dossier, officers)
    before = _snapshot(dossier)
    with pytest.raises(ValidationError) as error:
        act(dossier, officers["specialist"], "request_payment", extra={"exempt": True})
    assert error.value.message_dict == {"exemption_reason": ["Vui lòng ghi lý do được miễn."]}
    with pytest.raises(ValidationError):
        act(dossier, officers["specialist"], "request_payment", extra={"copies": 0})
    Fee.objects.filter(processing_time__case__version=fee_procedure.current_version).update(
        exemptible=True
    )
    with pytest.raises(ValidationError) as error:
        act(
            dossier,
            officers["specialist"],
            "request_payment",
            extra={"exempt": True, "exemption_reason": "Hộ nghèo (sổ hộ nghèo số 12/2026)"},
        )
    assert error.value.message_dict["fees"][0].startswith("Hồ sơ không có khoản phí, lệ phí nào")
    services.procedure_online_payment_set(procedure=fee_procedure, enabled=False)
    with pytest.raises(ValidationError) as error:
        act(dossier, officers["specialist"], "request_payment")
    assert "chưa bật thanh toán trực tuyến" in error.value.messages[0]
    with pytest.raises(ActionNotAllowed):
        act(dossier, officers["reception"], "payment_received")
    assert _snapshot(dossier) == before


def test_payment_received_moves_the_due_date_by_the_wait(
    paying_dossier: Dossier,
) -> None:
    from dichvucong.dossiers.actions import ActionRequest, dossier_action_execute

    paused = datetime.fromisoformat("2026-11-23T09:00:00+07:00")  # a Monday
    due = datetime.fromisoformat("2026-12-04T17:00:00+07:00")
    Dossier.objects.filter(pk=paying_dossier.pk).update(paused_at=paused, due_at=due)
    event = dossier_action_execute(
        dossier=paying_dossier,
        actor=None,
        request=ActionRequest(action="payment_received", extra={"payment": {"id": 1}}),
    )
    paying_dossier.refresh_from_db()
    expected = workdays.due_at_extend(due_at=due, paused_at=paused, resumed_at=event.created_at)
    assert expected > due
    assert paying_dossier.due_at == expected
    assert paying_dossier.paused_at is None
    assert datetime.fromisoformat(event.data["previous_due_at"]) == due
    assert event.data["payment"] == {"id": 1}


def test_level_4_needs_online_payment_where_there_are_fees(fee_procedure: Procedure) -> None:
    from dichvucong.catalogue import levels

    unmet = levels.assess(fee_procedure).unmet_for(4)
    assert "online_payment" not in [r.key for r in unmet]
    services.procedure_online_payment_set(procedure=fee_procedure, enabled=False)
    unmet = levels.assess(fee_procedure).unmet_for(4)
    assert "online_payment" in [r.key for r in unmet]
    Fee.objects.filter(processing_time__case__version=fee_procedure.current_version).delete()
    unmet = levels.assess(fee_procedure).unmet_for(4)
    assert "online_payment" not in [r.key for r in unmet]


def test_submission_fees_follow_the_e_form(citizen: Any, fee_procedure: Procedure) -> None:
    # The counts and the claim are e-form fields under conventional names.
    dossier = submit(citizen, fee_procedure, "k-sub")
    assert services.submission_fees(dossier=dossier).total == 205_000  # type: ignore[union-attr]
    dossier.form_data = {**dossier.form_data, "so_ban": 3}
    computation = services.submission_fees(dossier=dossier)
    assert computation is not None and computation.total == 215_000
    dossier.form_data = {**dossier.form_data, "ly_do_mien_phi": "Hộ nghèo"}
    assert services.submission_fees(dossier=dossier) is None


def test_the_officer_api_asks_for_the_fees_with_its_counts(
    dossier: Dossier, officers: dict[str, Any]
) -> None:
    _examining(dossier, officers)
    token, _created = Token.objects.get_or_create(user=officers["specialist"])
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    url = f"/api/v1/backoffice/dossiers/{dossier.code}/actions/"
    before = _snapshot(dossier)
    refused = client.post(
        url, {"action": "request_payment", "copies": 0}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "copies" in refused.json()["errors"]
    assert _snapshot(dossier) == before
    response = client.post(
        url, {"action": "request_payment", "copies": 3}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    request = PaymentRequest.objects.get(dossier=dossier)
    assert (request.copies, request.total) == (3, 215_000)
    assert response.json()["status"] == "paying"
