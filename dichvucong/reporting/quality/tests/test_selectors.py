"""The index computed exactly on the hand-built year (fixtures.py), and weights as data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from dichvucong.reporting.quality.computations import Facts, compute, share
from dichvucong.reporting.quality.models import Computation, IndexSet, Indicator
from dichvucong.reporting.quality.periods import Period
from dichvucong.reporting.quality.selectors import (
    AgencyQuality,
    IndexScore,
    index_score,
    index_set_active,
    latest_year_with_data,
    quality_report,
)

from .fixtures import DISTRICT_SCORE, JUSTICE_SCORE, PROVINCE_SCORE

pytestmark = pytest.mark.django_db

YEAR_2020 = Period.of_year(2020)


def _points(report: Any, code: str) -> dict[str, Decimal | None]:
    agency = next(a for a in report.agencies if a.agency.code == code)
    return {s.indicator.code: s.points for s in _index(agency).indicators}


def _index(quality: AgencyQuality) -> IndexScore:
    assert quality.index is not None
    return quality.index


def test_facts_of_each_agency(quality_year: dict[str, Any]) -> None:
    report = quality_report(period=YEAR_2020, index_set=index_set_active())
    assert [a.agency.code for a in report.agencies] == ["000.00.01.H10", "000.00.20.H10"]
    justice, district = report.agencies
    assert justice.facts == Facts(
        received=20,
        received_online=16,
        processed=9,
        processed_on_time=7,
        processed_due=8,
        in_progress=2,
        in_progress_within=1,
        paid_online=2,
        ratings=4,
        ratings_satisfied=3,
        procedures=1,
        procedures_level1=1,
        procedures_level2=1,
        procedures_level3=1,
        procedures_level4=0,
        procedures_with_fee=1,
        procedures_payment_enabled=1,
        results_signed=1,
        dossiers_digitised=1,
    )
    assert justice.on_time_share == Decimal("87.50")
    assert justice.satisfaction_share == Decimal("75.00")
    assert (district.facts.received, district.facts.processed_due) == (5, 5)
    assert district.on_time_share == Decimal("40.00")
    assert district.satisfaction_share == Decimal("0.00")
    assert report.province_facts.received == 25
    assert report.province_facts.procedures == 2
    assert report.province_on_time_share == Decimal("69.23")  # 9 of 13


def test_index_of_justice_by_hand(quality_year: dict[str, Any]) -> None:
    report = quality_report(period=YEAR_2020, index_set=index_set_active())
    # CK1 1/1 x10, CK2 1/1 x8, TD1 7/8 x14, TD2 1/2 x6, DV1 1 x3, DV2 0, DV3 16/20 x6,
    # TT1 1/1 x4, TT2 2/20 x6, SH1 1/20 x11, SH2 1/9 x11, HL1 3/4 x14, HL2 4/9 x4.
    assert _points(report, "000.00.01.H10") == {
        "CK1": Decimal("10.00"),
        "CK2": Decimal("8.00"),
        "TD1": Decimal("12.25"),
        "TD2": Decimal("3.00"),
        "DV1": Decimal("3.00"),
        "DV2": Decimal("0.00"),
        "DV3": Decimal("4.80"),
        "TT1": Decimal("4.00"),
        "TT2": Decimal("0.60"),
        "SH1": Decimal("0.55"),
        "SH2": Decimal("1.22"),
        "HL1": Decimal("10.50"),
        "HL2": Decimal("1.78"),
    }
    justice = report.agencies[0]
    assert _index(justice).points == Decimal("59.70")
    assert _index(justice).max_points == Decimal("100.00")
    assert justice.score == JUSTICE_SCORE
    groups = {g.group: (g.points, g.total_points) for g in _index(justice).groups}
    assert groups == {
        "transparency": (Decimal("18.00"), Decimal("18.00")),
        "progress": (Decimal("15.25"), Decimal("20.00")),
        "online_service": (Decimal("7.80"), Decimal("12.00")),
        "online_payment": (Decimal("4.60"), Decimal("10.00")),
        "digitisation": (Decimal("1.77"), Decimal("22.00")),
        "satisfaction": (Decimal("12.28"), Decimal("18.00")),
    }


def test_an_indicator_without_data_is_left_out(quality_year: dict[str, Any]) -> None:
    report = quality_report(period=YEAR_2020, index_set=index_set_active())
    district = report.agencies[1]
    points = _points(report, "000.00.20.H10")
    assert points["TD2"] is None  # nothing in progress: not measured
    assert points["TD1"] == Decimal("5.60")  # 2 of 5
    assert points["HL2"] == Decimal("1.60")  # 2 ratings of 5 processed
    assert _index(district).points == Decimal("17.20")
    assert _index(district).max_points == Decimal("94.00")
    assert district.score == DISTRICT_SCORE  # 17.20 / 94 x 100
    assert report.province_index is not None
    assert report.province_index.score == PROVINCE_SCORE


def test_weights_are_data(quality_year: dict[str, Any]) -> None:
    index_set = IndexSet.objects.get(is_active=True)
    Indicator.objects.filter(index_set=index_set, code="TD1").update(max_points=28)
    report = quality_report(period=YEAR_2020, index_set=index_set_active())
    justice = report.agencies[0]
    # TD1 now earns 24.50 of 28: 71.95 of 114.
    assert _index(justice).points == Decimal("71.95")
    assert _index(justice).max_points == Decimal("114.00")
    assert justice.score == Decimal("63.11")
    Indicator.objects.filter(index_set=index_set).exclude(code="HL1").delete()
    report = quality_report(period=YEAR_2020, index_set=index_set_active())
    assert report.agencies[0].score == Decimal("75.00")
    assert report.agencies[1].score == Decimal("0.00")


def test_another_set_scores_differently(quality_year: dict[str, Any]) -> None:
    other = IndexSet.objects.create(code="chi-dung-han", name="Chỉ đúng hạn")
    Indicator.objects.create(
        index_set=other,
        group="progress",
        code="A",
        name="Đúng hạn",
        computation=Computation.PROCESSED_ON_TIME,
        max_points=Decimal(50),
    )
    report = quality_report(period=YEAR_2020, index_set=other)
    assert [a.score for a in report.agencies] == [Decimal("87.50"), Decimal("40.00")]


def test_agency_filter_and_tier(quality_year: dict[str, Any]) -> None:
    district = quality_year["district"]
    report = quality_report(period=YEAR_2020, index_set=index_set_active(), agency=district)
    assert [a.agency.code for a in report.agencies] == ["000.00.20.H10"]
    report = quality_report(period=YEAR_2020, index_set=index_set_active(), tier="district")
    assert [a.agency.code for a in report.agencies] == ["000.00.20.H10"]
    # An agency without dossiers in the period still gets its (catalogue-only) row.
    report = quality_report(
        period=Period.of_year(2018), index_set=index_set_active(), agency=district
    )
    assert report.agencies[0].facts.received == 0
    assert report.agencies[0].facts.procedures == 1


def test_periods_and_latest_year(quality_year: dict[str, Any]) -> None:
    assert latest_year_with_data() == 2020
    assert latest_year_with_data(before=date(2020, 1, 1)) == 2019
    assert latest_year_with_data(before=date(2019, 1, 1)) is None
    first_half = quality_report(period=Period.of_year(2020, "h1"), index_set=None)
    assert [a.facts.received for a in first_half.agencies] == [10, 5]
    assert first_half.agencies[0].index is None
    second_half = quality_report(period=Period.of_year(2020, "h2"), index_set=None)
    # J still has its open dossiers (live), D has nothing in the second half.
    assert [(a.agency.code, a.facts.received) for a in second_half.agencies] == [
        ("000.00.01.H10", 10)
    ]


def test_computations_share() -> None:
    assert share(1, 3) == Decimal("0.3333")
    assert share(5, 3) == Decimal("1.0000")  # never above 1
    assert share(0, 0) is None
    for computation in Computation.values:
        assert compute(computation, Facts()) is None  # nothing to measure, never zero


def test_index_score_without_indicators() -> None:
    score = index_score(indicators=[], facts=Facts(received=3))
    assert score.score is None
    assert score.groups == []
