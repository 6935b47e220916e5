from __future__ import annotations

import datetime

import pytest

from dichvucong.accounts.models import Profile
from dichvucong.eforms.selectors import eform_for_case, eform_initial
from dichvucong.eforms.services import eform_upsert

from .conftest import definition

pytestmark = pytest.mark.django_db


def test_eform_for_case_prefers_the_exact_case(procedure) -> None:
    assert eform_for_case(procedure=procedure) is None
    assert eform_for_case(procedure=procedure, case_name="Trường hợp ủy quyền") is None
    case = eform_upsert(procedure=procedure, case_name="Trường hợp ủy quyền", **definition())
    assert eform_for_case(procedure=procedure) is None
    general = eform_upsert(procedure=procedure, **definition())
    assert eform_for_case(procedure=procedure, case_name="Trường hợp ủy quyền") == case
    assert eform_for_case(procedure=procedure, case_name="Trường hợp khác") == general
    assert eform_for_case(procedure=procedure) == general


def test_initial_data_comes_from_the_profile(eform, citizen) -> None:
    Profile.objects.filter(user=citizen).update(date_of_birth=datetime.date(1990, 5, 17))
    citizen.refresh_from_db()
    assert eform_initial(eform=eform, user=citizen) == {
        "ho_ten": "Nguyễn Văn An",
        "ngay_sinh": "1990-05-17",
        "so_dinh_danh": "074090001234",
        "dien_thoai": "0912345678",
        "thu_dien_tu": "congdan@example.vn",
        "noi_cu_tru": {"unit": "25195", "line": "12 đường Phú Riềng Đỏ"},
    }


def test_missing_profile_values_are_left_out(eform, other_citizen) -> None:
    assert eform_initial(eform=eform, user=other_citizen) == {
        "ho_ten": "Trần Thị Bình",
        "so_dinh_danh": "074190005678",
        "dien_thoai": "0912345678",
        "thu_dien_tu": "congdan2@example.vn",
        "noi_cu_tru": {"line": "12 đường Phú Riềng Đỏ"},
    }


def test_business_fields_and_a_text_address(procedure, province, django_user_model) -> None:
    from conftest import make_applicant
    from dichvucong.organizations.models import AdministrativeUnit

    d = definition()
    properties = d["schema"]["properties"]
    properties["ten_doanh_nghiep"] = {
        "title": "Tên doanh nghiệp",
        "x-kind": "text",
        "x-prefill": "organization_name",
        "type": "string",
        "maxLength": 300,
    }
    properties["ma_so_thue"] = {
        "title": "Mã số thuế",
        "x-kind": "text",
        "x-prefill": "tax_code",
        "type": "string",
        "maxLength": 14,
    }
    properties["dia_chi_tru_so"] = {
        "title": "Địa chỉ trụ sở",
        "x-kind": "text",
        "x-prefill": "address",
        "type": "string",
        "maxLength": 500,
    }
    d["layout"]["sections"].append(
        {"title": "Doanh nghiệp", "fields": ["ten_doanh_nghiep", "ma_so_thue", "dia_chi_tru_so"]}
    )
    eform = eform_upsert(procedure=procedure, **d)
    user = make_applicant(
        "doanhnghiep",
        kind="business",
        organization_name="Công ty TNHH Hạt điều Bình Phước",
        tax_code="3800100123",
        citizen_id="074090009999",
        administrative_unit=AdministrativeUnit.objects.get(code="25195"),
    )
    initial = eform_initial(eform=eform, user=user)
    assert initial["ten_doanh_nghiep"] == "Công ty TNHH Hạt điều Bình Phước"
    assert initial["ma_so_thue"] == "3800100123"
    assert initial["dia_chi_tru_so"] == (
        "12 đường Phú Riềng Đỏ, Phường Tân Phú, Thị xã Đồng Xoài, Tỉnh Bình Phước"
    )


def test_a_user_without_profile_gets_only_the_email(eform, django_user_model) -> None:
    staff = django_user_model.objects.create_user("canbo", "canbo@example.vn", "x-y-z-123456")
    assert eform_initial(eform=eform, user=staff) == {"thu_dien_tu": "canbo@example.vn"}
