"""The statistics API and the dashboard: bad input, refusals, exports equal to the page."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import second_factor_force_login
from dichvucong.dossiers.tests.fixtures import make_officer
from dichvucong.reporting.dashboard import FORMATTERS, headline_columns, table_columns

from .history import DISTRICT, JUSTICE, History

PERIOD = {"from": "2020-01-01", "to": "2020-06-30"}


@pytest.fixture
def supervisor(province: dict[str, Any]) -> Any:
    return make_officer("giamsat.stttt", province["000.00.00.H10"], "supervisor")


@pytest.fixture
def clerk(province: dict[str, Any]) -> Any:
    return make_officer("tiepnhan.stp", province[JUSTICE], "reception")


def api(client: Any, **params: str) -> Any:
    return client.get(reverse("api:statistics"), params)


def test_api_totals_and_breakdowns(
    client: Any, history: History, supervisor: Any, django_assert_max_num_queries: Any
) -> None:
    second_factor_force_login(client, supervisor)
    with django_assert_max_num_queries(15):
        response = api(client, **PERIOD)
    assert response.status_code == 200
    body = response.json()
    assert body["totals"]["received"] == 6
    assert body["totals"]["on_time_share"] == 0.75
    assert body["totals"]["average_processing_days"] == 4.0
    assert {r["code"]: r["figures"]["received"] for r in body["by_agency"]} == {
        JUSTICE: 3,
        DISTRICT: 3,
    }
    assert [m["month"] for m in body["by_month"]][:2] == ["2020-01", "2020-02"]
    one = api(client, agency=DISTRICT, tier="district", **PERIOD).json()
    assert one["totals"]["received"] == 3


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"from": "2020-13-01"}, "from"),
        ({"from": "hôm qua"}, "from"),
        ({"to": "2020-02-30"}, "to"),
        ({"from": "2020-06-01", "to": "2020-05-01"}, "to"),
        ({"agency": "999.99.99.H10"}, "agency"),
        ({"tier": "village"}, "tier"),
        ({"procedure": "1.999999"}, "procedure"),
    ],
)
def test_api_bad_input_names_the_parameter(
    client: Any, history: History, supervisor: Any, params: dict[str, str], name: str
) -> None:
    second_factor_force_login(client, supervisor)
    response = api(client, **params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [name]


def test_api_refusals(client: Any, history: History, clerk: Any, citizen: Any) -> None:
    assert api(client, **PERIOD).status_code == 401
    client.force_login(citizen)
    assert api(client, **PERIOD).status_code == 403
    second_factor_force_login(client, clerk)
    # Another agency's figures: refused, and nothing of them comes back.
    refused = api(client, agency=DISTRICT, **PERIOD)
    assert refused.status_code == 403
    assert "totals" not in refused.json()
    own = api(client, **PERIOD).json()
    assert own["totals"]["received"] == 3
    assert [r["code"] for r in own["by_agency"]] == [JUSTICE]


def _page_figures(html: str) -> dict[str, str]:
    return dict(
        re.findall(
            r'data-figure="([a-z_]+)"><span class="label">[^<]*</span>'
            r'<span class="value">([^<]*)</span>',
            html,
        )
    )


def _agency_rows(html: str) -> dict[str, list[str]]:
    rows = {}
    for code, body in re.findall(r'<tr data-agency="([^"]+)">(.*?)</tr>', html, re.S):
        rows[code] = re.findall(r'<td class="num">([^<]*)</td>', body)
    return rows


def test_dashboard_and_its_exports_agree(
    client: Any, history: History, supervisor: Any, django_assert_max_num_queries: Any
) -> None:
    second_factor_force_login(client, supervisor)
    url = reverse("reporting:dashboard")
    with django_assert_max_num_queries(25):
        page = client.get(url, PERIOD)
    assert page.status_code == 200
    html = page.content.decode()
    shown = _page_figures(html)
    assert shown["received"] == "6"
    assert shown["on_time_share"] == "75,0 %"
    assert shown["average_processing_days"] == "4,0"
    assert "<svg" in html and "T-4" in html

    workbook = load_workbook(io.BytesIO(client.get(url, {**PERIOD, "format": "xlsx"}).content))
    sheet = workbook.worksheets[0]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=4, values_only=True)}
    columns = headline_columns()
    assert len(values) == len(columns)
    for column in columns:
        assert FORMATTERS[column.kind](values[column.label]) == shown[column.key], column.key
    agencies_sheet = workbook.worksheets[2]
    page_rows = _agency_rows(html)
    kinds = [c.kind for c in table_columns()]
    for row in agencies_sheet.iter_rows(min_row=3, values_only=True):
        cells = [FORMATTERS[k](v) for k, v in zip(kinds, row[2:], strict=True)]
        assert page_rows[row[0]] == cells
    assert len(page_rows) == agencies_sheet.max_row - 2 == 2

    text = client.get(url, {**PERIOD, "format": "csv"}).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[1] == [columns[0].label, "6"]


def test_dashboard_refusals_and_bad_input(
    client: Any, history: History, clerk: Any, citizen: Any
) -> None:
    url = reverse("reporting:dashboard")
    assert client.get(url).status_code == 302  # to the back-office sign-in
    second_factor_force_login(client, clerk)
    assert client.get(url, {**PERIOD, "agency": DISTRICT}).status_code == 403
    assert client.get(url, {"from": "2020-06-01", "to": "2020-01-01"}).status_code == 400
    own = client.get(url, PERIOD)
    assert _page_figures(own.content.decode())["received"] == "3"
    assert list(_agency_rows(own.content.decode())) == [JUSTICE]


def test_dashboard_opens_without_parameters(client: Any, history: History, supervisor: Any) -> None:
    # The menu links to the page without a query string: this year up to today.
    second_factor_force_login(client, supervisor)
    page = client.get(reverse("reporting:dashboard"))
    assert page.status_code == 200
    today = timezone.localdate()
    html = page.content.decode()
    assert f'name="from" value="{today:%Y}-01-01"' in html
    assert f'name="to" value="{today:%Y-%m-%d}"' in html
