from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers import services
from dichvucong.dossiers.models import Dossier, DossierStatus
from dichvucong.dossiers.tests.fixtures import EXAMPLE, ID_COPY_FIELD, pdf_upload

APPLY = "/thu-tuc/1.001776.000.00.00.H10/nop-truc-tuyen/"


def form_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "agency": "000.00.01.H10",
        "f-ho_ten": EXAMPLE["ho_ten"],
        "f-so_dinh_danh": EXAMPLE["so_dinh_danh"],
        "f-muc_dich": EXAMPLE["muc_dich"],
        "f-so_luong": str(EXAMPLE["so_luong"]),
        ID_COPY_FIELD: pdf_upload(),
        "action": "submit",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_apply_page_needs_login(online_procedure: Procedure) -> None:
    response = Client().get(APPLY)
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")


def test_apply_page_is_prefilled_from_the_profile(
    citizen: Any, online_procedure: Procedure
) -> None:
    response = logged_in(citizen).get(APPLY)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Nguyễn Văn An"' in html
    assert 'value="074090001234"' in html
    assert 'name="document_2"' in html
    assert "Đã có trong tờ khai điện tử" in html


def test_procedure_page_links_to_online_submission(online_procedure: Procedure) -> None:
    html = Client().get("/thu-tuc/1.001776.000.00.00.H10/").content.decode()
    assert APPLY in html


def test_submit_from_the_page_shows_the_code(citizen: Any, online_procedure: Procedure) -> None:
    client = logged_in(citizen)
    response = client.post(APPLY, form_post())
    dossier = Dossier.objects.get()
    assert dossier.status == DossierStatus.RECEIVING
    assert response.status_code == 302
    assert response["Location"] == f"/ho-so-cua-toi/{dossier.code}/?moi=1"
    page = client.get(response["Location"]).content.decode()
    assert "Đã nộp hồ sơ thành công" in page
    assert str(dossier.code) in page
    assert "Mục đích sử dụng phiếu" in page  # the form's labels, read-only
    assert "Rút hồ sơ" in page


def test_invalid_form_shows_field_errors_and_keeps_a_draft(
    citizen: Any, online_procedure: Procedure
) -> None:
    client = logged_in(citizen)
    response = client.post(APPLY, form_post(**{"f-so_dinh_danh": "123", ID_COPY_FIELD: None}))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Đã lưu bản nháp, nhưng hồ sơ chưa nộp được" in html
    assert "12 chữ số" in html
    assert 'aria-invalid="true"' in html
    assert "Vui lòng đính kèm “Bản chụp chứng minh nhân dân hoặc hộ chiếu”." in html
    draft = Dossier.objects.get()
    assert (draft.status, draft.code) == (DossierStatus.DRAFT, None)
    assert draft.form_data["so_dinh_danh"] == "123"


def test_disguised_file_is_refused_on_the_page(citizen: Any, online_procedure: Procedure) -> None:
    fake = SimpleUploadedFile("cccd.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    response = logged_in(citizen).post(APPLY, form_post(**{ID_COPY_FIELD: fake}))
    assert response.status_code == 400
    html = response.content.decode()
    assert "không phải PDF, JPEG, PNG, DOCX hoặc XLSX" in html
    assert "Các tệp vừa chọn chưa được lưu" in html
    assert Dossier.objects.count() == 0


def test_save_draft_then_submit_later(citizen: Any, online_procedure: Procedure) -> None:
    client = logged_in(citizen)
    response = client.post(APPLY, form_post(action="save", **{"f-muc_dich": ""}))
    draft = Dossier.objects.get()
    assert response["Location"] == f"/ho-so-cua-toi/nhap/{draft.pk}/"
    page = client.get("/ho-so-cua-toi/").content.decode()
    assert "Bản nháp — tiếp tục" in page
    response = client.post(f"/ho-so-cua-toi/nhap/{draft.pk}/", form_post(**{ID_COPY_FIELD: None}))
    draft.refresh_from_db()
    assert draft.status == DossierStatus.RECEIVING
    assert response["Location"] == f"/ho-so-cua-toi/{draft.code}/?moi=1"


@pytest.fixture
def dossier(citizen: Any, online_procedure: Procedure, fresh_storage: None) -> Dossier:
    return services.dossier_submit(
        applicant=citizen,
        procedure=online_procedure,
        form_data=dict(EXAMPLE),
        files={ID_COPY_FIELD: [pdf_upload()]},
        idempotency_key="portal-test",
    ).dossier


def test_access_matrix_of_the_pages(citizen: Any, other_citizen: Any, dossier: Dossier) -> None:
    document = dossier.documents.get()
    urls = [
        f"/ho-so-cua-toi/{dossier.code}/",
        f"/ho-so-cua-toi/tep/{dossier.pk}/{document.pk}/",
    ]
    owner, other = logged_in(citizen), logged_in(other_citizen)
    for url in urls:
        assert owner.get(url).status_code == 200, url
        response = other.get(url)
        assert response.status_code == 404, url
        assert "Nguyễn Văn An" not in response.content.decode()
        assert Client().get(url).status_code == 302, url
    assert other.post(f"/ho-so-cua-toi/{dossier.code}/rut/").status_code == 404
    assert Client().post(f"/ho-so-cua-toi/{dossier.code}/rut/").status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVING
    assert str(dossier.code) not in other.get("/ho-so-cua-toi/").content.decode()


def test_download_serves_the_file_as_an_attachment(citizen: Any, dossier: Dossier) -> None:
    document = dossier.documents.get()
    response = logged_in(citizen).get(f"/ho-so-cua-toi/tep/{dossier.pk}/{document.pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="cccd.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]


def test_another_applicants_draft_is_404(
    citizen: Any, other_citizen: Any, online_procedure: Procedure
) -> None:
    draft = services.dossier_draft_save(
        applicant=citizen, procedure=online_procedure, form_data=dict(EXAMPLE), files={}
    )
    other = logged_in(other_citizen)
    assert other.get(f"/ho-so-cua-toi/nhap/{draft.pk}/").status_code == 404
    assert other.post(f"/ho-so-cua-toi/nhap/{draft.pk}/", form_post()).status_code == 404
    assert other.post(f"/ho-so-cua-toi/nhap/{draft.pk}/xoa/").status_code == 404
    draft.refresh_from_db()
    assert draft.form_data == EXAMPLE


def test_withdraw_from_the_page(citizen: Any, dossier: Dossier) -> None:
    client = logged_in(citizen)
    response = client.post(f"/ho-so-cua-toi/{dossier.code}/rut/", {"reason": "Nộp nhầm"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.CANCELLED
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Công dân rút hồ sơ" in page
    assert "Rút hồ sơ này" not in page


def test_lookup_page(dossier: Dossier) -> None:
    response = Client().get("/tra-cuu-ho-so/", {"ma": str(dossier.code)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mới đăng ký" in html
    assert "Sở Tư pháp" in html
    assert f"{timezone.localtime(dossier.submitted_at):%d/%m/%Y}" in html
    for personal in ("Nguyễn Văn An", "074090001234", "0912345678"):
        assert personal not in html
    missing = Client().get("/tra-cuu-ho-so/", {"ma": "000.00.01.H10-150302-0009"})
    assert missing.status_code == 404
    assert "Không tìm thấy hồ sơ" in missing.content.decode()


def test_lookup_page_is_rate_limited(
    dossier: Dossier, settings: Any, rate_limit_clock: float
) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "p"},
    }
    client = Client()
    query = {"ma": str(dossier.code)}
    statuses = [client.get("/tra-cuu-ho-so/", query).status_code for _ in range(31)]
    assert statuses == [200] * 30 + [429]


def test_the_same_page_posted_twice_makes_one_dossier(
    citizen: Any, online_procedure: Procedure
) -> None:
    client = logged_in(citizen)
    page = client.get(APPLY).content.decode()
    key = re.search(r'name="page_key" value="([0-9a-f]{32})"', page)
    assert key is not None
    first = client.post(APPLY, form_post(page_key=key.group(1)))
    second = client.post(APPLY, form_post(page_key=key.group(1)))
    dossier = Dossier.objects.get()
    assert first["Location"] == f"/ho-so-cua-toi/{dossier.code}/?moi=1"
    assert second["Location"] == f"/ho-so-cua-toi/{dossier.code}/"
    assert dossier.documents.count() == 1


def test_my_dossiers_queries_do_not_grow(
    citizen: Any, online_procedure: Procedure, fresh_storage: None
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in(citizen)
    services.dossier_draft_save(
        applicant=citizen, procedure=online_procedure, form_data={}, files={}
    )
    with CaptureQueriesContext(connection) as one:
        client.get("/ho-so-cua-toi/")
    for _ in range(3):
        services.dossier_draft_save(
            applicant=citizen, procedure=online_procedure, form_data={}, files={}
        )
    with CaptureQueriesContext(connection) as four:
        page = client.get("/ho-so-cua-toi/").content.decode()
    assert page.count("Bản nháp — tiếp tục") == 4
    assert len(four) == len(one)
