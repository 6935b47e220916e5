"""The stand-in refuses what a real service would, with the field named."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.test import Client

from dichvucong.interop.national.models import StandinDossier, StandinEntry, StandinFile

from .conftest import DjangoClientAdapter

pytestmark = pytest.mark.django_db
BASE = "/national-sync/standin/"
CREDENTIALS = {"client_id": "tinh-binh-phuoc", "client_secret": "bi-mat-dong-bo"}


def post(client: Client, path: str, body: Any, token: str = "") -> Any:
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(BASE + path, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def token(standin: DjangoClientAdapter, client: Client) -> str:
    answer = post(
        client, "token", {"client_id": "tinh-binh-phuoc", "client_secret": "bi-mat-dong-bo"}
    )
    assert answer.status_code == 200
    return str(answer.json()["access_token"])


def test_a_token_needs_the_configured_client(standin: DjangoClientAdapter, client: Client) -> None:
    answer = post(client, "token", {"client_id": "tinh-binh-phuoc", "client_secret": "sai"})
    assert answer.status_code == 401
    assert answer.json() == {"error_code": 401, "message": "Sai client_id hoặc client_secret."}
    answer = post(client, "hoso/lay-ma-ho-so", {"MaDonVi": "000.00.01.H10"}, token="gia-mao")
    assert answer.status_code == 401
    assert StandinDossier.objects.count() == 0


def test_a_dossier_with_missing_or_malformed_fields_is_refused(client: Client, token: str) -> None:
    code = post(client, "hoso/lay-ma-ho-so", {"MaDonVi": "000.00.01.H10"}, token).json()["data"][
        "MaHoSo"
    ]
    answer = post(
        client,
        "hoso",
        {
            "IdDongBo": "a1",
            "MaHoSo": code,
            "MaTTHC": "1.001",
            "MaDonViTiepNhan": "000.00.01.H10",
            "NgayNop": "2026-11-27",
            "LoaiDoiTuong": 9,
            "TrangThai": 11,
            "ThanhPhanHoSo": [{"GiayToDinhKem": [{"IdGiayTo": "khong-co", "HashTepTin": "x"}]}],
            "ThongTinNguoiNop": {"TenNguoiNop": "Nguyễn Văn An"},
        },
        token,
    )
    assert answer.status_code == 400
    assert answer.json()["errors"] == {
        "ChuHoSo": "Bắt buộc.",
        "NgayNop": "Sai định dạng, cần yyyyMMddHHmmss.",
        "LoaiDoiTuong": "Phải là 1 (công dân), 2 (doanh nghiệp) hoặc 3 (tổ chức).",
        "TrangThai": "Phải là số nguyên từ 1 đến 10.",
        "ThanhPhanHoSo[0].GiayToDinhKem[0]": "Không có tệp với IdGiayTo và HashTepTin này.",
    }
    assert StandinDossier.objects.get(code=code).received_at is None


def test_an_entry_for_an_unknown_dossier_is_refused(client: Client, token: str) -> None:
    answer = post(
        client,
        "hoso/trang-thai",
        {"IdDongBo": "b1", "MaHoSo": "QG.000000.000000", "TrangThai": 4},
        token,
    )
    assert answer.status_code == 404
    assert answer.json()["message"] == "Không tìm thấy hồ sơ."
    answer = post(client, "hoso/tien-do", {"IdDongBo": "b2", "MaHoSo": "x"}, token)
    assert answer.status_code == 400
    assert set(answer.json()["errors"]) == {"ThoiDiemXuLy", "NoiDungXuLy"}
    assert StandinEntry.objects.count() == 0


def test_a_file_whose_hash_does_not_match_is_refused(client: Client, token: str) -> None:
    content = b"%PDF-1.7 ban sao"
    answer = client.post(
        BASE + "tep-tin",
        {"file": _upload(content), "HashTepTin": "0" * 64},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"HashTepTin": "Không khớp với nội dung tệp (SHA-256)."}
    assert StandinFile.objects.count() == 0
    digest = hashlib.sha256(content).hexdigest()
    for _round in range(2):
        answer = client.post(
            BASE + "tep-tin",
            {"file": _upload(content), "HashTepTin": digest},
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert answer.status_code == 200
    assert StandinFile.objects.get().sha256 == digest


def _upload(content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("ban-sao.pdf", content, content_type="application/pdf")


def test_told_to_fail_it_answers_503_and_off_it_is_not_there(
    standin: DjangoClientAdapter, settings: Any, client: Client
) -> None:
    settings.NATIONAL_SYNC_STANDIN_FAIL = True
    answer = post(
        client, "token", {"client_id": "tinh-binh-phuoc", "client_secret": "bi-mat-dong-bo"}
    )
    assert answer.status_code == 503
    settings.NATIONAL_SYNC_STANDIN_ENABLED = False
    assert post(client, "token", {}).status_code == 404
    assert client.get(BASE + "token").status_code == 404
    settings.NATIONAL_SYNC_STANDIN_ENABLED = True
    settings.NATIONAL_SYNC_STANDIN_FAIL = False
    assert client.get(BASE + "token").status_code == 405
