"""What verification found on the PDFs applicants upload, computed once per document."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .verification import SignatureFinding, SignatureStatus, VerificationStatus


class SignatureCheckStatus(models.TextChoices):
    VALID = VerificationStatus.VALID.value, _("Chữ ký hợp lệ")
    ALTERED = VerificationStatus.ALTERED.value, _("Đã bị sửa đổi sau khi ký")
    UNTRUSTED = VerificationStatus.UNTRUSTED.value, _("Chữ ký không được tin cậy")
    BROKEN = VerificationStatus.BROKEN.value, _("Chữ ký bị hỏng")
    UNSIGNED = VerificationStatus.UNSIGNED.value, _("Không có chữ ký số")
    INVALID_PDF = VerificationStatus.INVALID_PDF.value, _("Không đọc được tệp PDF")


class DocumentSignatureCheck(models.Model):
    """The verification of one uploaded PDF: the verdict and each signature's finding.

    An uploaded file never changes, so its check is made once (`sha256` records which
    bytes were checked); trust roots that change later do not re-check it.
    """

    document = models.OneToOneField(
        "dossiers.DossierDocument",
        verbose_name=_("tệp đính kèm"),
        on_delete=models.CASCADE,
        related_name="signature_check",
    )
    status = models.CharField(
        _("kết quả kiểm tra"), max_length=20, choices=SignatureCheckStatus.choices
    )
    message = models.CharField(_("kết luận"), max_length=300)
    signatures = models.JSONField(_("các chữ ký"), default=list, blank=True)
    sha256 = models.CharField(max_length=64)
    checked_at = models.DateTimeField(_("kiểm tra lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("kiểm tra chữ ký số")
        verbose_name_plural = _("kiểm tra chữ ký số")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=SignatureCheckStatus.values),
                name="signature_check_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.status}"

    def findings(self) -> list[SignatureFinding]:
        """Return the stored findings as the verification module's dataclasses."""
        return [finding_from_json(item) for item in self.signatures]


def finding_to_json(finding: SignatureFinding) -> dict[str, Any]:
    """Return a finding as JSON-ready values (datetimes in ISO 8601 with their offset)."""
    data: dict[str, Any] = {}
    for name, value in vars(finding).items():
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, SignatureStatus):
            value = value.value
        data[name] = value
    return data


def finding_from_json(data: dict[str, Any]) -> SignatureFinding:
    """Return the finding `finding_to_json` stored."""
    values = dict(data)
    for name in ("signing_time", "timestamp_time"):
        if values.get(name):
            values[name] = datetime.fromisoformat(values[name])
    values["status"] = SignatureStatus(values["status"])
    return SignatureFinding(**values)
