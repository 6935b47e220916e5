"""Account pages in headless Chromium: accessibility at phone and desktop widths."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "mat-khau-thu-nghiem-12"  # the root conftest's make_applicant

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("REQUIRE_BROWSER"),
        reason="Chromium is not installed (apt-get install chromium)",
    ),
]


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(locale="vi-VN")
        yield context.new_page()
        context.close()
        browser.close()


def _violations(page) -> tuple[int, str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            "resultTypes": ["violations"],
        },
    )
    return results.violations_count, results.generate_report()


@pytest.mark.parametrize("width", [390, 1280])
def test_account_pages_have_no_wcag_violations(live_server, citizen, browser_page, width) -> None:
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    for path in ("/tai-khoan/dang-ky/", "/tai-khoan/dang-nhap/", "/tai-khoan/quen-mat-khau/"):
        page.goto(live_server.url + path)
        count, report = _violations(page)
        assert count == 0, f"{path}: {report}"

    page.goto(live_server.url + "/tai-khoan/dang-ky/")
    page.check("input[name=kind][value=business]")
    page.click("form.account-form button[type=submit]")
    assert page.locator(".error-summary").is_visible()
    count, report = _violations(page)
    assert count == 0, f"registration errors: {report}"

    page.goto(live_server.url + "/tai-khoan/dang-nhap/")
    page.fill("#id_username", "congdan@example.vn")
    page.fill("#id_password", PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    assert page.locator(".account-name").inner_text().endswith("Nguyễn Văn An")
    page.goto(live_server.url + "/tai-khoan/ho-so/")
    count, report = _violations(page)
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
