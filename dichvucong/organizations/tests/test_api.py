from __future__ import annotations

import datetime

import pytest
from django.test import Client

from dichvucong.organizations.models import Agency


@pytest.mark.django_db
def test_agency_list(client: Client, province) -> None:
    body = client.get("/api/v1/agencies/").json()
    assert body["count"] == 6
    first = body["results"][0]
    assert first == {
        "code": "000.00.00.H10",
        "name": "Ủy ban nhân dân tỉnh Bình Phước",
        "short_name": "",
        "kind": "people_committee",
        "tier": "province",
        "administrative_unit": "70",
        "parent": None,
        "address": "",
        "phone": "",
        "email": "",
        "website": "",
        "valid_from": None,
        "valid_to": None,
    }


@pytest.mark.django_db
def test_agency_filters(client: Client, province) -> None:
    codes = [
        a["code"] for a in client.get("/api/v1/agencies/", {"tier": "district"}).json()["results"]
    ]
    assert codes == ["000.00.20.H10"]
    codes = [
        a["code"]
        for a in client.get("/api/v1/agencies/", {"kind": "one_stop_unit"}).json()["results"]
    ]
    assert codes == ["001.00.01.H10"]
    response = client.get("/api/v1/agencies/", {"tier": "galaxy"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["tier"]


@pytest.mark.django_db
def test_agencies_no_longer_in_force_are_not_listed_but_stay_readable(
    client: Client, province
) -> None:
    Agency.objects.filter(code="000.00.20.H10").update(valid_to=datetime.date(2025, 6, 30))
    codes = [a["code"] for a in client.get("/api/v1/agencies/").json()["results"]]
    assert "000.00.20.H10" not in codes
    assert client.get("/api/v1/agencies/000.00.20.H10/").json()["valid_to"] == "2025-06-30"


@pytest.mark.django_db
def test_agency_detail_and_404(client: Client, province) -> None:
    assert client.get("/api/v1/agencies/000.00.01.H10/").json()["name"] == "Sở Tư pháp"
    response = client.get("/api/v1/agencies/000.00.99.H10/")
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.django_db
def test_administrative_units(client: Client, province) -> None:
    body = client.get("/api/v1/administrative-units/").json()
    assert [u["code"] for u in body["results"]] == ["25195", "689", "70"]
    district = client.get("/api/v1/administrative-units/", {"tier": "district"}).json()["results"][
        0
    ]
    assert district == {
        "code": "689",
        "name": "Đồng Xoài",
        "full_name": "Thị xã Đồng Xoài",
        "kind": "thi_xa",
        "tier": "district",
        "parent": "70",
        "valid_from": None,
        "valid_to": None,
    }
    children = client.get("/api/v1/administrative-units/", {"parent": "689"}).json()["results"]
    assert [u["code"] for u in children] == ["25195"]
    assert client.get("/api/v1/administrative-units/", {"parent": "999"}).status_code == 400
    assert client.get("/api/v1/administrative-units/", {"page": "x"}).status_code == 400


@pytest.mark.django_db
def test_list_query_counts(client: Client, province, django_assert_num_queries) -> None:
    with django_assert_num_queries(2):
        client.get("/api/v1/agencies/")
    with django_assert_num_queries(2):
        client.get("/api/v1/administrative-units/")
