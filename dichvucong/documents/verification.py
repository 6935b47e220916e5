"""Verification of the signatures on a PDF, reported in plain Vietnamese.

`pdf_verify()` validates every signature with pyHanko against the trust roots (the
province's root of `pki.py` and SIGNING_EXTRA_TRUST_ROOTS): whether the signed bytes are
intact, whether the signer's certificate chains to a trusted root, whether the signature
covers the whole file or what was added after it is permitted (another signature, a
timestamp, validation data) or not (changed content), the signing time and timestamp,
and who signed (from the certificate).
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from . import pki

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"


class VerificationStatus(enum.StrEnum):
    """The verdict on a whole document (the worst of its signatures)."""

    VALID = "valid"
    ALTERED = "altered"
    UNTRUSTED = "untrusted"
    BROKEN = "broken"
    UNSIGNED = "unsigned"
    INVALID_PDF = "invalid_pdf"


class SignatureStatus(enum.StrEnum):
    """The verdict on one signature."""

    VALID = "valid"
    ALTERED = "altered"
    UNTRUSTED = "untrusted"
    BROKEN = "broken"


@dataclass(frozen=True)
class SignatureFinding:
    """What verification found about one signature."""

    field_name: str
    status: SignatureStatus
    message: str
    signer_name: str
    organisation: str
    agency_code: str
    issuer: str
    signing_time: datetime | None
    timestamp_time: datetime | None
    intact: bool
    trusted: bool
    covers_whole_document: bool
    modified_after_signing: bool
    timestamped: bool


@dataclass(frozen=True)
class VerificationReport:
    """The verdict on a document with the finding of each signature, in signing order."""

    status: VerificationStatus
    message: str
    signatures: list[SignatureFinding] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return self.status == VerificationStatus.VALID


def _document_message(status: VerificationStatus) -> str:
    return {
        VerificationStatus.VALID: _("Tài liệu có chữ ký số hợp lệ, chưa bị sửa đổi sau khi ký."),
        VerificationStatus.ALTERED: _("Tài liệu đã bị sửa đổi sau khi ký."),
        VerificationStatus.UNTRUSTED: _(
            "Chữ ký không được tin cậy: chứng thư số không do cơ quan chứng thực được tin cậy cấp."
        ),
        VerificationStatus.BROKEN: _("Chữ ký số bị hỏng, không kiểm tra được."),
        VerificationStatus.UNSIGNED: _("Tài liệu không có chữ ký số."),
        VerificationStatus.INVALID_PDF: _("Tệp không phải PDF hoặc bị hỏng, không đọc được."),
    }[status]


def _name_part(cert: asn1_x509.Certificate | None, key: str) -> str:
    if cert is None:
        return ""
    value = cert.subject.native.get(key, "")
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return str(value)


def _issuer_name(cert: asn1_x509.Certificate | None) -> str:
    if cert is None:
        return ""
    native = cert.issuer.native
    return str(native.get("common_name") or native.get("organization_name") or "")


def _trusted_issuers() -> str:
    names = []
    for root in pki.trust_roots():
        asn1 = asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))
        names.append(str(asn1.subject.native.get("common_name", "")))
    return ", ".join(n for n in names if n) or _("cơ quan chứng thực được tin cậy")


def _validation_context() -> ValidationContext:
    roots = [
        asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
        for c in pki.trust_roots()
    ]
    # No fetching: the development PKI publishes no CRL or OCSP, and verification must
    # not call out to addresses an uploaded document names.
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")


def _finding(sig: EmbeddedPdfSignature, context: ValidationContext) -> SignatureFinding:
    cert = None
    try:
        cert = sig.signer_cert
    except Exception:  # a certificate that does not parse: reported as unknown
        cert = None
    identity = {
        "signer_name": _name_part(cert, "common_name"),
        "organisation": _name_part(cert, "organization_name"),
        "agency_code": _name_part(cert, "organizational_unit_name"),
        "issuer": _issuer_name(cert),
    }
    try:
        st: PdfSignatureStatus = validate_pdf_signature(
            sig, signer_validation_context=context, ts_validation_context=context
        )
    except Exception as exc:  # uploaded bytes: any parser failure means a broken signature
        logger.info("signature %s could not be validated: %r", sig.field_name, exc)
        return SignatureFinding(
            field_name=sig.field_name,
            status=SignatureStatus.BROKEN,
            message=_("Chữ ký bị hỏng, không kiểm tra được."),
            signing_time=None,
            timestamp_time=None,
            intact=False,
            trusted=False,
            covers_whole_document=False,
            modified_after_signing=False,
            timestamped=False,
            **identity,
        )
    covers_whole = st.coverage == SignatureCoverageLevel.ENTIRE_FILE
    modified = not covers_whole and (
        st.coverage != SignatureCoverageLevel.ENTIRE_REVISION
        or st.modification_level is None
        or st.modification_level > ModificationLevel.FORM_FILLING
        or st.docmdp_ok is False
    )
    ts = st.timestamp_validity
    intact = bool(st.intact and st.valid)
    trusted = bool(st.trusted)
    if not intact or modified:
        status = SignatureStatus.ALTERED
        message = _("Tài liệu đã bị sửa đổi sau khi ký.")
    elif not trusted:
        status = SignatureStatus.UNTRUSTED
        message = _(
            "Chữ ký của cơ quan không được tin cậy (chứng thư số không do %(issuers)s cấp)."
        ) % {"issuers": _trusted_issuers()}
    else:
        status = SignatureStatus.VALID
        message = _("Chữ ký hợp lệ.")
        if not covers_whole:
            message = _(
                "Chữ ký hợp lệ; sau khi ký, tài liệu chỉ được bổ sung chữ ký hoặc dấu thời gian."
            )
    return SignatureFinding(
        field_name=sig.field_name,
        status=status,
        message=message,
        signing_time=st.signer_reported_dt,
        timestamp_time=ts.timestamp if ts is not None else None,
        intact=intact,
        trusted=trusted,
        covers_whole_document=covers_whole,
        modified_after_signing=modified,
        timestamped=ts is not None and bool(ts.intact and ts.valid),
        **identity,
    )


_ORDER = [
    SignatureStatus.BROKEN,
    SignatureStatus.ALTERED,
    SignatureStatus.UNTRUSTED,
    SignatureStatus.VALID,
]


def pdf_verify(*, pdf: bytes) -> VerificationReport:
    """Validate every signature of `pdf`; return the verdict and each signature's finding.

    The document's status is the worst of its signatures' (broken, altered, untrusted,
    valid); `unsigned` when it has none, `invalid_pdf` when it cannot be read as a PDF.
    """
    if PDF_MAGIC not in pdf[:1024]:
        return _report(VerificationStatus.INVALID_PDF)
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_regular_signatures)
    except Exception as exc:  # uploaded bytes: pyHanko raises many kinds on corrupt input
        logger.info("unreadable PDF in verification: %r", exc)
        return _report(VerificationStatus.INVALID_PDF)
    if not embedded:
        return _report(VerificationStatus.UNSIGNED)
    context = _validation_context()
    findings = [_finding(sig, context) for sig in embedded]
    worst = min(findings, key=lambda f: _ORDER.index(f.status)).status
    return _report(VerificationStatus(worst.value), findings)


def _report(
    status: VerificationStatus, findings: list[SignatureFinding] | None = None
) -> VerificationReport:
    return VerificationReport(
        status=status, message=_document_message(status), signatures=findings or []
    )
