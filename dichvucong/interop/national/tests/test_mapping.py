"""The national numbering of statuses and the dates, in the adapter only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from dichvucong.dossiers.models import DossierStatus
from dichvucong.interop.national import mapping


def test_every_status_but_the_draft_has_its_national_number() -> None:
    numbers = {status: mapping.status_code(status) for status in DossierStatus.values}
    assert numbers == {
        "draft": None,
        "receiving": 1,
        "new": 2,
        "denied": 3,
        "processing": 4,
        "waiting": 5,
        "paying": 6,
        "cancelled": 7,
        "unresolved": 8,
        "releasing": 9,
        "done": 10,
        "interoperating": 4,
    }
    # Every number of the national list is reached.
    assert {n for n in numbers.values() if n is not None} == set(range(1, 11))


def test_a_province_renumbers_in_settings(settings: Any) -> None:
    settings.NATIONAL_SYNC_STATUS_CODES = {"interoperating": 11}
    assert mapping.status_code("interoperating") == 11
    assert mapping.status_code("done") == 10


@pytest.mark.parametrize(
    ("compact", "expected"), [(True, "20261127083005"), (False, "2026-11-27 08:30:05")]
)
def test_dates_are_written_in_vietnam_time(compact: bool, expected: str) -> None:
    moment = datetime(2026, 11, 27, 1, 30, 5, tzinfo=UTC)
    assert mapping.national_date(moment, compact=compact) == expected
    assert mapping.national_date(None) == ""
