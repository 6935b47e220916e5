"""Realistic sample data for each Circular 01/2018 form (tests, previews, demos)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .circular01 import (
    AgencyHeading,
    ApologySlip,
    Applicant,
    ControlSheet,
    Form,
    HandOver,
    ReceiptSlip,
    RefusalSlip,
    Register,
    RegisterRow,
    SubmittedDocument,
    SupplementItem,
    SupplementRequest,
    Timeliness,
)

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
DOSSIER_CODE = "000.00.20.H10-261127-0007"
LOOKUP_URL = f"https://dichvucong.binhphuoc.gov.vn/tra-cuu/{DOSSIER_CODE}/"


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Return an aware datetime at a wall-clock time in Asia/Ho_Chi_Minh."""
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def sample_heading() -> AgencyHeading:
    """Return the heading of the Đồng Xoài town one-stop unit."""
    return AgencyHeading(
        parent_name="Ủy ban nhân dân thị xã Đồng Xoài",
        name="Bộ phận Tiếp nhận và Trả kết quả",
        place="Đồng Xoài",
    )


def sample_applicant() -> Applicant:
    """Return a citizen of phường Tân Phú."""
    return Applicant(
        name="Nguyễn Thị Hồng Nhung",
        address="Số 12, đường Phú Riềng Đỏ, phường Tân Phú, thị xã Đồng Xoài, tỉnh Bình Phước",
        phone="0912 345 678",
        email="hongnhung.nguyen@example.vn",
    )


PROCEDURE = (
    "Cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với "
    "đất lần đầu"
)


def sample_receipt() -> ReceiptSlip:
    """Return a Form 01 for a land-use right certificate dossier."""
    return ReceiptSlip(
        heading=sample_heading(),
        dossier_code=DOSSIER_CODE,
        lookup_url=LOOKUP_URL,
        applicant=sample_applicant(),
        procedure_name=PROCEDURE,
        documents=[
            SubmittedDocument(
                name="Đơn đăng ký, cấp Giấy chứng nhận quyền sử dụng đất (Mẫu số 04a/ĐK)",
                originals=1,
                copies=0,
            ),
            SubmittedDocument(
                name="Giấy tờ về quyền sử dụng đất theo Điều 100 Luật Đất đai",
                originals=0,
                copies=1,
            ),
            SubmittedDocument(name="Sơ đồ nhà ở, công trình xây dựng", originals=1, copies=0),
            SubmittedDocument(
                name="Chứng từ thực hiện nghĩa vụ tài chính (nếu có)", originals=0, copies=1
            ),
        ],
        sets=1,
        time_limit="30 ngày làm việc",
        received_at=local(2026, 11, 27, 14, 30),
        due_at=local(2027, 1, 8, 16, 0),
        result_delivery="Bộ phận Tiếp nhận và Trả kết quả thị xã Đồng Xoài",
        register_book="01",
        register_number=1234,
        officer_name="Trần Văn Đức",
    )


def sample_supplement() -> SupplementRequest:
    """Return a Form 02 asking for two corrections."""
    return SupplementRequest(
        heading=sample_heading(),
        dossier_code=DOSSIER_CODE,
        lookup_url=LOOKUP_URL,
        applicant=sample_applicant(),
        procedure_name=PROCEDURE,
        items=[
            SupplementItem(
                document="Sơ đồ nhà ở, công trình xây dựng",
                reason="Sơ đồ chưa thể hiện kích thước các cạnh thửa đất",
            ),
            SupplementItem(
                document="Bản sao Giấy chứng minh nhân dân của người sử dụng đất",
                reason="Bản sao đã hết hạn, cần bản sao Căn cước công dân còn hiệu lực",
            ),
        ],
        officer_name="Trần Văn Đức",
        officer_phone="0271 3879 123",
        issued_on=date(2026, 11, 30),
        due_note="Đề nghị Ông/Bà bổ sung trong thời hạn 10 ngày làm việc kể từ ngày nhận phiếu.",
    )


def sample_refusal() -> RefusalSlip:
    """Return a Form 03 with two reasons."""
    return RefusalSlip(
        heading=sample_heading(),
        dossier_code=DOSSIER_CODE,
        lookup_url=LOOKUP_URL,
        applicant=sample_applicant(),
        procedure_name=PROCEDURE,
        reasons=[
            "Thửa đất đang có tranh chấp, chưa được giải quyết theo quy định.",
            "Thửa đất thuộc khu vực đã có quyết định thu hồi đất của cơ quan có thẩm quyền.",
        ],
        officer_name="Trần Văn Đức",
        issued_on=date(2026, 11, 27),
    )


def sample_apology() -> ApologySlip:
    """Return a Form 04 moving the appointment by ten days."""
    return ApologySlip(
        heading=AgencyHeading(
            parent_name="Ủy ban nhân dân tỉnh Bình Phước",
            name="Ủy ban nhân dân thị xã Đồng Xoài",
            place="Đồng Xoài",
        ),
        dossier_code=DOSSIER_CODE,
        lookup_url=LOOKUP_URL,
        applicant=sample_applicant(),
        procedure_name=PROCEDURE,
        received_at=local(2026, 11, 27, 14, 30),
        original_due_at=local(2027, 1, 8, 16, 0),
        reason=(
            "Phải lấy ý kiến của Ủy ban nhân dân phường Tân Phú về nguồn gốc và thời điểm "
            "sử dụng đất; đến nay chưa nhận được văn bản trả lời."
        ),
        new_due_at=local(2027, 1, 22, 16, 0),
        signer_title="Chủ tịch",
        signer_name="Lê Hoàng Phước",
        issued_on=date(2027, 1, 7),
    )


def sample_control_sheet() -> ControlSheet:
    """Return a Form 05 with the hand-overs of the sample dossier."""
    return ControlSheet(
        heading=sample_heading(),
        dossier_code=DOSSIER_CODE,
        lookup_url=LOOKUP_URL,
        applicant=sample_applicant(),
        procedure_name=PROCEDURE,
        processing_agency="Văn phòng Đăng ký đất đai - Chi nhánh Đồng Xoài",
        coordinating_agencies=["Chi cục Thuế thị xã Đồng Xoài", "Ủy ban nhân dân phường Tân Phú"],
        rows=[
            HandOver(
                from_party="Bộ phận Tiếp nhận và Trả kết quả",
                to_party="Văn phòng Đăng ký đất đai - Chi nhánh Đồng Xoài",
                handed_at=local(2026, 11, 27, 15, 10),
                timeliness=Timeliness.ON_TIME,
            ),
            HandOver(
                from_party="Văn phòng Đăng ký đất đai - Chi nhánh Đồng Xoài",
                to_party="Chi cục Thuế thị xã Đồng Xoài",
                handed_at=local(2026, 12, 10, 9, 0),
                timeliness=Timeliness.EARLY,
                note="Xác định nghĩa vụ tài chính",
            ),
            HandOver(
                from_party="Chi cục Thuế thị xã Đồng Xoài",
                to_party="Văn phòng Đăng ký đất đai - Chi nhánh Đồng Xoài",
                handed_at=local(2026, 12, 16, 14, 0),
                timeliness=Timeliness.LATE,
                note="Trễ 1 ngày làm việc",
            ),
            HandOver(
                from_party="Văn phòng Đăng ký đất đai - Chi nhánh Đồng Xoài",
                to_party="Bộ phận Tiếp nhận và Trả kết quả",
                handed_at=local(2027, 1, 6, 10, 45),
                timeliness=None,
            ),
        ],
        issued_on=date(2026, 11, 27),
    )


_PROCEDURES = (
    "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
    "Đăng ký khai sinh",
    "Cấp giấy phép xây dựng nhà ở riêng lẻ",
    "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
    "Đăng ký thành lập hộ kinh doanh",
)
_NAMES = (
    "Nguyễn Thị Hồng Nhung",
    "Trần Văn Đức",
    "Lê Thị Thu Hương",
    "Phạm Quốc Việt",
    "Hoàng Minh Tuấn",
    "Công ty TNHH Thương mại Điều Bình Phước",
)


def sample_register(rows: int = 12, *, first_number: int = 1) -> Register:
    """Return a Form 06 with `rows` dossiers numbered on from `first_number`."""
    start = local(2026, 3, 2, 7, 30)
    entries = []
    for index in range(rows):
        received = start + timedelta(days=index // 4, hours=2 * (index % 4))
        due = received + timedelta(days=14)
        finished = index % 3 != 2
        entries.append(
            RegisterRow(
                number=first_number + index,
                dossier_code=f"000.00.20.H10-{received:%y%m%d}-{index % 4 + 1:04d}",
                procedure=_PROCEDURES[index % len(_PROCEDURES)],
                sets=1 + index % 2,
                applicant=_NAMES[index % len(_NAMES)],
                address_phone=f"Phường Tân Phú, thị xã Đồng Xoài - 0912 345 {index:03d}",
                lead_agency="Ủy ban nhân dân thị xã Đồng Xoài",
                received_at=received,
                due_at=due,
                transferred_to="Phòng Tài nguyên và Môi trường" if index % 2 else "",
                result_at=due - timedelta(days=1) if finished else None,
                handed_back_at=due if finished else None,
                note="" if finished else "Đang giải quyết",
            )
        )
    return Register(
        heading=sample_heading(),
        agency_code="000.00.20.H10",
        year=2026,
        rows=entries,
        book="01",
        issued_on=date(2026, 12, 31),
    )


def sample_forms() -> list[Form]:
    """Return one sample of each form, Form 01 to Form 06."""
    return [
        sample_receipt(),
        sample_supplement(),
        sample_refusal(),
        sample_apology(),
        sample_control_sheet(),
        sample_register(),
    ]
