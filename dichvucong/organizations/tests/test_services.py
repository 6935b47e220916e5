from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from dichvucong.organizations.models import AdministrativeUnit, Agency
from dichvucong.organizations.selectors import administrative_unit_chain
from dichvucong.organizations.services import administrative_unit_upsert, agency_upsert


@pytest.mark.django_db
def test_unit_upsert_derives_tier_and_is_idempotent() -> None:
    province, created = administrative_unit_upsert(code="70", name="Bình Phước", kind="tinh")
    assert created and province.tier == "province"
    district, _ = administrative_unit_upsert(
        code="689", name="Đồng Xoài", kind="thi_xa", parent_code="70"
    )
    assert district.tier == "district"
    assert administrative_unit_upsert(
        code="689", name="Đồng Xoài", kind="thi_xa", parent_code="70"
    ) == (district, False)
    # Đồng Xoài became a city in 2018: the kind changes, the tier stays district.
    city, changed = administrative_unit_upsert(
        code="689", name="Đồng Xoài", kind="thanh_pho_thuoc_tinh", parent_code="70"
    )
    assert changed and city.tier == "district"
    assert AdministrativeUnit.objects.get(code="689").kind == "thanh_pho_thuoc_tinh"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"code": "25195", "name": "Tân Phú", "kind": "phuong", "parent_code": "70"}, "parent"),
        ({"code": "71", "name": "X", "kind": "tinh", "parent_code": "70"}, "parent"),
        ({"code": "7", "name": "X", "kind": "tinh"}, "code"),
        ({"code": "689", "name": "Đồng Xoài", "kind": "huyen"}, "parent"),
    ],
)
def test_unit_upsert_refuses_inconsistent_units(kwargs, field) -> None:
    administrative_unit_upsert(code="70", name="Bình Phước", kind="tinh")
    with pytest.raises(ValidationError) as info:
        administrative_unit_upsert(**kwargs)
    assert field in info.value.message_dict
    assert AdministrativeUnit.objects.count() == 1


@pytest.mark.django_db
def test_agency_upsert_validates_code_and_takes_tier_from_unit(province) -> None:
    agency = Agency.objects.get(code="000.00.20.H10")
    assert agency.tier == "district"
    with pytest.raises(ValidationError) as info:
        agency_upsert(
            code="000.00.20.h10", name="X", kind="department", administrative_unit_code="70"
        )
    assert "code" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        agency_upsert(
            code="000.00.50.H10",
            name="X",
            kind="department",
            administrative_unit_code="70",
            valid_from=datetime.date(2020, 1, 1),
            valid_to=datetime.date(2019, 1, 1),
        )
    assert "valid_to" in info.value.message_dict
    assert not Agency.objects.filter(code="000.00.50.H10").exists()


@pytest.mark.django_db
def test_a_unit_change_reaches_the_cached_unit_chains(django_assert_num_queries: Any) -> None:
    administrative_unit_upsert(code="70", name="Bình Phước", kind="tinh")
    administrative_unit_upsert(code="689", name="Đồng Xoài", kind="thi_xa", parent_code="70")
    ward, _ = administrative_unit_upsert(
        code="25195", name="Tân Phú", kind="phuong", parent_code="689"
    )
    chain = administrative_unit_chain(pk=ward.pk)
    district = chain.parent
    assert district is not None and district.parent is not None
    assert (chain.name, district.name, district.parent.name) == (
        "Tân Phú",
        "Đồng Xoài",
        "Bình Phước",
    )
    with django_assert_num_queries(0):
        assert administrative_unit_chain(pk=ward.pk) is chain
        assert district.kind == "thi_xa"

    administrative_unit_upsert(
        code="689", name="Đồng Xoài", kind="thanh_pho_thuoc_tinh", parent_code="70"
    )
    renamed = administrative_unit_chain(pk=ward.pk).parent
    assert renamed is not None and renamed.kind == "thanh_pho_thuoc_tinh"
    # Writing nothing new keeps what the processes have cached.
    again = administrative_unit_chain(pk=ward.pk)
    administrative_unit_upsert(
        code="689", name="Đồng Xoài", kind="thanh_pho_thuoc_tinh", parent_code="70"
    )
    assert administrative_unit_chain(pk=ward.pk) is again
