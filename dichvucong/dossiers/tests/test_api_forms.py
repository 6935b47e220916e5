"""The forms API: officers' Forms 01-05 and register, applicants' Forms 01-04."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from dichvucong.catalogue.models import Procedure
from dichvucong.documents.selectors import XLSX_CONTENT_TYPE
from dichvucong.documents.tests.test_dossier_forms import Path, drive
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.dossiers.tests.test_actions import act, submit
from dichvucong.dossiers.tests.test_api_backoffice import token_client

BACKOFFICE = "/api/v1/backoffice/dossiers/"
APPLICANT = "/api/v1/dossiers/"
REGISTER = "/api/v1/backoffice/register/"


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def citizen_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def path(citizen: Any, online_procedure: Procedure, officers: dict[str, Any]) -> Path:
    return drive(citizen, online_procedure, officers)


def unchanged(dossier: Dossier) -> tuple[Any, ...]:
    fresh = Dossier.objects.get(pk=dossier.pk)
    return (fresh.status, fresh.updated_at, DossierEvent.objects.filter(dossier=dossier).count())


def test_officer_lists_the_forms_with_links(
    path: Path, officers: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    code = path.dossier.code
    client = token_client(officers["reception"])
    with django_assert_max_num_queries(7):
        response = client.get(f"{BACKOFFICE}{code}/forms/")
    assert response.status_code == 200
    base = f"http://testserver{BACKOFFICE}{code}/forms"
    assert [(f["number"], f["event"], f["filename"], f["url"]) for f in response.json()] == [
        (1, path.accepted.pk, f"mau-01-{code}.pdf", f"{base}/1/"),
        (2, path.requested.pk, f"mau-02-{code}.pdf", f"{base}/2/?event={path.requested.pk}"),
        (4, path.apologized.pk, f"mau-04-{code}.pdf", f"{base}/4/?event={path.apologized.pk}"),
        (5, None, f"mau-05-{code}.pdf", f"{base}/5/"),
    ]
    assert response.json()[0]["title"] == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"


def test_officer_downloads_a_form(path: Path, officers: dict[str, Any]) -> None:
    code = path.dossier.code
    for who in ("reception", "supervisor"):
        response = token_client(officers[who]).get(f"{BACKOFFICE}{code}/forms/1/")
        assert response.status_code == 200, who
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="mau-01-{code}.pdf"'
        assert response["Cache-Control"] == "private, no-store"
        text = text_of(response.content)
        assert f"Mã hồ sơ: {code}" in text
        assert "Tiếp nhận hồ sơ của: Nguyễn Văn An" in text
    client = token_client(officers["reception"])
    response = client.get(f"{BACKOFFICE}{code}/forms/2/", {"event": path.requested.pk})
    assert response.status_code == 200
    assert "2 Giấy xác nhận nơi cư trú Chưa có trong hồ sơ" in text_of(response.content)
    response = client.get(f"{BACKOFFICE}{code}/forms/5/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="mau-05-{code}.pdf"'
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text_of(response.content)


def test_officer_refusals(path: Path, officers: dict[str, Any], client: Client) -> None:
    code = path.dossier.code
    before = unchanged(path.dossier)
    outsider = token_client(officers["outsider"])
    assert outsider.get(f"{BACKOFFICE}{code}/forms/").status_code == 404
    assert outsider.get(f"{BACKOFFICE}{code}/forms/1/").status_code == 404
    reception = token_client(officers["reception"])
    for url in [
        f"{BACKOFFICE}{code}/forms/3/",  # not refused
        f"{BACKOFFICE}{code}/forms/6/",  # the register is per agency, not per dossier
        f"{BACKOFFICE}{code}/forms/2/?event={path.apologized.pk}",  # not a request
        f"{BACKOFFICE}no-such-code/forms/1/",
    ]:
        response = reception.get(url, HTTP_ACCEPT="application/pdf")
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json"
    response = reception.get(f"{BACKOFFICE}{code}/forms/2/?event=abc")
    assert response.status_code == 400
    assert response.json()["errors"] == {"event": ["Phải là một số nguyên."]}
    assert client.get(f"{BACKOFFICE}{code}/forms/1/").status_code == 401
    assert client.get(f"{BACKOFFICE}{code}/forms/").status_code == 401
    # Signed in with a password only: the second factor is missing.
    client.force_login(officers["reception"])
    assert client.get(f"{BACKOFFICE}{code}/forms/1/").status_code == 403
    assert unchanged(path.dossier) == before


def test_applicant_gets_forms_01_to_04_of_their_own_dossier(
    path: Path, citizen: Any, other_citizen: Any, client: Client
) -> None:
    code = path.dossier.code
    before = unchanged(path.dossier)
    own = citizen_client(citizen)
    listed = own.get(f"{APPLICANT}{code}/forms/").json()
    base = f"http://testserver{APPLICANT}{code}/forms"
    assert [(f["number"], f["url"]) for f in listed] == [
        (1, f"{base}/1/"),
        (2, f"{base}/2/?event={path.requested.pk}"),
        (4, f"{base}/4/?event={path.apologized.pk}"),
    ]
    response = own.get(f"{APPLICANT}{code}/forms/4/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="mau-04-{code}.pdf"'
    assert "Lý do: Cần xác minh thêm với Công an tỉnh." in text_of(response.content)
    assert own.get(f"{APPLICANT}{code}/forms/5/").status_code == 404  # the office's record
    assert own.get(f"{APPLICANT}{code}/forms/3/").status_code == 404
    other = citizen_client(other_citizen)
    assert other.get(f"{APPLICANT}{code}/forms/").status_code == 404
    assert other.get(f"{APPLICANT}{code}/forms/1/").status_code == 404
    assert client.get(f"{APPLICANT}{code}/forms/1/").status_code == 401
    assert unchanged(path.dossier) == before


def test_applicant_gets_the_refusal(
    citizen: Any, online_procedure: Procedure, officers: dict[str, Any]
) -> None:
    dossier = submit(citizen, online_procedure)
    act(dossier, officers["reception"], "refuse", comment="Không thuộc thẩm quyền của Sở.")
    own = citizen_client(citizen)
    listed = own.get(f"{APPLICANT}{dossier.code}/forms/").json()
    assert [f["number"] for f in listed] == [3]
    response = own.get(f"{APPLICANT}{dossier.code}/forms/3/")
    assert response.status_code == 200
    assert "1. Không thuộc thẩm quyền của Sở." in text_of(response.content)
    assert own.get(f"{APPLICANT}{dossier.code}/forms/1/").status_code == 404


def test_register_as_pdf_and_excel(
    citizen: Any,
    other_citizen: Any,
    online_procedure: Procedure,
    officers: dict[str, Any],
    client: Client,
) -> None:
    first = submit(citizen, online_procedure, key="a")
    second = submit(other_citizen, online_procedure, key="b")
    act(second, officers["reception"], "accept")
    act(first, officers["reception"], "accept")
    second.refresh_from_db()
    year = second.register_year
    assert year is not None
    query: dict[str, str | int] = {"agency": "000.00.01.H10", "year": year}
    reception = token_client(officers["reception"])

    response = reception.get(REGISTER, query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="mau-06-000.00.01.H10-{year}.pdf"'
    )
    text = text_of(response.content).replace("- ", "-")
    assert text.index(f"1 {second.code} ") < text.index(f"2 {first.code} ")

    response = token_client(officers["supervisor"]).get(REGISTER, {**query, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == (
        f'attachment; filename="mau-06-000.00.01.H10-{year}.xlsx"'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [(r[0], r[1], r[4]) for r in sheet.iter_rows(min_row=5, values_only=True)] == [
        (1, second.code, "Trần Thị Bình"),
        (2, first.code, "Nguyễn Văn An"),
    ]

    # Another year: an empty book, still a register.
    response = reception.get(REGISTER, {**query, "year": 2015})
    assert response.status_code == 200
    assert "SỔ THEO DÕI HỒ SƠ Năm 2015" in text_of(response.content)

    outsider = token_client(officers["outsider"])
    assert outsider.get(REGISTER, query).status_code == 404
    assert outsider.get(REGISTER, {**query, "format": "xlsx"}).status_code == 404
    assert reception.get(REGISTER, {**query, "agency": "000.00.99.H10"}).status_code == 404
    response = reception.get(REGISTER, {"agency": "", "year": "26", "format": "doc"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "agency": ["Vui lòng nhập mã cơ quan."],
        "year": ["Năm phải có 4 chữ số, từ 2000 đến 2100."],
        "format": ["Định dạng phải là pdf, xlsx hoặc json."],
    }
    assert client.get(REGISTER, query).status_code == 401
    assert citizen_client(citizen).get(REGISTER, query).status_code == 403


def test_register_by_month_and_the_pdf_size_limit(
    monkeypatch: Any, citizen: Any, online_procedure: Any, officers: dict[str, Any]
) -> None:
    from django.utils import timezone

    from dichvucong.documents import selectors as documents

    for key in ("m-1", "m-2"):
        act(submit(citizen, online_procedure, key), officers["reception"], "accept")
    today = timezone.localdate()
    client = token_client(officers["reception"])
    url = "/api/v1/backoffice/register/"
    params: dict[str, Any] = {"agency": "000.00.01.H10", "year": today.year}
    assert client.get(url, {**params, "month": today.month}).status_code == 200
    other = today.month % 12 + 1
    empty = client.get(url, {**params, "month": other, "format": "xlsx"})
    assert empty.status_code == 200
    assert client.get(url, {**params, "month": 13}).status_code == 400
    monkeypatch.setattr(documents, "REGISTER_PDF_MAX_ROWS", 1)
    refused = client.get(url, params)
    assert refused.status_code == 400
    assert "quá dài cho một tệp PDF" in refused.json()["errors"]["month"][0]
    assert client.get(url, {**params, "format": "xlsx"}).status_code == 200


def test_register_rows_as_json(
    citizen: Any, other_citizen: Any, online_procedure: Any, officers: dict[str, Any]
) -> None:
    from django.utils import timezone

    accepted = []
    for key in ("j-1", "j-2", "j-3"):
        dossier = submit(citizen, online_procedure, key)
        act(dossier, officers["reception"], "accept")
        accepted.append(dossier)
    url = "/api/v1/backoffice/register/"
    params: dict[str, Any] = {"agency": "000.00.01.H10", "year": timezone.localdate().year}
    with CaptureQueriesContext(connection) as queries:
        response = token_client(officers["reception"]).get(
            url, {**params, "format": "json", "page_size": 2}
        )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    # Counted on the dossiers alone (the register's index), without joining the versions.
    (count,) = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert "JOIN" not in count
    assert body["results"][0]["procedure_name"] == online_procedure.current_version.name
    assert [(r["number"], r["code"]) for r in body["results"]] == [
        (1, accepted[0].code),
        (2, accepted[1].code),
    ]
    assert body["results"][0]["applicant_name"] == "Nguyễn Văn An"
    outsider = token_client(officers["outsider"]).get(url, {**params, "format": "json"})
    assert outsider.status_code == 404
