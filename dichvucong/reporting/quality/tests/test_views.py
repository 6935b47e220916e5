"""The public pages and open data: exact figures, nothing private, 400s, query counts."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dichvucong.organizations.models import Agency, AgencyKind
from dichvucong.organizations.services import agency_upsert
from dichvucong.reporting.models import DailyFigures

from .fixtures import SECRET_NAME

pytestmark = pytest.mark.django_db

INDEX = reverse("service_quality:index")


def download(client: Client, slug: str, extension: str, query: str = "year=2020") -> Any:
    url = reverse("service_quality:open-data-download", args=[slug, extension])
    return client.get(f"{url}?{query}")


def csv_rows(response: Any) -> list[dict[str, str]]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def table_rows(html: str) -> dict[str, dict[str, str]]:
    """Return, per agency code, the on-time, satisfaction and score cells of the table."""
    rows = {}
    for match in re.finditer(r'<tr data-agency="([^"]+)">(.*?)</tr>', html, re.S):
        cells = dict(re.findall(r'data-col="(\w+)">([^<%\u2013]*)', match.group(2)))
        rows[match.group(1)] = {k: v.strip() for k, v in cells.items()}
    return rows


def test_index_shows_each_agency(client: Client, quality_year: dict[str, Any]) -> None:
    response = client.get(INDEX)  # no year: the latest with figures, 2020
    assert response.status_code == 200
    html = response.content.decode()
    assert "Năm 2020" in html
    assert table_rows(html) == {
        "000.00.01.H10": {"on_time": "87,50", "satisfaction": "75,00", "score": "59,70"},
        "000.00.20.H10": {"on_time": "40,00", "satisfaction": "0,00", "score": "18,30"},
    }
    assert 'data-testid="province-score">44,45<' in html
    # Sorted by score, best first, by default; by name on request.
    assert html.index('data-agency="000.00.01.H10"') < html.index('data-agency="000.00.20.H10"')
    html = client.get(INDEX, {"year": "2020", "sort": "on_time", "order": "asc"}).content.decode()
    assert html.index('data-agency="000.00.20.H10"') < html.index('data-agency="000.00.01.H10"')


def test_public_pages_leak_nothing_private(client: Client, quality_year: dict[str, Any]) -> None:
    private = [
        SECRET_NAME,
        "079123456789",
        quality_year["done"].code,
        quality_year["overdue"].code,
        "cccd-bi-mat.pdf",
        "1/KQ-STP",
    ]
    pages = [
        client.get(INDEX, {"year": "2020"}),
        client.get(
            reverse("service_quality:agency-detail", args=["000.00.01.H10"]), {"year": "2020"}
        ),
        client.get(reverse("service_quality:method")),
        client.get(reverse("service_quality:open-data")),
        download(client, "agencies-monthly", "csv"),
        download(client, "procedures", "json"),
        download(client, "quality-index", "json"),
        client.get(reverse("api:open-data", args=["quality-index"]), {"year": "2020"}),
    ]
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode("utf-8-sig")
        for secret in private:
            assert secret not in body


def test_agency_page(client: Client, quality_year: dict[str, Any]) -> None:
    url = reverse("service_quality:agency-detail", args=["000.00.01.H10"])
    html = client.get(url, {"year": "2020"}).content.decode()
    assert re.search(r'data-figure="received">20<', html)
    assert re.search(r'data-figure="on_time">87,50%<', html)
    assert re.search(r'data-figure="satisfaction">75,00%<', html)
    assert 'data-testid="agency-score">59,70<' in html
    assert (
        "Hiện đang giải quyết: 2 hồ sơ tiếp nhận đến hết kỳ, trong đó 1 hồ sơ đã quá hạn." in html
    )
    assert html.count('class="received"') == 12 + 1  # a bar a month, and the legend
    assert (
        client.get(reverse("service_quality:agency-detail", args=["999.99.99.H10"])).status_code
        == 404
    )


def test_index_csv_and_json_match_the_page(client: Client, quality_year: dict[str, Any]) -> None:
    page = table_rows(client.get(INDEX, {"year": "2020"}).content.decode())
    rows = csv_rows(download(client, "quality-index", "csv"))
    assert [(r["scope"], r["agency_code"]) for r in rows] == [
        ("province", ""),
        ("agency", "000.00.01.H10"),
        ("agency", "000.00.20.H10"),
    ]
    for row in rows[1:]:
        shown = page[row["agency_code"]]
        assert row["on_time_percent"].replace(".", ",") == shown["on_time"]
        assert row["satisfied_percent"].replace(".", ",") == shown["satisfaction"]
        assert row["score"].replace(".", ",") == shown["score"]
    assert rows[0]["score"] == "44.45"
    assert rows[1]["points_progress"] == "15.25"
    assert rows[2]["max_points"] == "94.00"
    document = json.loads(download(client, "quality-index", "json").content)
    assert document["period"] == {"from": "2020-01-01", "to": "2020-12-31", "label": "Năm 2020"}
    assert document["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert [c["name"] for c in document["schema"]] == list(rows[0])
    assert document["rows"][1]["score"] == 59.7
    assert document["rows"][1]["received"] == 20


def test_agencies_monthly(client: Client, quality_year: dict[str, Any]) -> None:
    rows = csv_rows(download(client, "agencies-monthly", "csv"))
    assert [(r["month"], r["agency_code"], r["received"], r["processed_late"]) for r in rows] == [
        ("3", "000.00.01.H10", "10", "1"),
        ("5", "000.00.20.H10", "5", "3"),
        ("8", "000.00.01.H10", "10", "0"),
    ]
    assert rows[0]["agency_name"] == "Sở Tư pháp"
    assert rows[0]["received_online"] == "6"
    assert rows[0]["ratings_very_satisfied"] == "2"
    only = json.loads(
        download(client, "agencies-monthly", "json", "year=2020&agency=000.00.20.H10").content
    )
    assert [(r["month"], r["received"]) for r in only["rows"]] == [(5, 5)]
    ranged = csv_rows(download(client, "agencies-monthly", "csv", "from=2020-03-10&to=2020-05-04"))
    assert [(r["month"], r["received"]) for r in ranged] == [("3", "10")]


def test_procedures_dataset(client: Client, quality_year: dict[str, Any]) -> None:
    document = json.loads(download(client, "procedures", "json").content)
    rows = {r["procedure_code"]: r for r in document["rows"]}
    assert set(rows) == {"1.001776.000.00.00.H10", "1.008891.000.00.00.H10"}
    justice = rows["1.001776.000.00.00.H10"]
    assert (justice["received"], justice["processed"], justice["paid_online"]) == (20, 9, 2)
    assert justice["procedure_name"]
    api = client.get(reverse("api:open-data", args=["procedures"]), {"year": "2020"})
    assert api.json()["rows"] == document["rows"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("year=20x0", "year"),
        ("year=1990", "year"),
        ("year=2020&period=q5", "period"),
        ("from=2020-05-01&to=2020-04-01", "from"),
        ("from=2020-13-01&to=2020-12-31", "from"),
        ("from=2020-01-01", "to"),
        ("year=2020&agency=999.99.99.H10", "agency"),
        ("year=2020&tier=village", "tier"),
        ("year=2020&from=2020-01-01&to=2020-02-01", "from"),
        ("yaer=2020", "yaer"),
    ],
)
def test_bad_parameters_are_400_naming_them(
    client: Client, quality_year: dict[str, Any], query: str, parameter: str
) -> None:
    for response in (
        download(client, "quality-index", "csv", query),
        client.get(f"{reverse('api:open-data', args=['quality-index'])}?{query}"),
    ):
        assert response.status_code == 400
        assert list(response.json()["errors"]) == [parameter]
        assert parameter in response.json()["detail"]


def test_bad_year_on_a_page_is_400(client: Client, quality_year: dict[str, Any]) -> None:
    response = client.get(INDEX, {"year": "abc"})
    assert response.status_code == 400
    assert "year" in response.content.decode()
    assert client.get(reverse("api:open-data", args=["nothing"])).status_code == 404
    assert download(client, "nothing", "csv").status_code == 404


def count_queries(client: Client, url: str, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_agencies(
    client: Client, quality_year: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    urls = {
        "index": (INDEX, {"year": "2020"}),
        "index-csv": (
            reverse("service_quality:open-data-download", args=["quality-index", "csv"]),
            {"year": "2020"},
        ),
        "monthly": (
            reverse("service_quality:open-data-download", args=["agencies-monthly", "json"]),
            {"year": "2020"},
        ),
        "procedures": (reverse("api:open-data", args=["procedures"]), {"year": "2020"}),
        "agency": (
            reverse("service_quality:agency-detail", args=["000.00.01.H10"]),
            {"year": "2020"},
        ),
    }
    before = {name: count_queries(client, url, params) for name, (url, params) in urls.items()}
    justice = quality_year["justice"]
    procedure = DailyFigures.objects.filter(agency=justice).first()
    assert procedure is not None
    for number in range(40, 60):
        agency, _ = agency_upsert(
            code=f"000.00.{number}.H10",
            name=f"Sở thứ {number}",
            kind=AgencyKind.DEPARTMENT,
            administrative_unit_code="70",
        )
        DailyFigures.objects.create(
            day="2020-06-01",
            agency=agency,
            procedure_id=procedure.procedure_id,
            channel="online",
            received=3,
            processed=2,
            processed_on_time=2,
        )
    assert Agency.objects.count() > 20
    after = {name: count_queries(client, url, params) for name, (url, params) in urls.items()}
    assert after == before
    with django_assert_max_num_queries(16):
        response = client.get(INDEX, {"year": "2020"})
    assert len(table_rows(response.content.decode())) == 22
    with django_assert_max_num_queries(16):
        client.get(*urls["agency"])
    with django_assert_max_num_queries(3):  # the index set, its indicators, the sums
        client.get(*urls["monthly"])
