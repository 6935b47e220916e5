"""The back office's dossier page shows the signatures of the PDFs applicants uploaded."""

from __future__ import annotations

import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from conftest import second_factor_force_login
from dichvucong.catalogue.models import Procedure
from dichvucong.documents.models import DocumentSignatureCheck
from dichvucong.documents.services import document_signature_check
from dichvucong.documents.tests.test_verification import append_content
from dichvucong.dossiers import services
from dichvucong.dossiers.models import DocumentKind, Dossier
from dichvucong.dossiers.tests.fixtures import EXAMPLE, ID_COPY_FIELD


def submit_with(citizen: Any, procedure: Procedure, *files: tuple[str, bytes]) -> Dossier:
    uploads = [SimpleUploadedFile(n, c, content_type="application/pdf") for n, c in files]
    return services.dossier_submit(
        applicant=citizen,
        procedure=procedure,
        form_data=dict(EXAMPLE),
        files={ID_COPY_FIELD: uploads},
        idempotency_key="sig-1",
    ).dossier


def page(officer: Any, dossier: Dossier) -> Any:
    client = second_factor_force_login(Client(), officer)
    return client.get(f"/mot-cua/ho-so/{dossier.code}/")


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_officer_sees_each_uploaded_pdfs_signatures(
    signed_pdf: bytes,
    receipt_pdf: bytes,
    citizen: Any,
    online_procedure: Procedure,
    officers: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    dossier = submit_with(
        citizen,
        online_procedure,
        ("giay-phep-ky-so.pdf", signed_pdf),
        ("ban-da-sua.pdf", append_content(signed_pdf)),
        ("ban-chup.pdf", receipt_pdf),
    )
    kinds = list(dossier.documents.order_by("pk").values_list("kind", flat=True))
    assert kinds == [DocumentKind.SIGNED_PDF, DocumentKind.SIGNED_PDF, DocumentKind.PDF]

    # First view: the checks are queued on commit (and run at once without a broker).
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = page(officers["reception"], dossier)
    assert response.status_code == 200
    assert len(callbacks) == 3
    assert "Đang kiểm tra chữ ký số" in text(response)

    response = page(officers["reception"], dossier)
    body = text(response)
    assert "Chữ ký số trên tệp PDF" in body
    when = f"{timezone.localtime(dossier.submitted_at):%d/%m/%Y}"
    document = "(Bản chụp chứng minh nhân dân hoặc hộ chiếu)"
    assert re.search(
        rf"giay-phep-ky-so\.pdf {re.escape(document)} Chữ ký hợp lệ "
        rf"Ký bởi Ủy ban nhân dân thị xã Đồng Xoài, lúc \d\d:\d\d {when}: Chữ ký hợp lệ\. "
        rf"ban-da-sua\.pdf {re.escape(document)} Đã bị sửa đổi sau khi ký "
        rf"Ký bởi Ủy ban nhân dân thị xã Đồng Xoài, lúc \d\d:\d\d {when}: "
        rf"Tài liệu đã bị sửa đổi sau khi ký\. "
        rf"ban-chup\.pdf {re.escape(document)} Không có chữ ký số Quá trình xử lý",
        body,
    ), body[body.find("Chữ ký số trên tệp PDF") :][:800]
    statuses = sorted(
        DocumentSignatureCheck.objects.filter(document__dossier=dossier).values_list(
            "status", flat=True
        )
    )
    assert statuses == ["altered", "unsigned", "valid"]


def test_checks_are_made_once(
    signed_pdf: bytes, citizen: Any, online_procedure: Procedure, officers: dict[str, Any]
) -> None:
    dossier = submit_with(citizen, online_procedure, ("ky-so.pdf", signed_pdf))
    document = dossier.documents.get()

    first = document_signature_check(document_id=document.pk)
    again = document_signature_check(document_id=document.pk)

    assert first is not None and again is not None
    assert (again.pk, again.checked_at, again.status) == (first.pk, first.checked_at, "valid")
    assert DocumentSignatureCheck.objects.count() == 1
    [finding] = again.findings()
    assert finding.organisation == "Ủy ban nhân dân thị xã Đồng Xoài"
    assert finding.signing_time is not None and finding.signing_time.tzinfo is not None


def test_pages_with_checks_do_not_recheck_and_queries_do_not_grow(
    signed_pdf: bytes,
    citizen: Any,
    online_procedure: Procedure,
    officers: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    one = submit_with(citizen, online_procedure, ("a.pdf", signed_pdf))
    many = services.dossier_submit(
        applicant=citizen,
        procedure=online_procedure,
        form_data=dict(EXAMPLE),
        files={
            ID_COPY_FIELD: [
                SimpleUploadedFile(f"{i}.pdf", signed_pdf, content_type="application/pdf")
                for i in range(4)
            ]
        },
        idempotency_key="sig-2",
    ).dossier
    for document in [*one.documents.all(), *many.documents.all()]:
        document_signature_check(document_id=document.pk)
    page(officers["reception"], one)  # sessions, caches
    with CaptureQueriesContext(connection) as few:
        assert page(officers["reception"], one).status_code == 200
    with django_assert_max_num_queries(len(few)):
        assert page(officers["reception"], many).status_code == 200


def test_another_agencys_officer_gets_404_and_nothing_is_checked(
    signed_pdf: bytes,
    citizen: Any,
    online_procedure: Procedure,
    officers: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    dossier = submit_with(citizen, online_procedure, ("ky-so.pdf", signed_pdf))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = page(officers["outsider"], dossier)

    assert response.status_code == 404
    assert callbacks == []
    assert DocumentSignatureCheck.objects.count() == 0


def test_a_dossier_without_pdfs_has_no_signature_section(
    citizen: Any, online_procedure: Procedure, officers: dict[str, Any]
) -> None:
    png = SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
    dossier = services.dossier_submit(
        applicant=citizen,
        procedure=online_procedure,
        form_data=dict(EXAMPLE),
        files={ID_COPY_FIELD: [png]},
        idempotency_key="sig-3",
    ).dossier

    response = page(officers["reception"], dossier)

    assert response.status_code == 200
    assert "Chữ ký số trên tệp PDF" not in text(response)


def test_the_admin_lists_checks_read_only(
    signed_pdf: bytes, citizen: Any, online_procedure: Procedure
) -> None:
    from dichvucong.accounts.models import User

    dossier = submit_with(citizen, online_procedure, ("ky-so.pdf", signed_pdf))
    check = document_signature_check(document_id=dossier.documents.get().pk)
    assert check is not None
    admin = User.objects.create_superuser("quantri", "qt@example.vn", "mat-khau-quan-tri-12")
    client = second_factor_force_login(Client(), admin)

    listing = client.get("/quan-tri/documents/documentsignaturecheck/")
    url = f"/quan-tri/documents/documentsignaturecheck/{check.pk}/change/"
    detail = client.get(url)

    assert listing.status_code == 200
    assert "ky-so.pdf" in listing.content.decode()
    assert str(dossier.code) in listing.content.decode()
    assert detail.status_code == 200
    assert client.post(url, {"status": "altered"}).status_code == 403
    check.refresh_from_db()
    assert check.status == "valid"
