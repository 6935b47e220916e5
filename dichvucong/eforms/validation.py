"""Validate form data against an e-form: JSON Schema plus the checks it cannot express.

`eform_validate` is the one validation used by the portal page and the API. Errors are
keyed by dotted paths into the data (`ho_ten`, `noi_cu_tru.unit`,
`thanh_vien.0.ngay_sinh`; "" for the whole form) with Vietnamese messages that say what
to fix.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError as SchemaValidationError

from dichvucong.core.cache import memoize_public
from dichvucong.core.models import today
from dichvucong.organizations.models import Tier
from dichvucong.organizations.selectors import administrative_unit_list

from . import kinds

if TYPE_CHECKING:
    from .models import EForm

Errors = dict[str, list[str]]

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _is_email(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    try:
        validate_email(instance)
    except DjangoValidationError:
        return False
    return True


def _is_date(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    if not _DATE_RE.match(instance):
        return False
    try:
        datetime.date.fromisoformat(instance)
    except ValueError:
        return False
    return True


FORMAT_CHECKER = FormatChecker(formats=())
FORMAT_CHECKER.checks("date")(_is_date)
FORMAT_CHECKER.checks("email")(_is_email)


@dataclass(frozen=True)
class _Field:
    """What a message needs to know about the field at a data path."""

    title: str
    kind: str


def _field_at(schema: dict[str, Any], path: Iterable[str | int]) -> _Field:
    """Walk the schema along a data path and describe the field found there."""
    node: Any = schema
    parent_kind = ""
    name: str | int = ""
    for step in path:
        parent_kind = kinds.kind_of(node)
        name = step
        if isinstance(step, int):
            node = node.get("items", {}) if isinstance(node, dict) else {}
        else:
            node = kinds.properties_of(node).get(step, {})
    if parent_kind == kinds.ADDRESS and name == "unit":
        return _Field(title=_("Xã, phường, thị trấn"), kind="address_unit")
    if parent_kind == kinds.ADDRESS and name == "line":
        return _Field(title=_("Số nhà, đường, thôn, ấp"), kind="address_line")
    title = node.get("title", "") if isinstance(node, dict) else ""
    return _Field(title=str(title) or _("trường này"), kind=kinds.kind_of(node))


def _dotted(path: Iterable[str | int]) -> str:
    return ".".join(str(step) for step in path)


def _required_message(field: _Field) -> str:
    if field.kind in (kinds.CHOICE, "address_unit"):
        return _("Vui lòng chọn %(title)s.") % {"title": field.title}
    if field.kind == kinds.CHECKBOX:
        return _("Bạn phải xác nhận: %(title)s.") % {"title": field.title.rstrip(".")}
    if field.kind == kinds.TABLE:
        return _("Vui lòng nhập ít nhất một dòng cho %(title)s.") % {"title": field.title}
    return _("Vui lòng nhập %(title)s.") % {"title": field.title}


def _type_message(field: _Field, expected: Any) -> str:
    title = field.title
    if expected == "integer":
        return _("%(title)s phải là một số nguyên.") % {"title": title}
    if expected == "number":
        return _("%(title)s phải là một số.") % {"title": title}
    if expected == "boolean":
        return _("%(title)s chỉ nhận giá trị có hoặc không.") % {"title": title}
    if expected == "array":
        return _("%(title)s phải là một danh sách các dòng.") % {"title": title}
    if expected == "object":
        return _("%(title)s không đúng cấu trúc.") % {"title": title}
    return _("%(title)s phải là văn bản.") % {"title": title}


def _pattern_message(field: _Field) -> str:
    if field.kind == kinds.CITIZEN_ID:
        return _("%(title)s gồm đúng 12 chữ số.") % {"title": field.title}
    if field.kind == kinds.PHONE:
        return _(
            "%(title)s không hợp lệ: bắt đầu bằng 0 hoặc +84, tiếp theo là 9 hoặc 10 chữ số."
        ) % {"title": field.title}
    if field.kind == "address_unit":
        return _("Vui lòng chọn một xã, phường, thị trấn trong danh sách.")
    return _("%(title)s không đúng định dạng.") % {"title": field.title}


def _messages(error: SchemaValidationError, schema: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Return (dotted path, messages) pairs for one JSON Schema error."""
    path = list(error.absolute_path)
    keyword = error.validator
    value: Any = error.validator_value
    if keyword == "required":
        # One error per missing name, all alike: report every missing name (deduplicated).
        instance = error.instance if isinstance(error.instance, dict) else {}
        return [
            (_dotted([*path, name]), [_required_message(_field_at(schema, [*path, name]))])
            for name in value
            if name not in instance
        ]
    return [_message(error, schema, path)]


def _message(
    error: SchemaValidationError, schema: dict[str, Any], path: list[str | int]
) -> tuple[str, list[str]]:
    keyword = error.validator
    value: Any = error.validator_value
    if keyword == "additionalProperties":
        instance = error.instance if isinstance(error.instance, dict) else {}
        known = kinds.properties_of(error.schema)
        extra = ", ".join(sorted(str(name) for name in instance if name not in known))
        return _dotted(path), [_("Biểu mẫu không có trường: %(names)s.") % {"names": extra}]
    field = _field_at(schema, path)
    title = field.title
    if keyword == "type":
        return _dotted(path), [_type_message(field, value)]
    if keyword == "maxLength":
        message = _("%(title)s dài tối đa %(count)s ký tự.") % {"title": title, "count": value}
    elif keyword == "minLength":
        message = _("%(title)s phải có ít nhất %(count)s ký tự.") % {
            "title": title,
            "count": value,
        }
    elif keyword == "pattern":
        message = _pattern_message(field)
    elif keyword == "format" and value == "date":
        message = _("%(title)s không phải là một ngày có thật (năm-tháng-ngày).") % {"title": title}
    elif keyword == "format" and value == "email":
        message = _("%(title)s không phải là một địa chỉ thư điện tử hợp lệ.") % {"title": title}
    elif keyword == "enum":
        message = _("Vui lòng chọn %(title)s trong danh sách.") % {"title": title}
    elif keyword in ("minimum", "exclusiveMinimum"):
        message = _("%(title)s phải lớn hơn hoặc bằng %(value)s.") % {
            "title": title,
            "value": value,
        }
    elif keyword in ("maximum", "exclusiveMaximum"):
        message = _("%(title)s phải nhỏ hơn hoặc bằng %(value)s.") % {
            "title": title,
            "value": value,
        }
    elif keyword == "const":
        message = _("Bạn phải xác nhận: %(title)s.") % {"title": str(title).rstrip(".")}
    elif keyword == "minItems":
        message = _("%(title)s phải có ít nhất %(count)s dòng.") % {"title": title, "count": value}
    elif keyword == "maxItems":
        message = _("%(title)s có tối đa %(count)s dòng.") % {"title": title, "count": value}
    else:
        message = _("%(title)s không hợp lệ.") % {"title": title}
    return _dotted(path), [message]


def _add(errors: Errors, path: str, messages: list[str]) -> None:
    bucket = errors.setdefault(path, [])
    for message in messages:
        if message not in bucket:
            bucket.append(message)


def _date_fields(schema: dict[str, Any], data: dict[str, Any]) -> Iterable[tuple[str, Any, Any]]:
    """Yield (path, property schema, value) for every date value in the data."""
    for name, prop in kinds.properties_of(schema).items():
        kind = kinds.kind_of(prop)
        value = data.get(name)
        if kind == kinds.DATE and value is not None:
            yield name, prop, value
        elif kind == kinds.TABLE and isinstance(value, list):
            columns = kinds.properties_of(prop.get("items"))
            for index, row in enumerate(value):
                if not isinstance(row, dict):
                    continue
                for column, column_schema in columns.items():
                    if kinds.kind_of(column_schema) == kinds.DATE and column in row:
                        yield f"{name}.{index}.{column}", column_schema, row[column]


def _check_not_future(schema: dict[str, Any], data: dict[str, Any], errors: Errors) -> None:
    now = today()
    for path, prop, value in _date_fields(schema, data):
        if path in errors or not prop.get("x-not-future") or not _is_date(value):
            continue
        if isinstance(value, str) and datetime.date.fromisoformat(value) > now:
            _add(
                errors,
                path,
                [_("%(title)s không được sau ngày hôm nay.") % {"title": prop.get("title", "")}],
            )


def _check_units(schema: dict[str, Any], data: dict[str, Any], errors: Errors) -> None:
    """Check that every address names an existing commune (codes kept per process)."""
    wanted: dict[str, str] = {}
    for name, prop in kinds.properties_of(schema).items():
        value = data.get(name)
        path = f"{name}.unit"
        if kinds.kind_of(prop) != kinds.ADDRESS or not isinstance(value, dict):
            continue
        unit = value.get("unit")
        if isinstance(unit, str) and path not in errors and name not in errors:
            wanted[path] = unit
    if not wanted:
        return
    existing: frozenset[str] = memoize_public(
        "commune-codes",
        timezone.localdate(),  # units in force today
        lambda: frozenset(
            administrative_unit_list(tier=Tier.COMMUNE).values_list("code", flat=True)
        ),
    )
    for path, code in wanted.items():
        if code not in existing:
            _add(
                errors,
                path,
                [_("Không có xã, phường, thị trấn mang mã %(code)s.") % {"code": code}],
            )


def eform_validate(eform_or_schema: EForm | dict[str, Any], data: Any) -> Errors:
    """Return the errors of `data` against the e-form (or its schema); empty when valid."""
    schema: dict[str, Any] = (
        eform_or_schema if isinstance(eform_or_schema, dict) else eform_or_schema.schema
    )
    if not isinstance(data, dict):
        return {"": [_("Dữ liệu biểu mẫu phải là một đối tượng JSON.")]}
    errors: Errors = {}
    validator = Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
    for error in validator.iter_errors(data):
        for path, messages in _messages(error, schema):
            _add(errors, path, messages)
    _check_not_future(schema, data, errors)
    _check_units(schema, data, errors)
    return errors
