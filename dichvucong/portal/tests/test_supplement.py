"""The applicant answers a request for more documents from their dossier page."""

from __future__ import annotations

from typing import Any

from django.test import Client

from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers.actions import MissingItem
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.fixtures import ID_COPY_FIELD, pdf_upload
from dichvucong.dossiers.tests.test_actions import act, submit


def test_the_applicant_sees_the_request_and_sends_documents(
    citizen: Any, other_citizen: Any, online_procedure: Procedure, officers: dict[str, Any]
) -> None:
    dossier = submit(citizen, online_procedure)
    page = f"/ho-so-cua-toi/{dossier.code}/"
    client = Client()
    client.force_login(citizen)
    assert "Gửi hồ sơ bổ sung" not in client.get(page).content.decode()
    act(
        dossier,
        officers["reception"],
        "request_documents",
        comment="Vui lòng bổ sung.",
        items=[MissingItem(document="Bản chụp CCCD", reason="Ảnh mờ")],
    )
    html = client.get(page).content.decode()
    assert "Cơ quan yêu cầu bổ sung, hoàn thiện hồ sơ" in html
    assert "<strong>Bản chụp CCCD</strong>: Ảnh mờ" in html
    url = f"/ho-so-cua-toi/{dossier.code}/bo-sung/"
    # Someone else cannot answer for the applicant.
    stranger = Client()
    stranger.force_login(other_citizen)
    assert stranger.post(url, {ID_COPY_FIELD: pdf_upload("x.pdf")}).status_code == 404
    # Nothing attached and no note: refused, shown on the page, nothing changes.
    refused = client.post(url, {"comment": ""})
    assert refused.status_code == 400
    assert "Vui lòng đính kèm giấy tờ bổ sung" in refused.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == "waiting"
    response = client.post(url, {ID_COPY_FIELD: pdf_upload("cccd-ro.pdf"), "comment": "Ảnh rõ"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.state.code if dossier.state else "") == (
        "receiving",
        "submitted",
    )
    assert dossier.documents.filter(original_name="cccd-ro.pdf").exists()
    assert "Gửi hồ sơ bổ sung" not in client.get(page).content.decode()
