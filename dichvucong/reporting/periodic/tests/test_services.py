"""Periods, filing, late marking, refusals, frozen figures, consolidation, reminders."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import make_officer
from dichvucong.catalogue.models import Procedure
from dichvucong.notifications.models import Notification
from dichvucong.organizations.models import Agency
from dichvucong.reporting.periodic.figures import ReportFigures
from dichvucong.reporting.periodic.models import (
    AgencyReport,
    AgencyReportEvent,
    PeriodKind,
    ReportPeriod,
    ReportStatus,
)
from dichvucong.reporting.periodic.selectors import (
    report_consolidated_compute,
    report_figures,
    report_figures_compute,
)
from dichvucong.reporting.periodic.services import (
    Narrative,
    agency_report_reopen,
    agency_report_save,
    agency_report_submit,
    report_period_create,
    report_periods_ensure,
    report_reminders_send,
)

from .conftest import CONSTRUCTION, DISTRICT, JUSTICE, add_day

pytestmark = pytest.mark.django_db


def at(day: datetime.date) -> datetime.datetime:
    """Return 10:00 in Vietnam on `day`."""
    return datetime.datetime.combine(day, datetime.time(3), tzinfo=datetime.UTC)


def test_periods_have_their_default_dates_and_are_created_once(db: Any) -> None:
    semi, annual = report_periods_ensure(year=2020)
    assert (semi.kind, semi.covers_from, semi.covers_to, semi.due_on) == (
        PeriodKind.SEMI_ANNUAL,
        datetime.date(2019, 12, 1),
        datetime.date(2020, 5, 31),
        datetime.date(2020, 6, 30),
    )
    assert (annual.covers_from, annual.covers_to, annual.due_on) == (
        datetime.date(2019, 12, 1),
        datetime.date(2020, 11, 30),
        datetime.date(2020, 11, 30),
    )
    again = report_periods_ensure(year=2020)
    assert [p.pk for p in again] == [semi.pk, annual.pk]
    assert ReportPeriod.objects.count() == 2
    assert semi.title == "Báo cáo 6 tháng đầu năm 2020"
    assert annual.title == "Báo cáo năm 2020"


def test_only_supervisors_open_periods(justice_admin: Any, supervisor: Any) -> None:
    with pytest.raises(PermissionDenied):
        report_period_create(kind=PeriodKind.ANNUAL, year=2019, actor=justice_admin)
    assert not ReportPeriod.objects.exists()
    period, created = report_period_create(
        kind=PeriodKind.ANNUAL,
        year=2019,
        covers_from=datetime.date(2018, 11, 1),
        covers_to=datetime.date(2019, 10, 31),
        actor=supervisor,
    )
    assert created
    assert (period.covers_from, period.covers_to, period.due_on) == (
        datetime.date(2018, 11, 1),
        datetime.date(2019, 10, 31),
        datetime.date(2019, 11, 30),
    )
    with pytest.raises(ValidationError):
        report_period_create(
            kind=PeriodKind.SEMI_ANNUAL,
            year=2019,
            covers_from=datetime.date(2019, 5, 1),
            covers_to=datetime.date(2019, 1, 1),
            actor=supervisor,
        )


def test_figures_computed_from_the_daily_figures(
    period: ReportPeriod, figures_2020: dict[str, Any], province: dict[str, Agency]
) -> None:
    Procedure.objects.filter(pk=figures_2020["procedure"].pk).update(level=3)
    figures = report_figures_compute(
        period=period, agency=province[JUSTICE], as_of=datetime.date(2020, 7, 1)
    )
    assert figures.received == 42
    assert (figures.received_online, figures.received_counter, figures.received_post) == (10, 30, 2)
    assert figures.processed == 30
    assert figures.processed_early == 5
    assert (figures.processed_on_time, figures.processed_late) == (20, 5)
    assert figures.in_time_percent == Decimal("83.3")
    assert figures.online_percent == Decimal("23.8")
    assert figures.average_days == Decimal("2.0")
    assert (figures.paid_online, figures.paid_online_amount) == (4, 200000)
    assert figures.ratings == 10
    assert figures.satisfied_percent == Decimal("90.0")
    assert (figures.services_level_3, figures.services_level_4) == (1, 0)
    # Written on 1 March 2020: only what happened by then.
    early = report_figures_compute(
        period=period, agency=province[JUSTICE], as_of=datetime.date(2020, 3, 1)
    )
    assert (early.received, early.processed) == (10, 10)
    # Before the range starts there is nothing to count, not even what is open.
    assert report_figures_compute(
        period=period, agency=province[JUSTICE], as_of=datetime.date(2019, 11, 30)
    ) == ReportFigures(services_level_3=1)


def test_submission_freezes_the_figures_and_twice_files_once(
    period: ReportPeriod,
    figures_2020: dict[str, Any],
    province: dict[str, Agency],
    justice_admin: Any,
) -> None:
    justice = province[JUSTICE]
    report, filed = agency_report_submit(
        period=period,
        agency=justice,
        actor=justice_admin,
        narrative=Narrative(difficulties="Đường truyền chậm.", proposals="Nâng cấp hạ tầng."),
        now=at(datetime.date(2020, 6, 20)),
    )
    assert filed
    assert report.status == ReportStatus.SUBMITTED
    assert report.late is False
    assert report.figures_as_of == datetime.date(2020, 5, 31)
    assert report.figures["received"] == 42
    assert report.difficulties == "Đường truyền chậm."

    # A dossier counted later in the range does not change the filed report.
    add_day(
        agency=justice,
        procedure=figures_2020["procedure"],
        day=datetime.date(2020, 4, 1),
        channel="online",
        received=50,
    )
    report.refresh_from_db()
    assert report_figures(report=report).received == 42
    assert report_figures_compute(period=period, agency=justice).received == 92

    again, filed_again = agency_report_submit(
        period=period,
        agency=justice,
        actor=justice_admin,
        narrative=Narrative(difficulties="Khác"),
        now=at(datetime.date(2020, 6, 21)),
    )
    assert not filed_again
    assert again.pk == report.pk
    assert again.difficulties == "Đường truyền chậm."
    assert AgencyReport.objects.filter(period=period, agency=justice).count() == 1
    assert list(AgencyReportEvent.objects.values_list("action", flat=True).order_by("pk")) == [
        "created",
        "submitted",
    ]
    event = AgencyReportEvent.objects.filter(report=report).latest("pk")
    event.comment = "sửa lại"
    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_a_report_filed_after_the_due_date_is_accepted_and_marked_late(
    period: ReportPeriod, figures_2020: dict[str, Any], province: dict[str, Agency], supervisor: Any
) -> None:
    approver = make_officer("lanhdao.tp", agency=province[JUSTICE], roles=("approver",))
    report, filed = agency_report_submit(
        period=period, agency=province[JUSTICE], actor=approver, now=at(datetime.date(2020, 7, 1))
    )
    assert filed and report.late
    assert report.submitted_by == approver
    # Sent back and filed again: the late mark of the first filing stays.
    agency_report_reopen(report=report, actor=supervisor, comment="Bổ sung số liệu bưu chính.")
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.figures == {} and report.late
    refiled, filed = agency_report_submit(
        period=period, agency=province[JUSTICE], actor=approver, now=at(datetime.date(2020, 7, 3))
    )
    assert filed and refiled.late
    assert refiled.first_submitted_at == at(datetime.date(2020, 7, 1))
    assert list(refiled.events.order_by("pk").values_list("action", "actor__username")) == [
        ("created", "lanhdao.tp"),
        ("submitted", "lanhdao.tp"),
        ("reopened", "giamsat"),
        ("submitted", "lanhdao.tp"),
    ]


def test_on_the_due_date_is_on_time(
    period: ReportPeriod, province: dict[str, Agency], justice_admin: Any
) -> None:
    report, _filed = agency_report_submit(
        period=period, agency=province[JUSTICE], actor=justice_admin, now=at(period.due_on)
    )
    assert report.late is False


def test_another_agency_cannot_write_or_file_the_report(
    period: ReportPeriod,
    province: dict[str, Agency],
    construction_approver: Any,
    supervisor: Any,
    officer: Any,
) -> None:
    justice = province[JUSTICE]
    for actor in (construction_approver, supervisor, officer):  # officer: reception at justice
        with pytest.raises(PermissionDenied):
            agency_report_submit(period=period, agency=justice, actor=actor)
        with pytest.raises(PermissionDenied):
            agency_report_save(
                period=period, agency=justice, narrative=Narrative(other="x"), actor=actor
            )
    assert not AgencyReport.objects.exists()
    assert not AgencyReportEvent.objects.exists()


def test_a_filed_report_cannot_be_edited_and_only_supervisors_reopen(
    period: ReportPeriod, province: dict[str, Agency], justice_admin: Any
) -> None:
    justice = province[JUSTICE]
    report = agency_report_save(
        period=period, agency=justice, narrative=Narrative(situation="Tốt"), actor=justice_admin
    )
    assert report.situation == "Tốt" and report.status == ReportStatus.DRAFT
    agency_report_submit(period=period, agency=justice, actor=justice_admin)
    with pytest.raises(ValidationError):
        agency_report_save(
            period=period, agency=justice, narrative=Narrative(situation="Sửa"), actor=justice_admin
        )
    with pytest.raises(PermissionDenied):
        agency_report_reopen(report=report, actor=justice_admin, comment="Tự mở lại")
    report.refresh_from_db()
    assert report.situation == "Tốt" and report.status == ReportStatus.SUBMITTED


def test_consolidation_sums_the_agencies(
    period: ReportPeriod,
    figures_2020: dict[str, Any],
    province: dict[str, Agency],
    justice_admin: Any,
) -> None:
    agency_report_submit(
        period=period,
        agency=province[JUSTICE],
        actor=justice_admin,
        narrative=Narrative(proposals="Đề xuất A"),
        now=at(datetime.date(2020, 7, 2)),
    )
    consolidated = report_consolidated_compute(period=period)
    codes = [row.agency.code for row in consolidated.rows]
    # Departments and the district People's Committee report; not the province's
    # People's Committee, one-stop units or communes.
    assert codes == [JUSTICE, CONSTRUCTION, DISTRICT]
    assert (consolidated.filed, consolidated.late, consolidated.missing) == (1, 1, 2)
    by_code = {row.agency.code: row for row in consolidated.rows}
    assert by_code[JUSTICE].filed and by_code[JUSTICE].figures.received == 42
    assert not by_code[CONSTRUCTION].filed and by_code[CONSTRUCTION].figures.received == 8
    assert by_code[DISTRICT].figures == ReportFigures()
    totals = consolidated.totals
    assert (totals.received, totals.received_online, totals.processed) == (50, 18, 38)
    assert totals.processed_in_time == 33
    assert totals.in_time_percent == Decimal("86.8")
    assert [row.agency.code for row in consolidated.narratives] == [JUSTICE]


def test_reminders_are_sent_once_per_period_agency_and_officer(
    period: ReportPeriod,
    province: dict[str, Agency],
    justice_admin: Any,
    construction_approver: Any,
    officer: Any,
) -> None:
    before = datetime.date(2020, 6, 25)  # due 30 June, reminders from 23 June
    assert report_reminders_send(on=datetime.date(2020, 6, 1)) == 0
    assert report_reminders_send(on=before) == 2
    assert sorted(Notification.objects.values_list("user__username", "event")) == [
        ("lanhdao.xd", "periodic_report_due_soon"),
        ("quantri.tp", "periodic_report_due_soon"),
    ]
    assert report_reminders_send(on=before + datetime.timedelta(days=1)) == 0
    notification = Notification.objects.get(user=justice_admin)
    assert "Sở Tư pháp" in notification.body and "30/06/2020" in notification.title
    assert notification.url.endswith(f"/mot-cua/bao-cao/{period.pk}/{JUSTICE}/")

    # Sở Tư pháp files; once overdue, only Sở Xây dựng is reminded, once.
    agency_report_submit(
        period=period, agency=province[JUSTICE], actor=justice_admin, now=at(before)
    )
    assert report_reminders_send(on=datetime.date(2020, 7, 2)) == 1
    assert report_reminders_send(on=datetime.date(2020, 7, 3)) == 0
    overdue = Notification.objects.get(event="periodic_report_overdue")
    assert overdue.user == construction_approver
    assert not Notification.objects.filter(user=officer).exists()
