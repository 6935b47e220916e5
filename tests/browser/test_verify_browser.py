"""Signed documents in headless Chromium: the public verification page on a 390 px phone
(valid, then altered), and the officer's view of an uploaded signed PDF; screenshots of
each, every page checked with axe.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dichvucong.documents import pki, samples, signing
from dichvucong.documents.circular01 import form_pdf
from dichvucong.documents.tests.test_verification import append_content
from dichvucong.dossiers import services
from dichvucong.dossiers.tests.fixtures import EXAMPLE, ID_COPY_FIELD

from .support import ARTIFACTS, BROWSER_TEST, axe_violations, chromium_page
from .test_backoffice_dossiers_browser import sign_in_as

pytestmark = [*BROWSER_TEST, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_files(settings, tmp_path, province):
    """The receipt signed by UBND thị xã Đồng Xoài, and a copy altered after signing."""
    settings.SIGNING_DIR = tmp_path / "pki"
    pki.pki_ensure_demo()
    signed = signing.pdf_sign(
        pdf=form_pdf(samples.sample_receipt()),
        agency=province["000.00.20.H10"],
        reason="Giấy tiếp nhận hồ sơ",
    )
    files = {"signed": tmp_path / "giay-tiep-nhan.pdf", "altered": tmp_path / "da-sua.pdf"}
    files["signed"].write_bytes(signed)
    files["altered"].write_bytes(append_content(signed))
    return files


@pytest.fixture
def dossier_with_signed_upload(signed_files, citizen, online_procedure):
    upload = SimpleUploadedFile(
        "giay-phep-ky-so.pdf", signed_files["signed"].read_bytes(), content_type="application/pdf"
    )
    return services.dossier_submit(
        applicant=citizen,
        procedure=online_procedure,
        form_data=dict(EXAMPLE),
        files={ID_COPY_FIELD: [upload]},
        idempotency_key="browser-signed",
    ).dossier


@pytest.fixture
def phone_page():
    with chromium_page(locale="vi-VN") as page:
        page.set_viewport_size({"width": 390, "height": 844})
        yield page


def check_axe(page, what: str) -> None:
    count, report = axe_violations(page)
    assert count == 0, f"{what}: {report}"


def test_verify_a_signed_then_an_altered_pdf_on_a_phone(
    live_server, signed_files, phone_page
) -> None:
    page = phone_page
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(live_server.url + "/verify/")
    assert page.locator("h1").inner_text() == "Kiểm tra văn bản điện tử"
    check_axe(page, "verify form")

    page.get_by_label("Văn bản điện tử (tệp PDF)").set_input_files(str(signed_files["signed"]))
    page.get_by_role("button", name="Kiểm tra").click()
    page.wait_for_selector(".verify-report")
    verdict = page.locator("#verify-verdict").inner_text()
    assert verdict == "Tài liệu có chữ ký số hợp lệ, chưa bị sửa đổi sau khi ký."
    assert "Ủy ban nhân dân thị xã Đồng Xoài" in page.locator(".verify-report").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width}px"
    check_axe(page, "verify valid")
    page.screenshot(path=str(ARTIFACTS / "verify-valid-phone.png"), full_page=True)

    page.get_by_label("Văn bản điện tử (tệp PDF)").set_input_files(str(signed_files["altered"]))
    page.get_by_role("button", name="Kiểm tra tệp khác").click()
    page.wait_for_selector(".verify-altered")
    assert page.locator("#verify-verdict").inner_text() == "Tài liệu đã bị sửa đổi sau khi ký."
    check_axe(page, "verify altered")
    page.screenshot(path=str(ARTIFACTS / "verify-altered-phone.png"), full_page=True)


def test_the_officer_sees_the_uploaded_signature(
    live_server, dossier_with_signed_upload, officers, phone_page, monkeypatch
) -> None:
    # The sign-in writes a session while Playwright's event loop runs in this thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = phone_page
    ARTIFACTS.mkdir(exist_ok=True)
    sign_in_as(page, live_server, officers["reception"])
    url = f"{live_server.url}/mot-cua/ho-so/{dossier_with_signed_upload.code}/"
    page.goto(url)  # first view: the check runs (no broker: at once, after the page's query)
    page.goto(url)
    section = page.locator(".bo-signatures")
    assert "giay-phep-ky-so.pdf" in section.inner_text()
    assert "Chữ ký hợp lệ" in section.inner_text()
    assert "Ký bởi Ủy ban nhân dân thị xã Đồng Xoài" in section.inner_text()
    check_axe(page, "officer dossier with a signed upload")
    section.screenshot(path=str(ARTIFACTS / "backoffice-uploaded-signature-phone.png"))
