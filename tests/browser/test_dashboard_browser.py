"""The statistics dashboard in headless Chromium: filters, figures, charts, drill-down, export.

A supervisor opens the dashboard over the hand-computed history of the statistics tests
(dichvucong/reporting/tests/history.py), reads the headline figures and the charts,
clicks an agency in the table to drill into it, downloads the Excel export, and the
page is checked with axe at desktop and phone widths.
"""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from conftest import second_factor_force_login
from dichvucong.dossiers.tests.fixtures import make_officer
from dichvucong.reporting.tests.history import DISTRICT, history_build

from .support import ARTIFACTS, BROWSER_TEST, axe_violations, chromium_page

pytestmark = [*BROWSER_TEST, pytest.mark.django_db(transaction=True)]

PERIOD = "?from=2020-01-01&to=2020-06-30"


@pytest.fixture
def supervisor(province, procedures):
    history_build(province, procedures)
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


@pytest.mark.parametrize("width", [1280, 390])
def test_supervisor_reads_and_drills_into_the_dashboard(
    live_server, supervisor, browser_page, width, monkeypatch
) -> None:
    # Playwright's sync API keeps an event loop in this thread; signing in writes the
    # session synchronously before the first page, which is safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_as(page, live_server, supervisor)
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(live_server.url + "/mot-cua/thong-ke/" + PERIOD)
    assert page.locator('[data-figure="received"] .value').inner_text() == "6"
    assert page.locator('[data-figure="on_time_share"] .value').inner_text() == "75,0 %"
    assert page.locator("svg.chart").count() == 4
    assert page.locator("#table-late tbody tr").count() == 1
    count, report = axe_violations(page)
    assert count == 0, f"dashboard: {report}"
    page.screenshot(path=str(ARTIFACTS / f"statistics-dashboard-{width}.png"), full_page=True)

    # The filters: one tier.
    page.get_by_label("Cấp").select_option("district")
    page.get_by_role("button", name="Xem thống kê").click()
    page.wait_for_url("**tier=district**")
    assert page.locator('[data-figure="received"] .value').inner_text() == "3"

    # Drill into an agency from the table.
    page.goto(live_server.url + "/mot-cua/thong-ke/" + PERIOD)
    page.locator(f'tr[data-agency="{DISTRICT}"] a').click()
    page.wait_for_url(f"**agency={DISTRICT}**")
    assert page.locator('[data-figure="received"] .value').inner_text() == "3"
    assert page.locator('[data-figure="in_progress_overdue"] .value').inner_text() == "1"

    # The export is the page's figures.
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải Excel (.xlsx)").click()
    data = download.value.path().read_bytes()
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert values["Hồ sơ tiếp nhận"] == 3
