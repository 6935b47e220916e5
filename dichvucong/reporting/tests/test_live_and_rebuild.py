"""The daily figures follow real actions live, and the rebuild from the log gives the same."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers import services
from dichvucong.dossiers.actions import ActionRequest, MissingItem, dossier_action_execute
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.fixtures import EXAMPLE, ID_COPY_FIELD, pdf_upload
from dichvucong.feedback.services import rating_submit
from dichvucong.payments import services as payment_services
from dichvucong.payments.tests.conftest import fee_procedure, ipn_params  # noqa: F401
from dichvucong.reporting.models import COUNTER_FIELDS, DailyFigures, MonthlyFigures
from dichvucong.reporting.selectors import StatisticsQuery, statistics_figures
from dichvucong.reporting.services import daily_figures_rebuild


@pytest.fixture(autouse=True)
def _fresh_storage(fresh_storage: None) -> None:
    """Every test starts with an empty storage."""


def submit(applicant: Any, procedure: Procedure, key: str) -> Dossier:
    return services.dossier_submit(
        applicant=applicant,
        procedure=procedure,
        form_data=dict(EXAMPLE),
        files={ID_COPY_FIELD: [pdf_upload()]},
        idempotency_key=key,
    ).dossier


def act(dossier: Dossier, actor: Any, action: str, **fields: Any) -> None:
    dossier_action_execute(
        dossier=dossier, actor=actor, request=ActionRequest(action=action, **fields)
    )


def rows() -> list[tuple[Any, ...]]:
    daily = DailyFigures.objects.values_list(
        "day", "agency_id", "procedure_id", "channel", *COUNTER_FIELDS
    )
    monthly = MonthlyFigures.objects.values_list(
        "month", "agency_id", "procedure_id", "channel", *COUNTER_FIELDS
    )
    return sorted([("day", *r) for r in daily] + [("month", *r) for r in monthly])


def to_done(dossier: Dossier, officers: dict[str, Any], *, late: bool = False) -> None:
    act(dossier, officers["reception"], "accept")
    act(dossier, officers["head"], "assign", assignee=officers["specialist"])
    act(dossier, officers["specialist"], "propose", comment="Đủ điều kiện.")
    act(dossier, officers["approver"], "approve")
    if late:
        dossier.refresh_from_db()
        Dossier.objects.filter(pk=dossier.pk).update(
            due_at=dossier.result_at - timedelta(days=2)  # type: ignore[operator]
        )
    act(dossier, officers["reception"], "hand_back")


def test_rebuilt_rows_equal_the_live_ones(
    citizen: Any,
    fee_procedure: Procedure,  # noqa: F811
    officers: dict[str, Any],
) -> None:
    procedure = fee_procedure
    on_time = submit(citizen, procedure, "k-1")
    to_done(on_time, officers)
    late = submit(citizen, procedure, "k-2")
    to_done(late, officers, late=True)
    # More documents before acceptance, then accepted and left open.
    waiting = submit(citizen, procedure, "k-3")
    act(
        waiting,
        officers["reception"],
        "request_documents",
        comment="Thiếu giấy tờ.",
        items=[MissingItem(document="Bản sao Căn cước công dân")],
    )
    act(waiting, citizen, "supplement", comment="Đã bổ sung bản sao.")
    act(waiting, officers["reception"], "accept")
    denied = submit(citizen, procedure, "k-4")
    act(denied, officers["reception"], "refuse", comment="Không thuộc thẩm quyền.")
    withdrawn = submit(citizen, procedure, "k-5")
    act(withdrawn, citizen, "withdraw")
    # Paid online through the gateway's IPN, then finished.
    paid = submit(citizen, procedure, "k-6")
    act(paid, officers["reception"], "accept")
    act(paid, officers["head"], "assign", assignee=officers["specialist"])
    act(paid, officers["specialist"], "request_payment", extra={"copies": 2})
    payment = payment_services.payment_create(
        dossier=paid, payer=citizen, ip_address="203.113.1.2", language="vi"
    )
    payment_services.payment_ipn_handle(params=ipn_params(payment))
    act(paid, officers["specialist"], "propose", comment="Đủ điều kiện.")
    act(paid, officers["approver"], "approve")
    act(paid, officers["reception"], "hand_back")
    rating_submit(dossier=on_time, applicant=citizen, level="very_satisfied")
    rating_submit(dossier=late, applicant=citizen, level="unsatisfied")

    today = timezone.localdate()
    figures = statistics_figures(query=StatisticsQuery(date_from=today, date_to=today))
    assert (figures.received, figures.received_online, figures.accepted) == (6, 6, 4)
    assert (figures.denied, figures.cancelled, figures.processed) == (1, 1, 3)
    assert figures.processed_late == 1
    assert figures.processed_early + figures.processed_on_time == 2
    assert (figures.paid_online, figures.paid_online_amount) == (1, payment.amount)
    assert (figures.ratings_very_satisfied, figures.ratings_unsatisfied, figures.ratings) == (
        1,
        1,
        2,
    )
    assert (figures.in_progress, figures.in_progress_overdue) == (1, 0)

    live = rows()
    assert len(live) == 2  # today's row and this month's
    written = daily_figures_rebuild()
    assert written == 1
    assert rows() == live
    # A partial rebuild of other days leaves today's row alone.
    assert (
        daily_figures_rebuild(
            date_from=today - timedelta(days=3), date_to=today - timedelta(days=1)
        )
        == 0
    )
    assert rows() == live


def test_the_nightly_refresh_rolls_yesterdays_month_up(history_day: Any) -> None:
    from dichvucong.reporting.models import RolledMonth
    from dichvucong.reporting.tasks import daily_figures_refresh

    yesterday = timezone.localdate() - timedelta(days=1)
    before = rows()
    assert not RolledMonth.objects.filter(month=yesterday.replace(day=1)).exists()
    daily_figures_refresh()
    assert RolledMonth.objects.filter(month=yesterday.replace(day=1)).exists()
    assert rows() == before
    daily_figures_refresh()  # again: the same rows
    assert rows() == before


@pytest.fixture
def history_day(citizen: Any, online_procedure: Procedure, officers: dict[str, Any]) -> None:
    """A dossier submitted and accepted yesterday (the events dated back)."""
    from dichvucong.dossiers.models import DossierEvent

    dossier = submit(citizen, online_procedure, "k-y")
    act(dossier, officers["reception"], "accept")
    DailyFigures.objects.all().delete()
    MonthlyFigures.objects.all().delete()
    DossierEvent.objects.filter(dossier=dossier).update(
        created_at=timezone.now() - timedelta(days=1)
    )
    daily_figures_rebuild(
        date_from=timezone.localdate() - timedelta(days=1),
        date_to=timezone.localdate() - timedelta(days=1),
    )
    from dichvucong.reporting.models import RolledMonth

    RolledMonth.objects.all().delete()
