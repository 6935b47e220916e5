"""Issue on approval: the approve effect numbers the result, the task renders and signs it."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.core.files.storage import default_storage
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from dichvucong.catalogue.models import Procedure
from dichvucong.core import background
from dichvucong.documents import pki
from dichvucong.documents.verification import VerificationStatus, pdf_verify
from dichvucong.dossiers.models import Dossier, DossierStatus
from dichvucong.notifications.models import Notification
from dichvucong.results.models import IssuedResult, ResultStatus
from dichvucong.results.services import issued_result_retry, issued_result_sign
from dichvucong.workflows.models import WorkflowAction

from .conftest import act, submit, to_approving


def root_context() -> ValidationContext:
    root = pki.load_certificate(pki.root_cert_path())
    return ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))],
        allow_fetching=False,
    )


def stored(result: IssuedResult) -> bytes:
    with default_storage.open(str(result.file.name), "rb") as stream:
        data: bytes = stream.read()
    return data


def test_the_default_workflow_approves_with_the_approve_effect(db: Any) -> None:
    action = WorkflowAction.objects.get(workflow__is_default=True, code="approve")
    assert action.effect == "approve"


def test_approve_issues_a_signed_result(issued: Dossier, citizen: Any) -> None:
    result = IssuedResult.objects.get(dossier=issued)
    assert issued.status == DossierStatus.RELEASING
    assert result.status == ResultStatus.ISSUED
    assert result.agency_id == issued.agency_id
    assert result.number == f"01/{result.year}/KQ"
    assert result.attempts == 1
    assert result.last_error == ""
    data = stored(result)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.size == len(data)
    event = issued.events.get(action="approve")
    assert event.data["result"] == {
        "uuid": str(result.uuid),
        "number": result.number,
        "status": "pending",
    }
    # pyHanko's own validator, independently of the project's verification code.
    (signature,) = PdfFileReader(io.BytesIO(data)).embedded_signatures
    status = validate_pdf_signature(signature, root_context())
    assert status.bottom_line is True
    assert status.intact is True
    assert status.trusted is True
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["organization_name"] == "Sở Tư pháp"
    assert signature.sig_object["/Reason"] == "Phát hành kết quả giải quyết TTHC"
    # And the project's verification.
    report = pdf_verify(pdf=data)
    assert report.status == VerificationStatus.VALID
    # The document says what it is.
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert str(issued.code) in text
    assert "NGUYỄN VĂN AN" in text
    assert f"/verify/{result.uuid}/" in text
    notification = Notification.objects.get(user=citizen, event="result_issued")
    assert notification.key == f"result-issued:{result.uuid}"


def test_the_task_is_idempotent(issued: Dossier) -> None:
    result = IssuedResult.objects.get(dossier=issued)
    before = (result.sha256, result.file.name, result.issued_at, result.attempts)
    files_before = default_storage.listdir(Path(str(result.file.name)).parent.as_posix())[1]
    again = issued_result_sign(result_id=result.pk)
    again.refresh_from_db()
    assert (again.sha256, again.file.name, again.issued_at, again.attempts) == before
    assert default_storage.listdir(Path(str(result.file.name)).parent.as_posix())[1] == files_before
    assert Notification.objects.filter(event="result_issued").count() == 1


def test_a_failure_is_visible_and_retried(
    approving: Dossier,
    officers: dict[str, Any],
    settings: Any,
    tmp_path: Path,
    signing_pki: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.SIGNING_DIR = tmp_path  # no key for the agency here
    with django_capture_on_commit_callbacks(execute=True):
        act(approving, officers["approver"], "approve")
    result = IssuedResult.objects.get(dossier=approving)
    assert result.status == ResultStatus.FAILED
    assert result.attempts == 1
    assert result.last_error.startswith("SigningUnavailable: no signing key for agency")
    assert not result.file
    approving.refresh_from_db()
    assert approving.status == DossierStatus.RELEASING  # the approval itself stands

    settings.SIGNING_DIR = signing_pki
    with django_capture_on_commit_callbacks(execute=True):
        issued_result_retry(result=result, officer=officers["reception"])
    result.refresh_from_db()
    assert (result.status, result.attempts, result.last_error) == (ResultStatus.ISSUED, 2, "")
    assert pdf_verify(pdf=stored(result)).status == VerificationStatus.VALID


def test_an_outsider_cannot_retry(
    approving: Dossier,
    officers: dict[str, Any],
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.SIGNING_DIR = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        act(approving, officers["approver"], "approve")
    result = IssuedResult.objects.get(dossier=approving)
    try:
        issued_result_retry(result=result, officer=officers["outsider"])
    except Exception as exc:
        assert "không có quyền" in str(exc)
    else:
        raise AssertionError("an outsider retried")
    result.refresh_from_db()
    assert (result.status, result.attempts) == (ResultStatus.FAILED, 1)


def test_without_online_results_approval_is_unchanged(
    citizen: Any,
    online_procedure: Procedure,
    officers: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert online_procedure.online_result_enabled is False
    dossier = to_approving(submit(citizen, online_procedure), officers)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = act(dossier, officers["approver"], "approve")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RELEASING
    assert dossier.result_at == event.created_at
    assert event.data == {"effect": "approve"}
    assert not IssuedResult.objects.exists()
    assert not Notification.objects.filter(event="result_issued").exists()
    # Only the engine's own notification was queued: no signing task.
    queued = [c.args[0].name for c in callbacks if getattr(c, "func", None) is background._send]
    assert "dichvucong.results.tasks.issued_result_sign_task" not in queued
    assert "dichvucong.dossiers.tasks.dossier_event_notify" in queued
