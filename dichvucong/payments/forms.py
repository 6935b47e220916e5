"""The officer's inputs of the `request_payment` action (added to the back office's form)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .fees import COUNT_MAX
from .services import REASON_MAX

PAYMENT_REQUEST_FIELDS = ("copies", "pages", "exempt", "exemption_reason")


def payment_request_fields() -> dict[str, forms.Field]:
    """Return the fields the specialist fills in when asking for the fees."""
    return {
        "copies": forms.IntegerField(
            label=_("Số bản"),
            min_value=1,
            max_value=COUNT_MAX,
            initial=1,
            help_text=_("Với phí tính theo bản."),
            error_messages={"invalid": _("Số bản phải là số nguyên.")},
        ),
        "pages": forms.IntegerField(
            label=_("Số trang"),
            min_value=1,
            max_value=COUNT_MAX,
            required=False,
            help_text=_("Với phí tính theo trang."),
            error_messages={"invalid": _("Số trang phải là số nguyên.")},
        ),
        "exempt": forms.BooleanField(
            label=_("Người nộp thuộc đối tượng được miễn (đã kiểm tra)"), required=False
        ),
        "exemption_reason": forms.CharField(
            label=_("Lý do được miễn"), max_length=REASON_MAX, required=False
        ),
    }


def payment_request_extra(cleaned_data: dict[str, Any]) -> dict[str, Any]:
    """Return what the `request_payment` effect reads from `ActionRequest.extra`."""
    return {k: cleaned_data[k] for k in PAYMENT_REQUEST_FIELDS if cleaned_data.get(k) is not None}
