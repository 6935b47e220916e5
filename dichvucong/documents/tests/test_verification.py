"""pdf_verify on valid, altered, untrusted, unsigned and non-PDF input."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from dichvucong.documents import pki, signing
from dichvucong.documents.verification import (
    SignatureStatus,
    VerificationStatus,
    pdf_verify,
)
from dichvucong.organizations.models import Agency

DONG_XOAI = "000.00.20.H10"


def flip_signed_byte(pdf: bytes) -> bytes:
    """Change one byte inside the first signed range (in the page content)."""
    position = pdf.index(b"stream", 2000) + 40
    return pdf[:position] + bytes([pdf[position] ^ 0x01]) + pdf[position + 1 :]


def append_content(pdf: bytes) -> bytes:
    """Add an incremental update that draws on the first page (a non-permitted change)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 100 Td (Da sua) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sign_with_throwaway_ca(settings: Any, tmp_path: Path, agency: Agency, pdf: bytes) -> bytes:
    """Sign with a CA the province does not trust (same names, other keys)."""
    trusted_dir = settings.SIGNING_DIR
    settings.SIGNING_DIR = tmp_path
    pki.pki_root_init()
    pki.pki_agency_issue(agency=agency)
    signed = signing.pdf_sign(pdf=pdf, agency=agency, reason="Giả mạo")
    settings.SIGNING_DIR = trusted_dir
    return signed


def test_a_signed_pdf_is_valid(signed_pdf: bytes) -> None:
    before = timezone.now()

    report = pdf_verify(pdf=signed_pdf)

    assert report.status == VerificationStatus.VALID
    assert report.message == "Tài liệu có chữ ký số hợp lệ, chưa bị sửa đổi sau khi ký."
    [finding] = report.signatures
    assert finding.status == SignatureStatus.VALID
    assert finding.message == "Chữ ký hợp lệ."
    assert finding.signer_name == "Ủy ban nhân dân thị xã Đồng Xoài"
    assert finding.organisation == "Ủy ban nhân dân thị xã Đồng Xoài"
    assert finding.agency_code == DONG_XOAI
    assert finding.issuer == "UBND tỉnh Bình Phước - CA thử nghiệm"
    assert finding.field_name == "ChuKyCoQuan"
    assert (finding.intact, finding.trusted, finding.covers_whole_document) == (True, True, True)
    assert (finding.modified_after_signing, finding.timestamped) == (False, False)
    assert finding.timestamp_time is None
    assert finding.signing_time is not None
    assert before - timedelta(minutes=1) < finding.signing_time <= timezone.now()


def test_a_flipped_byte_is_reported_as_altered(signed_pdf: bytes) -> None:
    report = pdf_verify(pdf=flip_signed_byte(signed_pdf))

    assert report.status == VerificationStatus.ALTERED
    assert report.message == "Tài liệu đã bị sửa đổi sau khi ký."
    [finding] = report.signatures
    assert finding.status == SignatureStatus.ALTERED
    assert finding.intact is False
    assert finding.organisation == "Ủy ban nhân dân thị xã Đồng Xoài"


def test_content_added_after_signing_is_reported_as_altered(signed_pdf: bytes) -> None:
    report = pdf_verify(pdf=append_content(signed_pdf))

    assert report.status == VerificationStatus.ALTERED
    [finding] = report.signatures
    assert finding.intact is True
    assert finding.covers_whole_document is False
    assert finding.modified_after_signing is True
    assert finding.message == "Tài liệu đã bị sửa đổi sau khi ký."


def test_a_second_signature_is_a_permitted_change(
    signed_pdf: bytes, province: dict[str, Agency]
) -> None:
    twice = signing.pdf_sign(
        pdf=signed_pdf, agency=province["000.00.01.H10"], reason="Phê duyệt", field_name="ChuKy2"
    )

    report = pdf_verify(pdf=twice)

    assert report.status == VerificationStatus.VALID
    first, second = report.signatures
    assert (first.covers_whole_document, first.modified_after_signing) == (False, False)
    assert first.message == (
        "Chữ ký hợp lệ; sau khi ký, tài liệu chỉ được bổ sung chữ ký hoặc dấu thời gian."
    )
    assert second.organisation == "Sở Tư pháp"
    assert second.covers_whole_document is True


def test_a_signature_from_an_unknown_ca_is_untrusted(
    settings: Any,
    signing_pki: Path,
    tmp_path: Path,
    province: dict[str, Agency],
    receipt_pdf: bytes,
) -> None:
    forged = sign_with_throwaway_ca(settings, tmp_path, province[DONG_XOAI], receipt_pdf)

    report = pdf_verify(pdf=forged)

    assert report.status == VerificationStatus.UNTRUSTED
    [finding] = report.signatures
    assert finding.status == SignatureStatus.UNTRUSTED
    assert (finding.intact, finding.trusted) == (True, False)
    assert finding.message == (
        "Chữ ký của cơ quan không được tin cậy "
        "(chứng thư số không do UBND tỉnh Bình Phước - CA thử nghiệm cấp)."
    )


def test_extra_trust_roots_are_trusted(
    settings: Any,
    signing_pki: Path,
    tmp_path: Path,
    province: dict[str, Agency],
    receipt_pdf: bytes,
) -> None:
    other = sign_with_throwaway_ca(settings, tmp_path, province[DONG_XOAI], receipt_pdf)
    settings.SIGNING_EXTRA_TRUST_ROOTS = [str(tmp_path / pki.ROOT_CERT)]

    assert pdf_verify(pdf=other).status == VerificationStatus.VALID


def test_a_pdf_without_signatures_is_unsigned(receipt_pdf: bytes, signing_pki: Path) -> None:
    report = pdf_verify(pdf=receipt_pdf)

    assert report.status == VerificationStatus.UNSIGNED
    assert report.message == "Tài liệu không có chữ ký số."
    assert report.signatures == []


@pytest.mark.parametrize(
    "content",
    [b"", b"PK\x03\x04 a zip file", b"%PDF-1.7\nnot really a pdf", "Văn bản".encode()],
)
def test_a_non_pdf_is_reported_as_such(content: bytes, signing_pki: Path) -> None:
    report = pdf_verify(pdf=content)

    assert report.status == VerificationStatus.INVALID_PDF
    assert report.message == "Tệp không phải PDF hoặc bị hỏng, không đọc được."
    assert report.signatures == []


def test_a_corrupt_pdf_is_unreadable_not_an_error(signed_pdf: bytes) -> None:
    # The last revision's cross-reference stream names a filter that does not exist.
    position = signed_pdf.rindex(b"/FlateDecode")
    corrupt = signed_pdf[:position] + b"/FlateDxcode" + signed_pdf[position + 12 :]

    assert pdf_verify(pdf=corrupt).status == VerificationStatus.INVALID_PDF
