"""The statistics against the hand-computed history of conftest.py."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from dichvucong.dossiers.tests.fixtures import make_officer
from dichvucong.reporting.models import MonthlyFigures, RolledMonth
from dichvucong.reporting.selectors import (
    StatisticsQuery,
    processing_time_distribution,
    statistics_by_agency,
    statistics_by_month,
    statistics_by_procedure,
    statistics_figures,
    statistics_late_dossiers,
    statistics_query_for_officer,
)

from .history import DISTRICT, JUSTICE, History

H1 = StatisticsQuery(date_from=date(2020, 1, 1), date_to=date(2020, 6, 30))


def test_totals(history: History) -> None:
    f = statistics_figures(query=H1)
    assert (f.received, f.received_online, f.received_direct, f.received_postal) == (6, 4, 1, 1)
    assert f.online_share == 0.6667
    assert (f.accepted, f.denied, f.cancelled) == (4, 1, 0)
    assert (f.processed, f.processed_early, f.processed_on_time, f.processed_late) == (4, 1, 2, 1)
    assert f.on_time_share == 0.75
    assert f.average_processing_days == 4.0  # (2 + 10 + 1 + 3) / 4
    assert (f.in_progress, f.in_progress_within, f.in_progress_overdue) == (2, 1, 1)
    assert (f.paid_online, f.paid_online_amount) == (1, 50000)
    assert f.paid_online_share == round(1 / 6, 4)
    assert (f.ratings, f.ratings_very_satisfied, f.ratings_unsatisfied) == (2, 1, 1)
    assert f.satisfaction_share == 0.5


def test_distribution(history: History) -> None:
    buckets = processing_time_distribution(query=H1)
    assert [(b.lower_days, b.upper_days, b.count) for b in buckets] == [
        (0, 1, 1),
        (1, 3, 2),
        (3, 7, 0),
        (7, 15, 1),
        (15, 30, 0),
        (30, None, 0),
    ]


def test_the_day_is_vietnam_time(history: History) -> None:
    # Dossier 6 came at 23:30 on 31 March, Vietnam time (16:30 UTC): a March dossier.
    april_1 = StatisticsQuery(date_from=date(2020, 4, 1), date_to=date(2020, 4, 1))
    assert statistics_figures(query=april_1).received == 1
    march_31 = StatisticsQuery(date_from=date(2020, 3, 31), date_to=date(2020, 3, 31))
    assert statistics_figures(query=march_31).received == 1


def test_filters_and_breakdowns(history: History, province: dict[str, Any]) -> None:
    by_agency = {r.agency.code: r.figures for r in statistics_by_agency(query=H1)}
    assert {code: (f.received, f.processed, f.in_progress) for code, f in by_agency.items()} == {
        JUSTICE: (3, 4, 0),
        DISTRICT: (3, 0, 2),
    }
    district = StatisticsQuery(date_from=H1.date_from, date_to=H1.date_to, tier="district")
    assert statistics_figures(query=district).received == 3
    assert statistics_figures(query=district).processed == 0
    q = history.versions[1].procedure
    by_procedure = {r.procedure.code: r.figures.received for r in statistics_by_procedure(query=H1)}
    assert by_procedure[q.code] == 2
    only_q = StatisticsQuery(date_from=H1.date_from, date_to=H1.date_to, procedure_id=q.pk)
    assert statistics_figures(query=only_q).received == 2
    months = statistics_by_month(query=H1)
    assert [m.month.month for m in months] == [1, 2, 3, 4, 5, 6]
    assert [(m.figures.received, m.figures.processed) for m in months] == [
        (0, 1),
        (0, 0),
        (3, 2),
        (3, 1),
        (0, 0),
        (0, 0),
    ]


def test_officers_read_their_agencies_only(history: History, province: dict[str, Any]) -> None:
    clerk = make_officer("tiepnhan.stp", province[JUSTICE], "reception")
    scoped = statistics_query_for_officer(user=clerk, query=H1)
    assert statistics_figures(query=scoped).received == 3
    with pytest.raises(PermissionDenied):
        statistics_query_for_officer(
            user=clerk,
            query=StatisticsQuery(
                date_from=H1.date_from, date_to=H1.date_to, agency_id=province[DISTRICT].pk
            ),
        )
    citizen_like = make_officer("nobody", province[JUSTICE])  # no role anywhere
    with pytest.raises(PermissionDenied):
        statistics_query_for_officer(user=citizen_like, query=H1)
    supervisor = make_officer("giamsat", province["000.00.00.H10"], "supervisor")
    assert statistics_query_for_officer(user=supervisor, query=H1).agency_ids is None
    # The late list: dossier 4 (open, overdue), not the district's for the clerk.
    late = statistics_late_dossiers(query=H1, officer=supervisor)
    assert [d.code for d in late] == ["T-4"]
    assert [d.code for d in statistics_late_dossiers(query=H1, officer=clerk)] == []


def test_whole_months_come_from_the_monthly_rows(history: History) -> None:
    # The rebuild rolled every month up: whole months are read from MonthlyFigures,
    # the rest of the period from the daily rows; both give the same figures.
    assert RolledMonth.objects.filter(month=date(2020, 4, 1)).exists()
    mixed = StatisticsQuery(date_from=date(2020, 3, 15), date_to=date(2020, 4, 30))
    rolled = statistics_figures(query=mixed)
    assert (rolled.received, rolled.processed, rolled.processed_late) == (4, 1, 0)
    whole = statistics_figures(query=H1)
    months = statistics_by_month(query=H1)
    RolledMonth.objects.all().delete()
    assert statistics_figures(query=mixed) == rolled
    assert statistics_figures(query=H1) == whole
    assert statistics_by_month(query=H1) == months
    # A month the rows of which were written without the rebuild is read day by day.
    MonthlyFigures.objects.all().delete()
    assert statistics_figures(query=H1) == whole
