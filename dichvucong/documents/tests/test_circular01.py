from __future__ import annotations

import base64
import dataclasses
import io
import re
from datetime import UTC, date, datetime
from typing import Any

import openpyxl
import pytest
import qrcode
from django.utils import translation
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from dichvucong.documents import circular01
from dichvucong.documents.circular01 import (
    FONTS_DIR,
    REGISTER_COLUMNS,
    HandOver,
    LocalURLFetcher,
    Register,
    RegisterRow,
    Timeliness,
    form_filename,
    form_html,
    form_pdf,
    place_date_line,
    qr_data_uri,
    register_xlsx,
    vn_date,
    vn_datetime,
)
from dichvucong.documents.samples import (
    DOSSIER_CODE,
    LOOKUP_URL,
    local,
    sample_apology,
    sample_control_sheet,
    sample_receipt,
    sample_refusal,
    sample_register,
    sample_supplement,
)

A5 = (419.53, 595.28)
A4_LANDSCAPE = (841.89, 595.28)
NAME = "Nguyễn Thị Hồng Nhung"


def _normalize(text: str) -> str:
    """Collapse line breaks and (no-break) spaces into single spaces."""
    return " ".join(text.split())


def _read(pdf: bytes) -> tuple[PdfReader, list[str]]:
    """Return the reader and the normalized text of each page."""
    reader = PdfReader(io.BytesIO(pdf))
    return reader, [_normalize(page.extract_text()) for page in reader.pages]


def _size(reader: PdfReader, index: int = 0) -> tuple[float, float]:
    box = reader.pages[index].mediabox
    return round(float(box.width), 2), round(float(box.height), 2)


# --- Vietnamese dates ---------------------------------------------------------------


def test_datetimes_are_written_in_vietnamese_in_local_time() -> None:
    assert vn_datetime(datetime(2026, 11, 27, 7, 30, tzinfo=UTC)) == (
        "14 giờ 30 phút, ngày 27 tháng 11 năm 2026"
    )
    # 17:05 UTC is past midnight in Asia/Ho_Chi_Minh.
    assert vn_datetime(datetime(2026, 3, 1, 17, 5, tzinfo=UTC)) == (
        "00 giờ 05 phút, ngày 02 tháng 3 năm 2026"
    )


def test_small_days_and_the_first_two_months_take_a_leading_zero() -> None:
    assert vn_date(date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert vn_date(date(2026, 1, 31)) == "ngày 31 tháng 01 năm 2026"
    assert vn_date(date(2026, 3, 9)) == "ngày 09 tháng 3 năm 2026"
    assert vn_date(date(2026, 12, 25)) == "ngày 25 tháng 12 năm 2026"
    assert vn_date(datetime(2026, 12, 31, 18, 0, tzinfo=UTC)) == "ngày 01 tháng 01 năm 2027"
    assert place_date_line("Đồng Xoài", date(2026, 11, 27)) == (
        "Đồng Xoài, ngày 27 tháng 11 năm 2026"
    )


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        vn_datetime(datetime(2026, 11, 27, 14, 30))  # noqa: DTZ001
    with pytest.raises(ValueError, match="naive datetime"):
        dataclasses.replace(sample_receipt(), due_at=datetime(2027, 1, 8, 16, 0))  # noqa: DTZ001


def test_forms_are_frozen_and_hold_tuples() -> None:
    receipt = sample_receipt()
    assert isinstance(receipt.documents, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        receipt.dossier_code = "x"  # type: ignore[misc]


# --- Forms 01 to 05 -----------------------------------------------------------------

HEADING_TEXTS = [
    "ỦY BAN NHÂN DÂN THỊ XÃ ĐỒNG XOÀI",
    "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
]


def test_form_01_receipt() -> None:
    reader, pages = _read(form_pdf(sample_receipt()))
    assert len(pages) == 1
    assert _size(reader) == A5
    text = pages[0]
    for expected in [
        *HEADING_TEXTS,
        "Đồng Xoài, ngày 27 tháng 11 năm 2026",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {DOSSIER_CODE}",
        f"Tiếp nhận hồ sơ của: {NAME}",
        "Địa chỉ: Số 12, đường Phú Riềng Đỏ, phường Tân Phú, thị xã Đồng Xoài, tỉnh Bình Phước",
        "Số điện thoại: 0912 345 678",
        "Email: hongnhung.nguyen@example.vn",
        "Nội dung yêu cầu giải quyết: Cấp Giấy chứng nhận quyền sử dụng đất",
        "1. Thành phần hồ sơ nộp gồm:",
        "1 Đơn đăng ký, cấp Giấy chứng nhận quyền sử dụng đất (Mẫu số 04a/ĐK) 1",
        "2 Giấy tờ về quyền sử dụng đất theo Điều 100 Luật Đất đai 1",
        "3 Sơ đồ nhà ở, công trình xây dựng 1",
        "4 Chứng từ thực hiện nghĩa vụ tài chính (nếu có) 1",
        "2. Số lượng hồ sơ: 01 (bộ)",
        "3. Thời gian giải quyết hồ sơ theo quy định là: 30 ngày làm việc",
        "4. Thời gian nhận hồ sơ: 14 giờ 30 phút, ngày 27 tháng 11 năm 2026",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 00 phút, ngày 08 tháng 01 năm 2027",
        "6. Đăng ký nhận kết quả tại: Bộ phận Tiếp nhận và Trả kết quả thị xã Đồng Xoài",
        "Vào Sổ theo dõi hồ sơ, Quyển số: 01, Số thứ tự: 1234",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Trần Văn Đức",
    ]:
        assert expected in text, expected
    assert text.count(NAME) == 2  # the applicant line and the signature


def test_form_01_shows_utc_times_in_local_time() -> None:
    receipt = dataclasses.replace(
        sample_receipt(),
        received_at=datetime(2026, 11, 27, 1, 5, tzinfo=UTC),
        due_at=datetime(2026, 12, 10, 9, 0, tzinfo=UTC),
    )
    _, pages = _read(form_pdf(receipt))
    assert "4. Thời gian nhận hồ sơ: 08 giờ 05 phút, ngày 27 tháng 11 năm 2026" in pages[0]
    assert "giải quyết hồ sơ: 16 giờ 00 phút, ngày 10 tháng 12 năm 2026" in pages[0]
    assert "Đồng Xoài, ngày 27 tháng 11 năm 2026" in pages[0]


def test_the_forms_print_in_vietnamese_whatever_the_active_language() -> None:
    with translation.override("en"):
        _, pages = _read(form_pdf(sample_receipt()))
        assert translation.get_language() == "en"
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in pages[0]
    assert "14 giờ 30 phút, ngày 27 tháng 11 năm 2026" in pages[0]


def test_form_02_supplement_request() -> None:
    reader, pages = _read(form_pdf(sample_supplement()))
    assert len(pages) == 1
    assert _size(reader) == A5
    text = pages[0]
    for expected in [
        *HEADING_TEXTS,
        "Đồng Xoài, ngày 30 tháng 11 năm 2026",
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        f"Mã hồ sơ: {DOSSIER_CODE}",
        f"Hồ sơ của: {NAME}",
        "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:",
        "1 Sơ đồ nhà ở, công trình xây dựng Sơ đồ chưa thể hiện kích thước các cạnh thửa đất",
        "2 Bản sao Giấy chứng minh nhân dân của",
        "Bản sao đã hết hạn, cần bản sao Căn cước công dân còn hiệu lực",
        "Đề nghị Ông/Bà bổ sung trong thời hạn 10 ngày làm việc kể từ ngày nhận phiếu.",
        "liên hệ với Trần Văn Đức, số điện thoại 0271 3879 123 để được hướng dẫn.",
        "NGƯỜI HƯỚNG DẪN",
    ]:
        assert expected in text, expected


def test_form_03_refusal() -> None:
    reader, pages = _read(form_pdf(sample_refusal()))
    assert len(pages) == 1
    assert _size(reader) == A5
    text = pages[0]
    for expected in [
        *HEADING_TEXTS,
        "Đồng Xoài, ngày 27 tháng 11 năm 2026",
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        f"Mã hồ sơ: {DOSSIER_CODE}",
        f"Bộ phận Tiếp nhận và Trả kết quả tiếp nhận hồ sơ của: {NAME}",
        "thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
        "1. Thửa đất đang có tranh chấp, chưa được giải quyết theo quy định.",
        "2. Thửa đất thuộc khu vực đã có quyết định thu hồi đất của cơ quan có thẩm quyền.",
        "Xin thông báo cho Ông/Bà được biết và thực hiện./.",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Trần Văn Đức",
    ]:
        assert expected in text, expected


def test_form_04_apology() -> None:
    reader, pages = _read(form_pdf(sample_apology()))
    assert len(pages) == 1
    assert _size(reader) == A5
    text = pages[0]
    for expected in [
        "ỦY BAN NHÂN DÂN TỈNH BÌNH PHƯỚC",
        "ỦY BAN NHÂN DÂN THỊ XÃ ĐỒNG XOÀI",
        "Đồng Xoài, ngày 07 tháng 01 năm 2027",
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {DOSSIER_CODE}",
        f"Kính gửi: {NAME}",
        "Ngày 27 tháng 11 năm 2026, Ủy ban nhân dân thị xã Đồng Xoài tiếp nhận giải quyết "
        f"hồ sơ của Ông/Bà {NAME}.",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 16 giờ 00 phút, ngày 08 tháng 01 năm 2027",
        "Lý do: Phải lấy ý kiến của Ủy ban nhân dân phường Tân Phú",
        "sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà vào lúc 16 giờ 00 phút, ngày 22 tháng 01 "
        "năm 2027.",
        "CHỦ TỊCH",
        "(Ký, ghi rõ họ tên và đóng dấu)",
        "Lê Hoàng Phước",
    ]:
        assert expected in text, expected


def test_form_05_control_sheet() -> None:
    reader, pages = _read(form_pdf(sample_control_sheet()))
    assert len(pages) == 1
    assert _size(reader) == A5
    text = pages[0]
    for expected in [
        *HEADING_TEXTS,
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        f"Mã hồ sơ: {DOSSIER_CODE}",
        f"Hồ sơ của: {NAME}",
        "Cơ quan (bộ phận) giải quyết hồ sơ: Văn phòng Đăng ký đất đai - Chi nhánh Đồng Xoài",
        "Cơ quan phối hợp giải quyết hồ sơ: Chi cục Thuế thị xã Đồng Xoài; Ủy ban nhân dân "
        "phường Tân Phú",
        "1. Giao: Bộ phận Tiếp nhận và Trả kết quả Nhận: Văn phòng Đăng ký đất đai",
        "15 giờ 10 phút, ngày 27 tháng 11 năm 2026",
        "09 giờ 00 phút, ngày 10 tháng 12 năm 2026",
        "Xác định nghĩa vụ tài chính",
        "4. Giao: Văn phòng Đăng ký đất đai - Chi nhánh Đồng Xoài Nhận: Bộ phận Tiếp nhận",
        "10 giờ 45 phút, ngày 06 tháng 01 năm 2027",
        "Trang 1/1",
    ]:
        assert expected in text, expected
    labels = re.findall(r"Trước hạn|Đúng hạn|Quá hạn", text.split("Ghi chú", 1)[1])
    assert labels == ["Đúng hạn", "Trước hạn", "Quá hạn"]
    assert text.count("Người giao") == 4


def test_a_hand_over_takes_the_timeliness_value() -> None:
    row = HandOver(from_party="A", to_party="B", handed_at=local(2026, 1, 2, 8), timeliness="late")  # type: ignore[arg-type]
    assert row.timeliness is Timeliness.LATE
    assert row.timeliness.label == "Quá hạn"
    with pytest.raises(ValueError):
        HandOver(from_party="A", to_party="B", handed_at=local(2026, 1, 2), timeliness="soon")  # type: ignore[arg-type]


def test_a_long_control_sheet_repeats_its_table_header() -> None:
    sheet = sample_control_sheet()
    rows = [*sheet.rows] * 4
    _, pages = _read(form_pdf(dataclasses.replace(sheet, rows=rows)))
    assert len(pages) > 1
    assert all("Thời gian giao, nhận hồ sơ" in page for page in pages)
    numbers = [int(n) for n in re.findall(r"(\d+)\. Giao:", " ".join(pages))]
    assert numbers == list(range(1, 17))


# --- QR code ------------------------------------------------------------------------


def _matrix_from_svg(svg: str, size: int) -> list[list[bool]]:
    """Rebuild the module matrix from the run-length path of our SVG."""
    matrix = [[False] * size for _ in range(size)]
    for x, y, width in re.findall(r"M(\d+),(\d+)h(\d+)v1h-\d+z", svg):
        for column in range(int(x), int(x) + int(width)):
            matrix[int(y)][column] = True
    return matrix


def test_the_qr_code_encodes_the_lookup_url() -> None:
    uri = qr_data_uri(LOOKUP_URL)
    assert uri.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(uri.split(",", 1)[1]).decode()
    reference = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    reference.add_data(LOOKUP_URL)
    reference.make(fit=True)
    expected = reference.get_matrix()
    assert _matrix_from_svg(svg, len(expected)) == expected
    for form in (sample_receipt(), sample_supplement(), sample_refusal(), sample_apology()):
        assert f'src="{uri}"' in form_html(form)


# --- Form 06 ------------------------------------------------------------------------


def test_form_06_register_runs_over_pages_and_keeps_numbering() -> None:
    register = sample_register(60)
    reader, pages = _read(form_pdf(register))
    assert len(pages) > 1
    assert {_size(reader, index) for index in range(len(pages))} == {A4_LANDSCAPE}
    assert "SỔ THEO DÕI HỒ SƠ" in pages[0]
    assert "Năm 2026 - Quyển số 01" in pages[0]
    assert "Đồng Xoài, ngày 31 tháng 12 năm 2026" in pages[0]
    for index, page in enumerate(pages, start=1):
        assert "STT Mã hồ sơ Tên thủ tục hành chính" in page
        assert "Trả kết quả Ghi chú Ngày, giờ Ký nhận" in page
        assert f"Trang {index}/{len(pages)}" in page
    joined = re.sub(r"-\s+", "-", " ".join(pages))
    found = re.findall(r"(\d+) (000\.00\.20\.H10-\d{6}-\d{4})", joined)
    assert [(int(number), code) for number, code in found] == [
        (row.number, row.dossier_code) for row in register.rows
    ]
    assert [int(number) for number, _ in found] == list(range(1, 61))
    first_on_page_2 = re.search(r"(\d+) 000\.00\.20\.H10-", re.sub(r"-\s+", "-", pages[1]))
    last_on_page_1 = re.findall(r"(\d+) 000\.00\.20\.H10-", re.sub(r"-\s+", "-", pages[0]))[-1]
    assert first_on_page_2 is not None
    assert int(first_on_page_2.group(1)) == int(last_on_page_1) + 1
    row = register.rows[0]
    assert "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu" in joined
    assert f"{row.applicant}" in joined
    assert "07:30 02/03/2026 07:30 16/03/2026" in joined


def test_a_new_book_continues_the_numbers_of_the_year() -> None:
    register = dataclasses.replace(sample_register(3, first_number=41), book="02")
    assert [row.number for row in register.rows] == [41, 42, 43]
    _, pages = _read(form_pdf(register))
    assert "Năm 2026 - Quyển số 02" in pages[0]
    joined = re.sub(r"-\s+", "-", pages[0])
    assert [int(n) for n in re.findall(r"(\d+) 000\.00\.20\.H10-", joined)] == [41, 42, 43]


def test_an_empty_register_still_renders() -> None:
    _, pages = _read(form_pdf(dataclasses.replace(sample_register(0), rows=[])))
    assert "Chưa có hồ sơ nào." in pages[0]


def test_a_register_refuses_gaps_and_other_years() -> None:
    rows = list(sample_register(3).rows)
    with pytest.raises(ValueError, match="register numbers must run on: 4 follows 2"):
        Register(
            heading=sample_register(0).heading,
            agency_code="000.00.20.H10",
            year=2026,
            rows=[rows[0], rows[1], dataclasses.replace(rows[2], number=4)],
        )
    with pytest.raises(ValueError, match="was not received in 2027"):
        Register(
            heading=sample_register(0).heading, agency_code="000.00.20.H10", year=2027, rows=rows
        )
    # 31 December 2026, 18:00 UTC is 1 January 2027 in Vietnam: it belongs to 2027.
    late = dataclasses.replace(rows[0], received_at=datetime(2026, 12, 31, 18, 0, tzinfo=UTC))
    with pytest.raises(ValueError, match="was not received in 2026"):
        Register(heading=sample_register(0).heading, agency_code="H10", year=2026, rows=[late])


def test_register_xlsx() -> None:
    register = sample_register(5)
    workbook = openpyxl.load_workbook(io.BytesIO(register_xlsx(register)))
    sheet = workbook.active
    assert sheet is not None
    assert sheet.title == "2026"
    assert sheet["A1"].value == "SỔ THEO DÕI HỒ SƠ"
    assert sheet["A2"].value == "Bộ phận Tiếp nhận và Trả kết quả - Năm 2026 - Quyển số 01"
    header = [cell.value for cell in sheet[4]]
    assert header == [str(column) for column in REGISTER_COLUMNS]
    assert header[:3] == ["STT", "Mã hồ sơ", "Tên thủ tục hành chính"]
    assert len(header) == 13
    assert sheet.freeze_panes == "A5"
    assert sheet.max_row == 4 + 5
    first = [cell.value for cell in sheet[5]]
    assert first == [
        1,
        "000.00.20.H10-260302-0001",
        "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
        1,
        "Nguyễn Thị Hồng Nhung",
        "Phường Tân Phú, thị xã Đồng Xoài - 0912 345 000",
        "Ủy ban nhân dân thị xã Đồng Xoài",
        datetime(2026, 3, 2, 7, 30),  # noqa: DTZ001 - Excel dates are local wall-clock
        datetime(2026, 3, 16, 7, 30),  # noqa: DTZ001
        None,
        datetime(2026, 3, 15, 7, 30),  # noqa: DTZ001
        datetime(2026, 3, 16, 7, 30),  # noqa: DTZ001
        None,
    ]
    assert sheet["H5"].number_format == "dd/mm/yyyy hh:mm"
    third = [cell.value for cell in sheet[7]]
    assert third[0] == 3
    assert third[10:] == [None, None, "Đang giải quyết"]
    assert [sheet.cell(row=row, column=1).value for row in range(5, 10)] == [1, 2, 3, 4, 5]
    assert sheet.column_dimensions["C"].width == 40


def test_register_xlsx_writes_utc_times_as_local_dates() -> None:
    row = RegisterRow(
        number=1,
        dossier_code="000.00.20.H10-261127-0001",
        procedure="Đăng ký khai sinh",
        sets=1,
        applicant=NAME,
        address_phone="Tân Phú",
        lead_agency="Ủy ban nhân dân phường Tân Phú",
        received_at=datetime(2026, 11, 27, 7, 30, tzinfo=UTC),
        due_at=datetime(2026, 11, 30, 17, 30, tzinfo=UTC),
    )
    register = Register(
        heading=sample_register(0).heading, agency_code="H10", year=2026, rows=[row]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(register_xlsx(register))).worksheets[0]
    assert sheet["A2"].value == "Bộ phận Tiếp nhận và Trả kết quả - Năm 2026"
    assert sheet["H5"].value == datetime(2026, 11, 27, 14, 30)  # noqa: DTZ001
    assert sheet["I5"].value == datetime(2026, 12, 1, 0, 30)  # noqa: DTZ001


# --- File names ---------------------------------------------------------------------


def test_form_filenames() -> None:
    assert form_filename(sample_receipt()) == f"mau-01-{DOSSIER_CODE}.pdf"
    assert form_filename(sample_supplement()) == f"mau-02-{DOSSIER_CODE}.pdf"
    assert form_filename(sample_refusal()) == f"mau-03-{DOSSIER_CODE}.pdf"
    assert form_filename(sample_apology()) == f"mau-04-{DOSSIER_CODE}.pdf"
    assert form_filename(sample_control_sheet()) == f"mau-05-{DOSSIER_CODE}.pdf"
    assert form_filename(sample_register()) == "mau-06-000.00.20.H10-2026-q01.pdf"
    assert (
        form_filename(sample_register(), extension="xlsx") == "mau-06-000.00.20.H10-2026-q01.xlsx"
    )
    odd = dataclasses.replace(sample_receipt(), dossier_code="../Hồ sơ/1")
    assert form_filename(odd) == "mau-01-H-s-1.pdf"


def test_only_forms_can_be_rendered() -> None:
    with pytest.raises(TypeError, match="not a Circular 01/2018 form: str"):
        form_pdf("mau-01")  # type: ignore[arg-type]


# --- Fonts and fetching -------------------------------------------------------------


def test_the_fetcher_refuses_the_network_and_other_files() -> None:
    fetcher = LocalURLFetcher()
    for url in [
        "http://example.invalid/font.ttf",
        "https://example.invalid/logo.png",
        "ftp://example.invalid/x",
        "file:///etc/passwd",
        (FONTS_DIR / ".." / "circular01.py").as_uri(),
        (FONTS_DIR / "LICENSE.txt").as_uri(),
        "file://example.invalid" + (FONTS_DIR / "LiberationSerif-Regular.ttf").as_posix(),
    ]:
        with pytest.raises(ValueError, match="refused to fetch"):
            fetcher.fetch(url)
    font = fetcher.fetch((FONTS_DIR / "LiberationSerif-Regular.ttf").as_uri())
    assert font.read()[:4] == b"\x00\x01\x00\x00"
    assert fetcher.fetch("data:text/plain;base64,eGluIGNow6Bv").read() == "xin chào".encode()


def test_a_remote_resource_stops_the_rendering() -> None:
    html = HTML(string='<img src="http://example.invalid/x.png">', url_fetcher=LocalURLFetcher())
    with pytest.raises(FatalURLFetchingError):
        html.write_pdf()


def test_the_bundled_fonts_are_embedded() -> None:
    reader = PdfReader(io.BytesIO(form_pdf(sample_receipt())))
    fonts = {}
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for reference in resources["/Font"].values():
            font = reference.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            program = descriptor.get_object()["/FontFile2"].get_object().get_data()
            fonts[str(font["/BaseFont"]).split("+", 1)[1]] = TTFont(io.BytesIO(program))
    assert sorted(fonts) == [
        "LiberationSerif-DVC",
        "LiberationSerif-DVC-Bold",
        "LiberationSerif-DVC-Italic",
    ]
    for program in fonts.values():
        names = program["name"]
        assert names.getDebugName(1) == "Liberation Serif"
        assert names.getDebugName(5) == "Version 2.1.5"
        # The subsets hold the Vietnamese letters used in each style.
        assert {ord("Đ"), ord("ồ")} <= set(program.getBestCmap())
    assert {ord(letter) for letter in "ệịảờ"} <= set(fonts["LiberationSerif-DVC"].getBestCmap())
    license_text = (FONTS_DIR / "LICENSE.txt").read_text()
    assert "SIL Open Font License, Version 1.1" in license_text


def test_font_css_names_only_bundled_files() -> None:
    css = circular01.font_face_css()
    urls = re.findall(r'url\("([^"]+)"\)', css)
    assert len(urls) == 4
    assert all(url.startswith(FONTS_DIR.as_uri() + "/LiberationSerif-") for url in urls)
