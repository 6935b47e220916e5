from __future__ import annotations

from typing import Any

from dichvucong.organizations.selectors import address_text


def test_an_eform_address_reads_as_one_line(province: Any) -> None:
    value = {"unit": "25195", "line": "12 đường Phú Riềng Đỏ"}
    assert address_text(value=value) == (
        "12 đường Phú Riềng Đỏ, Phường Tân Phú, Thị xã Đồng Xoài, Tỉnh Bình Phước"
    )
    assert address_text(value={"unit": "99999", "line": "Tổ 3"}) == "Tổ 3"
    assert address_text(value="Khu phố 1") == "Khu phố 1"
    assert address_text(value=None) == ""


def test_a_partner_systems_agency_stays_out_of_the_provinces_lists(province: Any) -> None:
    from dichvucong.organizations.models import Agency, UnitKind
    from dichvucong.organizations.selectors import agency_list
    from dichvucong.organizations.services import administrative_unit_upsert, agency_upsert

    before = list(agency_list().values_list("code", flat=True))
    administrative_unit_upsert(code="75", name="Đồng Nai", kind=UnitKind.TINH)
    agency_upsert(
        code="000.00.01.H19",
        name="Sở Tư pháp tỉnh Đồng Nai",
        kind="department",
        administrative_unit_code="75",
    )

    assert list(agency_list().values_list("code", flat=True)) == before
    assert all(code.endswith(".H10") for code in before)
    assert Agency.objects.filter(code="000.00.01.H19").exists()
    assert not Agency.objects.local().filter(code="000.00.01.H19").exists()
