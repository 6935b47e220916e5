from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from conftest import make_applicant
from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers.models import Dossier
from dichvucong.feedback.models import Rating
from dichvucong.feedback.selectors import (
    dossier_get_for_rating,
    rating_for_dossier,
    rating_summary,
)
from dichvucong.feedback.services import rating_submit
from dichvucong.organizations.models import Agency

from .conftest import submit

ZERO = {"very_satisfied": 0, "satisfied": 0, "unsatisfied": 0}


def test_rating_for_dossier(citizen: Any, done_dossier: Dossier) -> None:
    assert rating_for_dossier(dossier=done_dossier) is None
    rating = rating_submit(dossier=done_dossier, applicant=citizen, level="satisfied")
    assert rating_for_dossier(dossier=done_dossier) == rating


def test_dossier_get_for_rating_is_the_applicants_own(
    citizen: Any, other_citizen: Any, done_dossier: Dossier
) -> None:
    code = str(done_dossier.code)
    assert dossier_get_for_rating(applicant=citizen, code=code) == done_dossier
    with pytest.raises(Dossier.DoesNotExist):
        dossier_get_for_rating(applicant=other_citizen, code=code)
    with pytest.raises(Dossier.DoesNotExist):
        dossier_get_for_rating(applicant=citizen, code="000.00.01.H10-150302-9999")


def test_summary_of_no_rating_lists_every_level(db: Any) -> None:
    assert rating_summary() == ZERO


@pytest.fixture
def rated(province: dict[str, Agency], online_procedure: Procedure) -> dict[str, Agency]:
    """Seven rated dossiers at Sở Tư pháp, at known times, and one moved to the district."""
    levels_and_times = [
        ("very_satisfied", datetime(2025, 3, 1, 1, 0, tzinfo=UTC)),  # 08:00 on 1/3 in Vietnam
        ("very_satisfied", datetime(2025, 3, 1, 16, 59, tzinfo=UTC)),  # 23:59 on 1/3
        ("satisfied", datetime(2025, 3, 1, 17, 0, tzinfo=UTC)),  # 00:00 on 2/3
        ("satisfied", datetime(2025, 3, 2, 9, 0, tzinfo=UTC)),
        ("unsatisfied", datetime(2025, 2, 28, 16, 59, tzinfo=UTC)),  # 23:59 on 28/2
        ("unsatisfied", datetime(2025, 3, 3, 3, 0, tzinfo=UTC)),
        ("satisfied", datetime(2025, 3, 3, 3, 0, tzinfo=UTC)),
    ]
    for index, (level, at) in enumerate(levels_and_times):
        applicant = make_applicant(f"danhgia{index}", citizen_id=f"07409000{index:04d}")
        dossier = submit(applicant, online_procedure, f"k-{index}")
        rating_submit(dossier=dossier, applicant=applicant, level=level)
        Rating.objects.filter(dossier=dossier).update(created_at=at)
    # The last one was received by the district instead (set-up only).
    Dossier.objects.filter(pk=dossier.pk).update(agency=province["000.00.20.H10"])
    return province


def test_summary_counts_each_level(rated: dict[str, Agency]) -> None:
    assert rating_summary() == {"very_satisfied": 2, "satisfied": 3, "unsatisfied": 2}


def test_summary_by_agency(rated: dict[str, Agency]) -> None:
    justice = rated["000.00.01.H10"].pk
    district = rated["000.00.20.H10"].pk
    construction = rated["000.00.03.H10"].pk
    assert rating_summary(agency_ids=[justice]) == {
        "very_satisfied": 2,
        "satisfied": 2,
        "unsatisfied": 2,
    }
    assert rating_summary(agency_ids=(district,)) == {
        "very_satisfied": 0,
        "satisfied": 1,
        "unsatisfied": 0,
    }
    assert rating_summary(agency_ids=iter([justice, district])) == rating_summary()
    assert rating_summary(agency_ids=[construction]) == ZERO
    assert rating_summary(agency_ids=[]) == ZERO


def test_summary_by_days_in_vietnam_time_both_ends_included(rated: dict[str, Agency]) -> None:
    day1, day2, day3 = date(2025, 3, 1), date(2025, 3, 2), date(2025, 3, 3)
    assert rating_summary(since=day1, until=day1) == {
        "very_satisfied": 2,
        "satisfied": 0,
        "unsatisfied": 0,
    }
    assert rating_summary(since=day2, until=day2) == {
        "very_satisfied": 0,
        "satisfied": 2,
        "unsatisfied": 0,
    }
    assert rating_summary(since=day2) == {"very_satisfied": 0, "satisfied": 3, "unsatisfied": 1}
    assert rating_summary(until=day1) == {"very_satisfied": 2, "satisfied": 0, "unsatisfied": 1}
    assert rating_summary(since=day3, until=day1) == ZERO
    justice = rated["000.00.01.H10"].pk
    assert rating_summary(agency_ids=[justice], since=day3, until=day3) == {
        "very_satisfied": 0,
        "satisfied": 0,
        "unsatisfied": 1,
    }


def test_summary_is_one_query(rated: dict[str, Agency], django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        rating_summary(agency_ids=[rated["000.00.01.H10"].pk], since=date(2025, 1, 1))
