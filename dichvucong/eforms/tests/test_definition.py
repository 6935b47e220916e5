from __future__ import annotations

from typing import Any

import pytest

from dichvucong.eforms.definition import definition_errors

from .conftest import definition


def errors_of(d: dict[str, Any]) -> list[str]:
    return definition_errors(schema=d["schema"], layout=d["layout"], example=d["example"])


@pytest.mark.django_db
def test_the_test_definition_is_valid(province) -> None:
    assert errors_of(definition()) == []


def test_an_invalid_json_schema_is_refused() -> None:
    d = definition()
    d["schema"]["properties"]["ho_ten"]["maxLength"] = -1
    assert errors_of(d) == [
        "Lược đồ không hợp lệ theo JSON Schema 2020-12 (tại “properties/ho_ten/maxLength”): "
        "-1 is less than the minimum of 0"
    ]


def test_a_broken_regular_expression_is_refused() -> None:
    d = definition()
    d["schema"]["properties"]["ho_ten"]["pattern"] = "(["
    assert errors_of(d) == [
        "Lược đồ không hợp lệ theo JSON Schema 2020-12 (tại “properties/ho_ten/pattern”): "
        "'([' is not a 'regex'"
    ]


def _set(path: str, value: Any) -> Any:
    """Return a change: set (or delete, for None) the key at `path` in the definition."""

    def change(d: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node = d
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if value is None:
            del node[last]
        else:
            node[last] = value

    return change


P = "schema/properties"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_set(f"{P}/ho_ten/title", None), "Trường “ho_ten” thiếu title (nhãn hiển thị)."),
        (
            _set(f"{P}/ho_ten/x-kind", "string"),
            "Trường “ho_ten” có x-kind “string” không hợp lệ; chỉ dùng: text, number, date, "
            "choice, checkbox, address, citizen_id, phone, email, table.",
        ),
        (
            _set(f"{P}/ho_ten/maxLength", None),
            "Trường “ho_ten” (text) phải có maxLength từ 1 đến 2000.",
        ),
        (
            _set(f"{P}/noi_dung/maxLength", 5000),
            "Trường “noi_dung” (text) phải có maxLength từ 1 đến 2000.",
        ),
        (
            _set(f"{P}/so_ban/type", "string"),
            "Trường “so_ban” (number) phải có type là integer hoặc number.",
        ),
        (
            _set(f"{P}/ngay_sinh/format", None),
            "Trường “ngay_sinh” (date) phải có type string và format date.",
        ),
        (
            _set(f"{P}/dan_toc/enum", []),
            "Trường “dan_toc” (choice) phải có enum là danh sách các lựa chọn.",
        ),
        (
            _set(f"{P}/gioi_tinh/x-widget", "checkboxes"),
            "Trường “gioi_tinh”: x-widget chỉ nhận select hoặc radio.",
        ),
        (
            _set(f"{P}/cam_doan/const", False),
            "Trường “cam_doan”: const của ô đánh dấu chỉ có thể là true.",
        ),
        (
            _set(f"{P}/so_dinh_danh/pattern", "^[0-9]{9,12}$"),
            "Trường “so_dinh_danh” (citizen_id) phải có type string và pattern ^[0-9]{12}$.",
        ),
        (
            _set(f"{P}/dien_thoai/pattern", "^[0-9]+$"),
            "Trường “dien_thoai” (phone) phải có type string và pattern ^(0|\\+84)[0-9]{9,10}$.",
        ),
        (
            _set(f"{P}/thu_dien_tu/maxLength", None),
            "Trường “thu_dien_tu” (email) phải có maxLength không quá 254.",
        ),
        (
            _set(f"{P}/noi_cu_tru/additionalProperties", True),
            "Trường “noi_cu_tru” (address) phải là object với đúng hai thuộc tính bắt buộc "
            "unit (string, pattern ^[0-9]{5}$) và line (string, maxLength tối đa 300), "
            "additionalProperties false.",
        ),
        (
            _set(f"{P}/thanh_vien/maxItems", 100),
            "Trường “thanh_vien” (table) phải có maxItems từ 1 đến 50.",
        ),
        (
            _set(f"{P}/thanh_vien/items/properties/quan_he/x-kind", "checkbox"),
            "Trường “thanh_vien.quan_he” có x-kind “checkbox” không hợp lệ; chỉ dùng: text, "
            "number, date, choice, citizen_id, phone, email.",
        ),
        (
            _set(f"{P}/thanh_vien/items/properties/ho_ten/title", None),
            "Trường “thanh_vien.ho_ten” thiếu title (nhãn hiển thị).",
        ),
        (
            _set(f"{P}/thanh_vien/items/required", ["ho_ten", "nghe_nghiep"]),
            "“thanh_vien”: required nhắc đến trường “nghe_nghiep” không có trong properties.",
        ),
        (
            _set(f"{P}/thanh_vien/items/properties/ho_ten/x-prefill", "full_name"),
            "Cột “thanh_vien.ho_ten”: x-prefill chỉ dùng cho trường ở cấp ngoài cùng.",
        ),
        (
            _set("schema/required", ["ho_ten", "que_quan"]),
            "“lược đồ”: required nhắc đến trường “que_quan” không có trong properties.",
        ),
        (
            _set(f"{P}/ho_ten/x-prefill", "nickname"),
            "Trường “ho_ten” có x-prefill “nickname” không hợp lệ; chỉ dùng: full_name, "
            "date_of_birth, citizen_id, address, phone, email, organization_name, tax_code.",
        ),
        (
            _set(f"{P}/so_ban/x-prefill", "phone"),
            "Trường “so_ban”: x-prefill “phone” không dùng được cho loại “number”.",
        ),
        (
            _set("schema/additionalProperties", None),
            "Lược đồ phải có additionalProperties false.",
        ),
        (
            _set("layout/sections/2/fields", ["nhan_qua_buu_dien"]),
            "Trường “cam_doan” chưa được xếp vào phần nào của bố cục.",
        ),
        (
            _set("layout/sections/2/fields", ["nhan_qua_buu_dien", "cam_doan", "ho_ten"]),
            "Trường “ho_ten” xuất hiện nhiều lần trong bố cục.",
        ),
        (
            _set("layout/sections/2/fields", ["nhan_qua_buu_dien", "cam_doan", "chu_ky"]),
            "Bố cục nhắc đến trường “chu_ky” không có trong lược đồ.",
        ),
        (_set("layout/sections/0/title", ""), "Phần thứ 1 của bố cục thiếu title."),
        (_set("layout/sections", []), "Bố cục (layout) phải có sections là danh sách các phần."),
    ],
)
def test_each_broken_convention_is_named(change: Any, expected: str) -> None:
    d = definition()
    change(d)
    assert expected in errors_of(d)


def test_a_property_name_must_fit_html_names_and_paths() -> None:
    d = definition()
    d["schema"]["properties"]["ho-ten"] = d["schema"]["properties"].pop("ho_ten")
    d["schema"]["required"].remove("ho_ten")
    d["layout"]["sections"][0]["fields"][0] = "ho-ten"
    assert errors_of(d) == [
        "Tên trường “ho-ten” chỉ được gồm chữ cái không dấu, chữ số và dấu gạch dưới, "
        "bắt đầu bằng chữ cái."
    ]


@pytest.mark.django_db
def test_an_example_that_does_not_validate_is_refused(province) -> None:
    d = definition()
    d["example"]["so_dinh_danh"] = "07409000123"
    d["example"]["noi_cu_tru"]["unit"] = "99999"
    assert errors_of(d) == [
        "Dữ liệu mẫu, trường “so_dinh_danh”: Số định danh cá nhân gồm đúng 12 chữ số.",
        "Dữ liệu mẫu, trường “noi_cu_tru.unit”: Không có xã, phường, thị trấn mang mã 99999.",
    ]
