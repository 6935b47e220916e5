from __future__ import annotations

from typing import Any

import pytest

from dichvucong.catalogue.models import Procedure
from dichvucong.demo.roadmap import demo_plan_load
from dichvucong.reporting.roadmap.models import Plan

from .helpers import history, make_procedure


@pytest.fixture
def plan(province: dict[str, Any]) -> Plan:
    """Bình Phước's plan (Decision 409/2015) with the decision's targets, no annex yet."""
    loaded, _changed = demo_plan_load()
    return loaded


@pytest.fixture
def catalogue(province: dict[str, Any]) -> dict[str, Procedure]:
    """Procedures at each tier with their computed level history.

    key   tier      declared computed  history (Vietnam time)
    p3    province  3        3         L2 2015-01-01, L3 2015-06-01
    p4    province  4        4         L3 2016-03-01, L4 2016-12-31 23:00
    pd    province  4        2         L2 2015-01-01               (declared only)
    d3    district  2        3         L3 2016-01-01 00:00         (counts from 2016)
    c4    commune   3        4         L3 2015-12-31 23:59, L4 2017-02-01
    d2    district  3        2         L2 2015-01-01, L3 2015-05-01, L2 2016-02-01 (fell back)
    """
    made = {
        "p3": make_procedure("1.000101.000.00.00.H10", "province", level=3, declared=3),
        "p4": make_procedure("1.000102.000.00.00.H10", "province", level=4, declared=4),
        "pd": make_procedure("1.000103.000.00.00.H10", "province", level=2, declared=4),
        "d3": make_procedure("1.000104.000.00.00.H10", "district", level=3, declared=2),
        "c4": make_procedure("1.000105.000.00.00.H10", "commune", level=4, declared=3),
        "d2": make_procedure("1.000106.000.00.00.H10", "district", level=2, declared=3),
    }
    history(
        (made["p3"], 2, "2015-01-01T00:00"),
        (made["p3"], 3, "2015-06-01T08:00"),
        (made["p4"], 3, "2016-03-01T08:00"),
        (made["p4"], 4, "2016-12-31T23:00"),
        (made["pd"], 2, "2015-01-01T00:00"),
        (made["d3"], 3, "2016-01-01T00:00"),
        (made["c4"], 3, "2015-12-31T23:59"),
        (made["c4"], 4, "2017-02-01T08:00"),
        (made["d2"], 2, "2015-01-01T00:00"),
        (made["d2"], 3, "2015-05-01T08:00"),
        (made["d2"], 2, "2016-02-01T08:00"),
    )
    return made
