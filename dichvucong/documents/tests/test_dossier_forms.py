"""Forms 01-06 built from real dossiers driven through the workflow engine."""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import openpyxl
import pytest
from django.utils import timezone
from pypdf import PdfReader

from dichvucong.catalogue.models import Procedure
from dichvucong.core import workdays
from dichvucong.documents import dossier_forms, selectors
from dichvucong.documents.circular01 import (
    AgencyHeading,
    Applicant,
    HandOver,
    ReceiptSlip,
    SubmittedDocument,
    SupplementItem,
    Timeliness,
    form_filename,
    form_pdf,
    vn_date,
    vn_datetime,
)
from dichvucong.documents.dossier_forms import (
    FORM_DOSSIER_RELATED,
    FormRef,
    available_forms,
    control_sheet_for,
    dossier_form_events,
    receipt_for,
    register_for,
    time_limit_text,
)
from dichvucong.dossiers.actions import MissingItem, due_at_for_day
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.dossiers.tests.fixtures import ID_COPY_FIELD, pdf_upload
from dichvucong.dossiers.tests.test_actions import act, submit
from dichvucong.organizations.models import Agency

pytestmark = pytest.mark.usefixtures("fresh_storage")

SITE = "https://dichvucong.binhphuoc.gov.vn"
NAME = "Nguyễn Văn An"
ADDRESS = "12 đường Phú Riềng Đỏ, Phường Tân Phú, Thị xã Đồng Xoài, Tỉnh Bình Phước"
PROCEDURE = (
    "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam"
)
DECLARATION = "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (Mẫu số 03/2013/TT-LLTP)"
ID_COPY = "Bản chụp chứng minh nhân dân hoặc hộ chiếu"
ITEMS = [
    MissingItem(document="Bản chụp CCCD", reason="Ảnh mờ, không đọc được số"),
    MissingItem(document="Giấy xác nhận nơi cư trú", reason="Chưa có trong hồ sơ"),
]


def text_of(pdf: bytes) -> str:
    """Return the text of every page, with line breaks and spaces collapsed."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def loaded(dossier: Dossier) -> Dossier:
    """Return the dossier as the form selectors load it."""
    return Dossier.objects.select_related(*FORM_DOSSIER_RELATED).get(pk=dossier.pk)


def next_working_day(day: Any) -> Any:
    while not workdays.is_working_day(day):
        day += timedelta(days=1)
    return day


@dataclass
class Path:
    """A dossier taken from submission to hand-back, and the events that matter."""

    dossier: Dossier
    accepted: DossierEvent
    requested: DossierEvent
    apologized: DossierEvent
    receipt_at_acceptance: ReceiptSlip
    far: datetime
    new_due: datetime


@pytest.fixture
def site(settings: Any) -> None:
    settings.SITE_URL = SITE + "/"


def drive(citizen: Any, procedure: Procedure, officers: dict[str, Any]) -> Path:
    """Accept, assign, request documents, supplement, propose, apologise, approve, hand back."""
    dossier = submit(citizen, procedure)
    accepted = act(dossier, officers["reception"], "accept")
    receipt_at_acceptance = receipt_for(loaded(dossier))
    act(dossier, officers["head"], "assign", assignee=officers["specialist"])
    requested = act(
        dossier,
        officers["specialist"],
        "request_documents",
        comment="Đề nghị bổ sung trong 05 ngày làm việc.",
        items=ITEMS,
    )
    act(dossier, citizen, "supplement", documents={ID_COPY_FIELD: [pdf_upload("cccd-ro.pdf")]})
    act(dossier, officers["specialist"], "propose", comment="Đủ điều kiện cấp phiếu.")
    # Far enough ahead for an apology to be in time (one working day before the date).
    far = workdays.working_time_add(timezone.now(), 12 * workdays.working_day_seconds())
    Dossier.objects.filter(pk=dossier.pk).update(due_at=far)
    new_due = due_at_for_day(next_working_day(timezone.localtime(far).date() + timedelta(days=7)))
    apologized = act(
        dossier,
        officers["head"],
        "apologize",
        comment="Cần xác minh thêm với Công an tỉnh.",
        new_due_at=new_due,
    )
    act(dossier, officers["approver"], "approve")
    act(dossier, officers["reception"], "hand_back")
    dossier.refresh_from_db()
    return Path(
        dossier=dossier,
        accepted=accepted,
        requested=requested,
        apologized=apologized,
        receipt_at_acceptance=receipt_at_acceptance,
        far=far,
        new_due=new_due,
    )


@pytest.fixture
def path(site: None, citizen: Any, online_procedure: Procedure, officers: dict[str, Any]) -> Path:
    return drive(citizen, online_procedure, officers)


def event_of(dossier: Dossier, event: DossierEvent) -> DossierEvent:
    """Return the event as `dossier_form_events` gives it (with its dossier and actor)."""
    return next(e for e in dossier_form_events(loaded(dossier)) if e.pk == event.pk)


# --- Form 01 -----------------------------------------------------------------------------


def test_receipt_is_the_acceptance_as_it_was(path: Path) -> None:
    dossier = path.dossier
    accepted = path.accepted
    due = workdays.due_at_compute(start=accepted.created_at, amount=10, unit="working_days")
    receipt = receipt_for(loaded(dossier))
    assert receipt == ReceiptSlip(
        heading=AgencyHeading(parent_name="", name="Sở Tư pháp", place="Bình Phước"),
        dossier_code=str(dossier.code),
        lookup_url=f"{SITE}/tra-cuu-ho-so/?ma={dossier.code}",
        applicant=Applicant(
            name=NAME, address=ADDRESS, phone="0912345678", email="congdan@example.vn"
        ),
        procedure_name=PROCEDURE,
        documents=[
            SubmittedDocument(name=DECLARATION, originals=1, copies=0),
            SubmittedDocument(name=ID_COPY, originals=0, copies=1),
        ],
        sets=1,
        time_limit="10 ngày làm việc",
        received_at=accepted.created_at,
        due_at=due,
        result_delivery="Bộ phận tiếp nhận và trả kết quả - Sở Tư pháp tỉnh Bình Phước",
        register_book=str(timezone.localtime(accepted.created_at).year),
        register_number=1,
        officer_name="Nguyễn Tiepnhan",
    )
    # The supplement, the restarted time limit and the apology changed nothing on it.
    assert receipt == path.receipt_at_acceptance
    assert dossier.due_at == path.new_due != due

    text = text_of(form_pdf(receipt))
    year = timezone.localtime(accepted.created_at).year
    for expected in [
        "SỞ TƯ PHÁP",
        f"Bình Phước, {vn_date(accepted.created_at)}",
        f"Mã hồ sơ: {dossier.code}",
        f"Tiếp nhận hồ sơ của: {NAME}",
        f"1 {DECLARATION} 1",
        f"2 {ID_COPY} 1",
        "3. Thời gian giải quyết hồ sơ theo quy định là: 10 ngày làm việc",
        f"4. Thời gian nhận hồ sơ: {vn_datetime(accepted.created_at)}",
        f"5. Thời gian trả kết quả giải quyết hồ sơ: {vn_datetime(due)}",
        f"Vào Sổ theo dõi hồ sơ, Quyển số: {year}, Số thứ tự: 1",
        "Nguyễn Tiepnhan",
    ]:
        assert expected in text, expected
    assert vn_datetime(path.new_due) not in text


def test_time_limits_as_forms_write_them() -> None:
    from decimal import Decimal

    assert time_limit_text(Decimal("5"), "working_days") == "05 ngày làm việc"
    assert time_limit_text(Decimal("10.00"), "working_days") == "10 ngày làm việc"
    assert time_limit_text(Decimal("0.5"), "working_days") == "0,5 ngày làm việc"
    assert time_limit_text(Decimal("4"), "hours") == "04 giờ"


# --- Forms 02, 04, 05 -------------------------------------------------------------------


def test_supplement_request_lists_the_items(path: Path) -> None:
    form = dossier_forms.supplement_request_for(event_of(path.dossier, path.requested))
    assert form.items == (
        SupplementItem(document="Bản chụp CCCD", reason="Ảnh mờ, không đọc được số"),
        SupplementItem(document="Giấy xác nhận nơi cư trú", reason="Chưa có trong hồ sơ"),
    )
    assert (form.officer_name, form.due_note) == (
        "Nguyễn Chuyenvien",
        "Đề nghị bổ sung trong 05 ngày làm việc.",
    )
    assert form.issued_on == timezone.localtime(path.requested.created_at).date()
    text = text_of(form_pdf(form))
    for expected in [
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        f"Mã hồ sơ: {path.dossier.code}",
        f"Hồ sơ của: {NAME}",
        "1 Bản chụp CCCD Ảnh mờ, không đọc được số",
        "2 Giấy xác nhận nơi cư trú Chưa có trong hồ sơ",
        "Đề nghị bổ sung trong 05 ngày làm việc.",
        "Ông/Bà liên hệ với Nguyễn Chuyenvien để được hướng dẫn.",
    ]:
        assert expected in text, expected


def test_apology_gives_the_old_and_the_new_date(path: Path) -> None:
    form = dossier_forms.apology_for(event_of(path.dossier, path.apologized))
    assert (form.received_at, form.original_due_at, form.new_due_at) == (
        path.accepted.created_at,
        path.far,
        path.new_due,
    )
    assert (form.reason, form.signer_title, form.signer_name) == (
        "Cần xác minh thêm với Công an tỉnh.",
        "Lãnh đạo phòng",
        "Nguyễn Truongphong",
    )
    text = text_of(form_pdf(form))
    for expected in [
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        f"Kính gửi: {NAME}",
        f"Thời gian hẹn trả kết quả giải quyết hồ sơ: {vn_datetime(path.far)}",
        "Lý do: Cần xác minh thêm với Công an tỉnh.",
        f"vào lúc {vn_datetime(path.new_due)}",
        "Nguyễn Truongphong",
    ]:
        assert expected in text, expected


def test_control_sheet_has_a_row_per_hand_over(path: Path) -> None:
    sheet = control_sheet_for(loaded(path.dossier))
    moves = [
        e
        for e in path.dossier.events.order_by("created_at", "pk")
        if e.from_state and e.from_state != e.to_state
    ]
    assert [e.action for e in moves] == [
        "accept",
        "assign",
        "request_documents",
        "supplement",
        "propose",
        "approve",
        "hand_back",
    ]
    reception = "Bộ phận tiếp nhận và trả kết quả"
    specialist = "Chuyên viên Nguyễn Chuyenvien"
    applicant = "Người nộp hồ sơ"
    parties = [
        (reception, "Lãnh đạo phòng"),
        ("Lãnh đạo phòng", specialist),
        (specialist, applicant),
        (applicant, specialist),
        (specialist, "Lãnh đạo cơ quan"),
        ("Lãnh đạo cơ quan", reception),
        (reception, applicant),
    ]
    assert sheet.rows == tuple(
        HandOver(
            from_party=giver,
            to_party=receiver,
            handed_at=event.created_at,
            timeliness=Timeliness(event.step_timeliness) if event.step_timeliness else None,
            note=event.comment,
        )
        for (giver, receiver), event in zip(parties, moves, strict=True)
    )
    # Reception had half a working day and took a moment: early. Waiting is not judged.
    assert sheet.rows[0].timeliness == Timeliness.EARLY
    assert sheet.rows[3].timeliness is None
    assert sheet.issued_on == timezone.localtime(path.accepted.created_at).date()

    text = text_of(form_pdf(sheet))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert f"Mã hồ sơ: {path.dossier.code}" in text
    for index, (row, (giver, receiver)) in enumerate(zip(sheet.rows, parties, strict=True), 1):
        assert f"{index}. Giao: {giver} Nhận: {receiver}" in text
        assert vn_datetime(row.handed_at) in text
    labels = [row.timeliness.label for row in sheet.rows if row.timeliness]
    assert len(labels) == 6
    for label in set(labels):
        assert text.count(label) == labels.count(label), label


# --- Form 03 -----------------------------------------------------------------------------


def test_refused_dossier_gives_form_03_and_nothing_else(
    site: None, citizen: Any, online_procedure: Procedure, officers: dict[str, Any]
) -> None:
    dossier = submit(citizen, online_procedure)
    refused = act(
        dossier,
        officers["reception"],
        "refuse",
        comment="Không thuộc thẩm quyền của Sở.\n- Hồ sơ nộp nhầm cơ quan.",
    )
    refs = available_forms(loaded(dossier))
    assert [(r.number, r.event_id, r.filename) for r in refs] == [
        (3, refused.pk, f"mau-03-{dossier.code}.pdf")
    ]
    form = dossier_forms.refusal_for(event_of(dossier, refused))
    assert form.reasons == ("Không thuộc thẩm quyền của Sở.", "Hồ sơ nộp nhầm cơ quan.")
    assert form_filename(form) == refs[0].filename
    text = text_of(form_pdf(form))
    for expected in [
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        f"Mã hồ sơ: {dossier.code}",
        f"Sở Tư pháp tiếp nhận hồ sơ của: {NAME}",
        "1. Không thuộc thẩm quyền của Sở.",
        "2. Hồ sơ nộp nhầm cơ quan.",
        "Nguyễn Tiepnhan",
    ]:
        assert expected in text, expected
    with pytest.raises(DossierEvent.DoesNotExist):
        receipt_for(loaded(dossier))
    with pytest.raises(DossierEvent.DoesNotExist):
        control_sheet_for(loaded(dossier))


# --- Which forms exist -------------------------------------------------------------------


def test_available_forms_follow_the_dossier(
    site: None, citizen: Any, online_procedure: Procedure, officers: dict[str, Any]
) -> None:
    dossier = submit(citizen, online_procedure)
    assert available_forms(loaded(dossier)) == []
    first = act(
        dossier, officers["reception"], "request_documents", comment="Thiếu giấy tờ.", items=ITEMS
    )
    act(dossier, citizen, "supplement", documents={ID_COPY_FIELD: [pdf_upload("cccd-2.pdf")]})
    accepted = act(dossier, officers["reception"], "accept")
    act(dossier, officers["head"], "assign", assignee=officers["specialist"])
    second = act(dossier, officers["specialist"], "request_documents", comment="Ảnh mờ.")
    code = dossier.code
    receipt, request = (
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    )
    sheet = "Phiếu kiểm soát quá trình giải quyết hồ sơ"
    assert available_forms(loaded(dossier)) == [
        FormRef(1, accepted.pk, receipt, f"mau-01-{code}.pdf", accepted.created_at),
        FormRef(2, first.pk, request, f"mau-02-{code}.pdf", first.created_at),
        FormRef(2, second.pk, request, f"mau-02-{code}-2.pdf", second.created_at),
        FormRef(5, None, sheet, f"mau-05-{code}.pdf", accepted.created_at),
    ]
    # A request written only as a comment becomes the one item of its Form 02.
    form = dossier_forms.supplement_request_for(event_of(dossier, second))
    assert (form.items, form.due_note) == ((SupplementItem(document="Ảnh mờ.", reason=""),), "")
    # The receipt lists what was handed in by acceptance, including the supplement then.
    assert receipt_for(loaded(dossier)).documents == (
        SubmittedDocument(name=DECLARATION, originals=1, copies=0),
        SubmittedDocument(name=ID_COPY, originals=0, copies=1),
    )


def test_filenames_agree_with_the_forms(path: Path) -> None:
    dossier = loaded(path.dossier)
    refs = {r.number: r for r in available_forms(dossier)}
    assert sorted(refs) == [1, 2, 4, 5]
    assert form_filename(receipt_for(dossier)) == refs[1].filename
    assert form_filename(control_sheet_for(dossier)) == refs[5].filename
    apology = dossier_forms.apology_for(event_of(path.dossier, path.apologized))
    assert form_filename(apology) == refs[4].filename


# --- Query counts -------------------------------------------------------------------------


def test_builders_make_a_fixed_number_of_queries(
    path: Path, django_assert_num_queries: Any
) -> None:
    dossier = loaded(path.dossier)
    with django_assert_num_queries(3):  # accept event, documents, catalogue (time limit kept)
        receipt_for(dossier)
    with django_assert_num_queries(2):  # events, workflow states
        control_sheet_for(dossier)
    with django_assert_num_queries(1):
        refs = available_forms(dossier)
    with django_assert_num_queries(1):
        events = dossier_form_events(dossier)
    with django_assert_num_queries(0):
        available_forms(dossier, events=events)
        by_id = {e.pk: e for e in events}
        dossier_forms.supplement_request_for(by_id[path.requested.pk])
        dossier_forms.apology_for(by_id[path.apologized.pk])
    assert len(refs) == 4


# --- Form 06 -----------------------------------------------------------------------------


def test_register_of_an_agency_for_a_year(
    site: None,
    citizen: Any,
    other_citizen: Any,
    online_procedure: Procedure,
    officers: dict[str, Any],
    django_assert_num_queries: Any,
) -> None:
    first = submit(citizen, online_procedure, key="r-1")
    second = submit(other_citizen, online_procedure, key="r-2")
    third = submit(citizen, online_procedure, key="r-3")
    never = submit(other_citizen, online_procedure, key="r-4")  # not accepted: not in the book
    for dossier in (second, first, third):  # numbered in order of acceptance
        act(dossier, officers["reception"], "accept")
    act(first, officers["head"], "assign", assignee=officers["specialist"])
    for dossier in (first, second, third, never):
        dossier.refresh_from_db()
    year = second.register_year
    assert year is not None
    agency = Agency.objects.select_related("parent", "administrative_unit").get(
        code="000.00.01.H10"
    )
    rows = Dossier.objects.filter(agency=agency, register_year=year).select_related(
        "version", "agency"
    )
    with django_assert_num_queries(1):
        register = register_for(agency, year, rows)
    assert [(r.number, r.dossier_code, r.applicant) for r in register.rows] == [
        (1, second.code, "Trần Thị Bình"),
        (2, first.code, NAME),
        (3, third.code, NAME),
    ]
    row = register.rows[1]
    assert (row.procedure, row.sets, row.lead_agency, row.received_at, row.due_at) == (
        PROCEDURE,
        1,
        "Sở Tư pháp",
        first.accepted_at,
        first.due_at,
    )
    assert row.address_phone == f"{ADDRESS} - 0912345678"
    assert (row.result_at, row.handed_back_at, row.note) == (None, None, "Đang xử lý")
    assert register.rows[0].note == "Được tiếp nhận"

    filename, pdf = selectors.register_pdf_for_officer(
        user=officers["reception"], agency_code="000.00.01.H10", year=year
    )
    assert filename == f"mau-06-000.00.01.H10-{year}.pdf"
    text = text_of(pdf)
    assert "SỔ THEO DÕI HỒ SƠ" in text
    codes = text.replace("- ", "-")  # a code wraps after a hyphen in its narrow cell
    positions = [
        codes.index(f"{number} {d.code} ") for number, d in enumerate((second, first, third), 1)
    ]
    assert positions == sorted(positions)
    assert str(never.code) not in codes

    filename, xlsx = selectors.register_xlsx_for_officer(
        user=officers["supervisor"], agency_code="000.00.01.H10", year=year
    )
    assert filename == f"mau-06-000.00.01.H10-{year}.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets[0]
    assert [(r[0], r[1], r[4]) for r in sheet.iter_rows(min_row=5, values_only=True)] == [
        (1, second.code, "Trần Thị Bình"),
        (2, first.code, NAME),
        (3, third.code, NAME),
    ]
    received = timezone.localtime(first.accepted_at).replace(tzinfo=None)
    assert abs(sheet.cell(row=6, column=8).value - received) < timedelta(milliseconds=1)

    for user, code in [
        (officers["outsider"], "000.00.01.H10"),  # another agency's register
        (officers["reception"], "000.00.99.H10"),  # no such agency
    ]:
        with pytest.raises(Dossier.DoesNotExist):
            selectors.register_pdf_for_officer(user=user, agency_code=code, year=year)
        with pytest.raises(Dossier.DoesNotExist):
            selectors.register_xlsx_for_officer(user=user, agency_code=code, year=year)


# --- Access -----------------------------------------------------------------------------


def test_access_to_the_forms(
    path: Path, citizen: Any, other_citizen: Any, officers: dict[str, Any]
) -> None:
    code = str(path.dossier.code)
    for user in (officers["reception"], officers["specialist"], officers["supervisor"]):
        filename, pdf = selectors.dossier_form_for_officer(user=user, code=code, number=5)
        assert (filename, pdf[:5]) == (f"mau-05-{code}.pdf", b"%PDF-")
    filename, pdf = selectors.dossier_form_for_applicant(applicant=citizen, code=code, number=1)
    assert filename == f"mau-01-{code}.pdf"
    assert f"Mã hồ sơ: {code}" in text_of(pdf)
    assert [r.number for r in selectors.forms_list_for_applicant(applicant=citizen, code=code)] == [
        1,
        2,
        4,
    ]
    refused = [
        lambda: selectors.dossier_form_for_officer(user=officers["outsider"], code=code, number=1),
        lambda: selectors.forms_list_for_officer(user=officers["outsider"], code=code),
        lambda: selectors.dossier_form_for_officer(user=officers["reception"], code=code, number=3),
        lambda: selectors.dossier_form_for_officer(user=officers["reception"], code=code, number=7),
        lambda: selectors.dossier_form_for_officer(
            user=officers["reception"], code=code, number=2, event_id=path.apologized.pk
        ),
        lambda: selectors.dossier_form_for_applicant(applicant=citizen, code=code, number=5),
        lambda: selectors.dossier_form_for_applicant(applicant=citizen, code=code, number=6),
        lambda: selectors.dossier_form_for_applicant(applicant=other_citizen, code=code, number=1),
        lambda: selectors.forms_list_for_applicant(applicant=other_citizen, code=code),
    ]
    for attempt in refused:
        with pytest.raises(Dossier.DoesNotExist):
            attempt()
    # An event id picks that form; the one named in the list is the one served.
    filename, pdf = selectors.dossier_form_for_officer(
        user=officers["reception"], code=code, number=2, event_id=path.requested.pk
    )
    assert filename == f"mau-02-{code}.pdf"
    assert "Giấy xác nhận nơi cư trú" in text_of(pdf)


def test_the_forms_are_in_vietnamese_whatever_the_language(path: Path) -> None:
    from django.utils import translation

    with translation.override("en"):
        receipt = receipt_for(loaded(path.dossier))
        sheet = control_sheet_for(loaded(path.dossier))
    assert receipt.time_limit == "10 ngày làm việc"
    assert sheet.rows[0].from_party == "Bộ phận tiếp nhận và trả kết quả"
    assert dataclasses.replace(receipt) == receipt
