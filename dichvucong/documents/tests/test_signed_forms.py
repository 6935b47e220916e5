"""Forms 01-06 come out signed by the agency when the PKI has its key."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.test import Client
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from dichvucong.catalogue.models import Procedure
from dichvucong.documents.tests.test_signing import root_context
from dichvucong.documents.verification import VerificationStatus, pdf_verify
from dichvucong.dossiers.tests.test_actions import act, submit
from dichvucong.dossiers.tests.test_api_backoffice import token_client

BACKOFFICE = "/api/v1/backoffice/dossiers/"


def signature_of(content: bytes) -> Any:
    [sig] = PdfFileReader(io.BytesIO(content)).embedded_signatures
    return sig


def test_a_served_receipt_carries_the_agencys_valid_signature(
    signing_pki: Path, citizen: Any, online_procedure: Procedure, officers: dict[str, Any]
) -> None:
    dossier = submit(citizen, online_procedure)
    act(dossier, officers["reception"], "accept")

    response = token_client(officers["reception"]).get(f"{BACKOFFICE}{dossier.code}/forms/1/")

    assert response.status_code == 200
    sig = signature_of(response.content)
    status = validate_pdf_signature(sig, root_context())
    assert status.bottom_line is True
    assert status.signing_cert.subject.native["organization_name"] == "Sở Tư pháp"
    assert sig.sig_object["/Reason"] == ("Mẫu số 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    assert pdf_verify(pdf=response.content).status == VerificationStatus.VALID

    # The applicant's copy, from the portal, is signed too.
    client = Client()
    client.force_login(citizen)
    response = client.get(f"/ho-so-cua-toi/{dossier.code}/mau/1/")
    assert response.status_code == 200
    assert validate_pdf_signature(signature_of(response.content), root_context()).bottom_line


def test_the_register_is_signed(
    signing_pki: Path, citizen: Any, online_procedure: Procedure, officers: dict[str, Any]
) -> None:
    dossier = submit(citizen, online_procedure)
    act(dossier, officers["reception"], "accept")

    response = token_client(officers["reception"]).get(
        "/api/v1/backoffice/register/",
        {"agency": "000.00.01.H10", "year": str(timezone.localdate().year), "format": "pdf"},
        HTTP_ACCEPT="application/pdf",
    )

    assert response.status_code == 200, response.content[:300]
    sig = signature_of(response.content)
    assert sig.sig_object["/Reason"] == "Mẫu số 06: Sổ theo dõi hồ sơ"
    assert validate_pdf_signature(sig, root_context()).bottom_line is True


def test_without_a_key_the_form_is_served_unsigned_and_logged(
    citizen: Any, online_procedure: Procedure, officers: dict[str, Any], caplog: Any
) -> None:
    dossier = submit(citizen, online_procedure)
    act(dossier, officers["reception"], "accept")

    with caplog.at_level("INFO", logger="dichvucong.documents.signing"):
        response = token_client(officers["reception"]).get(f"{BACKOFFICE}{dossier.code}/forms/1/")

    assert response.status_code == 200
    assert PdfFileReader(io.BytesIO(response.content)).embedded_signatures == []
    assert "PDF served unsigned: no signing key for agency 000.00.01.H10" in caplog.text
