from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from conftest import publish
from dichvucong.catalogue.models import (
    FormTemplate,
    LegalDocument,
    Procedure,
    ProcedureVersion,
    ServiceLevel,
)
from dichvucong.catalogue.national import parse_record
from dichvucong.catalogue.services import (
    CatalogueImportError,
    form_template_attach_file,
    procedure_publish,
    procedures_import,
)
from dichvucong.catalogue.tests.records import make_record, sample_records


@pytest.mark.django_db
def test_publish_creates_the_full_record(province) -> None:
    version = publish(make_record(0))
    procedure = version.procedure
    assert procedure.current_version == version
    assert version.number == 1
    assert [c.name for c in version.cases.order_by("position")] == ["", "Trường hợp ủy quyền"]
    assert version.cases.get(name="").steps.count() == 3
    assert [a.code for a in version.agencies.all()] == ["000.00.01.H10"]
    assert version.publishing_agency is not None
    assert version.publishing_agency.code == "000.00.00.H10"
    assert version.forms.count() == 1
    assert version.legal_basis.get().number == "28/2009/QH12"
    assert version.coordinating_agencies == [{"code": "G03", "name": "Công an tỉnh"}]
    assert "ly lich tu phap" in version.search_text
    # All 11 information items are there; the form has no file yet: level 1.
    assert procedure.level == ServiceLevel.LEVEL_1


@pytest.mark.django_db
def test_publishing_the_same_record_twice_changes_nothing(province) -> None:
    first, created = procedure_publish(record=parse_record(make_record(0)))
    again, created_again = procedure_publish(record=parse_record(make_record(0)))
    assert created is True and created_again is False
    assert again == first
    assert ProcedureVersion.objects.count() == 1


@pytest.mark.django_db
def test_an_edit_publishes_a_new_version_and_keeps_the_old(province) -> None:
    old = publish(make_record(0))
    new = publish(
        make_record(
            0,
            TENTTHC="Cấp Phiếu lý lịch tư pháp (sửa đổi)",
            QUYETDINH="99/QĐ-UBND",
            NGAYHIEULUC="01/03/2016",
        )
    )
    old.refresh_from_db()
    assert new.number == 2
    assert Procedure.objects.get().current_version == new
    assert old.name.startswith("Cấp Phiếu lý lịch tư pháp cho")
    assert old.effective_to == datetime.date(2016, 2, 29)
    assert old.cases.get(name="").steps.count() == 3


@pytest.mark.django_db
def test_unknown_implementing_agency_is_refused_and_nothing_written(province) -> None:
    record = make_record(0, COQUANTHUCHIEN=[{"MADONVI": "000.00.99.H10", "TENDONVI": "?"}])
    with pytest.raises(ValidationError) as info:
        procedure_publish(record=parse_record(record))
    assert "COQUANTHUCHIEN" in info.value.message_dict
    assert not ProcedureVersion.objects.exists()


@pytest.mark.django_db
def test_attaching_the_form_file_reaches_level_2(province) -> None:
    version = publish(make_record(0))
    form = version.forms.get()
    form_template_attach_file(form=form, filename="to-khai.docx", content=b"PK\x03\x04 docx")
    version.procedure.refresh_from_db()
    assert version.procedure.level == ServiceLevel.LEVEL_2
    assert FormTemplate.objects.get().file.read() == b"PK\x03\x04 docx"


@pytest.mark.django_db
def test_empty_form_file_is_refused(province) -> None:
    form = publish(make_record(0)).forms.get()
    with pytest.raises(ValidationError):
        form_template_attach_file(form=form, filename="x.docx", content=b"")
    form.refresh_from_db()
    assert not form.file


@pytest.mark.django_db
def test_import_counts_created_updated_unchanged(province) -> None:
    assert procedures_import(data=sample_records()).created == 2
    changed = sample_records()
    changed[1]["TENTTHC"] = "Cấp giấy phép xây dựng nhà ở riêng lẻ tại đô thị"
    summary = procedures_import(data={"data": changed})
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)


@pytest.mark.django_db
def test_import_is_all_or_nothing_parse_error(province) -> None:
    records = sample_records()
    records[1]["THANHPHANHOSO"][0]["GIAYTO"][1]["SOBANSAO"] = "một"
    with pytest.raises(CatalogueImportError) as info:
        procedures_import(data=records)
    assert info.value.index == 2
    assert info.value.code == "1.008891.000.00.00.H10"
    assert info.value.field == "THANHPHANHOSO[0].GIAYTO[1].SOBANSAO"
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_import_is_all_or_nothing_database_error(province) -> None:
    records = sample_records()
    records[1]["COQUANTHUCHIEN"] = [{"MADONVI": "000.00.77.H10", "TENDONVI": "Không có"}]
    with pytest.raises(CatalogueImportError) as info:
        procedures_import(data=records)
    assert (info.value.index, info.value.field) == (2, "COQUANTHUCHIEN")
    assert "000.00.77.H10" in info.value.message
    assert not Procedure.objects.exists()
    assert not LegalDocument.objects.exists()


@pytest.mark.django_db
def test_import_refuses_duplicate_codes_and_wrong_shapes(province) -> None:
    with pytest.raises(CatalogueImportError) as info:
        procedures_import(data=[make_record(0), make_record(0)])
    assert (info.value.index, info.value.field) == (2, "MATTHC")
    with pytest.raises(CatalogueImportError) as info:
        procedures_import(data={"records": []})
    assert info.value.field == "(file)"
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_import_turns_a_database_refusal_into_a_named_error(province, monkeypatch) -> None:
    from django.db import DataError

    from dichvucong.catalogue import services

    real_publish = services.procedure_publish

    def publish_then_refuse(*, record):
        if record.code == "1.008891.000.00.00.H10":
            raise DataError("value too long for type character varying(50)")
        return real_publish(record=record)

    monkeypatch.setattr(services, "procedure_publish", publish_then_refuse)
    with pytest.raises(CatalogueImportError) as info:
        procedures_import(data=sample_records())
    assert (info.value.index, info.value.field) == (2, "(record)")
    assert "too long" in info.value.message
    assert not Procedure.objects.exists()  # the first record was rolled back too
