"""Periodic reports in headless Chromium: an agency files, the supervisor sees it."""

from __future__ import annotations

import datetime
import json

import pytest

from dichvucong.demo.services import (
    DATA_DIR,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    demo_officers_load,
    organizations_load,
)
from dichvucong.reporting.periodic.models import AgencyReport, PeriodKind
from dichvucong.reporting.periodic.services import report_period_create

from .support import ARTIFACTS, BROWSER_TEST, axe_violations, chromium_page
from .test_backoffice_browser import code_for

pytestmark = BROWSER_TEST

DONG_XOAI = "000.00.20.H10"


@pytest.fixture
def demo_setup(db):
    """The demo agencies and officers, and the annual period of this year, due tomorrow."""
    organizations_load(json.loads((DATA_DIR / "organizations.json").read_text(encoding="utf-8")))
    demo_officers_load(DATA_DIR / "officers.json")
    today = datetime.date.today()  # noqa: DTZ011 - the dates of the period only
    period, _created = report_period_create(
        kind=PeriodKind.ANNUAL,
        year=today.year,
        covers_from=today.replace(month=1, day=1),
        covers_to=today,
        due_on=today + datetime.timedelta(days=1),
    )
    return period


def _sign_in(page, base: str, username: str, target: str) -> None:
    page.goto(base + target)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Mã xác thực").fill(code_for(DEMO_TOTP_SECRET))
    page.get_by_role("button", name="Xác thực và đăng nhập").click()
    page.wait_for_url(base + target)


def test_an_agency_files_its_report_and_the_supervisor_sees_it(live_server, demo_setup) -> None:
    period = demo_setup
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_page(locale="vi-VN") as page:
        page.set_viewport_size({"width": 1280, "height": 900})
        _sign_in(page, base, "quantri.dx", "/mot-cua/bao-cao/")
        assert page.locator("h1").inner_text() == "Báo cáo định kỳ"
        page.get_by_role("link", name="UBND thị xã Đồng Xoài").first.click()
        page.wait_for_url(f"{base}/mot-cua/bao-cao/{period.pk}/{DONG_XOAI}/")
        assert page.locator('tr[data-figure="received"] td.num').inner_text() == "0"
        page.get_by_label("Khó khăn, vướng mắc").fill("Đường truyền tại các xã còn chậm.")
        page.get_by_label("Đề xuất, kiến nghị").fill("Nâng cấp đường truyền cho Bộ phận một cửa.")
        count, axe_report = axe_violations(page)
        assert count == 0, f"report form: {axe_report}"
        page.screenshot(path=str(ARTIFACTS / "periodic-report-form.png"), full_page=True)
        page.get_by_role("button", name="Nộp báo cáo").click()
        page.wait_for_url(f"{base}/mot-cua/bao-cao/{period.pk}/{DONG_XOAI}/")
        assert "Đã nộp báo cáo." in page.locator(".messages").inner_text()
        assert "Đã nộp đúng hạn" in page.locator("#report-status").inner_text()
        assert page.get_by_role("button", name="Nộp báo cáo").count() == 0

    report = AgencyReport.objects.get(period=period, agency__code=DONG_XOAI)
    assert report.is_submitted and not report.late
    assert report.difficulties == "Đường truyền tại các xã còn chậm."

    with chromium_page(locale="vi-VN") as page:
        page.set_viewport_size({"width": 1280, "height": 900})
        target = f"/mot-cua/bao-cao/{period.pk}/"
        _sign_in(page, base, "giamsat.stttt", target)
        row = page.locator(f'#filing tr[data-agency="{DONG_XOAI}"]')
        assert "Đã nộp đúng hạn" in row.inner_text()
        assert page.locator('[data-count="on_time"]').inner_text() == "1"
        count, report_text = axe_violations(page)
        assert count == 0, f"overview: {report_text}"
        page.screenshot(path=str(ARTIFACTS / "periodic-report-overview.png"), full_page=True)
        page.get_by_role("link", name="Báo cáo tổng hợp của tỉnh").click()
        page.wait_for_url(f"{base}/mot-cua/bao-cao/{period.pk}/tong-hop/")
        assert "Nâng cấp đường truyền cho Bộ phận một cửa." in page.content()
        count, report_text = axe_violations(page)
        assert count == 0, f"consolidated: {report_text}"
        page.screenshot(path=str(ARTIFACTS / "periodic-report-consolidated.png"), full_page=True)
