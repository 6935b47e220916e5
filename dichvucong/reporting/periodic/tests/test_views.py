"""The pages: who sees and does what, the exports equal the pages, query counts."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import make_officer, second_factor_force_login
from dichvucong.organizations.models import Agency
from dichvucong.reporting.periodic.figures import FIGURE_ROWS
from dichvucong.reporting.periodic.models import AgencyReport, AgencyReportEvent, ReportPeriod
from dichvucong.reporting.periodic.services import Narrative, agency_report_submit

from .conftest import CONSTRUCTION, DISTRICT, JUSTICE

pytestmark = pytest.mark.django_db


def _url(period: ReportPeriod, code: str, suffix: str = "") -> str:
    return reverse("periodic_reports:report", args=[period.pk, code]) + suffix


def _page_figures(html: str) -> dict[str, str]:
    """Return the figures table of a page: attribute -> the text shown."""
    table = html[html.index('id="figures"') :]
    table = table[: table.index("</table>")]
    return dict(
        re.findall(r'data-figure="([a-z_0-9]+)">.*?<td class="num">([^<]*)</td>', table, re.S)
    )


def _sheet_text(value: Any, unit: str) -> str:
    """Return a spreadsheet cell as the page prints it (shares with one decimal)."""
    if value is None:
        return "-"
    if unit in ("percent", "days"):
        return f"{value:.1f}".replace(".", ",")
    return f"{value:,}".replace(",", ".")


def test_the_agency_writes_and_files_its_report(
    client: Client,
    period: ReportPeriod,
    figures_2020: dict[str, Any],
    justice_admin: Any,
    django_assert_max_num_queries: Any,
) -> None:
    second_factor_force_login(client, justice_admin)
    index = client.get(reverse("periodic_reports:index"))
    assert index.status_code == 200
    assert "Báo cáo 6 tháng đầu năm 2020" in index.content.decode()

    with django_assert_max_num_queries(16):
        page = client.get(_url(period, JUSTICE))
    assert page.status_code == 200
    html = page.content.decode()
    shown = _page_figures(html)
    assert shown["received"] == "42"
    assert shown["in_time_percent"] == "83,3"
    assert "Nộp báo cáo" in html

    situation = "Đã triển khai 12 dịch vụ."
    saved = client.post(_url(period, JUSTICE), {"situation": situation, "save": "1"})
    assert saved.status_code == 302
    report = AgencyReport.objects.get(period=period, agency__code=JUSTICE)
    assert report.situation == "Đã triển khai 12 dịch vụ." and not report.is_submitted

    filed = client.post(
        _url(period, JUSTICE),
        {"situation": situation, "difficulties": "Thiếu máy quét.", "submit": "1"},
    )
    assert filed.status_code == 302
    report.refresh_from_db()
    assert report.is_submitted and report.late  # today is long after 30 June 2020
    assert report.figures["received"] == 42
    again = client.post(_url(period, JUSTICE), {"difficulties": "Khác", "submit": "1"})
    assert again.status_code == 302
    assert AgencyReport.objects.filter(period=period).count() == 1
    assert AgencyReportEvent.objects.filter(report=report, action="submitted").count() == 1
    after = client.get(_url(period, JUSTICE)).content.decode()
    assert "Thiếu máy quét." in after and "Nộp báo cáo</button>" not in after


def test_another_agency_gets_404_and_nothing_changes(
    client: Client, period: ReportPeriod, justice_admin: Any, construction_approver: Any
) -> None:
    second_factor_force_login(client, construction_approver)
    assert client.get(_url(period, JUSTICE)).status_code == 404
    assert client.get(_url(period, JUSTICE, "xlsx/")).status_code == 404
    assert client.get(_url(period, JUSTICE, "pdf/")).status_code == 404
    refused = client.post(_url(period, JUSTICE), {"difficulties": "x", "submit": "1"})
    assert refused.status_code == 404
    assert not AgencyReport.objects.exists()
    assert client.get(reverse("periodic_reports:consolidated", args=[period.pk])).status_code == 403
    assert client.get(_url(period, CONSTRUCTION)).status_code == 200


def test_officers_without_a_filing_role_are_refused(
    client: Client, period: ReportPeriod, officer: Any
) -> None:
    second_factor_force_login(client, officer)  # reception at Sở Tư pháp
    assert client.get(reverse("periodic_reports:index")).status_code == 403
    assert client.get(_url(period, JUSTICE)).status_code == 403
    anonymous = Client().get(reverse("periodic_reports:index"))
    assert anonymous.status_code == 302 and "/mot-cua/dang-nhap/" in anonymous["Location"]


def test_the_supervisor_sees_who_has_filed_and_acts_on_no_report(
    client: Client,
    period: ReportPeriod,
    figures_2020: dict[str, Any],
    province: dict[str, Agency],
    justice_admin: Any,
    supervisor: Any,
    django_assert_max_num_queries: Any,
) -> None:
    agency_report_submit(
        period=period,
        agency=province[JUSTICE],
        actor=justice_admin,
        now=datetime.datetime(2020, 6, 1, 3, tzinfo=datetime.UTC),
    )
    second_factor_force_login(client, supervisor)
    with django_assert_max_num_queries(14):
        overview = client.get(reverse("periodic_reports:period", args=[period.pk]))
    html = overview.content.decode()
    assert re.search(r'data-count="on_time">1<', html)
    assert re.search(r'data-count="overdue">2<', html)
    assert re.search(r'data-count="total">3<', html)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("periodic_reports:index")).status_code == 200

    page = client.get(_url(period, JUSTICE)).content.decode()
    assert "Nộp báo cáo</button>" not in page and "Trả lại báo cáo" in page
    refused = client.post(_url(period, JUSTICE), {"other": "x", "save": "1"})
    assert refused.status_code == 404
    assert AgencyReport.objects.get(agency__code=JUSTICE).other == ""

    back = client.post(_url(period, JUSTICE, "tra-lai/"), {"comment": "Bổ sung khó khăn."})
    assert back.status_code == 302
    assert not AgencyReport.objects.get(agency__code=JUSTICE).is_submitted


def test_supervisor_opens_a_period_and_bad_dates_are_refused(
    client: Client, supervisor: Any, justice_admin: Any
) -> None:
    url = reverse("periodic_reports:period-create")
    second_factor_force_login(client, justice_admin)
    assert client.post(url, {"kind": "annual", "year": "2021"}).status_code == 403
    assert not ReportPeriod.objects.exists()
    second_factor_force_login(client, supervisor)
    bad = client.post(
        url,
        {"kind": "annual", "year": "2021", "covers_from": "2021-10-01", "covers_to": "2021-01-01"},
    )
    assert bad.status_code == 400
    assert "Ngày kết thúc trước ngày bắt đầu." in bad.content.decode()
    assert not ReportPeriod.objects.exists()
    made = client.post(url, {"kind": "annual", "year": "2021"})
    assert made.status_code == 302
    assert ReportPeriod.objects.get().due_on == datetime.date(2021, 11, 30)


def test_the_agency_excel_holds_the_figures_of_the_page(
    client: Client, period: ReportPeriod, figures_2020: dict[str, Any], justice_admin: Any
) -> None:
    second_factor_force_login(client, justice_admin)
    shown = _page_figures(client.get(_url(period, JUSTICE)).content.decode())
    response = client.get(_url(period, JUSTICE, "xlsx/"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = {
        row[1]: row[2]
        for row in sheet.iter_rows(values_only=True)
        if row[0] in {r.number for r in FIGURE_ROWS}
    }
    assert len(values) == len(FIGURE_ROWS)
    for row in FIGURE_ROWS:
        assert _sheet_text(values[str(row.label)], row.unit) == shown[row.attribute], row.attribute
    assert values["Số hồ sơ tiếp nhận"] == 42
    pdf = client.get(_url(period, JUSTICE, "pdf/"))
    assert pdf.status_code == 200
    text = " ".join(
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "Số hồ sơ tiếp nhận 42" in text and "83,3" in text


def test_the_consolidated_report_and_its_excel(
    client: Client,
    period: ReportPeriod,
    figures_2020: dict[str, Any],
    province: dict[str, Agency],
    justice_admin: Any,
    supervisor: Any,
    django_assert_max_num_queries: Any,
) -> None:
    agency_report_submit(
        period=period,
        agency=province[JUSTICE],
        actor=justice_admin,
        narrative=Narrative(proposals="Tăng kinh phí."),
        now=datetime.datetime(2020, 6, 1, 3, tzinfo=datetime.UTC),
    )
    second_factor_force_login(client, supervisor)
    url = reverse("periodic_reports:consolidated", args=[period.pk])
    with django_assert_max_num_queries(16):
        page = client.get(url)
    html = page.content.decode()
    shown = _page_figures(html)
    assert shown["received"] == "50" and shown["processed"] == "38"
    assert "Tăng kinh phí." in html

    workbook = load_workbook(io.BytesIO(client.get(url + "xlsx/").content))
    totals = {
        row[1]: row[2]
        for row in workbook.worksheets[0].iter_rows(values_only=True)
        if row[0] in {r.number for r in FIGURE_ROWS}
    }
    for row in FIGURE_ROWS:
        assert _sheet_text(totals[str(row.label)], row.unit) == shown[row.attribute], row.attribute
    agencies = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert [r[0] for r in agencies[1:]] == [
        "Sở Tư pháp",
        "Sở Xây dựng",
        "Ủy ban nhân dân thị xã Đồng Xoài",
        "Toàn tỉnh",
    ]
    assert [r[2] for r in agencies[1:]] == [42, 8, 0, 50]
    narratives = list(workbook.worksheets[2].iter_rows(values_only=True))
    assert narratives[1][0] == "Sở Tư pháp" and narratives[1][3] == "Tăng kinh phí."
    pdf = PdfReader(io.BytesIO(client.get(url + "pdf/").content))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
    assert "SỞ XÂY DỰNG" in text.upper()  # the supervisor's agency issues it
    assert "Tăng kinh phí." in text
    assert DISTRICT in html
    other = make_officer("quantri.dx", agency=province[DISTRICT], roles=("agency_admin",))
    second_factor_force_login(client, other)
    assert client.get(url).status_code == 403
