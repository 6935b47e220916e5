"""The officer's sign-in in headless Chromium: password, then the authenticator's code."""

from __future__ import annotations

import base64
import json

import pytest
from django_otp.oath import totp

from conftest import make_officer
from dichvucong.demo.services import (
    DATA_DIR,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    demo_officers_load,
    organizations_load,
)
from dichvucong.organizations.models import Agency

from .support import ARTIFACTS, BROWSER_TEST, axe_violations, chromium_page

pytestmark = BROWSER_TEST


def code_for(secret: str) -> str:
    """Return the code an authenticator app holding this base32 secret shows now."""
    compact = secret.replace(" ", "")
    return f"{totp(base64.b32decode(compact + '=' * (-len(compact) % 8))):06d}"


@pytest.fixture
def demo_officers(db):
    """The demo agencies and officers (written before the browser starts)."""
    organizations_load(json.loads((DATA_DIR / "organizations.json").read_text(encoding="utf-8")))
    demo_officers_load(DATA_DIR / "officers.json")


@pytest.fixture
def newcomer(demo_officers):
    """A specialist of Đồng Xoài who has no authenticator app yet."""
    return make_officer(
        "chuyenvien.moi",
        agency=Agency.objects.get(code="000.00.20.H10"),
        roles=("specialist",),
        full_name="Đỗ Thị Kim Oanh",
        authenticator=False,
    )


@pytest.fixture
def browser_page():
    with chromium_page(locale="vi-VN") as page:
        yield page


@pytest.mark.parametrize("width", [1280, 390])
def test_reception_officer_signs_in_with_password_and_code(
    live_server, demo_officers, browser_page, width
) -> None:
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(base + "/mot-cua/")
    page.wait_for_url("**/mot-cua/dang-nhap/?next=/mot-cua/")
    count, report = axe_violations(page)
    assert count == 0, f"sign-in: {report}"
    page.screenshot(path=str(ARTIFACTS / f"backoffice-login-{width}.png"), full_page=True)
    page.get_by_label("Tên đăng nhập").fill("tiepnhan.dx")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(base + "/mot-cua/xac-thuc/")
    count, report = axe_violations(page)
    assert count == 0, f"code: {report}"

    page.get_by_label("Mã xác thực").fill(code_for(DEMO_TOTP_SECRET))
    page.get_by_role("button", name="Xác thực và đăng nhập").click()
    page.wait_for_url(base + "/mot-cua/")

    assert page.locator("h1").inner_text() == "Hệ thống thông tin một cửa điện tử"
    assert page.locator(".bo-officer-name").inner_text().endswith("Nguyễn Thị Thanh Hương")
    assert page.locator(".bo-officer-roles").inner_text() == (
        "UBND thị xã Đồng Xoài: Tiếp nhận và trả kết quả"
    )
    rows = page.locator("table.bo-memberships tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("td").all_inner_texts() == [
        "Ủy ban nhân dân thị xã Đồng Xoài (000.00.20.H10)",
        "Bộ phận tiếp nhận và trả kết quả - Ủy ban nhân dân thị xã Đồng Xoài",
        "Tiếp nhận và trả kết quả",
    ]
    count, report = axe_violations(page)
    assert count == 0, f"home: {report}"
    page.screenshot(path=str(ARTIFACTS / f"backoffice-home-{width}.png"), full_page=True)

    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(base + "/mot-cua/dang-nhap/")
    page.goto(base + "/mot-cua/")
    page.wait_for_url("**/mot-cua/dang-nhap/?next=/mot-cua/")


def test_first_sign_in_sets_up_the_authenticator_app(live_server, newcomer, browser_page) -> None:
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(base + "/mot-cua/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("chuyenvien.moi")
    page.get_by_label("Mật khẩu").fill("mat-khau-can-bo-12")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(base + "/mot-cua/thiet-lap-xac-thuc/")

    assert page.locator(".bo-qr svg").is_visible()
    count, report = axe_violations(page)
    assert count == 0, f"setup: {report}"
    page.screenshot(path=str(ARTIFACTS / "backoffice-setup.png"), full_page=True)

    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Mã xác thực").fill(code_for(secret))
    page.get_by_role("button", name="Xác nhận và đăng nhập").click()
    page.wait_for_url(base + "/mot-cua/")
    assert "Đã thiết lập ứng dụng xác thực cho tài khoản." in page.locator("main").inner_text()
    assert page.locator(".bo-officer-name").inner_text().endswith("Đỗ Thị Kim Oanh")
