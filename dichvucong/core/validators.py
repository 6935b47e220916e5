"""Validators for the national identifier codes."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Dot-separated groups of digits and capital letters (Decision 20/2020/QĐ-TTg).
_GROUPS = re.compile(r"^[0-9A-Z]+(\.[0-9A-Z]+)*$")
# The last group of an agency code is the province-level (or ministry-level) code: H10.
_PROVINCE_GROUP = re.compile(r"^[A-Z][0-9]{2}$")
AGENCY_CODE_MAX_LENGTH = 35


def validate_agency_code(value: str) -> None:
    """Raise ValidationError unless `value` is a well-formed agency identifier code."""
    if len(value) > AGENCY_CODE_MAX_LENGTH:
        raise ValidationError(
            _("Mã định danh cơ quan có tối đa %(max)d ký tự."),
            code="too_long",
            params={"max": AGENCY_CODE_MAX_LENGTH},
        )
    if not _GROUPS.match(value):
        raise ValidationError(
            _("Mã định danh cơ quan gồm các nhóm chữ số và chữ in hoa, ngăn cách bằng dấu chấm."),
            code="invalid_format",
        )
    if not _PROVINCE_GROUP.match(value.rsplit(".", 1)[-1]):
        raise ValidationError(
            _("Nhóm cuối của mã định danh cơ quan là mã cấp tỉnh, ví dụ H10."),
            code="invalid_province_group",
        )


# Procedure codes as in the national database: 1.001776.000.00.00.H10.
_PROCEDURE_CODE = re.compile(r"^[0-9]+\.[0-9]{6}(\.[0-9A-Z]+)*$")


def validate_procedure_code(value: str) -> None:
    """Raise ValidationError unless `value` looks like a national procedure code."""
    if len(value) > 50 or not _PROCEDURE_CODE.match(value):
        raise ValidationError(
            _("Mã thủ tục có dạng 1.001776.000.00.00.H10."), code="invalid_format"
        )


def validate_unit_code(value: str) -> None:
    """Raise ValidationError unless `value` is a statistics office unit code.

    Provinces have 2 digits, districts 3 and communes 5.
    """
    if not re.fullmatch(r"[0-9]{2}|[0-9]{3}|[0-9]{5}", value):
        raise ValidationError(
            _("Mã đơn vị hành chính gồm 2 chữ số (tỉnh), 3 chữ số (huyện) hoặc 5 chữ số (xã)."),
            code="invalid_format",
        )


# Shared with the e-form field kinds (eforms/kinds.py), which anchor them for JSON Schema.
CITIZEN_ID_REGEX = r"[0-9]{12}"
PHONE_REGEX = r"(0|\+84)[0-9]{9,10}"


def validate_citizen_id(value: str) -> None:
    """Raise ValidationError unless `value` is a 12-digit citizen identity number (CCCD)."""
    if not re.fullmatch(CITIZEN_ID_REGEX, value):
        raise ValidationError(
            _("Số định danh cá nhân (căn cước công dân) gồm đúng 12 chữ số."),
            code="invalid_citizen_id",
        )


def validate_tax_code(value: str) -> None:
    """Raise ValidationError unless `value` is a tax code: 10 digits, or 10-3 for a branch."""
    if not re.fullmatch(r"[0-9]{10}(-[0-9]{3})?", value):
        raise ValidationError(
            _("Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số."),
            code="invalid_tax_code",
        )


def validate_phone(value: str) -> None:
    """Raise ValidationError unless `value` is a Vietnamese phone number (0… or +84…)."""
    if not re.fullmatch(PHONE_REGEX, value):
        raise ValidationError(
            _("Số điện thoại bắt đầu bằng 0 hoặc +84, tiếp theo là 9 hoặc 10 chữ số."),
            code="invalid_phone",
        )
