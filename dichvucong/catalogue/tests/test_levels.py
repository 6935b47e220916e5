from __future__ import annotations

import pytest

from conftest import publish
from dichvucong.catalogue import levels
from dichvucong.catalogue.models import ServiceLevel
from dichvucong.catalogue.services import form_template_attach_file, procedure_refresh_level
from dichvucong.catalogue.tests.records import make_record


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({"TRINHTUTHUCHIEN": []}, "info_b_steps"),
        ({"CACHTHUCTHUCHIEN": []}, "info_c_method info_dd_time_limit"),
        ({"THANHPHANHOSO": []}, "info_d_documents"),
        ({"DOITUONGTHUCHIEN": []}, "info_e_applicants"),
        ({"KETQUATHUCHIEN": []}, "info_h_result"),
        ({"DIACHITIEPNHAN": ""}, "info_k_reception"),
        ({"CANCUPHAPLY": []}, "info_l_legal_basis"),
        ({"QUYETDINH": ""}, "info_l_legal_basis"),
    ],
)
def test_missing_information_item_keeps_level_0(province, overrides, missing) -> None:
    version = publish(make_record(0, **overrides))
    assessment = levels.assess(version.procedure)
    assert assessment.level == ServiceLevel.NONE
    assert [r.key for r in assessment.unmet_for(1)] == missing.split()
    assert version.procedure.level == 0


@pytest.mark.django_db
def test_time_limit_without_figure_or_text_is_missing(province) -> None:
    record = make_record(1)
    record["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0].update(THOIGIANGIAIQUYET=None, MOTA="")
    version = publish(record)
    assert [r.key for r in levels.assess(version.procedure).unmet_for(1)] == ["info_dd_time_limit"]


@pytest.mark.django_db
def test_level_2_needs_every_form_downloadable(province) -> None:
    version = publish(make_record(0))
    assert version.procedure.level == ServiceLevel.LEVEL_1
    assert [r.key for r in levels.assess(version.procedure).unmet_for(2)] == ["forms_downloadable"]
    form_template_attach_file(form=version.forms.get(), filename="f.docx", content=b"x")
    version.procedure.refresh_from_db()
    assert version.procedure.level == ServiceLevel.LEVEL_2


@pytest.mark.django_db
def test_a_form_at_an_external_address_counts_as_downloadable(province) -> None:
    record = make_record(1)
    record["THANHPHANHOSO"][0]["GIAYTO"][0]["URL"] = "https://csdl.dichvucong.gov.vn/mau-01.docx"
    assert publish(record).procedure.level == ServiceLevel.LEVEL_2


@pytest.mark.django_db
def test_a_procedure_without_forms_is_level_2(province) -> None:
    record = make_record(1)
    record["THANHPHANHOSO"][0]["GIAYTO"][0]["TENMAUDON"] = ""
    assert publish(record).procedure.level == ServiceLevel.LEVEL_2


@pytest.mark.django_db
def test_later_levels_slot_in_through_the_registry(province, monkeypatch) -> None:
    # Only this test's requirement at level 3 (the eforms app registers its own).
    monkeypatch.setattr(
        levels, "_requirements", {k: r for k, r in levels._requirements.items() if r.level < 3}
    )
    version = publish(make_record(1, THANHPHANHOSO=[]))
    record = make_record(1)
    record["THANHPHANHOSO"][0]["GIAYTO"][0]["TENMAUDON"] = ""
    version = publish(record)
    procedure = version.procedure
    enabled = {"value": False}
    requirement = levels.Requirement(
        level=3, key="test_online_submission", label="e-form", check=lambda p, v: enabled["value"]
    )
    levels.register(requirement)
    try:
        assert procedure_refresh_level(procedure=procedure) == 2
        enabled["value"] = True
        assert procedure_refresh_level(procedure=procedure) == 3
        procedure.refresh_from_db()
        assert procedure.level == 3
    finally:
        levels._requirements.pop("test_online_submission")
    assert procedure_refresh_level(procedure=procedure) == 2
