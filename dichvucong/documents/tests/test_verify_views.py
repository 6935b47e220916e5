"""The public verification page, the trust roots and POST /api/v1/verify/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dichvucong.documents import pki
from dichvucong.documents.tests.test_verification import (
    append_content,
    flip_signed_byte,
    sign_with_throwaway_ca,
)
from dichvucong.organizations.models import Agency

PAGE = "/verify/"
API = "/api/v1/verify/"


def upload(content: bytes, name: str = "ket-qua.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def post_page(content: bytes, name: str = "ket-qua.pdf") -> tuple[int, str]:
    response = Client().post(PAGE, {"pdf": upload(content, name)})
    return response.status_code, response.content.decode()


def test_the_page_offers_the_upload_form(db: Any) -> None:
    response = Client().get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Kiểm tra văn bản điện tử</h1>" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'href="/verify/roots/"' in html
    assert "Tệp PDF có chữ ký số, tối đa 20 MB." in html
    # The portal's footer links here.
    assert '<a href="/verify/">Kiểm tra văn bản điện tử</a>' in html


def test_the_page_reports_a_valid_signature(signed_pdf: bytes) -> None:
    status, html = post_page(signed_pdf)

    assert status == 200
    assert "Kết quả kiểm tra tệp “ket-qua.pdf”:" in html
    assert "Tài liệu có chữ ký số hợp lệ, chưa bị sửa đổi sau khi ký." in html
    assert "Ủy ban nhân dân thị xã Đồng Xoài" in html
    assert "Được tin cậy, do UBND tỉnh Bình Phước - CA thử nghiệm cấp" in html
    assert "verify-report verify-valid" in html


@pytest.mark.parametrize("alter", [flip_signed_byte, append_content])
def test_the_page_reports_an_altered_document(signed_pdf: bytes, alter: Any) -> None:
    status, html = post_page(alter(signed_pdf))

    assert status == 200
    assert "verify-report verify-altered" in html
    assert (
        '<h2 id="verify-verdict" class="verify-verdict">Tài liệu đã bị sửa đổi sau khi ký.</h2>'
        in html
    )
    assert "Không: nội dung đã bị sửa đổi sau khi ký" in html


def test_the_page_reports_an_untrusted_signer(
    settings: Any,
    signing_pki: Path,
    tmp_path: Path,
    province: dict[str, Agency],
    receipt_pdf: bytes,
) -> None:
    forged = sign_with_throwaway_ca(settings, tmp_path, province["000.00.20.H10"], receipt_pdf)

    status, html = post_page(forged)

    assert status == 200
    assert "verify-report verify-untrusted" in html
    assert (
        "Chữ ký của cơ quan không được tin cậy "
        "(chứng thư số không do UBND tỉnh Bình Phước - CA thử nghiệm cấp)."
    ) in html


def test_the_page_refuses_a_non_pdf_and_an_oversize_file(settings: Any, signed_pdf: bytes) -> None:
    status, html = post_page(b"PK\x03\x04 not a pdf", "ho-so.docx")

    assert status == 400
    assert "Tệp không phải PDF. Vui lòng chọn một văn bản điện tử dạng PDF." in html
    assert "verify-report" not in html

    settings.SIGNING_VERIFY_MAX_BYTES = 1024 * 1024
    status, html = post_page(signed_pdf + b"%" + b"x" * (1024 * 1024))
    assert status == 400
    assert "Tệp quá lớn: tối đa 1 MB." in html

    status, html = post_page(b"")
    assert status == 400


def test_the_page_is_rate_limited(
    settings: Any, signed_pdf: bytes, rate_limit_clock: float
) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "v"},
    }
    client = Client()
    statuses = [client.post(PAGE, {"pdf": upload(b"not a pdf")}).status_code for _ in range(21)]
    assert statuses == [400] * 20 + [429]
    assert (
        "Bạn kiểm tra quá nhiều lần trong một phút."
        in client.post(PAGE, {"pdf": upload(signed_pdf)}).content.decode()
    )


def test_the_trust_roots_are_published_as_pem(signing_pki: Path) -> None:
    response = Client().get("/verify/roots/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-pem-file"
    [root] = x509.load_pem_x509_certificates(response.content)
    assert root == pki.load_certificate(signing_pki / "root.pem")


def test_extra_trust_roots_are_published_too(
    settings: Any, signing_pki: Path, tmp_path: Path
) -> None:
    settings.SIGNING_DIR = tmp_path
    pki.pki_root_init()
    settings.SIGNING_DIR = signing_pki
    settings.SIGNING_EXTRA_TRUST_ROOTS = [str(tmp_path / "root.pem")]

    roots = x509.load_pem_x509_certificates(Client().get("/verify/roots/").content)

    assert roots == [
        pki.load_certificate(signing_pki / "root.pem"),
        pki.load_certificate(tmp_path / "root.pem"),
    ]


# --- API --------------------------------------------------------------------------------


def post_api(content: bytes) -> Any:
    return Client().post(API, {"pdf": upload(content)})


def test_the_api_reports_a_valid_signature(signed_pdf: bytes) -> None:
    response = post_api(signed_pdf)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "valid"
    assert body["message"] == "Tài liệu có chữ ký số hợp lệ, chưa bị sửa đổi sau khi ký."
    [sig] = body["signatures"]
    signing_time = sig.pop("signing_time")
    assert signing_time.endswith("+07:00")
    assert sig == {
        "field": "ChuKyCoQuan",
        "status": "valid",
        "message": "Chữ ký hợp lệ.",
        "signer_name": "Ủy ban nhân dân thị xã Đồng Xoài",
        "organisation": "Ủy ban nhân dân thị xã Đồng Xoài",
        "agency_code": "000.00.20.H10",
        "issuer": "UBND tỉnh Bình Phước - CA thử nghiệm",
        "timestamp_time": None,
        "intact": True,
        "trusted": True,
        "covers_whole_document": True,
        "modified_after_signing": False,
        "timestamped": False,
    }


def test_the_api_reports_altered_and_untrusted_documents(
    settings: Any,
    signed_pdf: bytes,
    tmp_path: Path,
    province: dict[str, Agency],
    receipt_pdf: bytes,
) -> None:
    altered = post_api(append_content(signed_pdf)).json()
    assert altered["status"] == "altered"
    assert altered["signatures"][0]["modified_after_signing"] is True

    flipped = post_api(flip_signed_byte(signed_pdf)).json()
    assert (flipped["status"], flipped["signatures"][0]["intact"]) == ("altered", False)

    forged = sign_with_throwaway_ca(settings, tmp_path, province["000.00.20.H10"], receipt_pdf)
    untrusted = post_api(forged).json()
    assert (untrusted["status"], untrusted["signatures"][0]["trusted"]) == ("untrusted", False)

    unsigned = post_api(receipt_pdf).json()
    assert (unsigned["status"], unsigned["signatures"]) == ("unsigned", [])


def test_the_api_refuses_a_non_pdf_with_the_error_format(signing_pki: Path) -> None:
    response = post_api(b"<html>not a pdf</html>")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Tham số không hợp lệ: pdf.",
        "errors": {"pdf": ["Tệp không phải PDF. Vui lòng chọn một văn bản điện tử dạng PDF."]},
    }
    missing = Client().post(API, {})
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"pdf": ["Vui lòng gửi tệp PDF cần kiểm tra (trường pdf)."]}


def test_the_api_is_throttled(settings: Any, signing_pki: Path, rate_limit_clock: float) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "va"},
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "verify": "2/min",
        },
    }
    codes = [post_api(b"x").status_code for _ in range(3)]
    assert codes == [400, 400, 429]
