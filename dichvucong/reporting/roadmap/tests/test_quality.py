"""The quality view: online services little used, level-3 services ready for level 4."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.reporting.roadmap.models import Plan
from dichvucong.reporting.roadmap.selectors import default_quality_period, quality_view
from dichvucong.reporting.services import daily_figures_rebuild

from .helpers import vn


def submit(procedure: Procedure, agency: Any, channel: str, at: str, n: int) -> None:
    version = procedure.current_version
    assert version is not None
    moment = vn(at)
    case = version.cases.first()
    assert case is not None
    dossier = Dossier.objects.create(
        code=f"Q-{n}",
        procedure=procedure,
        version=version,
        case=case,
        agency=agency,
        channel=channel,
        status="receiving",
        created_at=moment,
        submitted_at=moment,
        applicant_name=f"Người nộp {n}",
    )
    DossierEvent.objects.create(
        dossier=dossier,
        action="submitted",
        from_status="",
        to_status="receiving",
        created_at=moment,
    )


def test_little_used_and_upgradable_services(
    plan: Plan,
    catalogue: dict[str, Procedure],
    province: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    justice, district = province["000.00.01.H10"], province["000.00.20.H10"]
    submit(catalogue["p3"], justice, "online", "2020-02-01T08:00", 1)
    submit(catalogue["p3"], justice, "online", "2020-12-31T23:30", 2)  # 31 December, Vietnam time
    submit(catalogue["p3"], justice, "online", "2021-01-01T00:10", 3)  # outside the period
    submit(catalogue["p3"], justice, "direct", "2020-03-01T08:00", 4)  # not online
    submit(catalogue["c4"], district, "online", "2020-05-01T08:00", 5)
    submit(catalogue["d3"], district, "direct", "2020-05-01T08:00", 6)
    submit(catalogue["pd"], justice, "online", "2020-05-01T08:00", 7)  # level 2: not online
    daily_figures_rebuild()
    # Ours is one query; the statistics read their daily and monthly rows and open dossiers.
    with django_assert_max_num_queries(8):
        view = quality_view(
            plan=plan,
            date_from=dt.date(2020, 1, 1),
            date_to=dt.date(2020, 12, 31),
            few_threshold=2,
            upgrade_threshold=2,
        )
    assert [(r.code, r.tier, r.level, r.online_dossiers) for r in view.unused] == [
        ("1.000102.000.00.00.H10", "department", 4, 0),
        ("1.000104.000.00.00.H10", "district", 3, 0),
        ("1.000105.000.00.00.H10", "district", 4, 1),
    ]
    assert [(r.code, r.online_dossiers) for r in view.upgradable] == [("1.000101.000.00.00.H10", 2)]
    default = quality_view(plan=plan, date_from=dt.date(2020, 1, 1), date_to=dt.date(2020, 12, 31))
    assert (default.few_threshold, default.upgrade_threshold) == (10, 100)
    assert [r.code for r in default.unused] == [
        "1.000102.000.00.00.H10",
        "1.000104.000.00.00.H10",
        "1.000105.000.00.00.H10",
        "1.000101.000.00.00.H10",
    ]
    assert default.upgradable == []


def test_the_default_period(plan: Plan) -> None:
    assert default_quality_period(plan=plan, now=vn("2026-03-01T10:00")) == (
        dt.date(2020, 1, 1),
        dt.date(2020, 12, 31),
    )
    assert default_quality_period(plan=plan, now=vn("2018-03-01T10:00")) == (
        dt.date(2018, 1, 1),
        dt.date(2018, 3, 1),
    )
