"""The roadmap pages: who reads, who imports, the export equals the page."""

from __future__ import annotations

import io
import re
from html import unescape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from conftest import make_officer, second_factor_force_login
from dichvucong.catalogue.models import Procedure
from dichvucong.reporting.roadmap.models import AnnexEntry, Plan
from dichvucong.reporting.roadmap.services import annex_import_xlsx

from .helpers import xlsx
from .test_annex_import import GOOD

CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)
DASH = "\u2013"  # what the page shows for a missing figure
PAGE = "/mot-cua/lo-trinh/bp-409-2015/"
IMPORT = "/mot-cua/lo-trinh/bp-409-2015/nhap-phu-luc/"


@pytest.fixture
def reader(client: Any, officer: Any) -> Any:
    """A reception officer of Sở Tư pháp, signed in with both factors."""
    return second_factor_force_login(client, officer)


@pytest.fixture
def supervisor(client: Any, province: dict[str, Any]) -> Any:
    user = make_officer("giamsat.stttt", agency=province["000.00.00.H10"], roles=("supervisor",))
    return second_factor_force_login(client, user)


def upload(content: bytes, name: str = "phu-luc.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """Return the text of each body row's cells of the table with this id."""
    match = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', html, re.S)
    assert match is not None, table_id
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(1), re.S)
    return [
        [unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in CELL.findall(row)]
        for row in rows
    ]


def test_anonymous_visitors_sign_in_first(client: Any, plan: Plan) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/mot-cua/dang-nhap/?next=")


def test_a_verified_user_without_a_role_is_refused(client: Any, plan: Plan, citizen: Any) -> None:
    second_factor_force_login(client, citizen)
    response = client.get(PAGE)
    assert response.status_code == 403
    assert "dành cho cán bộ" in response.content.decode()


def test_an_officer_reads_the_plan_with_a_bounded_number_of_queries(
    reader: Any, plan: Plan, catalogue: dict[str, Procedure], django_assert_max_num_queries: Any
) -> None:
    annex_import_xlsx(plan=plan, content=xlsx(GOOD))
    assert reader.get("/mot-cua/lo-trinh/")["Location"] == PAGE  # a single plan opens at once
    with django_assert_max_num_queries(20):
        response = reader.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    rows = table_rows(html, "bang-tien-do")
    assert rows[4:8] == [
        ["2016", "Sở, ban, ngành", "3", "104", "2", "102", "2"],
        ["2016", "Sở, ban, ngành", "4", "26", "1", "25", "4"],
        ["2016", "Cấp huyện", "3", "126", "2", "124", "2"],
        ["2016", "Cấp huyện", "4", "14", "0", "14", "0"],
    ]
    assert html.count("<svg") == 4
    assert len(table_rows(html, "bang-phu-luc")) == 5
    assert "Nhập phụ lục từ Excel" not in html  # reading only
    # The annex page grows, the queries do not.
    more = [
        [6 + i, f"2.00{9000 + i}.000.00.00.H10", f"Dịch vụ {i}", "Cấp huyện", 3, 2020, ""]
        for i in range(30)
    ]
    annex_import_xlsx(plan=plan, content=xlsx(GOOD + more))
    with django_assert_max_num_queries(20):
        assert len(table_rows(reader.get(PAGE).content.decode(), "bang-phu-luc")) == 35


def test_the_annex_filters(reader: Any, plan: Plan, catalogue: dict[str, Procedure]) -> None:
    annex_import_xlsx(plan=plan, content=xlsx(GOOD))
    html = reader.get(PAGE, {"cap": "district", "muc_do": "3"}).content.decode()
    assert [r[1] for r in table_rows(html, "bang-phu-luc")] == [
        "Thủ tục 1.000104.000.00.00.H10 (1.000104.000.00.00.H10)",
        "Cấp giấy phép đào đường (2.009995.000.00.00.H10)",
    ]
    html = reader.get(PAGE, {"co_quan": "000.00.01.H10", "nam": "2017"}).content.decode()
    assert [r[1] for r in table_rows(html, "bang-phu-luc")] == [
        "Thủ tục 1.000102.000.00.00.H10 (1.000102.000.00.00.H10)"
    ]
    html = reader.get(PAGE, {"co_quan": "999.99.99.H10"}).content.decode()
    assert "Không có cơ quan mã 999.99.99.H10." in html
    assert reader.get("/mot-cua/lo-trinh/khong-co/").status_code == 404


def test_the_excel_export_holds_the_rows_of_the_page(
    reader: Any, plan: Plan, catalogue: dict[str, Procedure]
) -> None:
    page = table_rows(reader.get(PAGE).content.decode(), "bang-tien-do")
    response = reader.get(PAGE + "tien-do.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="lo-trinh-bp-409-2015.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5)]
    assert values[0] == ["Năm", "Cấp", "Mức độ", "Chỉ tiêu", "Thực tế", "Còn thiếu", "Tỷ lệ (%)"]
    exported = [[DASH if v is None else str(v) for v in row] for row in values[1:]]
    assert exported == page
    assert len(exported) == 24


def test_an_officer_may_not_import(
    reader: Any, plan: Plan, catalogue: dict[str, Procedure]
) -> None:
    assert reader.get(IMPORT).status_code == 403
    response = reader.post(IMPORT, {"file": upload(xlsx(GOOD))})
    assert response.status_code == 403
    assert not AnnexEntry.objects.exists()


def test_a_supervisor_imports_an_annex(
    supervisor: Any, plan: Plan, catalogue: dict[str, Procedure]
) -> None:
    assert "Nhập phụ lục từ Excel" in supervisor.get(PAGE).content.decode()
    assert supervisor.get(IMPORT).status_code == 200
    response = supervisor.post(IMPORT, {"file": upload(xlsx(GOOD))})
    assert response.status_code == 302
    assert response["Location"] == PAGE + "#phu-luc"
    assert AnnexEntry.objects.filter(plan=plan).count() == 5
    html = supervisor.get(PAGE).content.decode()
    assert "Đã nhập phụ lục: 5 dòng mới, 0 dòng cập nhật, 0 dòng không đổi, 0 dòng xóa." in html
    supervisor.post(IMPORT, {"file": upload(xlsx(GOOD))})
    assert AnnexEntry.objects.filter(plan=plan).count() == 5


def test_a_bad_file_shows_its_errors_and_imports_nothing(
    supervisor: Any, plan: Plan, catalogue: dict[str, Procedure]
) -> None:
    bad = [*GOOD, [6, "1.000101.000.00.00.H10", "", "Cấp huyện", 4, 2030, ""]]
    response = supervisor.post(IMPORT, {"file": upload(xlsx(bad))})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tệp có 2 lỗi, chưa nhập dòng nào" in html
    assert "Dòng 7, cột Năm đạt: Năm phải nằm trong thời kỳ 2015-2020, không phải “2030”." in html
    assert not AnnexEntry.objects.exists()
    response = supervisor.post(IMPORT, {"file": upload(b"abc", "phu-luc.csv")})
    assert response.status_code == 400
    assert "Cần tệp Excel (.xlsx)." in response.content.decode()
