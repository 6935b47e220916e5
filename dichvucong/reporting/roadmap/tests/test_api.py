"""GET /api/v1/roadmap/{plan}/progress/: public, exact rows, 404 and 400."""

from __future__ import annotations

from typing import Any

from dichvucong.catalogue.models import Procedure
from dichvucong.reporting.roadmap.models import Plan

URL = "/api/v1/roadmap/bp-409-2015/progress/"


def test_the_2016_rows_of_binh_phuocs_plan(
    client: Any, plan: Plan, catalogue: dict[str, Procedure]
) -> None:
    response = client.get(URL, {"year": "2016"})
    assert response.status_code == 200
    assert response.json() == [
        {"year": 2016, "tier": "department", "level": 3, "target": 104, "actual": 2},
        {"year": 2016, "tier": "department", "level": 4, "target": 26, "actual": 1},
        {"year": 2016, "tier": "district", "level": 3, "target": 126, "actual": 2},
        {"year": 2016, "tier": "district", "level": 4, "target": 14, "actual": 0},
    ]


def test_every_year_in_few_queries(
    client: Any,
    plan: Plan,
    catalogue: dict[str, Procedure],
    django_assert_max_num_queries: Any,
) -> None:
    with django_assert_max_num_queries(4):
        response = client.get(URL)
    rows = response.json()
    assert len(rows) == 24
    assert [(r["year"], r["tier"], r["level"]) for r in rows[:4]] == [
        (2015, "department", 3),
        (2015, "department", 4),
        (2015, "district", 3),
        (2015, "district", 4),
    ]
    assert rows[-1] == {"year": 2020, "tier": "district", "level": 4, "target": 72, "actual": 1}


def test_unknown_plan_is_404(client: Any, plan: Plan) -> None:
    assert client.get("/api/v1/roadmap/khong-co/progress/").status_code == 404


def test_a_bad_year_is_400_naming_the_parameter(client: Any, plan: Plan) -> None:
    for value in ("abc", "2014", "2021", "2016-2017", "-1"):
        response = client.get(URL, {"year": value})
        assert response.status_code == 400, value
        body = response.json()
        assert list(body["errors"]) == ["year"], value
        assert body["errors"]["year"] == [
            f"“{value}” không phải là một năm của lộ trình (2015-2020)."
        ]
