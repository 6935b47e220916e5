from __future__ import annotations

import pytest
from django.test import Client

from conftest import publish
from dichvucong.catalogue.services import form_template_attach_file
from dichvucong.catalogue.tests.records import make_record

LIST = "/api/v1/procedures/"
JUSTICE = "1.001776.000.00.00.H10"
PERMIT = "1.008891.000.00.00.H10"


@pytest.mark.django_db
def test_list_shape(client: Client, procedures) -> None:
    response = client.get(LIST, {"search": "giay phep xay dung"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    assert body["results"] == [
        {
            "code": PERMIT,
            "name": "Cấp giấy phép xây dựng nhà ở riêng lẻ",
            "level": 1,
            "declared_level": 2,
            "tier": "district",
            "field": {"code": "H05-XD02", "name": "Xây dựng"},
            "agency": {"code": "000.00.20.H10", "name": "Ủy ban nhân dân thị xã Đồng Xoài"},
            "agency_count": 1,
            "applicant_types": ["citizen"],
            "url": f"http://testserver/api/v1/procedures/{PERMIT}/",
        }
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"tier": "province"}, [JUSTICE]),
        ({"agency": "000.00.20.H10"}, [PERMIT]),
        ({"field": "G01-TP05"}, [JUSTICE]),
        ({"level": "1"}, [PERMIT, JUSTICE]),
        ({"level": "0"}, []),
        ({"applicant_type": "business"}, []),
        ({"search": "Lý lịch", "tier": "province", "applicant_type": "citizen"}, [JUSTICE]),
    ],
)
def test_filters(client: Client, procedures, params, expected) -> None:
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert [r["code"] for r in response.json()["results"]] == expected


@pytest.mark.django_db
def test_level_filter_uses_the_computed_level(client: Client, procedures) -> None:
    permit = procedures[1]
    form_template_attach_file(form=permit.forms.get(), filename="don.docx", content=b"docx")
    assert [r["code"] for r in client.get(LIST, {"level": 2}).json()["results"]] == [PERMIT]
    assert client.get(LIST, {"level": 2}).json()["results"][0]["declared_level"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"tier": "ward"}, ["tier"]),
        ({"level": "5"}, ["level"]),
        ({"level": "two"}, ["level"]),
        ({"applicant_type": "alien"}, ["applicant_type"]),
        ({"agency": "000.00.99.H10"}, ["agency"]),
        ({"field": "NOPE"}, ["field"]),
        ({"page": "abc"}, ["page"]),
        ({"page": "0"}, ["page"]),
        ({"page": "-1"}, ["page"]),
        ({"page": "99"}, ["page"]),
        ({"page_size": "501"}, ["page_size"]),
        ({"page_size": "0"}, ["page_size"]),
        ({"page_size": "x"}, ["page_size"]),
        ({"tier": "x", "level": "x"}, ["tier", "level"]),
    ],
)
def test_bad_parameters_give_400_naming_them(client: Client, procedures, params, names) -> None:
    response = client.get(LIST, params)
    assert response.status_code == 400
    body = response.json()
    assert sorted(body["errors"]) == sorted(names)
    for name in names:
        assert name in body["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "search",
    ["x" * 10_240, "'; DROP TABLE catalogue_procedure; --", "😀🏛️", '"quoted" \\ % _', "\x00"],
)
def test_any_search_string_is_handled(client: Client, procedures, search) -> None:
    response = client.get(LIST, {"search": search})
    assert response.status_code in (200, 400)
    if search != "\x00":
        assert response.status_code == 200
    assert client.get(LIST).json()["count"] == 2


@pytest.mark.django_db
def test_pagination_links_and_page_size(client: Client, province) -> None:
    for n in range(5):
        publish(make_record(1, MATTHC=f"1.00{n}000.000.00.00.H10", TENTTHC=f"Thủ tục {n}"))
    body = client.get(LIST, {"page_size": 2, "page": 2}).json()
    assert body["count"] == 5
    assert [r["name"] for r in body["results"]] == ["Thủ tục 2", "Thủ tục 3"]
    assert body["next"] == "http://testserver/api/v1/procedures/?page=3&page_size=2"
    assert body["previous"] == "http://testserver/api/v1/procedures/?page_size=2"
    assert len(client.get(LIST, {"page_size": 500}).json()["results"]) == 5


@pytest.mark.django_db
def test_list_query_count_does_not_grow(
    client: Client, province, django_assert_num_queries
) -> None:
    for n in range(30):
        publish(make_record(1, MATTHC=f"1.{n:06d}.000.00.00.H10", TENTTHC=f"Thủ tục {n}"))
    # count, page (agencies and fields come through subqueries)
    with django_assert_num_queries(2):
        assert len(client.get(LIST, {"page_size": 30}).json()["results"]) == 30
    with django_assert_num_queries(3):  # + the agency lookup of the filter
        client.get(LIST, {"agency": "000.00.20.H10", "search": "thu tuc"})


@pytest.mark.django_db
def test_detail_has_the_full_record(client: Client, procedures) -> None:
    form_template_attach_file(form=procedures[0].forms.get(), filename="to-khai.docx", content=b"x")
    response = client.get(f"{LIST}{JUSTICE}/")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == JUSTICE and body["version"] == 1 and body["level"] == 2
    assert body["cases"] == ["Trường hợp ủy quyền"]
    assert body["documents"][0] == {
        "case": "",
        "code": "",
        "name": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (Mẫu số 03/2013/TT-LLTP)",
        "originals": 1,
        "copies": 0,
        "form": "Mẫu số 03/2013/TT-LLTP - Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
    }
    assert body["fees"][0] == {
        "case": "",
        "channel": "direct",
        "kind": "PHI",
        "amount": 200000,
        "currency": "Đồng",
        "description": "200.000 đồng/lần/người",
    }
    assert body["processing_time"][0]["duration"] == 10
    assert body["processing_time"][0]["unit"] == "working_days"
    assert body["legal_basis"][0]["number"] == "28/2009/QH12"
    download = body["forms"][0]["download_url"]
    assert download.startswith("http://testserver/bieu-mau/")
    assert client.get(download).status_code == 200


@pytest.mark.django_db
def test_detail_query_count(client: Client, procedures, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(14):
        client.get(f"{LIST}{JUSTICE}/")


@pytest.mark.django_db
def test_detail_versions(client: Client, procedures) -> None:
    publish(make_record(0, TENTTHC="Tên mới"))
    assert client.get(f"{LIST}{JUSTICE}/").json()["name"] == "Tên mới"
    old = client.get(f"{LIST}{JUSTICE}/", {"version": 1}).json()
    assert old["version"] == 1 and old["name"].startswith("Cấp Phiếu")
    versions = client.get(f"{LIST}{JUSTICE}/versions/").json()
    assert [v["number"] for v in versions["results"]] == [2, 1]
    assert client.get(f"{LIST}{JUSTICE}/", {"version": 7}).status_code == 404
    assert client.get(f"{LIST}{JUSTICE}/", {"version": "x"}).status_code == 400


@pytest.mark.django_db
def test_unknown_codes_give_404(client: Client, procedures) -> None:
    for path in [f"{LIST}1.999999.000.00.00.H10/", f"{LIST}nope/", f"{LIST}nope/versions/"]:
        response = client.get(path)
        assert response.status_code == 404
        assert set(response.json()) == {"detail", "errors"}


@pytest.mark.django_db
def test_fields_endpoint(client: Client, procedures) -> None:
    body = client.get("/api/v1/fields/").json()
    assert body["count"] == 2
    assert {"code": "G01-TP05", "name": "Lý lịch tư pháp", "procedure_count": 1} in body["results"]


@pytest.mark.django_db
def test_the_api_is_read_only(client: Client, procedures) -> None:
    assert client.post(LIST, {}).status_code in (403, 405)
    assert client.delete(f"{LIST}{JUSTICE}/").status_code in (403, 405)
