"""The public verification page of an issued result (the QR code's target)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dichvucong.dossiers.models import Dossier
from dichvucong.results.models import IssuedResult


def signed(result: IssuedResult) -> bytes:
    with default_storage.open(str(result.file.name), "rb") as stream:
        data: bytes = stream.read()
    return data


def upload(client: Client, result: IssuedResult, data: bytes, name: str = "ket-qua.pdf") -> Any:
    return client.post(
        f"/verify/{result.uuid}/",
        {"pdf": SimpleUploadedFile(name, data, content_type="application/pdf")},
    )


def test_the_page_says_who_issued_what_without_personal_data(
    client: Client, issued: Dossier
) -> None:
    result = IssuedResult.objects.get()
    response = client.get(f"/verify/{result.uuid}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sở Tư pháp" in page
    assert str(issued.code) in page
    assert issued.version.name in page
    assert result.sha256 in page
    assert result.number in page
    assert "Nguyễn Văn An" not in page
    assert issued.applicant_id_number not in page


def test_the_exact_file_is_recognised(client: Client, issued: Dossier) -> None:
    result = IssuedResult.objects.get()
    response = upload(client, result, signed(result))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tệp trùng khớp với bản đã phát hành." in page
    assert "Tài liệu có chữ ký số hợp lệ, chưa bị sửa đổi sau khi ký." in page
    assert "verdict-ok" in page


def test_an_altered_file_is_reported_altered(client: Client, issued: Dossier) -> None:
    result = IssuedResult.objects.get()
    data = bytearray(signed(result))
    # Change one byte of the signed content (inside the first signed range).
    position = data.index(b"/Producer") if b"/Producer" in data else 200
    data[position + 1] = ord("Q")
    response = upload(client, result, bytes(data))
    page = response.content.decode()
    assert "Tệp KHÔNG trùng khớp với bản đã phát hành" in page
    assert "Tài liệu đã bị sửa đổi sau khi ký." in page
    assert "verdict-bad" in page


def test_a_file_with_content_appended_is_not_the_issued_one(
    client: Client, issued: Dossier
) -> None:
    result = IssuedResult.objects.get()
    page = upload(client, result, signed(result) + b"\n% added\n").content.decode()
    assert "Tệp KHÔNG trùng khớp với bản đã phát hành" in page


def test_a_non_pdf_upload_is_a_clear_error(client: Client, issued: Dossier) -> None:
    result = IssuedResult.objects.get()
    response = upload(client, result, b"GIF89a not a pdf", name="anh.gif")
    assert response.status_code == 400
    assert "Tệp không phải PDF. Vui lòng chọn một văn bản điện tử dạng PDF." in (
        response.content.decode()
    )


def test_an_unknown_id_is_404(client: Client, db: Any) -> None:
    assert client.get(f"/verify/{uuid.uuid4()}/").status_code == 404
    assert client.get("/verify/not-a-uuid/").status_code == 404
