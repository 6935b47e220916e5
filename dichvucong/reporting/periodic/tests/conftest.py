"""Fixtures of the periodic reports tests: officers, a period, daily figures by hand."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from conftest import make_officer
from dichvucong.catalogue.models import Procedure
from dichvucong.organizations.models import Agency
from dichvucong.reporting.models import DailyFigures
from dichvucong.reporting.periodic.models import PeriodKind, ReportPeriod
from dichvucong.reporting.periodic.services import report_period_create

JUSTICE = "000.00.01.H10"
CONSTRUCTION = "000.00.03.H10"
DISTRICT = "000.00.20.H10"


@pytest.fixture
def justice_admin(province: dict[str, Agency]) -> Any:
    return make_officer(
        "quantri.tp", agency=province[JUSTICE], roles=("agency_admin",), full_name="Lê Thị Hoa"
    )


@pytest.fixture
def construction_approver(province: dict[str, Agency]) -> Any:
    return make_officer(
        "lanhdao.xd",
        agency=province[CONSTRUCTION],
        roles=("approver",),
        full_name="Võ Văn Kiệt",
    )


@pytest.fixture
def supervisor(province: dict[str, Agency]) -> Any:
    return make_officer(
        "giamsat", agency=province[CONSTRUCTION], roles=("supervisor",), full_name="Hoàng Đức Thắng"
    )


@pytest.fixture
def period(db: Any) -> ReportPeriod:
    """The 2020 semi-annual period: 1 Dec 2019 to 31 May 2020, due 30 June 2020."""
    return report_period_create(kind=PeriodKind.SEMI_ANNUAL, year=2020)[0]


def add_day(
    *, agency: Agency, procedure: Procedure, day: datetime.date, channel: str, **counts: int
) -> DailyFigures:
    """Write one day of figures by hand (what the statistics app keeps from events)."""
    return DailyFigures.objects.create(
        day=day, agency=agency, procedure=procedure, channel=channel, **counts
    )


@pytest.fixture
def figures_2020(province: dict[str, Agency], procedures: list[Any]) -> dict[str, Any]:
    """Hand-made daily figures for Sở Tư pháp and Sở Xây dựng in the 2020 semi-annual range.

    Sở Tư pháp: 10 online + 30 at the counter + 2 by post received (42); 30 processed
    (5 early, 20 on time, 5 late) taking 60 days in all; 4 paid online (200,000 đồng);
    ratings 6 very satisfied, 3 satisfied, 1 unsatisfied. A row outside the range
    (30 November 2019) must not count.
    Sở Xây dựng: 8 received online, 8 processed on time.
    """
    procedure = procedures[0].procedure
    days: list[tuple[str, datetime.date, str, dict[str, int]]] = [
        (
            JUSTICE,
            datetime.date(2020, 1, 15),
            "online",
            {
                "received": 10,
                "processed": 10,
                "processed_early": 5,
                "processed_on_time": 5,
                "processing_counted": 10,
                "processing_seconds": 10 * 86400,
                "paid_online": 4,
                "paid_online_amount": 200000,
                "ratings_very_satisfied": 6,
                "ratings_satisfied": 3,
                "ratings_unsatisfied": 1,
            },
        ),
        (
            JUSTICE,
            datetime.date(2020, 3, 2),
            "direct",
            {
                "received": 30,
                "processed": 20,
                "processed_on_time": 15,
                "processed_late": 5,
                "processing_counted": 20,
                "processing_seconds": 50 * 86400,
            },
        ),
        (JUSTICE, datetime.date(2020, 5, 31), "postal", {"received": 2}),
        (JUSTICE, datetime.date(2019, 11, 30), "online", {"received": 100, "processed": 100}),
        (
            CONSTRUCTION,
            datetime.date(2020, 2, 1),
            "online",
            {"received": 8, "processed": 8, "processed_on_time": 8},
        ),
    ]
    for code, day, channel, counts in days:
        add_day(agency=province[code], procedure=procedure, day=day, channel=channel, **counts)
    return {"procedure": procedure}
