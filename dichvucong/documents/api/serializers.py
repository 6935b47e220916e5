"""The verification API's input (a PDF upload) and output (the report)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..forms import read_pdf_upload
from ..verification import SignatureStatus, VerificationStatus


class VerifyUploadSerializer(serializers.Serializer[dict[str, bytes]]):
    pdf = serializers.FileField(
        help_text=_("The PDF to verify (multipart/form-data), at most SIGNING_VERIFY_MAX_BYTES."),
        error_messages={"required": _("Vui lòng gửi tệp PDF cần kiểm tra (trường pdf).")},
    )

    def validate_pdf(self, value: UploadedFile) -> bytes:
        try:
            return read_pdf_upload(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class SignatureFindingSerializer(serializers.Serializer[object]):
    field = serializers.CharField(
        source="field_name", help_text=_("The signature field's name in the PDF.")
    )
    status = serializers.ChoiceField(choices=[s.value for s in SignatureStatus])
    message = serializers.CharField(help_text=_("The verdict in plain Vietnamese."))
    signer_name = serializers.CharField(help_text=_("The certificate's common name."))
    organisation = serializers.CharField(
        help_text=_("The certificate's organisation (the agency).")
    )
    agency_code = serializers.CharField(
        help_text=_("The agency's code, when the certificate has it.")
    )
    issuer = serializers.CharField(help_text=_("Who issued the signer's certificate."))
    signing_time = serializers.DateTimeField(allow_null=True)
    timestamp_time = serializers.DateTimeField(
        allow_null=True, help_text=_("The RFC 3161 timestamp's time, when there is one.")
    )
    intact = serializers.BooleanField(help_text=_("The signed bytes are unchanged."))
    trusted = serializers.BooleanField(help_text=_("The certificate chains to a trust root."))
    covers_whole_document = serializers.BooleanField()
    modified_after_signing = serializers.BooleanField(
        help_text=_("Content was changed by a later, non-permitted update.")
    )
    timestamped = serializers.BooleanField()


class VerificationReportSerializer(serializers.Serializer[object]):
    status = serializers.ChoiceField(choices=[s.value for s in VerificationStatus])
    message = serializers.CharField()
    signatures = SignatureFindingSerializer(many=True)
