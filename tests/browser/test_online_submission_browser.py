"""The level-3 path in headless Chromium: register, verify, fill the e-form, upload, submit,
find the dossier by its code."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from dichvucong.dossiers.models import Dossier, DossierStatus
from dichvucong.dossiers.tests.fixtures import pdf_bytes

from .support import ARTIFACTS, BROWSER_TEST, axe_violations, chromium_page

PASSWORD = "Thu-nghiem-dang-ky-2015"

pytestmark = BROWSER_TEST


@pytest.fixture
def browser_page():
    with chromium_page(locale="vi-VN") as page:
        yield page


def test_register_fill_upload_submit_and_look_up(
    live_server, online_procedure, browser_page, tmp_path, monkeypatch
) -> None:
    # Playwright's sync API keeps an event loop in this thread; the checks below read the
    # database synchronously between page actions, which is safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    # Register as a citizen.
    page.goto(base + "/tai-khoan/dang-ky/")
    page.check("input[name=kind][value=citizen]")
    page.get_by_label("Họ và tên").fill("Phạm Thị Lan")
    page.get_by_label("Ngày sinh").fill("1992-04-30")
    page.get_by_label("Số định danh cá nhân").fill("070192004321")
    page.get_by_label("Số điện thoại").fill("0987654321")
    page.get_by_label("Thư điện tử").fill("lan.pham@example.vn")
    page.select_option("#id_administrative_unit", "25195")
    page.get_by_label("Địa chỉ (số nhà, đường, thôn, ấp)").fill("45 đường Hùng Vương")
    page.get_by_label("Tên đăng nhập").fill("phamthilan")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_url("**/tai-khoan/dang-ky/kiem-tra-thu/")

    # Open the verification link from the email, then sign in.
    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/tai-khoan/xac-thuc/[^/\s]+/)", str(message.body))
    assert link is not None
    page.goto(base + link.group(1))
    page.goto(base + "/tai-khoan/dang-nhap/")
    page.fill("#id_username", "phamthilan")
    page.fill("#id_password", PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_load_state()

    # The procedure page offers online submission; the e-form is prefilled.
    page.goto(base + f"/thu-tuc/{online_procedure.code}/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.wait_for_url(f"**/thu-tuc/{online_procedure.code}/nop-truc-tuyen/")
    assert page.get_by_label("Họ và tên").input_value() == "Phạm Thị Lan"
    assert page.get_by_label("Số định danh cá nhân").input_value() == "070192004321"
    count, report = axe_violations(page)
    assert count == 0, report

    # Submitting without the required document is refused, with the reason on the page.
    page.get_by_label("Mục đích sử dụng phiếu").fill("Bổ sung hồ sơ xin việc")
    page.get_by_label("Số lượng phiếu").fill("2")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_load_state()
    assert page.get_by_text(
        "Vui lòng đính kèm “Bản chụp chứng minh nhân dân hoặc hộ chiếu”."
    ).is_visible()
    page.screenshot(path=str(ARTIFACTS / "dossier-form-errors.png"), full_page=True)

    # Upload the ID copy (a real PDF) and submit.
    scan = tmp_path / "cccd.pdf"
    scan.write_bytes(pdf_bytes(4000))
    page.set_input_files("#id_document_2", str(scan))
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url("**/ho-so-cua-toi/*/?moi=1")
    dossier = Dossier.objects.get(applicant__username="phamthilan")
    assert dossier.status == DossierStatus.RECEIVING
    assert dossier.form_data["so_luong"] == 2
    code = page.locator(".big-code").inner_text()
    assert code == dossier.code
    assert page.get_by_text("Đã nộp hồ sơ thành công").is_visible()
    page.screenshot(path=str(ARTIFACTS / "dossier-submitted.png"), full_page=True)
    # The code was also emailed.
    assert any(code in str(m.body) for m in mail.outbox[1:])

    # "My dossiers" lists it.
    page.get_by_role("link", name="Hồ sơ của tôi").first.click()
    assert page.get_by_role("link", name=code).is_visible()

    # Signed out, anyone finds its status by the code, without personal data.
    page.locator("button.account-logout").click()
    page.wait_for_load_state()
    page.goto(base + "/tra-cuu-ho-so/")
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_load_state()
    assert page.get_by_text("Mới đăng ký").is_visible()
    assert "Phạm Thị Lan" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "dossier-lookup.png"), full_page=True)
