"""Check uploaded documents by their content, not their name, before anything is stored."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .models import DocumentKind

EXTENSIONS = {
    DocumentKind.PDF: "pdf",
    DocumentKind.SIGNED_PDF: "pdf",
    DocumentKind.JPEG: "jpg",
    DocumentKind.PNG: "png",
    DocumentKind.DOCX: "docx",
    DocumentKind.XLSX: "xlsx",
}
CONTENT_TYPES = {
    DocumentKind.PDF: "application/pdf",
    DocumentKind.SIGNED_PDF: "application/pdf",
    DocumentKind.JPEG: "image/jpeg",
    DocumentKind.PNG: "image/png",
    DocumentKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DocumentKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"

# A PDF signature dictionary: /Type /Sig with the /ByteRange it covers.
_PDF_SIGNATURE = re.compile(rb"/ByteRange\s*\[")
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks, with what was learnt reading it."""

    upload: UploadedFile
    kind: DocumentKind
    size: int
    sha256: str
    original_name: str


def clean_filename(name: str) -> str:
    """Return the base name without path parts or control characters, at most 200 chars."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "tep"
    return name[-200:]


def _sniff_zip(stream: IO[bytes] | UploadedFile) -> DocumentKind | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DocumentKind.DOCX
    if "xl/workbook.xml" in names:
        return DocumentKind.XLSX
    return None


def sniff(upload: UploadedFile) -> tuple[DocumentKind | None, str]:
    """Return the file's kind judged by its bytes (None when not allowed) and its SHA-256."""
    digest = hashlib.sha256()
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    is_pdf = False
    signed = False
    tail = b""
    for chunk in upload.chunks(_CHUNK):
        digest.update(chunk)
        if is_pdf or head.startswith(b"%PDF-"):
            is_pdf = True
            # Look across chunk borders for the signature marker.
            window = tail + chunk
            signed = signed or bool(_PDF_SIGNATURE.search(window))
            tail = chunk[-64:]
    kind: DocumentKind | None = None
    if head.startswith(b"%PDF-"):
        kind = DocumentKind.SIGNED_PDF if signed else DocumentKind.PDF
    elif head.startswith(b"\xff\xd8\xff"):
        kind = DocumentKind.JPEG
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = DocumentKind.PNG
    elif head.startswith(b"PK\x03\x04"):
        upload.seek(0)
        kind = _sniff_zip(upload) if upload.file is not None else None
    upload.seek(0)
    return kind, digest.hexdigest()


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Return the checked file, or raise ValidationError naming the file and the reason."""
    name = clean_filename(upload.name or "")
    size = upload.size or 0
    limit = settings.DOSSIER_MAX_FILE_BYTES
    if size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": name}, code="empty")
    if size > limit:
        raise ValidationError(
            _("Tệp “%(name)s” (%(size)s) vượt quá dung lượng cho phép %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    kind, sha256 = sniff(upload)
    if kind is None:
        raise ValidationError(
            _(
                "Tệp “%(name)s” không phải PDF, JPEG, PNG, DOCX hoặc XLSX (hệ thống kiểm tra "
                "nội dung tệp, không dựa vào tên tệp)."
            )
            % {"name": name},
            code="type_not_allowed",
        )
    return CheckedFile(upload=upload, kind=kind, size=size, sha256=sha256, original_name=name)


def check_total(sizes: Iterable[int]) -> None:
    """Raise ValidationError when the files of one dossier exceed the total limit."""
    total = sum(sizes)
    limit = settings.DOSSIER_MAX_TOTAL_BYTES
    if total > limit:
        raise ValidationError(
            _("Tổng dung lượng tệp của hồ sơ (%(size)s) vượt quá %(limit)s.")
            % {"size": filesizeformat(total), "limit": filesizeformat(limit)},
            code="total_too_large",
        )


logger = logging.getLogger(__name__)


def store_files(items: Iterable[CheckedFile], upload_to: Callable[[None, str], str]) -> list[str]:
    """Write checked files to storage; return their names.

    If one fails, those already written are deleted again. The caller deletes the rest
    (`delete_files`) if its own transaction does not commit.
    """
    names: list[str] = []
    try:
        for item in items:
            item.upload.seek(0)
            names.append(default_storage.save(upload_to(None, item.original_name), item.upload))
    except BaseException:
        delete_files(names)
        raise
    return names


def delete_files(names: Iterable[str]) -> None:
    """Delete stored files, logging (not raising) a failure: the caller's error matters more."""
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:
            logger.exception("Could not delete stored file %s", name)
