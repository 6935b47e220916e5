"""The officer's dossier pages: inbox, dossier with its actions, downloads, register."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import second_factor_force_login
from dichvucong.catalogue.models import Procedure
from dichvucong.core import workdays
from dichvucong.dossiers.models import Dossier, DossierEvent, EventAttachment
from dichvucong.dossiers.tests.fixtures import pdf_upload
from dichvucong.dossiers.tests.test_actions import act, snapshot, submit

pytestmark = pytest.mark.django_db

INBOX = "/mot-cua/ho-so/"
REGISTER = "/mot-cua/so-theo-doi/"


def page_of(code: str) -> str:
    return f"/mot-cua/ho-so/{code}/"


def action_url(code: str) -> str:
    return f"/mot-cua/ho-so/{code}/thao-tac/"


def signed_in(user: Any) -> Client:
    return second_factor_force_login(Client(), user)


def text(response: Any) -> str:
    """Return the page's text, tags dropped and spaces collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", body)


def inbox_codes(response: Any) -> list[str]:
    return re.findall(r'<a class="code" href="/mot-cua/ho-so/([^/]+)/">', response.content.decode())


@pytest.fixture
def dossier(citizen: Any, online_procedure: Procedure) -> Dossier:
    return submit(citizen, online_procedure)


@pytest.fixture
def accepted(dossier: Dossier, officers: dict[str, Any]) -> Dossier:
    act(dossier, officers["reception"], "accept")
    dossier.refresh_from_db()
    return dossier


def test_urls() -> None:
    assert reverse("backoffice:inbox") == INBOX
    assert reverse("backoffice:dossier", args=["X-1"]) == "/mot-cua/ho-so/X-1/"
    assert reverse("backoffice:dossier-action", args=["X-1"]) == "/mot-cua/ho-so/X-1/thao-tac/"
    assert reverse("backoffice:dossier-document", args=["X-1", 3]) == "/mot-cua/ho-so/X-1/tep/3/"
    assert (
        reverse("backoffice:dossier-attachment", args=["X-1", 3])
        == "/mot-cua/ho-so/X-1/tep-thao-tac/3/"
    )
    assert reverse("backoffice:register") == REGISTER


# ---------------------------------------------------------------------------------------
# Who may open the pages


@pytest.mark.parametrize("path", ["inbox", "dossier", "register"])
def test_anonymous_citizen_and_unverified_sessions_go_to_the_sign_in(
    dossier: Dossier, citizen: Any, officers: dict[str, Any], path: str
) -> None:
    url = {"inbox": INBOX, "dossier": page_of(str(dossier.code)), "register": REGISTER}[path]
    anonymous = Client()
    citizen_client = Client()
    citizen_client.force_login(citizen)
    unverified = Client()
    unverified.force_login(officers["reception"])  # password given, no code yet
    for client in (anonymous, citizen_client, unverified):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/mot-cua/dang-nhap/?next={url}"


def test_a_verified_user_without_a_role_gets_403(dossier: Dossier, citizen: Any) -> None:
    client = signed_in(citizen)
    assert client.get(INBOX).status_code == 403
    assert client.get(page_of(str(dossier.code))).status_code == 403
    before = snapshot(dossier)
    assert client.post(action_url(str(dossier.code)), {"action": "accept"}).status_code == 403
    assert snapshot(dossier) == before


@pytest.mark.parametrize(
    ("who", "actions"),
    [
        ("reception", ["accept", "request_documents", "refuse"]),
        ("head", []),
        ("specialist", []),
        ("approver", []),
        ("supervisor", []),
    ],
)
def test_the_dossier_page_by_role(
    dossier: Dossier, officers: dict[str, Any], who: str, actions: list[str]
) -> None:
    response = signed_in(officers[who]).get(page_of(str(dossier.code)))
    assert response.status_code == 200
    body = response.content.decode()
    assert re.findall(r'<input type="hidden" name="action" value="([a-z_]+)">', body) == actions
    page = text(response)
    assert "Nguyễn Văn An" in page
    assert "074090001234" in page  # officers see the applicant's personal data
    assert "0912345678" in page
    if who == "supervisor":
        assert "chỉ xem, không thực hiện thao tác" in page
    elif not actions:
        assert "Ở bước “Chờ tiếp nhận”, bạn không có thao tác nào với hồ sơ này." in page


def test_another_agencys_dossier_and_files_are_404(
    dossier: Dossier, officers: dict[str, Any]
) -> None:
    client = signed_in(officers["outsider"])
    code = str(dossier.code)
    document = dossier.documents.get()
    assert client.get(page_of(code)).status_code == 404
    assert client.get(f"/mot-cua/ho-so/{code}/tep/{document.pk}/").status_code == 404
    before = snapshot(dossier)
    assert client.post(action_url(code), {"action": "accept"}).status_code == 404
    assert snapshot(dossier) == before
    assert client.get(INBOX, {"scope": "all"}).status_code == 200
    assert inbox_codes(client.get(INBOX, {"scope": "all"})) == []


# ---------------------------------------------------------------------------------------
# The inbox


def test_the_inbox_lists_what_waits_for_each_role(
    dossier: Dossier, officers: dict[str, Any]
) -> None:
    code = str(dossier.code)
    reception = signed_in(officers["reception"])
    response = reception.get(INBOX)
    assert response.status_code == 200
    assert inbox_codes(response) == [code]
    page = text(response)
    assert "Chờ tiếp nhận" in page  # the current step
    assert "Nguyễn Văn An" in page
    assert inbox_codes(signed_in(officers["head"]).get(INBOX)) == []
    assert inbox_codes(signed_in(officers["head"]).get(INBOX, {"scope": "all"})) == [code]
    act(dossier, officers["reception"], "accept")
    assert inbox_codes(reception.get(INBOX)) == []
    assert inbox_codes(signed_in(officers["head"]).get(INBOX)) == [code]
    # A supervisor has no queue of their own: the inbox shows every agency's dossiers.
    assert inbox_codes(signed_in(officers["supervisor"]).get(INBOX)) == [code]


def test_inbox_filters(
    citizen: Any, other_citizen: Any, online_procedure: Procedure, officers: dict[str, Any]
) -> None:
    first = submit(citizen, online_procedure, key="a")
    second = submit(other_citizen, online_procedure, key="b")
    act(second, officers["reception"], "accept")
    client = signed_in(officers["reception"])
    everything = {"scope": "all"}
    assert sorted(inbox_codes(client.get(INBOX, everything))) == sorted(
        [str(first.code), str(second.code)]
    )
    assert inbox_codes(client.get(INBOX, {**everything, "status": "new"})) == [str(second.code)]
    assert inbox_codes(client.get(INBOX, {**everything, "status": "receiving"})) == [
        str(first.code)
    ]
    assert inbox_codes(client.get(INBOX, {**everything, "q": "trần thị"})) == [str(second.code)]
    assert inbox_codes(client.get(INBOX, {**everything, "q": str(first.code)})) == [str(first.code)]
    response = client.get(INBOX, {**everything, "procedure": online_procedure.code})
    assert len(inbox_codes(response)) == 2
    assert f'<option value="{online_procedure.code}" selected>' in response.content.decode()
    # A wrong value is ignored, not an error.
    response = client.get(INBOX, {**everything, "procedure": "1.000000", "ordering": "pk"})
    assert response.status_code == 200
    assert len(inbox_codes(response)) == 2


def test_sorting_by_due_date_and_submission(
    citizen: Any, online_procedure: Procedure, officers: dict[str, Any]
) -> None:
    now = timezone.now()
    dossiers = [submit(citizen, online_procedure, key=f"k{i}") for i in range(3)]
    for days, d in zip((5, 1, 3), dossiers, strict=True):
        Dossier.objects.filter(pk=d.pk).update(
            due_at=now + timedelta(days=days), submitted_at=now - timedelta(days=days)
        )
    codes = [str(d.code) for d in dossiers]
    client = signed_in(officers["reception"])
    assert inbox_codes(client.get(INBOX)) == [codes[1], codes[2], codes[0]]
    assert inbox_codes(client.get(INBOX, {"ordering": "-due_at"})) == [
        codes[0],
        codes[2],
        codes[1],
    ]
    assert inbox_codes(client.get(INBOX, {"ordering": "-submitted_at"})) == [
        codes[1],
        codes[2],
        codes[0],
    ]
    assert inbox_codes(client.get(INBOX, {"ordering": "submitted_at"})) == [
        codes[0],
        codes[2],
        codes[1],
    ]


def test_due_markers_and_counts(
    citizen: Any, online_procedure: Procedure, officers: dict[str, Any]
) -> None:
    now = timezone.now()
    late, soon, later = (submit(citizen, online_procedure, key=f"k{i}") for i in range(3))
    for d in (late, soon, later):
        act(d, officers["reception"], "accept")
    Dossier.objects.filter(pk=late.pk).update(due_at=now - timedelta(hours=2))
    Dossier.objects.filter(pk=soon.pk).update(due_at=workdays.working_time_add(now, 3600))
    Dossier.objects.filter(pk=later.pk).update(
        due_at=workdays.working_time_add(now, 3 * workdays.working_day_seconds())
    )
    client = signed_in(officers["head"])
    response = client.get(INBOX)
    body = response.content.decode()
    assert body.count('class="bo-row-overdue"') == 1
    assert body.count('class="bo-row-soon"') == 1
    assert body.count("bo-due-overdue") == 1
    assert body.count("bo-due-soon") == 1
    assert "Quá hạn" in text(response) and "Sắp đến hạn" in text(response)
    counts = re.findall(r"<strong>(\d+)</strong>", body)
    assert counts[:3] == ["3", "1", "1"]
    assert inbox_codes(client.get(INBOX, {"due": "overdue"})) == [str(late.code)]
    assert inbox_codes(client.get(INBOX, {"due": "soon"})) == [str(soon.code)]
    assert 'href="/mot-cua/ho-so/?scope=mine&amp;due=overdue"' in body
    # The home page shows the same counts, linked to the filtered inbox.
    home = client.get("/mot-cua/").content.decode()
    assert re.findall(r"<strong>(\d+)</strong>", home)[:3] == ["3", "1", "1"]
    assert 'href="/mot-cua/ho-so/?scope=mine&amp;due=soon"' in home


def _copies(dossier: Dossier, n: int) -> list[Dossier]:
    """Clone a submitted dossier `n` times (distinct codes), faster than submitting."""
    clones = []
    for i in range(n):
        clone = Dossier.objects.get(pk=dossier.pk)
        clone.pk = None
        clone.code = f"{dossier.code}-{i:02d}"
        clone.idempotency_key = ""
        clone.applicant_name = f"Người nộp {i:02d}"
        clone.submitted_at = (dossier.submitted_at or timezone.now()) + timedelta(minutes=i + 1)
        clone.save()
        clones.append(clone)
    return clones


def test_pagination_keeps_the_filters_and_queries_do_not_grow(
    dossier: Dossier, officers: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = signed_in(officers["reception"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(INBOX).status_code == 200
    assert len(few) <= 21
    _copies(dossier, 29)
    with django_assert_max_num_queries(len(few)):
        response = client.get(INBOX, {"ordering": "-submitted_at", "q": "Người nộp"})
    assert len(inbox_codes(response)) == 25
    body = response.content.decode()
    assert 'href="?ordering=-submitted_at&amp;q=Ng%C6%B0%E1%BB%9Di+n%E1%BB%99p&amp;page=2"' in body
    second = client.get(INBOX, {"ordering": "-submitted_at", "q": "Người nộp", "page": "2"})
    assert inbox_codes(second) == [f"{dossier.code}-{i:02d}" for i in (3, 2, 1, 0)]
    assert "Trang 2/2" in text(second)


# ---------------------------------------------------------------------------------------
# Actions through the page


def post(client: Client, code: str, action: str, **fields: Any) -> Any:
    data = {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}}
    return client.post(action_url(code), data)


def last_event(dossier: Dossier) -> DossierEvent:
    event = dossier.events.order_by("pk").last()
    assert event is not None
    return event


def test_the_whole_path_through_the_pages(dossier: Dossier, officers: dict[str, Any]) -> None:
    code = str(dossier.code)
    reception = signed_in(officers["reception"])
    response = post(reception, code, "accept")
    assert response.status_code == 302
    assert response["Location"] == page_of(code)
    response = reception.get(page_of(code))
    page = text(response)
    assert f"Đã thực hiện “Tiếp nhận hồ sơ” với hồ sơ {code}." in page
    assert "Số 1, sổ năm" in page
    # The receipt (Form 01) and the control sheet (Form 05) now exist, from the forms API.
    links = re.findall(
        r'<a href="(/api/v1/backoffice/[^"]+)">([^<]+)</a>', response.content.decode()
    )
    assert [url for url, _label in links] == [
        f"/api/v1/backoffice/dossiers/{code}/forms/1/",
        f"/api/v1/backoffice/dossiers/{code}/forms/5/",
    ]
    assert links[0][1].startswith("Mẫu 01: ")

    head = signed_in(officers["head"])
    body = head.get(page_of(code)).content.decode()
    assert "Nguyễn Chuyenvien (chuyenvien.stp)" in body
    response = post(head, code, "assign", assignee=officers["specialist"].pk)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.assignee == officers["specialist"]

    specialist = signed_in(officers["specialist"])
    response = specialist.post(
        action_url(code),
        {
            "action": "propose",
            "propose-comment": "Đủ điều kiện cấp phiếu.",
            "propose-attachments": [pdf_upload("du-thao.pdf")],
        },
    )
    assert response.status_code == 302
    event = last_event(dossier)
    assert (event.action, event.comment) == ("propose", "Đủ điều kiện cấp phiếu.")
    assert [a.original_name for a in event.attachments.all()] == ["du-thao.pdf"]

    approver = signed_in(officers["approver"])
    assert post(approver, code, "return_for_rework", comment="Ghi rõ số phiếu.").status_code == 302
    dossier.refresh_from_db()
    assert dossier.state is not None and dossier.state.code == "examining"
    assert post(specialist, code, "propose", comment="Đã sửa.").status_code == 302
    assert post(approver, code, "approve").status_code == 302
    assert post(reception, code, "hand_back").status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "done"
    assert list(dossier.events.values_list("action", flat=True)) == [
        "submitted",
        "accept",
        "assign",
        "propose",
        "return_for_rework",
        "propose",
        "approve",
        "hand_back",
    ]
    page = text(reception.get(page_of(code)))
    assert "Chờ phân công xử lý → Chuyên viên thẩm định" in page
    assert "Phân công: Nguyễn Chuyenvien" in page
    assert "Ở bước “Đã trả kết quả”, bạn không có thao tác nào với hồ sơ này." in page


def test_request_documents_with_items(dossier: Dossier, officers: dict[str, Any]) -> None:
    code = str(dossier.code)
    client = signed_in(officers["reception"])
    body = client.get(page_of(code)).content.decode()
    for i in range(3):  # three empty rows without JavaScript
        assert f'name="request_documents-item_document_{i}"' in body
    response = post(
        client,
        code,
        "request_documents",
        comment="Bổ sung giấy tờ.",
        item_document_0="Bản sao CCCD",
        item_reason_0="Ảnh mờ",
        item_document_1="Giấy khai sinh",
        item_reason_1="",
        item_document_2="",
        item_reason_2="",
    )
    assert response.status_code == 302
    event = last_event(dossier)
    assert event.data["items"] == [
        {"document": "Bản sao CCCD", "reason": "Ảnh mờ"},
        {"document": "Giấy khai sinh", "reason": ""},
    ]
    dossier.refresh_from_db()
    assert dossier.status == "waiting"
    page = text(client.get(page_of(code)))
    assert "Giấy tờ cần bổ sung: Bản sao CCCD : Ảnh mờ Giấy khai sinh" in page


def test_one_more_row_keeps_what_was_typed(dossier: Dossier, officers: dict[str, Any]) -> None:
    code = str(dossier.code)
    client = signed_in(officers["reception"])
    before = snapshot(dossier)
    response = client.post(
        action_url(code),
        {
            "action": "request_documents",
            "add_row": "1",
            "request_documents-comment": "Ghi chú",
            **{f"request_documents-item_document_{i}": f"Giấy {i}" for i in range(3)},
            **{f"request_documents-item_reason_{i}": "" for i in range(3)},
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="request_documents-item_document_3"' in body
    assert 'value="Giấy 2"' in body
    assert "\nGhi chú</textarea>" in body
    assert snapshot(dossier) == before


def test_refuse_needs_a_reason_and_keeps_nothing_changed(
    dossier: Dossier, officers: dict[str, Any]
) -> None:
    code = str(dossier.code)
    client = signed_in(officers["reception"])
    before = snapshot(dossier)
    response = post(client, code, "refuse", comment="  ")
    assert response.status_code == 400
    assert "Thao tác “Từ chối tiếp nhận” cần ghi ý kiến." in text(response)
    assert 'role="alert"' in response.content.decode()
    assert snapshot(dossier) == before
    response = post(client, code, "refuse", comment="Không thuộc thẩm quyền.")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, last_event(dossier).comment) == ("denied", "Không thuộc thẩm quyền.")


def test_request_documents_without_comment_keeps_the_items(
    dossier: Dossier, officers: dict[str, Any]
) -> None:
    code = str(dossier.code)
    before = snapshot(dossier)
    response = post(
        signed_in(officers["reception"]),
        code,
        "request_documents",
        comment="",
        item_document_0="Bản sao CCCD",
        item_reason_0="Ảnh mờ",
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="Bản sao CCCD"' in body and 'value="Ảnh mờ"' in body
    assert 'aria-invalid="true"' in body
    assert "Thao tác “Yêu cầu bổ sung, hoàn thiện hồ sơ” cần ghi ý kiến." in text(response)
    assert snapshot(dossier) == before


def test_apologize_through_the_page(accepted: Dossier, officers: dict[str, Any]) -> None:
    code = str(accepted.code)
    now = timezone.now()
    far = workdays.working_time_add(now, 5 * workdays.working_day_seconds())
    Dossier.objects.filter(pk=accepted.pk).update(due_at=far, state_due_at=None)
    client = signed_in(officers["head"])
    new_day = workdays.working_days_add(timezone.localtime(far).date(), 3)
    sunday = new_day + timedelta(days=(6 - new_day.weekday()))
    before = snapshot(accepted)
    response = post(client, code, "apologize", comment="Cần xác minh.", new_due_date=str(sunday))
    assert response.status_code == 400
    page = text(response)
    assert f"Ngày {sunday:%d/%m/%Y} không phải ngày làm việc." in page
    assert "\nCần xác minh.</textarea>" in response.content.decode()
    assert snapshot(accepted) == before
    response = post(client, code, "apologize", comment="Cần xác minh.", new_due_date=str(new_day))
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.original_due_at == far
    assert timezone.localtime(accepted.due_at).date() == new_day
    page = text(client.get(page_of(code)))
    assert "Hẹn ban đầu" in page and "Hẹn trả mới:" in page


def test_assign_refuses_someone_who_is_not_a_specialist_here(
    accepted: Dossier, officers: dict[str, Any]
) -> None:
    before = snapshot(accepted)
    response = post(
        signed_in(officers["head"]), str(accepted.code), "assign", assignee=officers["outsider"].pk
    )
    assert response.status_code == 400
    assert "Người được phân công phải là chuyên viên của cơ quan." in text(response)
    assert snapshot(accepted) == before
    response = post(signed_in(officers["head"]), str(accepted.code), "assign", assignee="")
    assert response.status_code == 400
    assert "Vui lòng chọn chuyên viên xử lý." in text(response)
    assert snapshot(accepted) == before


@pytest.mark.parametrize(
    ("who", "action", "status", "message"),
    [
        ("specialist", "accept", 403, "Bạn không có quyền thực hiện thao tác “Tiếp nhận hồ sơ”"),
        ("reception", "approve", 409, "Không thể thực hiện thao tác “approve”"),
        ("supervisor", "accept", 403, "Bạn không có quyền thực hiện thao tác “Tiếp nhận hồ sơ”"),
        ("head", "nonsense<script>", 409, "Không thể thực hiện thao tác “”"),
    ],
)
def test_refusals_change_nothing(
    dossier: Dossier, officers: dict[str, Any], who: str, action: str, status: int, message: str
) -> None:
    before = snapshot(dossier)
    response = signed_in(officers[who]).post(action_url(str(dossier.code)), {"action": action})
    assert response.status_code == status
    assert message in text(response)
    assert snapshot(dossier) == before


def test_a_double_submission_takes_the_action_once(
    dossier: Dossier, officers: dict[str, Any]
) -> None:
    client = signed_in(officers["reception"])
    code = str(dossier.code)
    assert post(client, code, "accept").status_code == 302
    before = snapshot(dossier)
    response = post(client, code, "accept")
    assert response.status_code == 409
    page = text(response)
    assert "Thao tác “Tiếp nhận hồ sơ” đã được bạn thực hiện lúc" in page
    assert "hồ sơ hiện ở bước “Chờ phân công xử lý”. Không cần gửi lại." in page
    assert snapshot(dossier) == before
    assert dossier.events.filter(action="accept").count() == 1


def test_read_only_for_the_supervisor(accepted: Dossier, officers: dict[str, Any]) -> None:
    body = signed_in(officers["supervisor"]).get(page_of(str(accepted.code))).content.decode()
    assert 'name="action"' not in body
    assert "chỉ xem, không thực hiện thao tác" in body


# ---------------------------------------------------------------------------------------
# Files


def test_downloads_under_the_original_name(dossier: Dossier, officers: dict[str, Any]) -> None:
    code = str(dossier.code)
    client = signed_in(officers["reception"])
    document = dossier.documents.get()
    response = client.get(f"/mot-cua/ho-so/{code}/tep/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="cccd.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.getvalue().startswith(b"%PDF-1.7")
    act(dossier, officers["reception"], "accept", attachments=[pdf_upload("bien-ban.pdf")])
    attachment = EventAttachment.objects.get()
    response = client.get(f"/mot-cua/ho-so/{code}/tep-thao-tac/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bien-ban.pdf"'
    page = client.get(page_of(code)).content.decode()
    assert f'href="/mot-cua/ho-so/{code}/tep/{document.pk}/"' in page
    assert f'href="/mot-cua/ho-so/{code}/tep-thao-tac/{attachment.pk}/"' in page
    # A file of another dossier under this code is absent.
    assert client.get(f"/mot-cua/ho-so/{code}/tep-thao-tac/{attachment.pk + 1}/").status_code == 404
    outsider = signed_in(officers["outsider"])
    assert outsider.get(f"/mot-cua/ho-so/{code}/tep-thao-tac/{attachment.pk}/").status_code == 404


def test_a_file_missing_from_storage_is_404(dossier: Dossier, officers: dict[str, Any]) -> None:
    document = dossier.documents.get()
    default_storage.delete(str(document.file.name))
    response = signed_in(officers["reception"]).get(
        f"/mot-cua/ho-so/{dossier.code}/tep/{document.pk}/"
    )
    assert response.status_code == 404


# ---------------------------------------------------------------------------------------
# The register


def test_the_register_in_register_order(
    citizen: Any,
    online_procedure: Procedure,
    officers: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    dossiers = [submit(citizen, online_procedure, key=f"r{i}") for i in range(3)]
    for d in reversed(dossiers):
        act(d, officers["reception"], "accept")
    year = timezone.localtime().year
    client = signed_in(officers["reception"])
    with django_assert_max_num_queries(12):
        response = client.get(REGISTER)
    assert response.status_code == 200
    body = response.content.decode()
    codes = re.findall(r'<a class="code" href="/mot-cua/ho-so/([^/]+)/">', body)
    assert codes == [str(d.code) for d in reversed(dossiers)]
    assert re.findall(r'<td class="num" data-label="STT">(\d+)</td>', body) == ["1", "2", "3"]
    page = text(response)
    assert f"Sở Tư pháp – năm {year}" in page  # noqa: RUF001
    assert "12 đường Phú Riềng Đỏ" in page and "0912345678" in page
    exports = re.findall(r'<a href="(/api/v1/backoffice/register/[^"]+)">', body)
    assert exports == [
        f"/api/v1/backoffice/register/?agency=000.00.01.H10&amp;year={year}&amp;format=pdf",
        f"/api/v1/backoffice/register/?agency=000.00.01.H10&amp;year={year}&amp;format=pdf"
        f"&amp;month={timezone.localdate().month}",
        f"/api/v1/backoffice/register/?agency=000.00.01.H10&amp;year={year}&amp;format=xlsx",
    ]
    assert inbox_codes(client.get(REGISTER, {"year": year - 1})) == []


def test_the_register_of_another_agency_is_refused(
    accepted: Dossier, officers: dict[str, Any], province: dict[str, Any]
) -> None:
    response = signed_in(officers["outsider"]).get(
        REGISTER, {"agency": "000.00.01.H10", "year": str(timezone.localtime().year)}
    )
    assert response.status_code == 400
    assert "Bạn không được xem sổ theo dõi của cơ quan này." in text(response)
    assert str(accepted.code) not in response.content.decode()
    supervisor = signed_in(officers["supervisor"])
    response = supervisor.get(
        REGISTER, {"agency": "000.00.01.H10", "year": str(timezone.localtime().year)}
    )
    assert response.status_code == 200
    assert str(accepted.code) in response.content.decode()


def test_navigation_links(officers: dict[str, Any]) -> None:
    client = signed_in(officers["reception"])
    body = client.get(INBOX).content.decode()
    assert '<a href="/mot-cua/ho-so/" aria-current="page">Hồ sơ cần xử lý</a>' in body
    assert '<a href="/mot-cua/so-theo-doi/">Sổ theo dõi hồ sơ</a>' in body
    body = client.get(REGISTER).content.decode()
    assert '<a href="/mot-cua/so-theo-doi/" aria-current="page">Sổ theo dõi hồ sơ</a>' in body
