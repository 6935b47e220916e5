"""Download of the signed result: the applicant only, once issued; officers of the agency."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.test import Client
from rest_framework.authtoken.models import Token

from conftest import second_factor_force_login
from dichvucong.dossiers.models import Dossier
from dichvucong.results.models import IssuedResult, ResultStatus


def token_client(user: Any) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def signed_bytes(dossier: Dossier) -> bytes:
    result = IssuedResult.objects.get(dossier=dossier)
    with default_storage.open(str(result.file.name), "rb") as stream:
        data: bytes = stream.read()
    return data


def test_the_applicant_downloads_the_signed_result(
    client: Client, issued: Dossier, citizen: Any
) -> None:
    client.force_login(citizen)
    response = client.get(f"/ho-so-cua-toi/{issued.code}/ket-qua/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="ket-qua-{issued.code}.pdf"'
    assert response.content == signed_bytes(issued)
    page = client.get(f"/ho-so-cua-toi/{issued.code}/").content.decode()
    assert f'href="/ho-so-cua-toi/{issued.code}/ket-qua/"' in page
    assert IssuedResult.objects.get().sha256 in page


def test_the_api_sends_the_result_to_the_applicant_only(
    issued: Dossier, citizen: Any, other_citizen: Any, client: Client
) -> None:
    url = f"/api/v1/dossiers/{issued.code}/result/"
    response = token_client(citizen).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == signed_bytes(issued)
    assert token_client(other_citizen).get(url).status_code == 404
    # Anonymous: not signed in (401, with the token scheme's challenge, as the schema says).
    anonymous = client.get(url)
    assert (anonymous.status_code, anonymous["WWW-Authenticate"]) == (401, "Token")


def test_other_people_get_nothing(
    client: Client, issued: Dossier, other_citizen: Any, officers: dict[str, Any]
) -> None:
    url = f"/ho-so-cua-toi/{issued.code}/ket-qua/"
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/tai-khoan/dang-nhap/")
    client.force_login(other_citizen)
    assert client.get(url).status_code == 404
    # An officer of the agency is not the applicant on the portal either.
    client.force_login(officers["approver"])
    assert client.get(url).status_code == 404


def test_nothing_to_download_until_issued(
    client: Client,
    approving: Dossier,
    citizen: Any,
    officers: dict[str, Any],
    settings: Any,
    tmp_path: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from .conftest import act

    settings.SIGNING_DIR = tmp_path  # signing fails: the result stays unissued
    with django_capture_on_commit_callbacks(execute=True):
        act(approving, officers["approver"], "approve")
    assert IssuedResult.objects.get().status == ResultStatus.FAILED
    client.force_login(citizen)
    assert client.get(f"/ho-so-cua-toi/{approving.code}/ket-qua/").status_code == 404
    assert (
        token_client(citizen).get(f"/api/v1/dossiers/{approving.code}/result/").status_code == 404
    )
    page = client.get(f"/ho-so-cua-toi/{approving.code}/").content.decode()
    assert "kết quả điện tử đang được ký số và phát hành" in page
    # The officer sees the failure and the retry button.
    officer = second_factor_force_login(Client(), officers["reception"])
    back = officer.get(f"/mot-cua/ho-so/{approving.code}/").content.decode()
    assert "Phát hành lỗi" in back
    assert f'action="/mot-cua/ho-so/{approving.code}/ket-qua/phat-hanh-lai/"' in back


def test_officers_of_the_agency_download_it(issued: Dossier, officers: dict[str, Any]) -> None:
    url = f"/mot-cua/ho-so/{issued.code}/ket-qua/"
    reception = second_factor_force_login(Client(), officers["reception"])
    response = reception.get(url)
    assert response.status_code == 200
    assert response.content == signed_bytes(issued)
    page = reception.get(f"/mot-cua/ho-so/{issued.code}/").content.decode()
    assert f'href="{url}"' in page
    outsider = second_factor_force_login(Client(), officers["outsider"])
    assert outsider.get(url).status_code == 404


def test_an_officer_retries_a_failed_result(
    approving: Dossier,
    officers: dict[str, Any],
    settings: Any,
    tmp_path: Any,
    signing_pki: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from .conftest import act

    settings.SIGNING_DIR = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        act(approving, officers["approver"], "approve")
    result = IssuedResult.objects.get()
    IssuedResult.objects.filter(pk=result.pk).update(status=ResultStatus.FAILED)
    settings.SIGNING_DIR = signing_pki
    url = f"/mot-cua/ho-so/{approving.code}/ket-qua/phat-hanh-lai/"
    outsider = second_factor_force_login(Client(), officers["outsider"])
    assert outsider.post(url).status_code == 404
    assert IssuedResult.objects.get().status == ResultStatus.FAILED
    reception = second_factor_force_login(Client(), officers["reception"])
    with django_capture_on_commit_callbacks(execute=True):
        response = reception.post(url)
    assert response.status_code == 302
    assert IssuedResult.objects.get().status == ResultStatus.ISSUED
