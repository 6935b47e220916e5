from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dichvucong.core.models import today
from dichvucong.eforms.validation import eform_validate

from .conftest import definition

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(province) -> dict[str, Any]:
    return definition()["schema"]


def valid() -> dict[str, Any]:
    return definition()["example"]


def test_the_example_is_valid(schema) -> None:
    assert eform_validate(schema, valid()) == {}


def test_data_that_is_not_an_object(schema) -> None:
    assert eform_validate(schema, ["Nguyễn Văn An"]) == {
        "": ["Dữ liệu biểu mẫu phải là một đối tượng JSON."]
    }


def test_every_missing_required_field_is_named(schema) -> None:
    assert eform_validate(schema, {}) == {
        "ho_ten": ["Vui lòng nhập Họ và tên."],
        "ngay_sinh": ["Vui lòng nhập Ngày sinh."],
        "gioi_tinh": ["Vui lòng chọn Giới tính."],
        "so_dinh_danh": ["Vui lòng nhập Số định danh cá nhân."],
        "noi_cu_tru": ["Vui lòng nhập Nơi cư trú."],
        "so_ban": ["Vui lòng nhập Số bản đề nghị cấp."],
        "cam_doan": ["Bạn phải xác nhận: Tôi xin cam đoan những lời khai trên là đúng sự thật."],
    }


def test_unknown_fields_are_reported_for_the_whole_form(schema) -> None:
    data = valid() | {"chu_ky": "x", "biet_danh": "y"}
    assert eform_validate(schema, data) == {"": ["Biểu mẫu không có trường: biet_danh, chu_ky."]}


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("ho_ten", "A" * 101, "Họ và tên dài tối đa 100 ký tự."),
        ("ho_ten", 12, "Họ và tên phải là văn bản."),
        ("so_dinh_danh", "07409000123", "Số định danh cá nhân gồm đúng 12 chữ số."),
        ("so_dinh_danh", "07409000123a", "Số định danh cá nhân gồm đúng 12 chữ số."),
        (
            "dien_thoai",
            "912345678",
            "Số điện thoại không hợp lệ: bắt đầu bằng 0 hoặc +84, tiếp theo là 9 hoặc 10 chữ số.",
        ),
        ("thu_dien_tu", "an@", "Thư điện tử không phải là một địa chỉ thư điện tử hợp lệ."),
        ("thu_dien_tu", "an", "Thư điện tử không phải là một địa chỉ thư điện tử hợp lệ."),
        ("ngay_sinh", "1990-02-30", "Ngày sinh không phải là một ngày có thật (năm-tháng-ngày)."),
        ("ngay_sinh", "17/05/1990", "Ngày sinh không phải là một ngày có thật (năm-tháng-ngày)."),
        ("ngay_sinh", "19900517", "Ngày sinh không phải là một ngày có thật (năm-tháng-ngày)."),
        ("gioi_tinh", "Khác", "Vui lòng chọn Giới tính trong danh sách."),
        ("so_ban", 0, "Số bản đề nghị cấp phải lớn hơn hoặc bằng 1."),
        ("so_ban", 11, "Số bản đề nghị cấp phải nhỏ hơn hoặc bằng 10."),
        ("so_ban", 1.5, "Số bản đề nghị cấp phải là một số nguyên."),
        ("so_ban", "hai", "Số bản đề nghị cấp phải là một số nguyên."),
        ("dien_tich", "120,5m", "Diện tích (m²) phải là một số."),
        ("dien_tich", -1, "Diện tích (m²) phải lớn hơn hoặc bằng 0."),
        (
            "cam_doan",
            False,
            "Bạn phải xác nhận: Tôi xin cam đoan những lời khai trên là đúng sự thật.",
        ),
        (
            "nhan_qua_buu_dien",
            "có",
            "Nhận kết quả qua dịch vụ bưu chính chỉ nhận giá trị có hoặc không.",
        ),
        ("noi_cu_tru", "12 Phú Riềng Đỏ", "Nơi cư trú không đúng cấu trúc."),
        ("thanh_vien", {"ho_ten": "x"}, "Thành viên hộ gia đình phải là một danh sách các dòng."),
    ],
)
def test_each_kind_has_its_message(schema, field, value, expected) -> None:
    data = valid()
    data[field] = value
    assert eform_validate(schema, data) == {field: [expected]}


def test_a_future_date_is_refused_when_not_future(schema) -> None:
    data = valid()
    data["ngay_sinh"] = (today() + datetime.timedelta(days=1)).isoformat()
    assert eform_validate(schema, data) == {"ngay_sinh": ["Ngày sinh không được sau ngày hôm nay."]}
    data["ngay_sinh"] = today().isoformat()
    assert eform_validate(schema, data) == {}


def test_address_parts(schema) -> None:
    data = valid()
    data["noi_cu_tru"] = {"unit": "2519", "ward": "Tân Phú"}
    assert eform_validate(schema, data) == {
        "noi_cu_tru.line": ["Vui lòng nhập Số nhà, đường, thôn, ấp."],
        "noi_cu_tru": ["Biểu mẫu không có trường: ward."],
        "noi_cu_tru.unit": ["Vui lòng chọn một xã, phường, thị trấn trong danh sách."],
    }
    data["noi_cu_tru"] = {"line": "x" * 301}
    assert eform_validate(schema, data) == {
        "noi_cu_tru.unit": ["Vui lòng chọn Xã, phường, thị trấn."],
        "noi_cu_tru.line": ["Số nhà, đường, thôn, ấp dài tối đa 300 ký tự."],
    }


def test_address_units_must_be_existing_communes_in_one_query(schema) -> None:
    data = valid()
    data["noi_cu_tru"]["unit"] = "00689"  # well formed, but no such commune
    with CaptureQueriesContext(connection) as queries:
        errors = eform_validate(schema, data)
    assert errors == {"noi_cu_tru.unit": ["Không có xã, phường, thị trấn mang mã 00689."]}
    assert len(queries) == 1


def test_a_district_is_not_a_commune(schema) -> None:
    schema["properties"]["noi_cu_tru"]["properties"]["unit"]["pattern"] = "^[0-9]{3,5}$"
    data = valid()
    data["noi_cu_tru"]["unit"] = "689"
    assert eform_validate(schema, data) == {
        "noi_cu_tru.unit": ["Không có xã, phường, thị trấn mang mã 689."]
    }


def test_table_rows_are_checked_cell_by_cell(schema) -> None:
    data = valid()
    data["thanh_vien"] = [
        {"ho_ten": "Trần Thị Bình", "quan_he": "Vợ"},
        {
            "ho_ten": "Nguyễn Văn Cường",
            "quan_he": "Cháu",
            "ngay_sinh": (today() + datetime.timedelta(days=3)).isoformat(),
            "so_dinh_danh": "123",
        },
        {"ngay_sinh": "2010-13-01", "tuoi": 3},
    ]
    assert eform_validate(schema, data) == {
        "thanh_vien.1.quan_he": ["Vui lòng chọn Quan hệ với chủ hộ trong danh sách."],
        "thanh_vien.1.so_dinh_danh": ["Số định danh cá nhân gồm đúng 12 chữ số."],
        "thanh_vien.1.ngay_sinh": ["Ngày sinh không được sau ngày hôm nay."],
        "thanh_vien.2.ho_ten": ["Vui lòng nhập Họ và tên."],
        "thanh_vien.2.quan_he": ["Vui lòng chọn Quan hệ với chủ hộ."],
        "thanh_vien.2": ["Biểu mẫu không có trường: tuoi."],
        "thanh_vien.2.ngay_sinh": ["Ngày sinh không phải là một ngày có thật (năm-tháng-ngày)."],
    }


def test_table_row_counts(schema) -> None:
    schema["properties"]["thanh_vien"]["minItems"] = 1
    data = valid()
    data["thanh_vien"] = []
    assert eform_validate(schema, data) == {
        "thanh_vien": ["Thành viên hộ gia đình phải có ít nhất 1 dòng."]
    }
    data["thanh_vien"] = [{"ho_ten": "A", "quan_he": "Con"}] * 6
    assert eform_validate(schema, data) == {
        "thanh_vien": ["Thành viên hộ gia đình có tối đa 5 dòng."]
    }


def test_an_eform_instance_is_accepted(eform) -> None:
    data = valid()
    data["so_ban"] = 0
    assert eform_validate(eform, data) == {
        "so_ban": ["Số bản đề nghị cấp phải lớn hơn hoặc bằng 1."]
    }
