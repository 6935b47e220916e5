"""The roadmap page in headless Chromium: progress table and charts, filters, export, import.

A supervisor opens Bình Phước's plan (Decision 409/2015) over a small catalogue whose
level history is known, reads the year-by-year table and the four charts, filters the
annex, downloads the progress table as Excel, and imports an annex list; the pages are
checked with axe at desktop and phone widths.
"""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from conftest import second_factor_force_login
from dichvucong.demo.roadmap import demo_plan_load
from dichvucong.dossiers.tests.fixtures import make_officer
from dichvucong.reporting.roadmap.services import annex_import_xlsx
from dichvucong.reporting.roadmap.tests.helpers import history, make_procedure, xlsx

from .support import ARTIFACTS, BROWSER_TEST, axe_violations, chromium_page

pytestmark = [*BROWSER_TEST, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ANNEX = [
    [1, "1.000101.000.00.00.H10", "", "Sở, ban, ngành", 3, 2015, "000.00.01.H10"],
    [2, "1.000103.000.00.00.H10", "", "Sở, ban, ngành", 3, 2016, "000.00.01.H10"],
    [3, "1.000104.000.00.00.H10", "", "Cấp huyện", 3, 2016, ""],
]


@pytest.fixture
def supervisor(province):
    demo_plan_load()
    p3 = make_procedure("1.000101.000.00.00.H10", "province", level=3, declared=3)
    make_procedure("1.000103.000.00.00.H10", "province", level=2, declared=4)
    d3 = make_procedure("1.000104.000.00.00.H10", "district", level=3, declared=2)
    history((p3, 3, "2015-06-01T08:00"), (d3, 3, "2016-04-01T08:00"))
    return make_officer("giamsat.stttt", province["000.00.00.H10"], "supervisor")


@pytest.fixture
def browser_page():
    with chromium_page(locale="vi-VN", accept_downloads=True) as page:
        yield page


def sign_in_as(page, live_server, user) -> None:
    """Put a session that passed both factors into the browser."""
    client = second_factor_force_login(Client(), user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def cells(row) -> list[str]:
    return [c.strip() for c in row.locator("th, td").all_inner_texts()]


@pytest.mark.parametrize("width", [1280, 390])
def test_supervisor_reads_the_roadmap_and_imports_an_annex(
    live_server, supervisor, browser_page, width, monkeypatch
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    annex_import_xlsx(plan=supervisor_plan(), content=xlsx(ANNEX[:2]))
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_as(page, live_server, supervisor)
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(live_server.url + "/mot-cua/")
    page.get_by_role("link", name="Lộ trình").first.click()
    page.wait_for_url("**/mot-cua/lo-trinh/bp-409-2015/")
    rows = page.locator("#bang-tien-do tbody tr")
    assert rows.count() == 24
    assert cells(rows.nth(4)) == ["2016", "Sở, ban, ngành", "3", "104", "1", "103", "1"]
    assert cells(rows.nth(6)) == ["2016", "Cấp huyện", "3", "126", "1", "125", "1"]
    assert page.locator(".roadmap-chart svg").count() == 4
    assert page.locator(".roadmap-chart svg rect.bar-actual").count() == 24
    # pd is declared at level 4 but computed at 2: behind schedule since 2016.
    assert page.locator("#bang-cham-tien-do tbody tr").count() == 1
    assert "1.000103.000.00.00.H10" in page.locator("#bang-cham-tien-do").inner_text()
    count, report = axe_violations(page)
    assert count == 0, f"roadmap: {report}"
    page.screenshot(path=str(ARTIFACTS / f"roadmap-{width}.png"), full_page=True)

    # The export holds the page's rows.
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải bảng tiến độ (Excel)").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0]
    exported = [list(r) for r in sheet.iter_rows(min_row=6, values_only=True)]
    assert exported[4] == [2016, "Sở, ban, ngành", 3, 104, 1, 103, 1]
    assert len(exported) == 24

    # The annex filter.
    page.get_by_label("Cấp", exact=True).select_option("department")
    page.get_by_label("Năm đạt").select_option("2016")
    page.get_by_role("button", name="Lọc", exact=True).click()
    page.wait_for_url("**nam=2016**")
    assert page.locator("#bang-phu-luc tbody tr").count() == 1

    # The import: the third row is added, the two others are left as they are.
    page.get_by_role("link", name="Nhập phụ lục từ Excel").click()
    page.wait_for_url("**/nhap-phu-luc/")
    count, report = axe_violations(page)
    assert count == 0, f"import: {report}"
    page.get_by_label("Tệp Excel phụ lục (.xlsx)").set_input_files(
        files=[
            {"name": "phu-luc.xlsx", "mimeType": "application/octet-stream", "buffer": xlsx(ANNEX)}
        ]
    )
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    page.wait_for_url("**/mot-cua/lo-trinh/bp-409-2015/#phu-luc")
    assert "1 dòng mới, 0 dòng cập nhật, 2 dòng không đổi" in page.locator(".messages").inner_text()
    assert page.locator("#bang-phu-luc tbody tr").count() == 3


def supervisor_plan():
    from dichvucong.reporting.roadmap.models import Plan

    return Plan.objects.get(slug="bp-409-2015")
