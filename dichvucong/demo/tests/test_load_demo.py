from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from docx import Document

from dichvucong.accounts.models import User
from dichvucong.catalogue.models import FormTemplate, Procedure, ProcedureVersion
from dichvucong.demo.interop import OFFICERS
from dichvucong.demo.services import DATA_DIR, demo_load
from dichvucong.dossiers.models import Dossier
from dichvucong.organizations.models import AdministrativeUnit, Agency
from dichvucong.results.models import IssuedResult

EFORM_DIR = DATA_DIR / "eforms"


@pytest.mark.django_db
def test_demo_data_is_complete_and_loading_it_again_changes_nothing(
    settings: Any, tmp_path: Path
) -> None:
    settings.SIGNING_DIR = tmp_path
    call_command("load_demo")
    # The development PKI: the root and a signing certificate for every agency of the
    # province; the demo partner's agency (another province, exchange API) signs elsewhere.
    assert (tmp_path / "root.pem").exists()
    assert len(list((tmp_path / "agencies").glob("*.pem"))) == Agency.objects.local().count()
    assert Agency.objects.exclude(pk__in=Agency.objects.local()).count() == 1
    assert Procedure.objects.count() >= 80
    assert not FormTemplate.objects.filter(file="").exists()

    # The province, its 10 district-level units in 2015, and a few communes in each.
    assert AdministrativeUnit.objects.get(tier="province", code="70").name == "Bình Phước"
    districts = AdministrativeUnit.objects.filter(tier="district")
    assert districts.count() == 10
    for district in districts:
        assert district.children.count() >= 3, district
    assert Agency.objects.filter(tier="province", kind="department").count() >= 15
    assert Agency.objects.filter(tier="district", kind="people_committee").count() == 10

    # Procedures at every tier: level 2 once their forms are generated, level 3 where the
    # demo ships an e-form and opens online submission.
    tiers = set(ProcedureVersion.objects.values_list("tier", flat=True))
    assert tiers == {"province", "district", "commune"}
    eform_codes = sorted(p.name.removesuffix(".json") for p in EFORM_DIR.glob("*.json"))
    assert len(eform_codes) >= 10
    # Level 4 where online payment (where there are fees) and e-results are on as well.
    level_4 = sorted(Procedure.objects.filter(level=4).values_list("code", flat=True))
    assert level_4 == ["1.502011.000.00.00.H10", "1.701003.000.00.00.H10", "1.701088.000.00.00.H10"]
    level_3 = sorted(Procedure.objects.filter(level=3).values_list("code", flat=True))
    assert level_3 == sorted(set(eform_codes) - set(level_4))
    assert set(Procedure.objects.exclude(code__in=eform_codes).values_list("level", flat=True)) == {
        2
    }
    assert Procedure.objects.filter(
        code__in=eform_codes, online_submission_enabled=True
    ).count() == (len(eform_codes))

    # The demo sign-ins of the README.
    citizen = User.objects.get(username="congdan.demo")
    business = User.objects.get(username="doanhnghiep.demo")
    assert citizen.check_password("DichVuCong@2015")
    assert business.check_password("DichVuCong@2015")
    assert (citizen.profile.kind, citizen.profile.citizen_id) == ("citizen", "070088001234")
    assert (business.profile.kind, business.profile.tax_code) == ("business", "3801234567")
    assert Procedure.objects.filter(
        current_version__name="Cấp giấy phép xây dựng nhà ở riêng lẻ"
    ).exists()
    # The demo officers of the README (test_demo_officers.py checks them in detail).
    assert sorted(
        User.objects.filter(memberships__isnull=False).distinct().values_list("username", flat=True)
    ) == sorted(
        ["chuyenvien.dx", "giamsat.stttt", "lanhdao.dx", "quantri.dx", "tiepnhan.dx"]
        + [username for username, _name, _roles in OFFICERS]  # demo/interop.py
    )

    # Demo dossiers at Đồng Xoài wait at every step of the default workflow.
    steps = list(
        Dossier.objects.filter(agency__code="000.00.20.H10")
        .order_by("pk")
        .values_list("state__code", "assignee__username")
    )
    assert steps == [
        ("submitted", None),
        ("submitted", None),
        ("assigning", None),
        ("examining", "chuyenvien.dx"),
        ("approving", "chuyenvien.dx"),
        ("reception_waiting", None),
        ("done", "chuyenvien.dx"),
        # Approved with its signed result issued and sent by post (demo/results.py).
        ("releasing", "chuyenvien.dx"),
    ]
    issued = IssuedResult.objects.get(dossier__agency__code="000.00.20.H10")
    assert (issued.status, issued.number) == ("issued", f"01/{issued.year}/KQ")

    counts = (Procedure.objects.count(), ProcedureVersion.objects.count(), Agency.objects.count())
    again = demo_load()
    assert again.dossiers_created == 0
    # Đồng Xoài's dossiers and the inter-agency demo's one, received at the Tân Phú ward.
    assert Dossier.objects.count() == len(steps) + 1
    assert (again.units_changed, again.agencies_changed) == (0, 0)
    assert (again.procedures_created, again.procedures_updated, again.forms_generated) == (0, 0, 0)
    assert (again.eforms_changed, again.accounts_changed, again.officers_changed) == (0, 0, 0)
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
