"""Forms of the results pages: delivery by post (applicant, officer), verification upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dichvucong.documents.forms import read_pdf_upload

from .models import DeliveryStatus


class PostalRequestForm(forms.Form):
    recipient_name = forms.CharField(label=_("Người nhận"), max_length=200)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20)
    address = forms.CharField(
        label=_("Địa chỉ nhận kết quả"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PostalUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Tình trạng"),
        choices=[
            (DeliveryStatus.SENT, DeliveryStatus.SENT.label),
            (DeliveryStatus.DELIVERED, DeliveryStatus.DELIVERED.label),
            (DeliveryStatus.RETURNED, DeliveryStatus.RETURNED.label),
        ],
    )
    tracking_number = forms.CharField(
        label=_("Số hiệu bưu gửi"),
        max_length=30,
        required=False,
        help_text=_("8-20 chữ cái và chữ số, ví dụ EB123456789VN."),
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class VerifyUploadForm(forms.Form):
    pdf = forms.FileField(label=_("Tệp PDF bạn đang giữ"))

    def clean_pdf(self) -> bytes:
        # The same limit and the same words as the verification page of any PDF.
        return read_pdf_upload(self.cleaned_data["pdf"])
