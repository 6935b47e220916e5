"""A hand-built year of figures for two agencies, with the index computed by hand.

Sở Tư pháp (J) and the People's Committee of Đồng Xoài (D) in 2020, with a row of 2019
that must never count. The daily figures are written directly (the statistics app keeps
them from events; here they are the fixture), the open dossiers, the signed result and
the uploaded document are real rows. Expected values are worked out in the tests.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from dichvucong.catalogue.models import Procedure, ProcedureVersion
from dichvucong.demo.service_quality import demo_service_quality_load
from dichvucong.dossiers.models import Dossier, DossierDocument
from dichvucong.organizations.models import Agency
from dichvucong.reporting.models import DailyFigures
from dichvucong.results.models import IssuedResult, ResultStatus

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
SECRET_NAME = "Lê Thị Bí Mật"


def _figures(day: date, agency: Agency, procedure: Procedure, channel: str, **counts: int) -> None:
    DailyFigures.objects.create(
        day=day, agency=agency, procedure=procedure, channel=channel, **counts
    )


def _dossier(
    version: ProcedureVersion, agency: Agency, number: int, status: str, **fields: Any
) -> Dossier:
    return Dossier.objects.create(
        code=f"{agency.code}-200310-{number:04d}",
        procedure=version.procedure,
        version=version,
        case=version.cases.order_by("position")[0],
        agency=agency,
        channel="online",
        status=status,
        applicant_name=SECRET_NAME,
        applicant_id_number="079123456789",
        submitted_at=datetime(2020, 3, 10, 9, 0, tzinfo=VIETNAM),
        **fields,
    )


@pytest.fixture
def quality_year(province: dict[str, Agency], procedures: list[ProcedureVersion]) -> dict[str, Any]:
    """The 2020 fixture: J has 20 received (16 online), D 5; the index set is loaded."""
    justice, district = province["000.00.01.H10"], province["000.00.20.H10"]
    p_justice, p_district = procedures[0].procedure, procedures[1].procedure
    # The catalogue as the index reads it: J's procedure at level 3 with online payment.
    Procedure.objects.filter(pk=p_justice.pk).update(level=3, online_payment_enabled=True)
    Procedure.objects.filter(pk=p_district.pk).update(level=1)

    _figures(date(2019, 12, 31), justice, p_justice, "online", received=100, processed=100)
    _figures(
        date(2020, 3, 10),
        justice,
        p_justice,
        "online",
        received=6,
        processed=5,
        processed_early=1,
        processed_on_time=3,
        processed_late=1,
        paid_online=2,
        ratings_very_satisfied=2,
        ratings_satisfied=1,
        ratings_unsatisfied=1,
    )
    # Four handed back, one of them without a due date (not in the on-time share).
    _figures(
        date(2020, 3, 10),
        justice,
        p_justice,
        "direct",
        received=4,
        processed=4,
        processed_on_time=3,
    )
    _figures(date(2020, 8, 1), justice, p_justice, "online", received=10)
    _figures(
        date(2020, 5, 5),
        district,
        p_district,
        "direct",
        received=5,
        processed=5,
        processed_on_time=2,
        processed_late=3,
        ratings_unsatisfied=2,
    )
    now = timezone.now()
    overdue = _dossier(procedures[0], justice, 1, "processing", due_at=now - timedelta(days=3))
    _dossier(procedures[0], justice, 2, "processing", due_at=now + timedelta(days=30))
    done = _dossier(procedures[0], justice, 3, "done")
    document = procedures[0].cases.order_by("position")[0].documents.all()[0]
    DossierDocument.objects.create(
        dossier=overdue,
        required_document=document,
        file="dossiers/2020/03/x.pdf",
        original_name="cccd-bi-mat.pdf",
        kind="pdf",
        size=1000,
        sha256="0" * 64,
    )
    IssuedResult.objects.create(
        dossier=done,
        agency=justice,
        year=2020,
        sequence=1,
        number="1/KQ-STP",
        approved_at=datetime(2020, 3, 20, 9, 0, tzinfo=VIETNAM),
        status=ResultStatus.ISSUED,
        issued_at=datetime(2020, 3, 20, 9, 5, tzinfo=VIETNAM),
        file="results/2020/03/kq.pdf",
    )
    demo_service_quality_load()
    return {"justice": justice, "district": district, "done": done, "overdue": overdue}


# The expected scores, worked out by hand in test_selectors.py.
JUSTICE_SCORE = Decimal("59.70")
DISTRICT_SCORE = Decimal("18.30")
PROVINCE_SCORE = Decimal("44.45")
