"""Account pages in headless Chromium: accessibility at phone and desktop widths."""

from __future__ import annotations

import pytest

from .support import BROWSER_TEST, axe_violations, chromium_page

PASSWORD = "mat-khau-thu-nghiem-12"  # the root conftest's make_applicant

pytestmark = BROWSER_TEST


@pytest.fixture
def browser_page():
    with chromium_page(locale="vi-VN") as page:
        yield page


@pytest.mark.parametrize("width", [390, 1280])
def test_account_pages_have_no_wcag_violations(live_server, citizen, browser_page, width) -> None:
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    for path in ("/tai-khoan/dang-ky/", "/tai-khoan/dang-nhap/", "/tai-khoan/quen-mat-khau/"):
        page.goto(live_server.url + path)
        count, report = axe_violations(page)
        assert count == 0, f"{path}: {report}"

    page.goto(live_server.url + "/tai-khoan/dang-ky/")
    page.check("input[name=kind][value=business]")
    page.click("form.account-form button[type=submit]")
    assert page.locator(".error-summary").is_visible()
    count, report = axe_violations(page)
    assert count == 0, f"registration errors: {report}"

    page.goto(live_server.url + "/tai-khoan/dang-nhap/")
    page.fill("#id_username", "congdan@example.vn")
    page.fill("#id_password", PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    assert page.locator(".account-name").inner_text().endswith("Nguyễn Văn An")
    page.goto(live_server.url + "/tai-khoan/ho-so/")
    count, report = axe_violations(page)
    assert count == 0, f"profile: {report}"

    page.click("button.account-logout")
    page.wait_for_url(live_server.url + "/")
    assert page.locator(".account-nav a.account-register").is_visible()


def test_business_fields_show_only_for_a_business(live_server, province, browser_page) -> None:
    page = browser_page
    page.goto(live_server.url + "/tai-khoan/dang-ky/")
    assert not page.locator("#id_tax_code").is_visible()
    page.check("input[name=kind][value=business]")
    assert page.locator("#id_tax_code").is_visible()
