"""End to end in headless Chromium (Debian's package, driven by Playwright).

Skipped when Chromium is not installed, unless REQUIRE_BROWSER is set (CI sets it).
"""

from __future__ import annotations

import pytest

from dichvucong.catalogue.services import form_template_attach_file

from .support import ARTIFACTS, BROWSER_TEST, axe_violations, chromium_page

pytestmark = BROWSER_TEST

# Playwright's sync API runs an event loop in this thread: every database write of a
# test happens in a fixture requested before `browser_page`, and the server answers from
# its own thread.


@pytest.fixture
def browser_page():
    # English on purpose: the portal answers in Vietnamese whatever the browser asks.
    with chromium_page(locale="en-US", accept_downloads=True) as page:
        yield page


@pytest.fixture
def permit_with_form(procedures):
    """The construction permit, its form file attached (before the browser starts)."""
    permit = procedures[1]
    form_template_attach_file(
        form=permit.forms.get(), filename="mau-01-don-de-nghi.docx", content=b"PK\x03\x04 demo form"
    )
    return permit


def test_search_without_diacritics_open_and_download_a_form(
    live_server, permit_with_form, browser_page, tmp_path
) -> None:
    permit = permit_with_form
    page = browser_page
    page.goto(live_server.url + "/")
    # Vietnamese although the browser asks for English.
    assert page.locator("html").get_attribute("lang") == "vi"

    page.get_by_label("Tìm thủ tục").fill("giay phep xay dung")
    page.keyboard.press("Enter")
    page.wait_for_url("**/thu-tuc/?search=giay+phep+xay+dung")
    results = page.locator(".procedure-item")
    assert results.count() == 1
    link = page.get_by_role("link", name="Cấp giấy phép xây dựng nhà ở riêng lẻ")
    link.click()
    page.wait_for_url(f"**/thu-tuc/{permit.procedure.code}/")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Cấp giấy phép xây dựng nhà ở riêng lẻ"
    )
    assert page.get_by_text("75.000 đồng").first.is_visible()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "procedure-detail.png"), full_page=True)

    with page.expect_download() as download_info:
        page.locator("#bieu-mau").get_by_role(
            "link", name="Mẫu 01 - Đơn đề nghị cấp giấy phép xây dựng"
        ).click()
    download = download_info.value
    assert download.suggested_filename == "mau-01-don-de-nghi.docx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.read_bytes() == b"PK\x03\x04 demo form"


def test_filters_and_language_switch(live_server, procedures, browser_page) -> None:
    page = browser_page
    page.goto(live_server.url + "/thu-tuc/")
    page.locator("summary", has_text="Lọc kết quả").click()
    page.get_by_label("Cấp thực hiện").select_option("province")
    page.get_by_role("button", name="Áp dụng").click()
    page.wait_for_url("**tier=province**")
    assert page.locator(".procedure-item").count() == 1
    assert "Lý lịch tư pháp" in page.locator(".procedure-item").inner_text()

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".procedure-item").count() == 1


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/thu-tuc/?search=giay+phep&tier=district",
        "/thu-tuc/1.001776.000.00.00.H10/",
        "/co-quan/",
        "/co-quan/000.00.20.H10/",
        "/co-quan/000.00.20.H10/nhung/",
    ],
)
@pytest.mark.parametrize("width", [390, 1280])
def test_pages_have_no_wcag_a_or_aa_violations(
    live_server, procedures, browser_page, path: str, width: int
) -> None:
    """axe-core (bundled with axe-playwright-python) finds no WCAG 2.1 A/AA violation."""
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + path)
    count, report = axe_violations(page)
    assert count == 0, report
