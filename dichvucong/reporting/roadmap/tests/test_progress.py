"""Progress of Bình Phước's plan against the computed level, year by year."""

from __future__ import annotations

from typing import Any

from dichvucong.catalogue.models import Procedure
from dichvucong.reporting.roadmap.models import Plan
from dichvucong.reporting.roadmap.selectors import ProgressRow, plan_progress, progress_series

from .helpers import make_procedure, vn

# PRODUCT.md's "Roadmap targets" table (Decision 409/QĐ-UBND, section 1 a and b).
TARGETS = {
    2015: (63, 0, 52, 0),
    2016: (126, 14, 104, 26),
    2017: (189, 28, 156, 52),
    2018: (252, 42, 208, 78),
    2019: (315, 57, 261, 104),
    2020: (378, 72, 314, 131),
}


def rows_of(rows: list[ProgressRow]) -> list[tuple[int, str, int, int, int | None]]:
    return [(r.year, r.tier, r.level, r.target, r.actual) for r in rows]


def test_the_plan_holds_the_decisions_targets(plan: Plan) -> None:
    rows = plan_progress(plan=plan)
    targets = {(r.year, r.tier, r.level): r.target for r in rows}
    assert len(rows) == 24
    for year, (d3, d4, s3, s4) in TARGETS.items():
        assert targets[(year, "district", 3)] == d3
        assert targets[(year, "district", 4)] == d4
        assert targets[(year, "department", 3)] == s3
        assert targets[(year, "department", 4)] == s4


def test_past_years_count_the_level_recorded_at_the_end_of_the_year(
    plan: Plan, catalogue: dict[str, Procedure]
) -> None:
    rows = rows_of(plan_progress(plan=plan, now=vn("2026-11-27T10:00")))
    assert rows[:12] == [
        (2015, "department", 3, 52, 1),
        (2015, "department", 4, 0, 0),
        (2015, "district", 3, 63, 2),  # the commune's c4 and d2 (which later fell back)
        (2015, "district", 4, 0, 0),
        (2016, "department", 3, 104, 2),
        (2016, "department", 4, 26, 1),  # p4 reached level 4 at 23:00 on 31 December
        (2016, "district", 3, 126, 2),
        (2016, "district", 4, 14, 0),
        (2017, "department", 3, 156, 2),
        (2017, "department", 4, 52, 1),
        (2017, "district", 3, 189, 2),
        (2017, "district", 4, 28, 1),
    ]
    assert rows[12:] == [
        (year, tier, level, target, actual)
        for year in (2018, 2019, 2020)
        for (tier, level, target, actual) in [
            ("department", 3, TARGETS[year][2], 2),
            ("department", 4, TARGETS[year][3], 1),
            ("district", 3, TARGETS[year][0], 2),
            ("district", 4, TARGETS[year][1], 1),
        ]
    ]


def test_the_current_year_counts_todays_computed_level_and_future_years_nothing(
    plan: Plan, catalogue: dict[str, Procedure]
) -> None:
    rows = rows_of(plan_progress(plan=plan, now=vn("2016-06-15T12:00")))
    assert rows[4:8] == [
        (2016, "department", 3, 104, 2),
        (2016, "department", 4, 26, 1),
        (2016, "district", 3, 126, 2),
        (2016, "district", 4, 14, 1),
    ]
    assert {actual for (year, *_rest, actual) in rows if year > 2016} == {None}


def test_the_computed_level_counts_not_the_declared_one(
    plan: Plan, catalogue: dict[str, Procedure]
) -> None:
    """pd is declared at level 4 but configured at 2; d3 is declared at 2 but reaches 3."""
    now = vn("2016-06-15T12:00")
    before = {(r.tier, r.level): r.actual for r in plan_progress(plan=plan, year=2016, now=now)}
    Procedure.objects.filter(pk=catalogue["pd"].pk).update(level=3)
    Procedure.objects.filter(pk=catalogue["d3"].pk).update(level=2)
    after = {(r.tier, r.level): r.actual for r in plan_progress(plan=plan, year=2016, now=now)}
    assert (before[("department", 3)], after[("department", 3)]) == (2, 3)
    assert (before[("district", 3)], after[("district", 3)]) == (2, 1)


def test_commune_procedures_count_under_district_only_when_the_plan_says_so(
    plan: Plan, catalogue: dict[str, Procedure]
) -> None:
    now = vn("2026-01-10T10:00")
    assert plan_progress(plan=plan, year=2020, now=now)[3].actual == 1  # district L4: c4
    plan.commune_counts_as_district = False
    plan.save(update_fields=["commune_counts_as_district"])
    rows = {(r.tier, r.level): r.actual for r in plan_progress(plan=plan, year=2020, now=now)}
    assert rows == {
        ("department", 3): 2,
        ("department", 4): 1,
        ("district", 3): 1,
        ("district", 4): 0,
    }


def test_a_procedure_without_history_does_not_count_for_past_years(
    plan: Plan, province: dict[str, Any]
) -> None:
    make_procedure("1.000201.000.00.00.H10", "district", level=4)
    rows = rows_of(plan_progress(plan=plan, now=vn("2017-03-01T10:00")))
    assert rows[6:8] == [(2016, "district", 3, 126, 0), (2016, "district", 4, 14, 0)]
    assert rows[10:12] == [(2017, "district", 3, 189, 1), (2017, "district", 4, 28, 1)]


def test_progress_reads_in_three_queries(
    plan: Plan, catalogue: dict[str, Procedure], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(3):
        rows = plan_progress(plan=plan, now=vn("2026-11-27T10:00"))
    series = progress_series(rows)
    assert next((s.tier, s.level, [p.year for p in s.points]) for s in series) == (
        "department",
        3,
        [2015, 2016, 2017, 2018, 2019, 2020],
    )
    assert len(series) == 4
