from __future__ import annotations

from typing import Any

from django.test import Client

from dichvucong.accounts.models import User
from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers import services

from .fixtures import EXAMPLE, ID_COPY_FIELD, pdf_upload


def test_staff_read_dossiers_and_cannot_change_them(
    citizen: Any, online_procedure: Procedure, second_factor_login: Any
) -> None:
    dossier = services.dossier_submit(
        applicant=citizen,
        procedure=online_procedure,
        form_data=dict(EXAMPLE),
        files={ID_COPY_FIELD: [pdf_upload()]},
        idempotency_key="admin",
    ).dossier
    admin = User.objects.create_superuser("quantri", "qt@example.vn", "mat-khau-quan-tri-12")
    client = second_factor_login(Client(), admin)
    listing = client.get("/quan-tri/dossiers/dossier/")
    assert listing.status_code == 200
    assert str(dossier.code) in listing.content.decode()
    page = client.get(f"/quan-tri/dossiers/dossier/{dossier.pk}/change/")
    assert page.status_code == 200
    assert "cccd.pdf" in page.content.decode()
    response = client.post(f"/quan-tri/dossiers/dossier/{dossier.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert client.get("/quan-tri/dossiers/dossier/add/").status_code == 403


def test_citizens_cannot_open_the_admin(citizen: Any) -> None:
    client = Client()
    client.force_login(citizen)
    response = client.get("/quan-tri/dossiers/dossier/")
    assert response.status_code == 302
    assert response["Location"].startswith("/quan-tri/login/")
