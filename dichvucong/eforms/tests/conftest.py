"""Fixtures of the eforms tests: a definition using every kind, a level-2 procedure."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from dichvucong.catalogue.models import Procedure, ProcedureVersion
from dichvucong.catalogue.services import form_template_attach_file
from dichvucong.eforms.models import EForm
from dichvucong.eforms.services import eform_upsert

ADDRESS = {
    "type": "object",
    "properties": {
        "unit": {"type": "string", "pattern": "^[0-9]{5}$"},
        "line": {"type": "string", "maxLength": 300},
    },
    "required": ["unit", "line"],
    "additionalProperties": False,
}

DEFINITION: dict[str, Any] = {
    "title": "Tờ khai thử nghiệm",
    "schema": {
        "type": "object",
        "properties": {
            "ho_ten": {
                "title": "Họ và tên",
                "description": "Viết in hoa có dấu.",
                "x-kind": "text",
                "x-prefill": "full_name",
                "type": "string",
                "maxLength": 100,
            },
            "ngay_sinh": {
                "title": "Ngày sinh",
                "x-kind": "date",
                "x-prefill": "date_of_birth",
                "x-not-future": True,
                "type": "string",
                "format": "date",
            },
            "gioi_tinh": {
                "title": "Giới tính",
                "x-kind": "choice",
                "x-widget": "radio",
                "type": "string",
                "enum": ["Nam", "Nữ"],
            },
            "dan_toc": {
                "title": "Dân tộc",
                "x-kind": "choice",
                "type": "string",
                "enum": ["Kinh", "Tày", "Xtiêng"],
            },
            "so_dinh_danh": {
                "title": "Số định danh cá nhân",
                "x-kind": "citizen_id",
                "x-prefill": "citizen_id",
                "type": "string",
                "pattern": "^[0-9]{12}$",
            },
            "dien_thoai": {
                "title": "Số điện thoại",
                "x-kind": "phone",
                "x-prefill": "phone",
                "type": "string",
                "pattern": "^(0|\\+84)[0-9]{9,10}$",
            },
            "thu_dien_tu": {
                "title": "Thư điện tử",
                "x-kind": "email",
                "x-prefill": "email",
                "type": "string",
                "format": "email",
                "maxLength": 254,
            },
            "noi_cu_tru": {
                "title": "Nơi cư trú",
                "x-kind": "address",
                "x-prefill": "address",
                **ADDRESS,
            },
            "so_ban": {
                "title": "Số bản đề nghị cấp",
                "x-kind": "number",
                "type": "integer",
                "minimum": 1,
                "maximum": 10,
            },
            "dien_tich": {
                "title": "Diện tích (m²)",
                "x-kind": "number",
                "type": "number",
                "minimum": 0,
            },
            "noi_dung": {
                "title": "Nội dung đề nghị",
                "x-kind": "text",
                "x-multiline": True,
                "type": "string",
                "maxLength": 2000,
            },
            "thanh_vien": {
                "title": "Thành viên hộ gia đình",
                "x-kind": "table",
                "type": "array",
                "maxItems": 5,
                "items": {
                    "type": "object",
                    "properties": {
                        "ho_ten": {
                            "title": "Họ và tên",
                            "x-kind": "text",
                            "type": "string",
                            "maxLength": 100,
                        },
                        "ngay_sinh": {
                            "title": "Ngày sinh",
                            "x-kind": "date",
                            "x-not-future": True,
                            "type": "string",
                            "format": "date",
                        },
                        "quan_he": {
                            "title": "Quan hệ với chủ hộ",
                            "x-kind": "choice",
                            "type": "string",
                            "enum": ["Vợ", "Chồng", "Con"],
                        },
                        "so_dinh_danh": {
                            "title": "Số định danh cá nhân",
                            "x-kind": "citizen_id",
                            "type": "string",
                            "pattern": "^[0-9]{12}$",
                        },
                    },
                    "required": ["ho_ten", "quan_he"],
                    "additionalProperties": False,
                },
            },
            "nhan_qua_buu_dien": {
                "title": "Nhận kết quả qua dịch vụ bưu chính",
                "x-kind": "checkbox",
                "type": "boolean",
            },
            "cam_doan": {
                "title": "Tôi xin cam đoan những lời khai trên là đúng sự thật",
                "x-kind": "checkbox",
                "type": "boolean",
                "const": True,
            },
        },
        "required": [
            "ho_ten",
            "ngay_sinh",
            "gioi_tinh",
            "so_dinh_danh",
            "noi_cu_tru",
            "so_ban",
            "cam_doan",
        ],
        "additionalProperties": False,
    },
    "layout": {
        "sections": [
            {
                "title": "Thông tin người đề nghị",
                "fields": [
                    "ho_ten",
                    "ngay_sinh",
                    "gioi_tinh",
                    "dan_toc",
                    "so_dinh_danh",
                    "dien_thoai",
                    "thu_dien_tu",
                    "noi_cu_tru",
                ],
            },
            {
                "title": "Nội dung đề nghị",
                "fields": ["so_ban", "dien_tich", "noi_dung", "thanh_vien"],
            },
            {"title": "Cam đoan", "fields": ["nhan_qua_buu_dien", "cam_doan"]},
        ]
    },
    "example": {
        "ho_ten": "Nguyễn Văn An",
        "ngay_sinh": "1990-05-17",
        "gioi_tinh": "Nam",
        "dan_toc": "Xtiêng",
        "so_dinh_danh": "074090001234",
        "dien_thoai": "+84912345678",
        "thu_dien_tu": "an@example.vn",
        "noi_cu_tru": {"unit": "25195", "line": "12 đường Phú Riềng Đỏ"},
        "so_ban": 2,
        "dien_tich": 120.5,
        "noi_dung": "Xin cấp phiếu\nđể bổ sung hồ sơ xin việc.",
        "thanh_vien": [
            {"ho_ten": "Trần Thị Bình", "ngay_sinh": "1992-01-31", "quan_he": "Vợ"},
            {"ho_ten": "Nguyễn Văn Cường", "quan_he": "Con", "so_dinh_danh": "074210000001"},
        ],
        "nhan_qua_buu_dien": False,
        "cam_doan": True,
    },
}


def definition() -> dict[str, Any]:
    """Return a fresh deep copy of the test definition (title, schema, layout, example)."""
    return copy.deepcopy(DEFINITION)


@pytest.fixture
def procedure(procedures: list[ProcedureVersion]) -> Procedure:
    """The justice-record procedure, brought to level 2 (its form downloadable)."""
    version = procedures[0]
    form_template_attach_file(form=version.forms.get(), filename="to-khai.docx", content=b"x")
    procedure = version.procedure
    procedure.refresh_from_db()
    assert procedure.level == 2
    return procedure


@pytest.fixture
def eform(procedure: Procedure) -> EForm:
    return eform_upsert(procedure=procedure, **definition())
