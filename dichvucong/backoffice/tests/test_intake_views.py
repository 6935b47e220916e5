"""The counter pages: paper dossiers at the counter, online dossiers filed for a citizen."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from conftest import second_factor_force_login
from dichvucong.accounts.models import Membership
from dichvucong.backoffice.intake_views import ASSISTED_CITIZEN
from dichvucong.catalogue.models import Procedure, RequiredDocument, ServiceLevel
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.fixtures import EXAMPLE, ID_COPY_FIELD, pdf_upload

START = "/mot-cua/tiep-nhan/"
ASSISTED = "/mot-cua/nop-ho-tro/"


@pytest.fixture
def paper_procedure(procedures: Any) -> Procedure:
    """The justice-record procedure at level 2: Sở Tư pháp takes it on paper."""
    procedure: Procedure = procedures[0].procedure
    Procedure.objects.filter(pk=procedure.pk).update(level=ServiceLevel.LEVEL_2)
    procedure.refresh_from_db()
    return procedure


@pytest.fixture
def level_3(online_procedure: Procedure) -> Procedure:
    Procedure.objects.filter(pk=online_procedure.pk).update(level=ServiceLevel.LEVEL_3)
    online_procedure.refresh_from_db()
    return online_procedure


@pytest.fixture
def reception(client: Client, officers: dict[str, Any]) -> Client:
    return second_factor_force_login(client, officers["reception"])


def documents_of(procedure: Procedure) -> list[RequiredDocument]:
    return list(
        RequiredDocument.objects.filter(case__version=procedure.current_version).order_by(
            "position", "pk"
        )
    )


def paper_post(procedure: Procedure, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Trần Thị Bình",
        "id_number": "074190005678",
        "phone": "0987654321",
        "email": "binh.tran@example.vn",
        "address": "Khu phố 3, phường Tân Phú, thị xã Đồng Xoài",
        "documents": [d.pk for d in documents_of(procedure)[:2]],
        "copies": "1",
        "note": "Bản sao căn cước đã đối chiếu bản chính.",
        "page_key": "trang-quay-1",
        "action": "accept",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# Who may use the counter --------------------------------------------------------------


@pytest.mark.parametrize("url", [START, ASSISTED])
def test_anonymous_officers_go_to_the_sign_in(client: Client, url: str, db: Any) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/mot-cua/dang-nhap/?next={url}"


@pytest.mark.parametrize("who", ["specialist", "head", "approver", "supervisor"])
def test_only_reception_officers_use_the_counter(
    client: Client, officers: dict[str, Any], paper_procedure: Procedure, who: str
) -> None:
    second_factor_force_login(client, officers[who])
    for url in (START, ASSISTED, f"{ASSISTED}{paper_procedure.code}/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Trang này dành cho cán bộ có vai trò “Tiếp nhận và trả kết quả”." in (
            response.content.decode()
        )
    response = client.post(f"{START}{paper_procedure.code}/", paper_post(paper_procedure))
    assert response.status_code == 403
    assert Dossier.objects.count() == 0


# Step 1: the procedure ------------------------------------------------------------------


def test_the_counter_lists_the_procedures_its_agency_receives(
    reception: Client, paper_procedure: Procedure, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(10):
        response = reception.get(START)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam" in page
    assert f'href="{START}{paper_procedure.code}/"' in page
    assert "Mức độ 2" in page
    # The construction permit is received in Đồng Xoài, not at Sở Tư pháp.
    assert "Cấp giấy phép xây dựng nhà ở riêng lẻ" not in page
    assert [r["procedure"].code for r in response.context["rows"]] == [paper_procedure.code]


@pytest.mark.parametrize(
    ("query", "found"), [("ly lich tu phap", 1), ("1.001776", 1), ("giay phep xay dung", 0)]
)
def test_the_counter_finds_procedures_by_name_or_code(
    reception: Client, paper_procedure: Procedure, query: str, found: int
) -> None:
    response = reception.get(START, {"q": query})
    assert response.status_code == 200
    assert len(response.context["rows"]) == found


def test_an_online_procedure_leads_to_the_assisted_submission(
    reception: Client, level_3: Procedure
) -> None:
    listed = reception.get(START)
    assert listed.context["rows"][0]["online"] is True
    assert f'href="{ASSISTED}?thu-tuc={level_3.code}"' in listed.content.decode()

    response = reception.get(f"{START}{level_3.code}/")
    assert response.status_code == 302
    assert response["Location"] == f"{ASSISTED}?thu-tuc={level_3.code}"
    assert messages_of(response) == [
        f"Thủ tục {level_3.code} nộp trực tuyến (mức độ 3): Bộ phận Một cửa không nhận hồ sơ "
        "giấy mà nộp trực tuyến giúp công dân vào tài khoản của họ."
    ]
    posted = reception.post(f"{START}{level_3.code}/", paper_post(level_3))
    assert posted.status_code == 302
    assert Dossier.objects.count() == 0


def test_another_agencys_procedure_is_not_found(reception: Client, procedures: Any) -> None:
    permit = procedures[1].procedure
    response = reception.get(f"{START}{permit.code}/")
    assert response.status_code == 404
    assert reception.post(f"{START}{permit.code}/", paper_post(permit)).status_code == 404
    assert Dossier.objects.count() == 0


# Step 2: the paper dossier -----------------------------------------------------------------


def test_the_paper_form_lists_each_document_with_its_counts(
    reception: Client, paper_procedure: Procedure
) -> None:
    response = reception.get(f"{START}{paper_procedure.code}/")
    assert response.status_code == 200
    page = response.content.decode()
    documents = documents_of(paper_procedure)
    first = documents[0]
    assert f'name="documents" value="{first.pk}" id="id_documents_0"' in page
    assert f"Bản chính: {first.originals} · Bản sao: {first.copies}" in page
    assert f'name="scan_{first.pk}"' in page
    assert response.context["form"]["page_key"].value()  # a fresh key per rendered form
    assert "Tiếp nhận và in giấy hẹn" in page
    assert "Chỉ ghi nhận" in page


def test_accept_at_once_records_the_dossier_and_opens_its_page(
    reception: Client, paper_procedure: Procedure, officers: dict[str, Any], fresh_storage: None
) -> None:
    documents = documents_of(paper_procedure)
    data = paper_post(paper_procedure)
    data[f"scan_{documents[0].pk}"] = pdf_upload("to-khai.pdf")
    response = reception.post(f"{START}{paper_procedure.code}/", data)
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/mot-cua/ho-so/{dossier.code}/"
    assert (dossier.channel, dossier.status, dossier.copies) == ("direct", "new", 1)
    assert dossier.entered_by == officers["reception"]
    assert (dossier.applicant_name, dossier.applicant_id_number, dossier.applicant_email) == (
        "Trần Thị Bình",
        "074190005678",
        "binh.tran@example.vn",
    )
    assert dossier.register_number == 1
    assert [e.action for e in dossier.events.all()] == ["counter_intake", "accept"]
    intake = dossier.events.all()[0]
    assert intake.comment == "Bản sao căn cước đã đối chiếu bản chính."
    assert [d["id"] for d in intake.data["received_documents"]] == [d.pk for d in documents[:2]]
    assert [d.original_name for d in dossier.documents.all()] == ["to-khai.pdf"]
    (message,) = messages_of(response)
    local = timezone.localtime(dossier.due_at)
    receipt = f"/api/v1/backoffice/dossiers/{dossier.code}/forms/01/"
    assert message == (
        f"Đã tiếp nhận hồ sơ {dossier.code}, hẹn trả kết quả lúc {local:%H:%M} ngày "
        f'{local:%d/%m/%Y}. <a href="{receipt}">In giấy tiếp nhận và hẹn trả kết quả (Mẫu 01)</a>'
    )
    printed = reception.get(receipt)
    assert (printed.status_code, printed["Content-Type"]) == (200, "application/pdf")


def test_a_double_post_of_one_form_records_one_dossier(
    reception: Client, paper_procedure: Procedure
) -> None:
    url = f"{START}{paper_procedure.code}/"
    first = reception.post(url, paper_post(paper_procedure))
    second = reception.post(url, paper_post(paper_procedure))
    dossier = Dossier.objects.get()
    assert first["Location"] == second["Location"] == f"/mot-cua/ho-so/{dossier.code}/"
    assert [e.action for e in dossier.events.all()] == ["counter_intake", "accept"]
    # Another form (another key) is another dossier.
    reception.post(url, paper_post(paper_procedure, page_key="trang-quay-2"))
    assert Dossier.objects.count() == 2


def test_record_only_leaves_the_dossier_waiting_for_acceptance(
    reception: Client, paper_procedure: Procedure
) -> None:
    response = reception.post(
        f"{START}{paper_procedure.code}/", paper_post(paper_procedure, action="record")
    )
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/mot-cua/ho-so/{dossier.code}/"
    assert (dossier.status, dossier.state.code if dossier.state else "") == (
        "receiving",
        "submitted",
    )
    assert dossier.due_at is None
    assert messages_of(response) == [f"Đã ghi nhận hồ sơ {dossier.code}. Hồ sơ đang chờ tiếp nhận."]


def test_errors_keep_what_was_typed_and_record_nothing(
    reception: Client, paper_procedure: Procedure
) -> None:
    documents = documents_of(paper_procedure)
    response = reception.post(
        f"{START}{paper_procedure.code}/",
        paper_post(
            paper_procedure,
            name="",
            id_number="0741900",
            documents=None,
            copies="0",
            **{f"scan_{documents[0].pk}": pdf_upload()},
        ),
    )
    assert response.status_code == 400
    assert Dossier.objects.count() == 0
    form = response.context["form"]
    assert form.errors == {
        "name": ["Vui lòng nhập họ tên người nộp."],
        "id_number": ["Số định danh cá nhân (căn cước công dân) gồm đúng 12 chữ số."],
        "documents": ["Đánh dấu các giấy tờ công dân đã nộp."],
        "copies": ["Số bộ hồ sơ từ 1 đến 20."],
        "__all__": ["Các tệp vừa chọn chưa được lưu: vui lòng chọn lại."],
    }
    page = response.content.decode()
    assert 'role="alert"' in page
    assert 'value="0987654321"' in page
    assert 'value="trang-quay-1"' in page  # the same key: fixing and resending is one dossier
    assert 'href="#id_name"' in page


def test_a_document_of_another_procedure_is_refused(
    reception: Client, paper_procedure: Procedure, procedures: Any
) -> None:
    other = documents_of(procedures[1].procedure)[0]
    response = reception.post(
        f"{START}{paper_procedure.code}/", paper_post(paper_procedure, documents=[other.pk])
    )
    assert response.status_code == 400
    assert "documents" in response.context["form"].errors
    assert Dossier.objects.count() == 0


def test_an_officer_receiving_at_two_agencies_chooses_one(
    reception: Client, paper_procedure: Procedure, officers: dict[str, Any], province: Any
) -> None:
    Membership.objects.create(
        user=officers["reception"], agency=province["000.00.20.H10"], role="reception"
    )
    # Sở Tư pháp first (by code); Đồng Xoài receives the construction permit.
    assert [r["procedure"].code for r in reception.get(START).context["rows"]] == [
        paper_procedure.code
    ]
    response = reception.get(START, {"co-quan": "000.00.20.H10"})
    assert [r["procedure"].code for r in response.context["rows"]] == ["1.008891.000.00.00.H10"]
    assert 'name="co-quan"' in response.content.decode()


# Assisted online submission -----------------------------------------------------------------


def test_a_citizen_id_without_an_account_is_told_to_register(
    reception: Client, level_3: Procedure
) -> None:
    response = reception.post(
        ASSISTED, {"id_number": "079301000111", "thu-tuc": level_3.code, "action": "find"}
    )
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không có tài khoản nào trên Cổng Dịch vụ công với số 079301000111." in page
    assert 'href="/tai-khoan/dang-ky/"' in page
    assert ASSISTED_CITIZEN not in reception.session
    assert Dossier.objects.count() == 0


def test_a_malformed_id_is_refused(reception: Client, level_3: Procedure) -> None:
    response = reception.post(ASSISTED, {"id_number": "12345", "action": "find"})
    assert response.status_code == 400
    assert response.context["lookup"].errors == {
        "id_number": ["Nhập 12 chữ số định danh cá nhân, hoặc mã số thuế 10 chữ số."]
    }


def test_assisted_submission_files_the_dossier_in_the_citizens_account(
    reception: Client,
    level_3: Procedure,
    citizen: Any,
    officers: dict[str, Any],
    fresh_storage: None,
) -> None:
    found = reception.post(
        ASSISTED, {"id_number": "074090001234", "thu-tuc": level_3.code, "action": "find"}
    )
    form_url = f"{ASSISTED}{level_3.code}/"
    assert found.status_code == 302
    assert found["Location"] == form_url
    assert reception.session[ASSISTED_CITIZEN] == citizen.pk

    page = reception.get(form_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Nguyễn Văn An"' in html  # prefilled from the citizen's profile
    assert 'value="074090001234"' in html
    key = page.context["page_key"]

    data = {
        "page_key": key,
        "f-ho_ten": EXAMPLE["ho_ten"],
        "f-so_dinh_danh": EXAMPLE["so_dinh_danh"],
        "f-muc_dich": EXAMPLE["muc_dich"],
        "f-so_luong": "1",
        ID_COPY_FIELD: pdf_upload(),
    }
    response = reception.post(form_url, data)
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/mot-cua/ho-so/{dossier.code}/"
    assert (dossier.applicant, dossier.entered_by, dossier.channel, dossier.status) == (
        citizen,
        officers["reception"],
        "online",
        "receiving",
    )
    assert dossier.form_data == EXAMPLE
    assert messages_of(response) == [
        f"Đã nộp hồ sơ {dossier.code} vào tài khoản của Nguyễn Văn An."
    ]
    assert ASSISTED_CITIZEN not in reception.session


def test_assisted_errors_are_shown_and_nothing_is_filed(
    reception: Client, level_3: Procedure, citizen: Any
) -> None:
    session = reception.session
    session[ASSISTED_CITIZEN] = citizen.pk
    session.save()
    response = reception.post(
        f"{ASSISTED}{level_3.code}/",
        {
            "page_key": "ho-tro-1",
            "f-ho_ten": "Nguyễn Văn An",
            "f-so_dinh_danh": "123",
            "f-muc_dich": "Xin việc",
            "f-so_luong": "1",
        },
    )
    assert response.status_code == 400
    assert Dossier.objects.count() == 0
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "Vui lòng đính kèm “Bản chụp chứng minh nhân dân hoặc hộ chiếu”." in page
    assert 'value="Xin việc"' in page


def test_the_form_needs_a_citizen_first(reception: Client, level_3: Procedure) -> None:
    response = reception.get(f"{ASSISTED}{level_3.code}/")
    assert response.status_code == 302
    assert response["Location"] == f"{ASSISTED}?thu-tuc={level_3.code}"


def test_a_paper_procedure_is_not_filed_online(
    reception: Client, paper_procedure: Procedure, citizen: Any
) -> None:
    session = reception.session
    session[ASSISTED_CITIZEN] = citizen.pk
    session.save()
    response = reception.get(f"{ASSISTED}{paper_procedure.code}/")
    assert response.status_code == 302
    assert response["Location"] == f"{START}{paper_procedure.code}/"
    listed = reception.get(ASSISTED)
    assert listed.context["rows"] == []  # only online procedures are offered here


def test_changing_the_citizen_forgets_the_one_chosen(
    reception: Client, level_3: Procedure, citizen: Any
) -> None:
    session = reception.session
    session[ASSISTED_CITIZEN] = citizen.pk
    session.save()
    listed = reception.get(ASSISTED)
    assert listed.context["citizen"] == citizen
    assert [r["procedure"].code for r in listed.context["rows"]] == [level_3.code]
    response = reception.post(ASSISTED, {"action": "change"})
    assert response.status_code == 302
    assert ASSISTED_CITIZEN not in reception.session


def test_the_menu_links_the_counter_for_reception_officers_only(
    client: Client, officers: dict[str, Any], paper_procedure: Procedure
) -> None:
    link = '<a href="/mot-cua/tiep-nhan/" aria-current="page">Tiếp nhận tại quầy</a>'
    reception = second_factor_force_login(client, officers["reception"])
    assert link in reception.get(START).content.decode()
    inside = reception.get(f"{START}{paper_procedure.code}/").content.decode()
    assert '<a href="/mot-cua/tiep-nhan/" aria-current="true">Tiếp nhận tại quầy</a>' in inside
    home = reception.get("/mot-cua/").content.decode()
    assert '<a href="/mot-cua/tiep-nhan/">Tiếp nhận tại quầy</a>' in home
    assert "Quy trình</a>" not in home
    specialist = second_factor_force_login(Client(), officers["specialist"])
    assert "Tiếp nhận tại quầy" not in specialist.get("/mot-cua/").content.decode()
