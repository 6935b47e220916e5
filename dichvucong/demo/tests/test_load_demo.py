from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from docx import Document

from dichvucong.catalogue.models import FormTemplate, Procedure, ProcedureVersion
from dichvucong.demo.services import demo_load
from dichvucong.organizations.models import AdministrativeUnit, Agency


@pytest.mark.django_db
def test_demo_data_is_complete_and_loading_it_again_changes_nothing() -> None:
    call_command("load_demo")
    assert Procedure.objects.count() >= 80
    assert not FormTemplate.objects.filter(file="").exists()

    # The province, its 10 district-level units in 2015, and a few communes in each.
    assert AdministrativeUnit.objects.get(tier="province").name == "Bình Phước"
    districts = AdministrativeUnit.objects.filter(tier="district")
    assert districts.count() == 10
    for district in districts:
        assert district.children.count() >= 3, district
    assert Agency.objects.filter(tier="province", kind="department").count() >= 15
    assert Agency.objects.filter(tier="district", kind="people_committee").count() == 10

    # Procedures at every tier, every one at level 2 once its forms are generated.
    tiers = set(ProcedureVersion.objects.values_list("tier", flat=True))
    assert tiers == {"province", "district", "commune"}
    assert set(Procedure.objects.values_list("level", flat=True)) == {2}
    assert Procedure.objects.filter(
        current_version__name="Cấp giấy phép xây dựng nhà ở riêng lẻ"
    ).exists()

    counts = (Procedure.objects.count(), ProcedureVersion.objects.count(), Agency.objects.count())
    again = demo_load()
    assert (again.units_changed, again.agencies_changed) == (0, 0)
    assert (again.procedures_created, again.procedures_updated, again.forms_generated) == (0, 0, 0)
    assert (
        Procedure.objects.count(),
        ProcedureVersion.objects.count(),
        Agency.objects.count(),
    ) == counts

    # Generated forms are real DOCX files with the national heading and the form's title.
    form = FormTemplate.objects.select_related("version").first()
    assert form is not None
    assert str(form.file.name).endswith(".docx")
    content = form.file.read()
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert form.name.upper() in text
