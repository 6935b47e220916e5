"""GET /api/v1/reports/periods/ and /api/v1/reports/{id}/, scoped like the pages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from conftest import second_factor_force_login
from dichvucong.organizations.models import Agency
from dichvucong.reporting.periodic.models import ReportPeriod
from dichvucong.reporting.periodic.services import Narrative, agency_report_submit

from .conftest import CONSTRUCTION, JUSTICE

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(
    period: ReportPeriod,
    figures_2020: dict[str, Any],
    province: dict[str, Agency],
    justice_admin: Any,
) -> Any:
    report, _filed = agency_report_submit(
        period=period,
        agency=province[JUSTICE],
        actor=justice_admin,
        narrative=Narrative(difficulties="Thiếu máy quét."),
        now=datetime.datetime(2020, 7, 5, 3, tzinfo=datetime.UTC),
    )
    return report


def test_the_agency_reads_its_periods_and_report(
    client: Client, period: ReportPeriod, filed: Any, justice_admin: Any
) -> None:
    second_factor_force_login(client, justice_admin)
    periods = client.get("/api/v1/reports/periods/").json()
    assert periods == [
        {
            "id": period.pk,
            "kind": "semi_annual",
            "year": 2020,
            "title": "Báo cáo 6 tháng đầu năm 2020",
            "covers_from": "2019-12-01",
            "covers_to": "2020-05-31",
            "due_on": "2020-06-30",
            "summary": None,
            "own_reports": [
                {"agency": JUSTICE, "report": filed.pk, "status": "submitted", "late": True}
            ],
        }
    ]
    report = client.get(f"/api/v1/reports/{filed.pk}/").json()
    assert report["agency"] == JUSTICE and report["late"] is True
    assert report["figures_as_of"] == "2020-05-31"
    assert report["figures"]["received"] == 42
    assert report["figures"]["in_time_percent"] == 83.3
    assert report["difficulties"] == "Thiếu máy quét."


def test_another_agency_gets_404_and_the_supervisor_reads_all(
    client: Client,
    filed: Any,
    construction_approver: Any,
    supervisor: Any,
    officer: Any,
    django_assert_max_num_queries: Any,
) -> None:
    second_factor_force_login(client, construction_approver)
    assert client.get(f"/api/v1/reports/{filed.pk}/").status_code == 404
    own = client.get("/api/v1/reports/periods/").json()[0]["own_reports"]
    assert own == [{"agency": CONSTRUCTION, "report": None, "status": "not_started", "late": False}]

    second_factor_force_login(client, officer)  # reception: no report access
    assert client.get("/api/v1/reports/periods/").status_code == 403

    second_factor_force_login(client, supervisor)
    with django_assert_max_num_queries(10):
        periods = client.get("/api/v1/reports/periods/").json()
    assert periods[0]["summary"] == {"expected": 3, "filed": 1, "late": 1}
    assert client.get(f"/api/v1/reports/{filed.pk}/").json()["figures"]["received"] == 42
    assert Client().get("/api/v1/reports/periods/").status_code == 401
