"""The agency's forms on the applicant's dossier page, and their downloads."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from dichvucong.catalogue.models import Procedure
from dichvucong.documents.tests.test_dossier_forms import Path, drive
from dichvucong.dossiers.tests.test_actions import submit

pytestmark = pytest.mark.usefixtures("fresh_storage")


@pytest.fixture
def path(citizen: Any, online_procedure: Procedure, officers: dict[str, Any]) -> Path:
    return drive(citizen, online_procedure, officers)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_dossier_page_lists_the_agencys_forms(path: Path, citizen: Any) -> None:
    code = path.dossier.code
    page = signed_in(citizen).get(f"/ho-so-cua-toi/{code}/").content.decode()
    assert "Giấy tờ của cơ quan" in page
    base = f"/ho-so-cua-toi/{code}/mau"
    for link in [
        f'href="{base}/1/" download>Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả</a>',
        f'href="{base}/2/?event={path.requested.pk}" download>'
        "Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ</a>",
        f'href="{base}/4/?event={path.apologized.pk}" download>'
        "Mẫu 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả</a>",
    ]:
        assert link in page
    assert f"{base}/5/" not in page
    assert "Phiếu kiểm soát" not in page


def test_a_dossier_not_yet_accepted_has_no_forms(citizen: Any, online_procedure: Procedure) -> None:
    dossier = submit(citizen, online_procedure)
    page = signed_in(citizen).get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Giấy tờ của cơ quan" not in page
    assert signed_in(citizen).get(f"/ho-so-cua-toi/{dossier.code}/mau/1/").status_code == 404


def test_the_applicant_downloads_their_forms_and_nothing_else(
    path: Path, citizen: Any, other_citizen: Any, client: Client
) -> None:
    code = path.dossier.code
    own = signed_in(citizen)
    response = own.get(f"/ho-so-cua-toi/{code}/mau/2/", {"event": path.requested.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="mau-02-{code}.pdf"'
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert "1 Bản chụp CCCD Ảnh mờ, không đọc được số" in text
    for url in [
        f"/ho-so-cua-toi/{code}/mau/5/",  # the office's control sheet
        f"/ho-so-cua-toi/{code}/mau/6/",
        f"/ho-so-cua-toi/{code}/mau/3/",  # not refused
        f"/ho-so-cua-toi/{code}/mau/2/?event=x",
        f"/ho-so-cua-toi/{code}/mau/2/?event={path.apologized.pk}",
    ]:
        assert own.get(url).status_code == 404, url
    assert signed_in(other_citizen).get(f"/ho-so-cua-toi/{code}/mau/1/").status_code == 404
    response = client.get(f"/ho-so-cua-toi/{code}/mau/1/")
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/")
