"""The public verification form: one PDF, within the size limit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .verification import PDF_MAGIC


def read_pdf_upload(upload: UploadedFile) -> bytes:
    """Return the upload's bytes; raise ValidationError for an over-size or non-PDF file.

    Shared by the page and the API, so that both refuse the same files with the same words.
    """
    limit = settings.SIGNING_VERIFY_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise forms.ValidationError(
            _("Tệp quá lớn: tối đa %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
            code="too_large",
        )
    data = upload.read()
    if PDF_MAGIC not in data[:1024]:
        raise forms.ValidationError(
            _("Tệp không phải PDF. Vui lòng chọn một văn bản điện tử dạng PDF."), code="not_pdf"
        )
    return data


class VerifyPdfForm(forms.Form):
    pdf = forms.FileField(
        label=gettext_lazy("Văn bản điện tử (tệp PDF)"),
        error_messages={"required": gettext_lazy("Vui lòng chọn tệp PDF cần kiểm tra.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pdf"].help_text = _("Tệp PDF có chữ ký số, tối đa %(mb)d MB.") % {
            "mb": settings.SIGNING_VERIFY_MAX_BYTES // (1024 * 1024)
        }

    def clean_pdf(self) -> bytes:
        return read_pdf_upload(self.cleaned_data["pdf"])
