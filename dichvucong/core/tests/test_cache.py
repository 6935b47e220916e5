from __future__ import annotations

import pytest
from django.core.cache import cache, caches
from django.test import Client

from conftest import publish
from dichvucong.catalogue.tests.records import make_record
from dichvucong.organizations.services import agency_upsert

LIST = "/api/v1/procedures/"


@pytest.fixture
def locmem_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "public": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "p"},
    }
    cache.clear()
    caches["public"].clear()
    yield
    cache.clear()
    caches["public"].clear()


@pytest.mark.django_db(transaction=True)
def test_search_answers_from_cache_until_the_catalogue_changes(
    locmem_cache, client: Client, procedures, django_assert_num_queries
) -> None:
    first = client.get(LIST, {"search": "xay dung"}).json()
    assert first["count"] == 1
    with django_assert_num_queries(0):
        assert client.get(LIST, {"search": "xay dung"}).json() == first
    # Parameters in another order are the same search.
    client.get(f"{LIST}?search=xay+dung&page_size=5")
    with django_assert_num_queries(0):
        client.get(f"{LIST}?page_size=5&search=xay+dung")

    publish(make_record(1, MATTHC="1.009999.000.00.00.H10", TENTTHC="Gia hạn giấy phép xây dựng"))
    assert client.get(LIST, {"search": "xay dung"}).json()["count"] == 2


@pytest.mark.django_db(transaction=True)
def test_renaming_an_agency_invalidates_cached_lists(
    locmem_cache, client: Client, procedures
) -> None:
    assert client.get(LIST, {"tier": "district"}).json()["results"][0]["agency"]["name"] == (
        "Ủy ban nhân dân thị xã Đồng Xoài"
    )
    agency_upsert(
        code="000.00.20.H10",
        name="Ủy ban nhân dân thành phố Đồng Xoài",
        kind="people_committee",
        administrative_unit_code="689",
    )
    assert client.get(LIST, {"tier": "district"}).json()["results"][0]["agency"]["name"] == (
        "Ủy ban nhân dân thành phố Đồng Xoài"
    )


@pytest.mark.django_db(transaction=True)
def test_errors_are_not_cached(locmem_cache, client: Client, procedures) -> None:
    assert client.get(LIST, {"tier": "x"}).status_code == 400
    assert client.get(LIST, {"tier": "x"}).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_procedure_detail_is_cached_and_invalidated(
    locmem_cache, client: Client, procedures, django_assert_num_queries
) -> None:
    url = f"{LIST}1.008891.000.00.00.H10/"
    assert client.get(url).json()["name"] == "Cấp giấy phép xây dựng nhà ở riêng lẻ"
    with django_assert_num_queries(0):
        assert client.get(url).json()["version"] == 1
    publish(make_record(1, TENTTHC="Cấp giấy phép xây dựng (sửa đổi)"))
    body = client.get(url).json()
    assert (body["version"], body["name"]) == (2, "Cấp giấy phép xây dựng (sửa đổi)")


@pytest.mark.django_db(transaction=True)
def test_the_browsable_api_is_not_served_from_the_json_cache(
    locmem_cache, client: Client, procedures
) -> None:
    client.get(LIST)
    response = client.get(LIST, HTTP_ACCEPT="text/html")
    assert response["Content-Type"].startswith("text/html")
    assert client.get(LIST)["Content-Type"] == "application/json"


@pytest.mark.django_db(transaction=True)
def test_cache_keys_depend_on_language(locmem_cache, client: Client, procedures) -> None:
    vietnamese = client.get(LIST, {"tier": "moon"}).json()["errors"]["tier"][0]
    client.cookies["django_language"] = "en"
    english = client.get(LIST, {"tier": "moon"}).json()["errors"]["tier"][0]
    assert vietnamese == "moon không phải là một giá trị hợp lệ."
    assert english == "moon is not a valid value."


@pytest.mark.django_db
def test_memoize_public_keeps_a_value_until_the_public_data_changes() -> None:
    from dichvucong.core.cache import memoize_public, public_data_changed

    loads: list[int] = []

    def load() -> int:
        loads.append(1)
        return len(loads)

    assert memoize_public("test-memo", "k", load) == 1
    assert memoize_public("test-memo", "k", load) == 1
    assert memoize_public("test-memo", "other", load) == 2
    public_data_changed()  # this process sees the change at once, before any commit
    assert memoize_public("test-memo", "k", load) == 3
