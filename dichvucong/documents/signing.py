"""Digital signatures on PDFs: PAdES signatures made in an agency's name.

`pdf_sign()` is the one function the other apps call (forms, result documents,
e-receipts). The key material comes from the class named by `settings.SIGNING_SIGNER`:
by default `FileKeySigner`, which reads the encrypted key files of the development PKI
(`pki.py`); a hardware token (PKCS#11) or a remote signing service replaces it by another
class with the same `signer(agency=...)` method (docs/signing.md).

Signatures are PAdES B-B, or B-T when `SIGNING_TIMESTAMP_URL` names an RFC 3161
time-stamp authority, with a visible stamp in Vietnamese on the last page's bottom right.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Protocol

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko.stamp import QRPosition, QRStampStyle, TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from dichvucong.organizations.models import Agency

from . import pki
from .circular01 import FONTS_DIR

logger = logging.getLogger(__name__)

# The visible stamp, in PDF points (1/72 in), from the last page's bottom right corner.
# Without a QR code the stamp fits in the bottom margin of the forms (12 mm), left of
# where the page number goes; with one, the document must leave room for it.
STAMP_WIDTH = 210
STAMP_HEIGHT = 28
STAMP_WIDTH_QR = 230
STAMP_HEIGHT_QR = 64
STAMP_RIGHT = 76
STAMP_BOTTOM = 4
STAMP_FONT = FONTS_DIR / "LiberationSerif-Regular.ttf"
STAMP_FONT_SIZE = 8
TIMESTAMP_TIMEOUT_SECONDS = 10
# Room for a B-B signature container: the CMS with the signer's and the root's
# certificates takes about 1.5 KB with EC keys, 3 KB with RSA 4096 and a longer chain.
B_B_BYTES_RESERVED = 12 * 1024


class SigningUnavailable(Exception):
    """The agency cannot sign: no key or certificate configured for it."""


class SigningFailed(Exception):
    """The PDF could not be signed (not a PDF, the field is already signed, the TSA failed)."""


class AgencySigner(Protocol):
    """Where signing keys come from: return a pyHanko `Signer` for an agency.

    Raise SigningUnavailable when the agency has no key. Implementations must be cheap
    to call repeatedly (cache what they load); one instance is made per process.
    """

    def signer(self, *, agency: Agency) -> signers.Signer: ...


def _asn1_cert(path: Path) -> asn1_x509.Certificate:
    cert = pki.load_certificate(path)
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class FileKeySigner:
    """Sign with the development PKI's files: the agency's encrypted PKCS#8 key and its
    certificate under SIGNING_DIR, the root added to the signature's certificates.

    Keys are decrypted once per process (PBKDF2 is slow on purpose) and reloaded when
    the files change.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, float, float], signers.SimpleSigner] = {}

    def signer(self, *, agency: Agency) -> signers.Signer:
        try:
            cert_path, key_path = pki.agency_paths(agency.code)
        except pki.PkiError as exc:
            raise SigningUnavailable(str(exc)) from exc
        root_path = pki.root_cert_path()
        if not (cert_path.exists() and key_path.exists() and root_path.exists()):
            raise SigningUnavailable(
                f"no signing key for agency {agency.code} in {pki.signing_dir()}"
            )
        cache_key = (str(cert_path), cert_path.stat().st_mtime, root_path.stat().st_mtime)
        with self._lock:
            cached = self._cache.get(cache_key)
            if cached is None:
                try:
                    key = pki.load_private_key(key_path)
                except (ValueError, TypeError) as exc:
                    logger.error("cannot decrypt %s: check SIGNING_KEY_PASSPHRASE", key_path)
                    raise SigningUnavailable(f"cannot decrypt the key {key_path}") from exc
                key_info = asn1_keys.PrivateKeyInfo.load(
                    key.private_bytes(
                        serialization.Encoding.DER,
                        serialization.PrivateFormat.PKCS8,
                        serialization.NoEncryption(),
                    )
                )
                cached = signers.SimpleSigner(
                    signing_cert=_asn1_cert(cert_path),
                    signing_key=key_info,
                    cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(root_path)]),
                )
                self._cache[cache_key] = cached
        return cached


@cache
def _agency_signer(dotted_path: str) -> AgencySigner:
    cls = import_string(dotted_path)
    instance: AgencySigner = cls()
    return instance


def agency_signer() -> AgencySigner:
    """Return the process's signer source (the class named by SIGNING_SIGNER)."""
    return _agency_signer(settings.SIGNING_SIGNER)


def timestamper() -> TimeStamper | None:
    """Return the RFC 3161 time stamper of SIGNING_TIMESTAMP_URL, or None (PAdES B-B)."""
    url = settings.SIGNING_TIMESTAMP_URL
    return _timestamper(url) if url else None


@cache
def _timestamper(url: str) -> TimeStamper:
    # pyHanko's HTTP client over requests (its default one runs aiohttp in an event loop
    # of its own for every call). One per process: it keeps the dummy answer pyHanko
    # sizes signatures with, so that each signing asks the authority once.
    return RequestsHTTPTimeStamper(url, timeout=TIMESTAMP_TIMEOUT_SECONDS)


# What the stamp writes: ASCII, Latin-1 and Latin Extended, combining marks and the
# precomposed Vietnamese letters, typographic dashes and quotes.
_STAMP_UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x300, 0x324),
    *range(0x1EA0, 0x1EFA),
    *(0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026),
]


@cache
def _stamp_font_bytes() -> bytes:
    """Return the stamp font prepared once per process: cut down to the characters a
    stamp uses (so that pyHanko's per-signature subsetting is quick) and scaled to 1000
    units per em (pyHanko writes glyph widths in font units, which PDF reads as
    thousandths of an em: Liberation's 2048 units would double every advance)."""
    font = TTFont(str(STAMP_FONT))
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=_STAMP_UNICODES)
    subsetter.subset(font)
    scale_upem(font, 1000)
    out = BytesIO()
    font.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class _StampFontFactory(GlyphAccumulatorFactory):
    """pyHanko's OpenType font engine, fed the prepared font from memory."""

    def create_font_engine(
        self, writer: BasePdfFileWriter, obj_stream: object = None
    ) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=BytesIO(_stamp_font_bytes()),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )


def _font() -> GlyphAccumulatorFactory:
    return _StampFontFactory(font_file=str(STAMP_FONT), font_size=STAMP_FONT_SIZE)


def _stamp_style(*, qr: bool) -> TextStampStyle:
    text = "\n".join(
        [
            _("Ký bởi: %(agency)s"),
            _("Thời gian ký: %(when)s"),
        ]
    )
    box_style = TextBoxStyle(font=_font(), font_size=STAMP_FONT_SIZE, leading=STAMP_FONT_SIZE + 2)
    if qr:
        return QRStampStyle(
            stamp_text=text,
            text_box_style=box_style,
            border_width=1,
            background=None,
            qr_position=QRPosition.LEFT_OF_TEXT,
        )
    return TextStampStyle(
        stamp_text=text, text_box_style=box_style, border_width=1, background=None
    )


def _vietnamese_stamp_style(*, qr: bool) -> TextStampStyle:
    # The documents are Vietnamese, whatever language the officer's pages are in.
    with translation.override("vi"):
        return _stamp_style(qr=qr)


def _stamp_box(writer: IncrementalPdfFileWriter, *, qr: bool) -> tuple[int, int, int, int]:
    """Return the stamp's rectangle on the last page, at its bottom right corner."""
    page_ref = writer.find_page_for_modification(-1)[0]
    page = page_ref.get_object()
    media_box = [float(v) for v in page.get("/MediaBox") or page.get_inherited("/MediaBox")]
    right, bottom = media_box[2], media_box[1]
    width, height = (STAMP_WIDTH_QR, STAMP_HEIGHT_QR) if qr else (STAMP_WIDTH, STAMP_HEIGHT)
    x2 = int(right - STAMP_RIGHT)
    y1 = int(bottom + STAMP_BOTTOM)
    return (x2 - width, y1, x2, y1 + height)


def _stamp_agency_name(agency: Agency) -> str:
    # The stamp's text box does not wrap: keep a long name on two lines.
    name = agency.name
    limit = 56
    if len(name) <= limit:
        return name
    cut = name.rfind(" ", 0, limit)
    cut = cut if cut > 0 else limit
    return f"{name[:cut]}\n{name[cut:].strip()}"


def pdf_sign(
    *,
    pdf: bytes,
    agency: Agency,
    reason: str,
    location: str = "",
    field_name: str = "ChuKyCoQuan",
    stamp: bool = True,
    qr_url: str | None = None,
) -> bytes:
    """Return `pdf` signed in the agency's name (PAdES B-B, or B-T with a timestamp).

    The signature is an incremental update, so earlier signatures stay valid. With
    `stamp`, a visible stamp "Ký bởi ... / Thời gian ký ..." (and the QR code of `qr_url`)
    sits on the last page's bottom right; without it the signature field is invisible.
    Raise SigningUnavailable when the agency has no key, SigningFailed when the input is
    not a PDF or `field_name` is already signed.
    """
    signer = agency_signer().signer(agency=agency)
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        box = _stamp_box(writer, qr=qr_url is not None) if stamp else None
    except (PdfError, ValueError, KeyError, IndexError) as exc:
        raise SigningFailed(f"not a PDF that can be signed: {exc}") from exc
    ts = timestamper()
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location or None,
        name=agency.name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=-1, box=box)
    now = timezone.localtime()
    params: dict[str, str] = {
        "agency": _stamp_agency_name(agency),
        "when": now.strftime("%d/%m/%Y %H:%M"),
    }
    if qr_url is not None:
        params["url"] = qr_url
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        timestamper=ts,
        stamp_style=_vietnamese_stamp_style(qr=qr_url is not None) if stamp else None,
        new_field_spec=spec,
    )
    try:
        out = pdf_signer.sign_pdf(
            writer,
            # Without a timestamp the size is known: skip pyHanko's trial signature.
            bytes_reserved=None if ts else B_B_BYTES_RESERVED,
            appearance_text_params=params,
        )
    except (SigningError, PdfError, TimestampRequestError) as exc:
        raise SigningFailed(str(exc)) from exc
    return out.getvalue()


def pdf_sign_if_configured(
    *, pdf: bytes, agency: Agency, reason: str, location: str = "", qr_url: str | None = None
) -> bytes:
    """Return the PDF signed by the agency, or unchanged (logged) when it has no key."""
    try:
        return pdf_sign(pdf=pdf, agency=agency, reason=reason, location=location, qr_url=qr_url)
    except SigningUnavailable as exc:
        logger.info("PDF served unsigned: %s", exc)
        return pdf


__all__ = [
    "AgencySigner",
    "FileKeySigner",
    "SigningFailed",
    "SigningUnavailable",
    "agency_signer",
    "pdf_sign",
    "pdf_sign_if_configured",
    "timestamper",
]
