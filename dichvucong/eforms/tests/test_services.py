from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from dichvucong.catalogue import levels
from dichvucong.catalogue.models import Procedure, ServiceLevel
from dichvucong.eforms.models import EForm
from dichvucong.eforms.services import (
    eform_delete,
    eform_upsert,
    procedure_online_submission_set,
)

from .conftest import definition

pytestmark = pytest.mark.django_db


def test_upsert_creates_then_replaces(procedure, citizen) -> None:
    eform = eform_upsert(procedure=procedure, **definition())
    assert (eform.procedure, eform.case_name, eform.title) == (procedure, "", "Tờ khai thử nghiệm")
    assert eform.updated_by is None
    d = definition()
    d["title"] = "Tờ khai mới"
    again = eform_upsert(procedure=procedure, by=citizen, **d)
    assert again.pk == eform.pk
    again.refresh_from_db()
    assert (again.title, again.updated_by) == ("Tờ khai mới", citizen)
    assert EForm.objects.count() == 1


def test_upsert_refuses_an_invalid_definition(procedure) -> None:
    d = definition()
    del d["schema"]["properties"]["ho_ten"]["title"]
    with pytest.raises(ValidationError) as exc:
        eform_upsert(procedure=procedure, **d)
    assert exc.value.messages == ["Trường “ho_ten” thiếu title (nhãn hiển thị)."]
    assert not EForm.objects.exists()


def test_upsert_for_a_case_needs_the_case_to_exist(procedure) -> None:
    eform = eform_upsert(procedure=procedure, case_name="Trường hợp ủy quyền", **definition())
    assert eform.case_name == "Trường hợp ủy quyền"
    with pytest.raises(ValidationError) as exc:
        eform_upsert(procedure=procedure, case_name="Trường hợp không có", **definition())
    assert exc.value.message_dict == {
        "case_name": ["Thủ tục không có trường hợp “Trường hợp không có”."]
    }
    assert list(EForm.objects.values_list("case_name", flat=True)) == ["Trường hợp ủy quyền"]


def test_level_3_needs_both_an_eform_and_the_flag(procedure) -> None:
    assert [r.key for r in levels.assess(procedure).unmet_for(3)] == [
        "eform",
        "online_submission",
    ]
    eform = eform_upsert(procedure=procedure, **definition())
    procedure.refresh_from_db()
    assert procedure.level == ServiceLevel.LEVEL_2
    assert [r.key for r in levels.assess(procedure).unmet_for(3)] == ["online_submission"]

    procedure_online_submission_set(procedure=procedure, enabled=True)
    procedure.refresh_from_db()
    assert (procedure.online_submission_enabled, procedure.level) == (True, ServiceLevel.LEVEL_3)

    procedure_online_submission_set(procedure=procedure, enabled=False)
    procedure.refresh_from_db()
    assert (procedure.online_submission_enabled, procedure.level) == (False, ServiceLevel.LEVEL_2)

    procedure_online_submission_set(procedure=procedure, enabled=True)
    eform_delete(eform=eform)
    procedure.refresh_from_db()
    assert not EForm.objects.exists()
    assert (procedure.online_submission_enabled, procedure.level) == (False, ServiceLevel.LEVEL_2)


def test_enabling_without_an_eform_is_refused(procedure) -> None:
    with pytest.raises(ValidationError) as exc:
        procedure_online_submission_set(procedure=procedure, enabled=True)
    assert exc.value.message_dict == {
        "online_submission_enabled": [
            "Thủ tục chưa có biểu mẫu điện tử nên chưa thể bật nộp hồ sơ trực tuyến."
        ]
    }
    procedure.refresh_from_db()
    assert (procedure.online_submission_enabled, procedure.level) == (False, ServiceLevel.LEVEL_2)


def test_a_level_1_procedure_stays_level_1_with_eform_and_flag(procedures) -> None:
    procedure = procedures[0].procedure
    assert procedure.level == ServiceLevel.LEVEL_1
    eform_upsert(procedure=procedure, **definition())
    procedure_online_submission_set(procedure=procedure, enabled=True)
    assert Procedure.objects.get(pk=procedure.pk).level == ServiceLevel.LEVEL_1


def test_deleting_one_of_two_eforms_keeps_level_3(procedure) -> None:
    general = eform_upsert(procedure=procedure, **definition())
    eform_upsert(procedure=procedure, case_name="Trường hợp ủy quyền", **definition())
    procedure_online_submission_set(procedure=procedure, enabled=True)
    eform_delete(eform=general)
    procedure.refresh_from_db()
    assert (procedure.online_submission_enabled, procedure.level) == (True, ServiceLevel.LEVEL_3)
