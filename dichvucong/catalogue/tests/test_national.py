from __future__ import annotations

from decimal import Decimal

import pytest

from dichvucong.catalogue.national import RecordError, parse_record
from dichvucong.catalogue.tests.records import make_record


def test_parse_sample_record() -> None:
    record = parse_record(make_record(0))
    assert record.code == "1.001776.000.00.00.H10"
    assert record.tier == "province"
    assert record.declared_level == 3
    assert record.applicant_types == ["Công dân Việt Nam", "Người nước ngoài"]
    assert record.for_citizens is True and record.for_businesses is False
    assert record.case_names() == ["", "Trường hợp ủy quyền"]
    assert [(t.channel, t.duration, t.unit) for t in record.times] == [
        ("direct", Decimal("10"), "working_days"),
        ("postal", Decimal("10"), "working_days"),
    ]
    assert record.times[0].fees[0].amount == 200000
    assert record.documents[0].form_name.startswith("Mẫu số 03/2013/TT-LLTP")
    assert record.documents[0].originals == 1 and record.documents[1].copies == 1
    assert str(record.legal_basis[0].issued_on) == "2009-06-17"
    assert str(record.decision_date) == "2015-01-30"


def test_tier_accepts_list_and_any_case() -> None:
    assert parse_record(make_record(0, CAPTHUCHIEN=["cấp xã"])).tier == "commune"


def test_iso_dates_are_accepted() -> None:
    assert (
        str(parse_record(make_record(0, NGAYHIEULUC="2015-02-01")).effective_from) == "2015-02-01"
    )


def test_content_hash_is_stable_and_sensitive() -> None:
    assert (
        parse_record(make_record(0)).content_hash() == parse_record(make_record(0)).content_hash()
    )
    assert (
        parse_record(make_record(0)).content_hash()
        != parse_record(make_record(0, TENTTHC="Tên khác")).content_hash()
    )


_FEE = "CACHTHUCTHUCHIEN[0].THOIGIAN[0].PHILEPHI[0]"


def _fee_channel(**fee: object) -> dict:
    """A channel with one time limit carrying one fee with these values."""
    return {
        "KENH": "Trực tiếp",
        "THOIGIAN": [{"THOIGIANGIAIQUYET": 1, "PHILEPHI": [{"MAPHILEPHI": "PHI", **fee}]}],
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"MATTHC": ""}, "MATTHC"),
        ({"MATTHC": "ABC"}, "MATTHC"),
        ({"TENTTHC": None}, "TENTTHC"),
        ({"CAPTHUCHIEN": "Cấp Trung ương"}, "CAPTHUCHIEN"),
        ({"CAPTHUCHIEN": ["Cấp Tỉnh", "Cấp Huyện"]}, "CAPTHUCHIEN"),
        ({"LINHVUCTHUCHIEN": []}, "LINHVUCTHUCHIEN"),
        (
            {"LINHVUCTHUCHIEN": [{"MALINHVUC": "", "TENLINHVUC": "X"}]},
            "LINHVUCTHUCHIEN[0].MALINHVUC",
        ),
        ({"DOITUONGTHUCHIEN": ["Người ngoài hành tinh"]}, "DOITUONGTHUCHIEN[0]"),
        ({"MUCDO": 5}, "MUCDO"),
        ({"MUCDO": True}, "MUCDO"),
        ({"NGAYHIEULUC": "31/02/2015"}, "NGAYHIEULUC"),
        ({"DULIEUMAU": "yes"}, "DULIEUMAU"),
        ({"THANHPHANHOSO": "none"}, "THANHPHANHOSO"),
        ({"THANHPHANHOSO": ["x"]}, "THANHPHANHOSO[0]"),
        (
            {
                "THANHPHANHOSO": [
                    {"TRUONGHOP": "", "GIAYTO": [{"TENGIAYTO": "A", "SOBANCHINH": "hai"}]}
                ]
            },
            "THANHPHANHOSO[0].GIAYTO[0].SOBANCHINH",
        ),
        (
            {"THANHPHANHOSO": [{"TRUONGHOP": "", "GIAYTO": [{"TENGIAYTO": ""}]}]},
            "THANHPHANHOSO[0].GIAYTO[0].TENGIAYTO",
        ),
        ({"CACHTHUCTHUCHIEN": [{"KENH": "Bồ câu", "THOIGIAN": []}]}, "CACHTHUCTHUCHIEN[0].KENH"),
        (
            {
                "CACHTHUCTHUCHIEN": [
                    {
                        "KENH": "Trực tiếp",
                        "THOIGIAN": [{"THOIGIANGIAIQUYET": "mười", "DONVITINH": "Ngày"}],
                    }
                ]
            },
            "CACHTHUCTHUCHIEN[0].THOIGIAN[0].THOIGIANGIAIQUYET",
        ),
        (
            {
                "CACHTHUCTHUCHIEN": [
                    {
                        "KENH": "Trực tiếp",
                        "THOIGIAN": [{"THOIGIANGIAIQUYET": 1, "DONVITINH": "Tuần"}],
                    }
                ]
            },
            "CACHTHUCTHUCHIEN[0].THOIGIAN[0].DONVITINH",
        ),
        (
            {
                "CACHTHUCTHUCHIEN": [
                    {
                        "KENH": "Trực tiếp",
                        "THOIGIAN": [
                            {
                                "THOIGIANGIAIQUYET": 1,
                                "PHILEPHI": [{"MAPHILEPHI": "PHI", "SOTIEN": -5}],
                            }
                        ],
                    }
                ]
            },
            "CACHTHUCTHUCHIEN[0].THOIGIAN[0].PHILEPHI[0].SOTIEN",
        ),
        (
            {
                "CANCUPHAPLY": [
                    {"SOVANBAN": "1/2015", "TENVANBAN": "X", "DIACHITRUYCAP": "javascript:alert(1)"}
                ]
            },
            "CANCUPHAPLY[0].DIACHITRUYCAP",
        ),
        ({"CACHTHUCTHUCHIEN": [_fee_channel(SOTIEN=1.5)]}, f"{_FEE}.SOTIEN"),
        ({"CACHTHUCTHUCHIEN": [_fee_channel(SOTIEN=1, DONVI="x" * 51)]}, f"{_FEE}.DONVI"),
    ],
)
def test_bad_fields_are_named(overrides: dict, field: str) -> None:
    with pytest.raises(RecordError) as info:
        parse_record(make_record(0, **overrides))
    assert info.value.field_name == field


def test_non_object_record() -> None:
    with pytest.raises(RecordError) as info:
        parse_record(["not", "a", "record"])
    assert info.value.field_name == "(record)"
