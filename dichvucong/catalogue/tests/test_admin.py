from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dichvucong.catalogue.models import Procedure, ProcedureVersion


@pytest.fixture
def admin_client_logged(client: Client, django_user_model, second_factor_login) -> Client:
    user = django_user_model.objects.create_superuser(
        "quantri", "qt@example.vn", "mat-khau-dai-123"
    )
    return second_factor_login(client, user)


@pytest.mark.django_db
def test_admin_pages_list_the_catalogue(admin_client_logged: Client, procedures) -> None:
    for path in [
        "/quan-tri/catalogue/procedure/",
        "/quan-tri/catalogue/procedureversion/",
        "/quan-tri/catalogue/formtemplate/",
        "/quan-tri/organizations/agency/",
        "/quan-tri/organizations/administrativeunit/",
    ]:
        assert admin_client_logged.get(path).status_code == 200, path


@pytest.mark.django_db
def test_published_versions_cannot_be_edited_in_admin(
    admin_client_logged: Client, procedures
) -> None:
    version = procedures[0]
    url = f"/quan-tri/catalogue/procedureversion/{version.pk}/change/"
    assert admin_client_logged.post(url, {"name": "Sửa trộm"}).status_code == 403
    version.refresh_from_db()
    assert version.name.startswith("Cấp Phiếu lý lịch tư pháp")
    assert ProcedureVersion.objects.count() == 2


@pytest.mark.django_db
def test_uploading_a_form_file_in_admin_raises_the_level(
    admin_client_logged: Client, procedures
) -> None:
    form = procedures[0].forms.get()
    url = f"/quan-tri/catalogue/formtemplate/{form.pk}/change/"
    upload = SimpleUploadedFile("to-khai-03.docx", b"PK\x03\x04 real form")
    response = admin_client_logged.post(url, {"file": upload})
    assert response.status_code == 302
    form.refresh_from_db()
    assert form.file.read() == b"PK\x03\x04 real form"
    assert Procedure.objects.get(code="1.001776.000.00.00.H10").level == 2


@pytest.mark.django_db
def test_admin_needs_staff(client: Client, procedures) -> None:
    response = client.get("/quan-tri/catalogue/procedure/")
    assert response.status_code == 302
    assert "/quan-tri/login/" in response["Location"]
