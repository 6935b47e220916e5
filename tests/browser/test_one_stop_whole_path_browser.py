"""The whole one-stop path in headless Chromium, each person in their own pages.

A citizen submits a dossier online; the reception officer signs in with password and
authenticator code and accepts it; the unit head assigns it, the specialist proposes a
result, the approver approves it and reception hands it back; the citizen sees the
dossier done, with its receipt, and rates the service.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import second_factor_force_login, totp_code
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.fixtures import pdf_bytes
from dichvucong.feedback.models import Rating

from .support import ARTIFACTS, BROWSER_TEST, axe_violations, chromium_page

pytestmark = [*BROWSER_TEST, pytest.mark.django_db(transaction=True)]

OFFICER_PASSWORD = "Mot-cua-2015!"  # make_officer's


@pytest.fixture
def browser_page():
    with chromium_page(locale="vi-VN") as page:
        yield page


def use_session_of(page, live_server, user) -> None:
    """Hand the browser a session past both factors (the first sign-in is done for real)."""
    client = second_factor_force_login(Client(), user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def act_on_page(page, url: str, button: str) -> None:
    page.goto(url)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_text(f"Đã thực hiện “{button}”").first.is_visible()


def test_from_online_submission_to_rating(
    live_server, citizen, online_procedure, officers, browser_page, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    # The citizen signs in and submits online.
    page.goto(base + "/tai-khoan/dang-nhap/")
    page.fill("#id_username", "congdan")
    page.fill("#id_password", "mat-khau-thu-nghiem-12")
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(base + f"/thu-tuc/{online_procedure.code}/nop-truc-tuyen/")
    page.get_by_label("Mục đích sử dụng phiếu").fill("Bổ sung hồ sơ xin việc")
    page.get_by_label("Số lượng phiếu").fill("1")
    scan = tmp_path / "cccd.pdf"
    scan.write_bytes(pdf_bytes(4000))
    page.set_input_files("#id_document_2", str(scan))
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url("**/ho-so-cua-toi/*/?moi=1")
    code = page.locator(".big-code").inner_text()
    citizen_url = f"{base}/ho-so-cua-toi/{code}/"
    officer_url = f"{base}/mot-cua/ho-so/{code}/"

    # Reception signs in to the back office: password, then the authenticator's code.
    reception = make_officer_with_app(officers)
    page.context.clear_cookies()
    page.goto(base + "/mot-cua/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(reception.username)
    page.get_by_label("Mật khẩu").fill(OFFICER_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/mot-cua/xac-thuc/*")
    device = TOTPDevice.objects.get(user=reception, confirmed=True)
    page.locator("input[name=otp_token], input[name=token], input[name=code]").first.fill(
        totp_code(device)
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(base + "/mot-cua/")
    page.goto(base + "/mot-cua/ho-so/")
    assert page.get_by_role("link", name=code).is_visible()
    act_on_page(page, officer_url, "Tiếp nhận hồ sơ")

    # The unit head assigns it; the specialist proposes; the approver approves.
    use_session_of(page, live_server, officers["head"])
    page.goto(officer_url)
    page.get_by_label("Chuyên viên xử lý").select_option(label="Nguyễn Chuyenvien (chuyenvien.stp)")
    page.get_by_role("button", name="Phân công xử lý").click()
    page.wait_for_load_state()
    use_session_of(page, live_server, officers["specialist"])
    page.goto(officer_url)
    page.locator("#thao-tac-propose").get_by_label("Ý kiến xử lý").fill("Đủ điều kiện cấp phiếu.")
    page.get_by_role("button", name="Trình kết quả giải quyết").click()
    page.wait_for_load_state()
    use_session_of(page, live_server, officers["approver"])
    act_on_page(page, officer_url, "Phê duyệt kết quả")

    # Reception hands the result back.
    use_session_of(page, live_server, reception)
    act_on_page(page, officer_url, "Trả kết quả cho công dân")
    page.screenshot(path=str(ARTIFACTS / "whole-path-officer-done.png"), full_page=True)
    dossier = Dossier.objects.get(code=code)
    assert (dossier.status, dossier.timeliness in {"early", "on_time"}) == ("done", True)

    # The citizen sees it done, with the receipt (Form 01), and rates the service.
    use_session_of(page, live_server, citizen)
    page.goto(citizen_url)
    assert page.get_by_text("Đã trả kết quả").first.is_visible()
    assert page.get_by_role("link", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả").count() >= 1
    count, report = axe_violations(page)
    assert count == 0, report
    page.get_by_role("radio", name="Rất hài lòng", exact=True).check()
    page.get_by_label("Góp ý thêm (không bắt buộc)").fill("Cán bộ hướng dẫn tận tình.")
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_load_state()
    assert page.get_by_text("Cảm ơn bạn đã đánh giá!").is_visible()
    page.screenshot(path=str(ARTIFACTS / "whole-path-citizen-rated.png"), full_page=True)
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.level, rating.comment) == ("very_satisfied", "Cán bộ hướng dẫn tận tình.")


def make_officer_with_app(officers: dict[str, Any]) -> Any:
    """Return the reception officer, with an authenticator app set up."""
    reception = officers["reception"]
    TOTPDevice.objects.get_or_create(user=reception, name="Điện thoại", confirmed=True)
    return reception
