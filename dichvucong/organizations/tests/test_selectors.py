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
