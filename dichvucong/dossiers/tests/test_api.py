from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers import selectors
from dichvucong.dossiers.api.serializers import LookupSerializer
from dichvucong.dossiers.api.views import lookup_payload
from dichvucong.dossiers.models import Dossier, DossierStatus
from dichvucong.dossiers.tests.fixtures import default_state

from .fixtures import EXAMPLE, ID_COPY_FIELD, pdf_upload

URL = "/api/v1/dossiers/"


def token_client(user: Any) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def post(client: Client, key: str | None = "k-1", **fields: Any) -> Any:
    data: dict[str, Any] = {
        "procedure": "1.001776.000.00.00.H10",
        "form_data": json.dumps(EXAMPLE),
        ID_COPY_FIELD: pdf_upload(),
    }
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    if key is None:
        return client.post(URL, data)
    return client.post(URL, data, HTTP_IDEMPOTENCY_KEY=key)


def test_eform_endpoint_describes_the_submission(online_procedure: Procedure) -> None:
    response = Client().get("/api/v1/procedures/1.001776.000.00.00.H10/eform/")
    assert response.status_code == 200
    body = response.json()
    assert body["procedure"] == "1.001776.000.00.00.H10"
    assert body["case"] == {"position": 0, "name": ""}
    assert body["schema"]["required"] == ["ho_ten", "so_dinh_danh", "muc_dich", "so_luong"]
    assert body["example"] == EXAMPLE
    assert body["documents"] == [
        {
            "field": "document_1",
            "name": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (Mẫu số 03/2013/TT-LLTP)",
            "originals": 1,
            "copies": 0,
            "mandatory": False,
            "filled_online": True,
        },
        {
            "field": "document_2",
            "name": "Bản chụp chứng minh nhân dân hoặc hộ chiếu",
            "originals": 0,
            "copies": 1,
            "mandatory": True,
            "filled_online": False,
        },
    ]
    assert body["agencies"] == [{"code": "000.00.01.H10", "name": "Sở Tư pháp"}]
    assert body["allowed_types"] == ["pdf", "signed_pdf", "jpeg", "png", "docx", "xlsx"]
    assert body["max_file_bytes"] == 10 * 1024 * 1024
    assert body["max_total_bytes"] == 50 * 1024 * 1024


def test_eform_endpoint_404_when_not_online(procedures: Any) -> None:
    response = Client().get("/api/v1/procedures/1.001776.000.00.00.H10/eform/")
    assert response.status_code == 404
    assert Client().get("/api/v1/procedures/9.999999/eform/").status_code == 404


def test_submit_with_the_example_and_token(citizen: Any, online_procedure: Procedure) -> None:
    response = post(token_client(citizen))
    assert response.status_code == 201, response.json()
    body = response.json()
    today = timezone.localdate()
    assert body["code"] == f"000.00.01.H10-{today:%y%m%d}-0001"
    assert body["status"] == "receiving"
    assert body["status_display"] == "Mới đăng ký"
    assert body["form_data"] == EXAMPLE
    assert [d["field"] for d in body["documents"]] == [ID_COPY_FIELD]
    assert response["Location"].endswith(f"/api/v1/dossiers/{body['code']}/")
    assert "Idempotent-Replayed" not in response


def test_retry_with_the_same_key_returns_the_same_dossier(
    citizen: Any, online_procedure: Procedure
) -> None:
    client = token_client(citizen)
    first = post(client)
    again = post(client)
    assert again.status_code == 201
    assert again.json()["code"] == first.json()["code"]
    assert again["Idempotent-Replayed"] == "true"
    assert Dossier.objects.count() == 1


def test_same_key_other_content_is_409(citizen: Any, online_procedure: Procedure) -> None:
    client = token_client(citizen)
    post(client)
    response = post(client, form_data=json.dumps(dict(EXAMPLE, so_luong=3)))
    assert response.status_code == 409
    assert list(response.json()["errors"]) == ["idempotency_key"]
    assert Dossier.objects.count() == 1


def test_refusals_are_400_with_field_errors(citizen: Any, online_procedure: Procedure) -> None:
    client = token_client(citizen)
    cases: list[tuple[dict[str, Any], str | None, list[str]]] = [
        ({}, None, ["idempotency_key"]),
        ({"form_data": "{not json"}, "k", ["form_data"]),
        ({"form_data": "[1, 2]"}, "k", ["form_data"]),
        ({"procedure": "9.999999.000.00.00.H10"}, "k", ["procedure"]),
        ({"agency": "000.00.03.H10"}, "k", ["agency"]),
        (
            {"form_data": json.dumps(dict(EXAMPLE, so_dinh_danh="0740"))},
            "k",
            ["form_data.so_dinh_danh"],
        ),
        ({ID_COPY_FIELD: None}, "k", [ID_COPY_FIELD]),
        (
            {ID_COPY_FIELD: SimpleUploadedFile("cccd.pdf", b"MZ\x90\x00" + b"\x00" * 64)},
            "k",
            [ID_COPY_FIELD],
        ),
    ]
    for fields, key, expected in cases:
        response = post(client, key=key, **fields)
        assert response.status_code == 400, (fields, response.content)
        body = response.json()
        assert sorted(body["errors"]) == expected, fields
        assert body["detail"].startswith("Tham số không hợp lệ")
    assert Dossier.objects.count() == 0


def test_disguised_file_message_is_clear(citizen: Any, online_procedure: Procedure) -> None:
    fake = SimpleUploadedFile("hoa-don.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    files: dict[str, Any] = {ID_COPY_FIELD: fake}
    response = post(token_client(citizen), **files)
    assert response.json()["errors"][ID_COPY_FIELD] == [
        "Tệp “hoa-don.pdf” không phải PDF, JPEG, PNG, DOCX hoặc XLSX (hệ thống kiểm tra "
        "nội dung tệp, không dựa vào tên tệp)."
    ]


def test_oversize_file_is_refused(citizen: Any, online_procedure: Procedure, settings: Any) -> None:
    settings.DOSSIER_MAX_FILE_BYTES = 3000
    files: dict[str, Any] = {ID_COPY_FIELD: pdf_upload(size=4000)}
    response = post(token_client(citizen), **files)
    assert response.status_code == 400
    assert "vượt quá dung lượng cho phép" in response.json()["errors"][ID_COPY_FIELD][0]
    assert Dossier.objects.count() == 0


def test_anonymous_cannot_submit_or_list(online_procedure: Procedure) -> None:
    assert post(Client()).status_code == 401
    assert Client().get(URL).status_code == 401
    assert Dossier.objects.count() == 0


@pytest.fixture
def submitted(citizen: Any, online_procedure: Procedure) -> str:
    return str(post(token_client(citizen)).json()["code"])


def test_access_matrix(citizen: Any, other_citizen: Any, submitted: str) -> None:
    detail = f"{URL}{submitted}/"
    withdraw = f"{URL}{submitted}/withdraw/"
    owner, other, anonymous = token_client(citizen), token_client(other_citizen), Client()
    # The owner sees it, in the list and alone.
    assert [d["code"] for d in owner.get(URL).json()["results"]] == [submitted]
    assert owner.get(detail).status_code == 200
    # Another citizen: an empty list, and 404 (never the data) for the dossier.
    assert other.get(URL).json()["results"] == []
    response = other.get(detail)
    assert response.status_code == 404
    assert "Nguyễn Văn An" not in response.content.decode()
    assert other.post(withdraw).status_code == 404
    # Anonymous: refused.
    assert anonymous.get(detail).status_code == 401
    assert anonymous.post(withdraw).status_code == 401
    # Nothing changed.
    assert Dossier.objects.get(code=submitted).status == DossierStatus.RECEIVING


def test_withdraw_through_the_api(citizen: Any, submitted: str) -> None:
    client = token_client(citizen)
    response = client.post(
        f"{URL}{submitted}/withdraw/",
        {"reason": "Nộp nhầm thủ tục"},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "cancelled"
    assert [e["action"] for e in body["events"]] == ["submitted", "withdraw"]


def test_withdraw_refused_after_acceptance(citizen: Any, submitted: str) -> None:
    Dossier.objects.filter(code=submitted).update(
        status=DossierStatus.NEW, state=default_state("assigning")
    )
    response = token_client(citizen).post(f"{URL}{submitted}/withdraw/")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]
    assert Dossier.objects.get(code=submitted).status == DossierStatus.NEW


def test_lookup_shows_status_only(submitted: str) -> None:
    response = Client().get(f"/api/v1/lookup/{submitted}/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "code",
        "status",
        "status_display",
        "procedure",
        "procedure_name",
        "agency",
        "agency_name",
        "submitted_at",
        "due_at",
    }
    assert (body["code"], body["status"], body["status_display"]) == (
        submitted,
        "receiving",
        "Mới đăng ký",
    )
    assert (body["procedure"], body["agency"], body["due_at"]) == (
        "1.001776.000.00.00.H10",
        "000.00.01.H10",
        None,
    )
    text = response.content.decode()
    for personal in ("Nguyễn Văn An", "074090001234", "0912345678", "congdan@example.vn"):
        assert personal not in text


def test_lookup_answer_is_what_its_serializer_documents(submitted: str) -> None:
    due = timezone.now() + timedelta(days=3)
    Dossier.objects.filter(code=submitted).update(due_at=due)
    body = Client().get(f"/api/v1/lookup/{submitted}/").json()
    public = selectors.dossier_public_status(code=submitted)
    assert body == json.loads(json.dumps(LookupSerializer(public).data))
    assert body["due_at"] == LookupSerializer(public).data["due_at"] is not None
    assert lookup_payload(public) == LookupSerializer(public).data


def test_lookup_of_unknown_code_or_draft_is_404(citizen: Any, online_procedure: Procedure) -> None:
    assert Client().get("/api/v1/lookup/000.00.01.H10-150302-0001/").status_code == 404


def test_lookup_is_rate_limited(submitted: str, settings: Any, rate_limit_clock: float) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"},
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"lookup": "3/min", "token": "20/min"},
    }
    client = Client()
    codes = [client.get(f"/api/v1/lookup/{submitted}/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert other.get(f"/api/v1/lookup/{submitted}/").status_code == 200


def test_a_named_case_adds_its_documents_to_the_general_ones(
    online_procedure: Procedure,
) -> None:
    response = Client().get("/api/v1/procedures/1.001776.000.00.00.H10/eform/", {"case": 1})
    body = response.json()
    assert body["case"] == {"position": 1, "name": "Trường hợp ủy quyền"}
    assert [(d["field"], d["mandatory"]) for d in body["documents"]] == [
        ("document_1", False),
        ("document_2", True),
        ("document_3", True),
    ]
    assert (
        Client().get("/api/v1/procedures/1.001776.000.00.00.H10/eform/", {"case": 7}).status_code
        == 404
    )
    assert (
        Client().get("/api/v1/procedures/1.001776.000.00.00.H10/eform/", {"case": "x"}).status_code
        == 400
    )


def test_the_201_body_is_what_the_schema_says(citizen: Any, online_procedure: Procedure) -> None:
    from dichvucong.dossiers.api.serializers import DossierCreatedSerializer

    body = post(token_client(citizen)).json()
    dossier = Dossier.objects.get(code=body["code"])
    documents = list(dossier.documents.select_related("required_document"))
    expected = DossierCreatedSerializer(dossier, context={"documents": documents}).data
    assert body == json.loads(json.dumps(expected))


def test_list_queries_do_not_grow_with_the_dossiers(
    citizen: Any, online_procedure: Procedure
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = token_client(citizen)
    post(client, key="k-a")
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(URL).json()["results"]) == 1
    for key in ("k-b", "k-c", "k-d"):
        post(client, key=key, form_data=json.dumps(dict(EXAMPLE, so_luong=2)))
    with CaptureQueriesContext(connection) as four:
        assert len(client.get(URL).json()["results"]) == 4
    assert len(four) == len(one)
