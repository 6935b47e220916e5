"""The public transparency page in headless Chromium: no login, sort, period, agency, CSV.

Over the hand-built year of the service quality tests (two agencies in 2020), a visitor
opens the page from the portal's menu, sorts the table, opens an agency, changes the
period, and downloads the index as CSV, whose figures must be those of the table; the
pages are checked with axe at desktop and phone widths.
"""

from __future__ import annotations

import csv
import io

import pytest

from dichvucong.reporting.quality.tests.fixtures import quality_year  # noqa: F401

from .support import ARTIFACTS, BROWSER_TEST, axe_violations, chromium_page

pytestmark = [*BROWSER_TEST, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page():
    with chromium_page(locale="vi-VN", accept_downloads=True) as page:
        yield page


def agency_order(page) -> list[str]:
    return page.locator("#agency-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.agency)"
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_visitor_reads_the_transparency_page(
    live_server,
    quality_year,  # noqa: F811 (the fixture imported above)
    browser_page,
    width,
    monkeypatch,
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(live_server.url + "/")
    page.locator("a[href='/cong-khai/']").first.click()
    page.wait_for_url("**/cong-khai/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Công khai kết quả giải quyết thủ tục hành chính"
    )
    assert page.get_by_test_id("province-score").inner_text() == "44,45"
    # Best score first; sorting by on-time share, lowest first, turns the order round.
    assert agency_order(page) == ["000.00.01.H10", "000.00.20.H10"]
    justice = page.locator("tr[data-agency='000.00.01.H10']")
    assert justice.locator("[data-col='on_time']").inner_text().strip() == "87,50%"
    assert justice.locator("[data-col='score']").inner_text().strip() == "59,70"
    assert justice.locator("svg.bar").count() == 3
    violations, report = axe_violations(page)
    assert violations == 0, report
    page.screenshot(path=str(ARTIFACTS / f"transparency-{width}.png"), full_page=True)

    if width > 640:
        page.locator("#agency-table thead a", has_text="Đúng hạn").click()
        page.wait_for_url("**sort=on_time&order=desc")
        page.locator("#agency-table thead a", has_text="Đúng hạn").click()
        page.wait_for_url("**sort=on_time&order=asc")
        assert agency_order(page) == ["000.00.20.H10", "000.00.01.H10"]
    else:  # a phone shows no column headers: the form sorts
        page.select_option("#f-sort", "name")
        page.get_by_role("button", name="Xem").click()
        page.wait_for_url("**sort=name")
        assert agency_order(page) == ["000.00.01.H10", "000.00.20.H10"]
        page.select_option("#f-sort", "satisfaction")
        page.get_by_role("button", name="Xem").click()
        page.wait_for_url("**sort=satisfaction")
        assert agency_order(page) == ["000.00.01.H10", "000.00.20.H10"]

    # The index as CSV: the same figures as the table.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Chỉ số theo cơ quan (CSV)").click()
    content = download_info.value.path().read_bytes()
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    by_code = {r["agency_code"]: r for r in rows if r["scope"] == "agency"}
    for code in ("000.00.01.H10", "000.00.20.H10"):
        row = page.locator(f"tr[data-agency='{code}']")
        for column, field in (("on_time", "on_time_percent"), ("score", "score")):
            shown = row.locator(f"[data-col='{column}']").inner_text().strip().rstrip("%")
            assert shown == by_code[code][field].replace(".", ",")

    # First half of the year: Sở Tư pháp received 10 dossiers (March).
    page.select_option("#f-period", "h1")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**period=h1**")
    assert "6 tháng đầu năm 2020" in page.locator("#province-title").inner_text()
    justice = page.locator("tr[data-agency='000.00.01.H10']")
    assert justice.locator("td").first.inner_text().strip() == "10"

    # The agency's own page, for that period: months, index by indicator.
    justice.get_by_role("link", name="Sở Tư pháp").click()
    page.wait_for_url("**/cong-khai/co-quan/000.00.01.H10/?year=2020&period=h1")
    assert page.locator("[data-figure='received']").inner_text() == "10"
    assert page.locator("figure.chart svg rect.received").count() == 6
    assert page.locator("#index-table tr[data-indicator]").count() == 13
    violations, report = axe_violations(page)
    assert violations == 0, report
    page.screenshot(path=str(ARTIFACTS / f"transparency-agency-{width}.png"), full_page=True)
