"""Signing with the development PKI, checked with pyHanko's own validator."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from dichvucong.documents import pki, samples, signing
from dichvucong.documents.circular01 import form_pdf
from dichvucong.organizations.models import Agency

DONG_XOAI = "000.00.20.H10"


def root_context() -> ValidationContext:
    root = pki.load_certificate(pki.root_cert_path())
    return ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))],
        allow_fetching=False,
    )


def test_signed_pdf_validates_with_pyhanko(
    signing_pki: Path, province: dict[str, Agency], receipt_pdf: bytes
) -> None:
    agency = province[DONG_XOAI]

    signed = signing.pdf_sign(
        pdf=receipt_pdf, agency=agency, reason="Giấy tiếp nhận hồ sơ", location="Đồng Xoài"
    )

    reader = PdfFileReader(io.BytesIO(signed))
    [sig] = reader.embedded_signatures
    status = validate_pdf_signature(sig, root_context())
    assert status.bottom_line is True
    assert status.intact is True
    assert status.trusted is True
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    subject = status.signing_cert.subject.native
    assert subject["organization_name"] == "Ủy ban nhân dân thị xã Đồng Xoài"
    assert subject["common_name"] == "Ủy ban nhân dân thị xã Đồng Xoài"
    assert subject["organizational_unit_name"] == DONG_XOAI
    assert sig.field_name == "ChuKyCoQuan"
    assert sig.sig_object["/Reason"] == "Giấy tiếp nhận hồ sơ"
    assert sig.sig_object["/Location"] == "Đồng Xoài"
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    # The original bytes are untouched: the signature is an incremental update.
    assert signed.startswith(receipt_pdf)


def test_the_stamp_is_on_the_last_page_bottom_right(
    signing_pki: Path, province: dict[str, Agency]
) -> None:
    register = form_pdf(samples.sample_register(40))

    signed = signing.pdf_sign(
        pdf=register, agency=province[DONG_XOAI], reason="Sổ theo dõi", qr_url="https://x.vn/v/1/"
    )

    reader = PdfFileReader(io.BytesIO(signed))
    pages = reader.root["/Pages"]["/Count"]
    assert pages == 4
    [field] = [
        annot.get_object()
        for annot in _page(reader, pages - 1).get("/Annots", [])
        if annot.get_object().get("/FT") == "/Sig"
    ]
    x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
    width = float(_page(reader, pages - 1)["/MediaBox"][2])
    assert (x2, y1) == (int(width - signing.STAMP_RIGHT), signing.STAMP_BOTTOM)
    assert (x2 - x1, y2 - y1) == (signing.STAMP_WIDTH_QR, signing.STAMP_HEIGHT_QR)
    assert "/AP" in field


def _page(reader: PdfFileReader, index: int) -> Any:
    return reader.find_page_for_modification(index)[0].get_object()


def test_an_invisible_signature_has_no_stamp(
    signing_pki: Path, province: dict[str, Agency], receipt_pdf: bytes
) -> None:
    signed = signing.pdf_sign(
        pdf=receipt_pdf, agency=province[DONG_XOAI], reason="Biên nhận", stamp=False
    )

    reader = PdfFileReader(io.BytesIO(signed))
    [sig] = reader.embedded_signatures
    assert [float(v) for v in sig.sig_field["/Rect"]] == [0.0, 0.0, 0.0, 0.0]
    assert validate_pdf_signature(sig, root_context()).bottom_line is True


def test_an_agency_without_a_certificate_cannot_sign(
    signing_pki: Path, province: dict[str, Agency], receipt_pdf: bytes
) -> None:
    stranger = Agency(code="000.00.99.H10", name="Cơ quan chưa có chứng thư")

    with pytest.raises(signing.SigningUnavailable):
        signing.pdf_sign(pdf=receipt_pdf, agency=stranger, reason="Thử")

    assert signing.pdf_sign_if_configured(pdf=receipt_pdf, agency=stranger, reason="Thử") == (
        receipt_pdf
    )


def test_without_a_pki_nothing_is_signed(province: dict[str, Agency], receipt_pdf: bytes) -> None:
    # The test settings point SIGNING_DIR at a directory that does not exist.
    assert not pki.root_cert_path().exists()

    assert (
        signing.pdf_sign_if_configured(pdf=receipt_pdf, agency=province[DONG_XOAI], reason="x")
        == receipt_pdf
    )


def test_a_non_pdf_cannot_be_signed(signing_pki: Path, province: dict[str, Agency]) -> None:
    with pytest.raises(signing.SigningFailed):
        signing.pdf_sign(pdf=b"not a pdf at all", agency=province[DONG_XOAI], reason="x")


def test_a_signed_field_cannot_be_signed_again(
    signing_pki: Path, province: dict[str, Agency], receipt_pdf: bytes
) -> None:
    once = signing.pdf_sign(pdf=receipt_pdf, agency=province[DONG_XOAI], reason="x")

    with pytest.raises(signing.SigningFailed):
        signing.pdf_sign(pdf=once, agency=province[DONG_XOAI], reason="y")

    # Another field countersigns, and both signatures stay valid.
    twice = signing.pdf_sign(
        pdf=once, agency=province["000.00.01.H10"], reason="y", field_name="ChuKy2"
    )
    reader = PdfFileReader(io.BytesIO(twice))
    statuses = [validate_pdf_signature(s, root_context()) for s in reader.embedded_signatures]
    assert [s.bottom_line for s in statuses] == [True, True]


def test_a_wrong_passphrase_makes_signing_unavailable(
    settings: Any, signing_pki: Path, province: dict[str, Agency], receipt_pdf: bytes
) -> None:
    settings.SIGNING_KEY_PASSPHRASE = "not the passphrase"
    signing.agency_signer()._cache.clear()  # type: ignore[attr-defined]

    with pytest.raises(signing.SigningUnavailable, match="cannot decrypt the key"):
        signing.pdf_sign(pdf=receipt_pdf, agency=province["000.00.03.H10"], reason="x")
