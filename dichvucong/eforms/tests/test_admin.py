from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from dichvucong.catalogue.models import Procedure, ServiceLevel
from dichvucong.eforms.models import EForm

from .conftest import definition

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client, django_user_model: Any, second_factor_login: Any) -> Client:
    user = django_user_model.objects.create_superuser("quantri", "qt@example.vn", "mat-khau-123456")
    return second_factor_login(client, user)


def preview_url(eform: EForm, empty: bool = False) -> str:
    return f"/quan-tri/eforms/eform/{eform.pk}/xem-truoc/" + ("trong/" if empty else "")


def test_preview_shows_the_example(admin_client: Client, eform: EForm) -> None:
    response = admin_client.get(preview_url(eform))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Tờ khai thử nghiệm</h1>" in html
    assert 'name="f-ho_ten" id="id_f-ho_ten" value="Nguyễn Văn An"' in html
    assert '<option value="25195" selected>Phường Tân Phú</option>' in html
    assert 'value="Trần Thị Bình"' in html


def test_preview_empty(admin_client: Client, eform: EForm) -> None:
    response = admin_client.get(preview_url(eform, empty=True))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="f-ho_ten" id="id_f-ho_ten" value=""' in html
    assert "Trần Thị Bình" not in html
    assert "aria-invalid" not in html


def test_preview_validates_what_staff_submit(admin_client: Client, eform: EForm) -> None:
    response = admin_client.post(preview_url(eform), {"f-so_dinh_danh": "123"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Số định danh cá nhân gồm đúng 12 chữ số." in html
    assert 'aria-invalid="true"' in html
    assert EForm.objects.count() == 1


def test_preview_needs_staff(client: Client, eform: EForm, citizen: Any) -> None:
    response = client.get(preview_url(eform))
    assert response.status_code == 302
    assert response["Location"].startswith("/quan-tri/login/")
    client.force_login(citizen)
    response = client.get(preview_url(eform))
    assert response.status_code == 302
    assert response["Location"].startswith("/quan-tri/login/")


def test_preview_needs_the_view_permission(
    client: Client, eform: EForm, django_user_model: Any, second_factor_login: Any
) -> None:
    staff = django_user_model.objects.create_user(
        "canbo", "cb@example.vn", "mat-khau-123456", is_staff=True
    )
    second_factor_login(client, staff)
    assert client.get(preview_url(eform)).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_eform"))
    assert client.get(preview_url(eform)).status_code == 200


def post_data(procedure: Procedure, d: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "procedure": procedure.pk,
        "case_name": "",
        "title": d["title"],
        "schema": json.dumps(d["schema"], ensure_ascii=False),
        "layout": json.dumps(d["layout"], ensure_ascii=False),
        "example": json.dumps(d["example"], ensure_ascii=False),
        **extra,
    }


def test_adding_an_eform_in_admin_goes_through_the_service(
    admin_client: Client, procedure: Procedure
) -> None:
    assert admin_client.get("/quan-tri/eforms/eform/add/").status_code == 200
    response = admin_client.post(
        "/quan-tri/eforms/eform/add/",
        post_data(procedure, definition(), online_submission_enabled="on"),
    )
    assert response.status_code == 302
    eform = EForm.objects.get()
    assert eform.updated_by is not None
    assert (eform.title, eform.updated_by.username) == ("Tờ khai thử nghiệm", "quantri")
    procedure.refresh_from_db()
    assert (procedure.online_submission_enabled, procedure.level) == (True, ServiceLevel.LEVEL_3)


def test_an_invalid_definition_is_refused_in_admin(
    admin_client: Client, procedure: Procedure
) -> None:
    d = definition()
    d["layout"]["sections"][2]["fields"] = ["nhan_qua_buu_dien"]
    response = admin_client.post("/quan-tri/eforms/eform/add/", post_data(procedure, d))
    assert response.status_code == 200
    assert "Trường “cam_doan” chưa được xếp vào phần nào của bố cục." in response.content.decode()
    response = admin_client.post(
        "/quan-tri/eforms/eform/add/", post_data(procedure, d) | {"schema": "{không phải JSON"}
    )
    assert response.status_code == 200
    assert not EForm.objects.exists()


def test_the_change_form_shows_pretty_json_and_saves(admin_client: Client, eform: EForm) -> None:
    url = f"/quan-tri/eforms/eform/{eform.pk}/change/"
    html = admin_client.get(url).content.decode()
    assert "&quot;title&quot;: &quot;Họ và tên&quot;,\n" in html
    assert preview_url(eform) in html
    d = definition()
    d["title"] = "Tờ khai đã sửa"
    response = admin_client.post(url, post_data(eform.procedure, d))
    assert response.status_code == 302
    eform.refresh_from_db()
    assert eform.title == "Tờ khai đã sửa"
    assert EForm.objects.count() == 1


def test_actions_switch_online_submission(admin_client: Client, eform: EForm) -> None:
    url = "/quan-tri/eforms/eform/"
    response = admin_client.post(
        url, {"action": "enable_online_submission", "_selected_action": [eform.pk]}
    )
    assert response.status_code == 302
    procedure = Procedure.objects.get(pk=eform.procedure_id)
    assert (procedure.online_submission_enabled, procedure.level) == (True, ServiceLevel.LEVEL_3)
    admin_client.post(url, {"action": "disable_online_submission", "_selected_action": [eform.pk]})
    procedure.refresh_from_db()
    assert (procedure.online_submission_enabled, procedure.level) == (False, ServiceLevel.LEVEL_2)
    assert admin_client.get(url).status_code == 200


def test_deleting_in_admin_closes_online_submission(admin_client: Client, eform: EForm) -> None:
    admin_client.post(
        url := "/quan-tri/eforms/eform/",
        {"action": "enable_online_submission", "_selected_action": [eform.pk]},
    )
    response = admin_client.post(f"{url}{eform.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not EForm.objects.exists()
    procedure = Procedure.objects.get(pk=eform.procedure_id)
    assert (procedure.online_submission_enabled, procedure.level) == (False, ServiceLevel.LEVEL_2)
