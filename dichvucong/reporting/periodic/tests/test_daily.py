"""The daily run (beat task, command) and the demo loader: idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from dichvucong.core.models import today
from dichvucong.demo.periodic_reports import DEMO_YEARS, demo_periodic_reports_load
from dichvucong.organizations.models import Agency
from dichvucong.reporting.periodic.models import AgencyReport, ReportPeriod, ReportStatus
from dichvucong.reporting.periodic.tasks import periodic_reports_daily

pytestmark = pytest.mark.django_db


def test_the_daily_run_opens_this_years_periods_once(province: dict[str, Agency]) -> None:
    assert periodic_reports_daily()["periods"] == 2
    out = StringIO()
    call_command("periodic_reports_daily", stdout=out)
    assert f"Kỳ báo cáo năm {today().year}: 2" in out.getvalue()
    assert list(ReportPeriod.objects.values_list("year", flat=True)) == [today().year] * 2


def test_the_demo_files_reports_once(province: dict[str, Agency]) -> None:
    changed = demo_periodic_reports_load()
    periods = ReportPeriod.objects.count()
    assert periods == 2 * (len(DEMO_YEARS) + 1)
    reports = AgencyReport.objects.count()
    assert changed == periods + reports
    submitted = AgencyReport.objects.filter(status=ReportStatus.SUBMITTED)
    assert submitted.filter(late=True).exists() and submitted.filter(late=False).exists()
    assert all(r.submitted_at is not None for r in submitted)
    assert demo_periodic_reports_load() == 0
    assert AgencyReport.objects.count() == reports
