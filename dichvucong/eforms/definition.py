"""Check an e-form definition: valid JSON Schema, the project's conventions, its layout.

The conventions (see docs/eforms.md) keep every definition renderable as an accessible
HTML form and its data usable by other systems: each property has a title and one of a
fixed set of kinds (`x-kind`), each kind with a fixed JSON Schema shape.
"""

from __future__ import annotations

import re
from typing import Any, TypeGuard

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from . import kinds
from .validation import eform_validate

_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _kind_errors(label: str, prop: dict[str, Any], kind: str) -> list[str]:
    """Return what is wrong with the JSON Schema shape of a property of `kind`."""
    errors: list[str] = []
    kind_type = prop.get("type")

    def wrong(message: str) -> None:
        errors.append(message % {"name": label, "kind": kind})

    if kind == kinds.TEXT:
        if kind_type != "string":
            wrong(_("Trường “%(name)s” (%(kind)s) phải có type là string."))
        max_length = prop.get("maxLength")
        if not _is_int(max_length) or not 1 <= max_length <= kinds.TEXT_MAX_LENGTH:
            wrong(_("Trường “%(name)s” (%(kind)s) phải có maxLength từ 1 đến 2000."))
        if "minLength" in prop and not _is_int(prop["minLength"]):
            wrong(_("Trường “%(name)s”: minLength phải là số nguyên."))
        if "pattern" in prop and not isinstance(prop["pattern"], str):
            wrong(_("Trường “%(name)s”: pattern phải là một biểu thức chính quy."))
        if "x-multiline" in prop and not isinstance(prop["x-multiline"], bool):
            wrong(_("Trường “%(name)s”: x-multiline phải là true hoặc false."))
    elif kind == kinds.NUMBER:
        if kind_type not in ("integer", "number"):
            wrong(_("Trường “%(name)s” (%(kind)s) phải có type là integer hoặc number."))
        for bound in ("minimum", "maximum"):
            if bound in prop and not _is_number(prop[bound]):
                wrong(_("Trường “%(name)s”: minimum và maximum phải là số."))
    elif kind == kinds.DATE:
        if kind_type != "string" or prop.get("format") != "date":
            wrong(_("Trường “%(name)s” (%(kind)s) phải có type string và format date."))
        if "x-not-future" in prop and not isinstance(prop["x-not-future"], bool):
            wrong(_("Trường “%(name)s”: x-not-future phải là true hoặc false."))
    elif kind == kinds.CHOICE:
        enum = prop.get("enum")
        if kind_type != "string":
            wrong(_("Trường “%(name)s” (%(kind)s) phải có type là string."))
        if (
            not isinstance(enum, list)
            or not enum
            or not all(isinstance(v, str) and v for v in enum)
        ):
            wrong(_("Trường “%(name)s” (%(kind)s) phải có enum là danh sách các lựa chọn."))
        if prop.get("x-widget", "select") not in ("select", "radio"):
            wrong(_("Trường “%(name)s”: x-widget chỉ nhận select hoặc radio."))
    elif kind == kinds.CHECKBOX:
        if kind_type != "boolean":
            wrong(_("Trường “%(name)s” (%(kind)s) phải có type là boolean."))
        if "const" in prop and prop["const"] is not True:
            wrong(_("Trường “%(name)s”: const của ô đánh dấu chỉ có thể là true."))
    elif kind == kinds.ADDRESS:
        errors.extend(_address_errors(label, prop))
    elif kind == kinds.CITIZEN_ID:
        if kind_type != "string" or prop.get("pattern") != kinds.CITIZEN_ID_PATTERN:
            wrong(_("Trường “%(name)s” (%(kind)s) phải có type string và pattern ^[0-9]{12}$."))
    elif kind == kinds.PHONE:
        if kind_type != "string" or prop.get("pattern") != kinds.PHONE_PATTERN:
            wrong(
                _(
                    "Trường “%(name)s” (%(kind)s) phải có type string và pattern "
                    "^(0|\\+84)[0-9]{9,10}$."
                )
            )
    elif kind == kinds.EMAIL:
        max_length = prop.get("maxLength")
        if kind_type != "string" or prop.get("format") != "email":
            wrong(_("Trường “%(name)s” (%(kind)s) phải có type string và format email."))
        if not _is_int(max_length) or not 1 <= max_length <= kinds.EMAIL_MAX_LENGTH:
            wrong(_("Trường “%(name)s” (%(kind)s) phải có maxLength không quá 254."))
    elif kind == kinds.TABLE:
        errors.extend(_table_errors(label, prop))
    return errors


def _address_errors(label: str, prop: dict[str, Any]) -> list[str]:
    parts = kinds.properties_of(prop)
    unit = parts.get("unit", {})
    line = parts.get("line", {})
    line_max = line.get("maxLength") if isinstance(line, dict) else None
    if (
        prop.get("type") == "object"
        and set(parts) == {"unit", "line"}
        and isinstance(unit, dict)
        and unit.get("type") == "string"
        and unit.get("pattern") == kinds.UNIT_PATTERN
        and isinstance(line, dict)
        and line.get("type") == "string"
        and _is_int(line_max)
        and 1 <= line_max <= kinds.ADDRESS_LINE_MAX_LENGTH
        and sorted(kinds.required_of(prop)) == ["line", "unit"]
        and prop.get("additionalProperties") is False
    ):
        return []
    return [
        _(
            "Trường “%(name)s” (address) phải là object với đúng hai thuộc tính bắt buộc "
            "unit (string, pattern ^[0-9]{5}$) và line (string, maxLength tối đa 300), "
            "additionalProperties false."
        )
        % {"name": label}
    ]


def _table_errors(label: str, prop: dict[str, Any]) -> list[str]:
    errors: list[str] = []
    max_items = prop.get("maxItems")
    if prop.get("type") != "array":
        errors.append(_("Trường “%(name)s” (table) phải có type là array.") % {"name": label})
    if not _is_int(max_items) or not 1 <= max_items <= kinds.TABLE_MAX_ITEMS:
        errors.append(
            _("Trường “%(name)s” (table) phải có maxItems từ 1 đến 50.") % {"name": label}
        )
    min_items = prop.get("minItems")
    if min_items is not None and (
        not _is_int(min_items) or (_is_int(max_items) and min_items > max_items)
    ):
        errors.append(
            _("Trường “%(name)s”: minItems phải là số nguyên không lớn hơn maxItems.")
            % {"name": label}
        )
    items = prop.get("items")
    columns = kinds.properties_of(items)
    if not isinstance(items, dict) or items.get("type") != "object" or not columns:
        errors.append(
            _("Trường “%(name)s” (table): items phải là object có ít nhất một cột.")
            % {"name": label}
        )
        return errors
    if items.get("additionalProperties") is not False:
        errors.append(
            _("Trường “%(name)s” (table): items phải có additionalProperties false.")
            % {"name": label}
        )
    errors.extend(_required_errors(label, items, columns))
    for column, column_schema in columns.items():
        column_label = f"{label}.{column}"
        errors.extend(
            _property_errors(column_label, column, column_schema, allowed=kinds.COLUMN_KINDS)
        )
        if isinstance(column_schema, dict) and "x-prefill" in column_schema:
            errors.append(
                _("Cột “%(name)s”: x-prefill chỉ dùng cho trường ở cấp ngoài cùng.")
                % {"name": column_label}
            )
    return errors


def _required_errors(label: str, schema: dict[str, Any], properties: dict[str, Any]) -> list[str]:
    required = schema.get("required", [])
    if not isinstance(required, list):
        return [_("“%(name)s”: required phải là một danh sách tên trường.") % {"name": label}]
    return [
        _("“%(name)s”: required nhắc đến trường “%(field)s” không có trong properties.")
        % {"name": label, "field": name}
        for name in required
        if name not in properties
    ]


def _property_errors(
    label: str, name: str, prop: Any, *, allowed: tuple[str, ...] = kinds.KINDS
) -> list[str]:
    if not _NAME_RE.match(name):
        return [
            _(
                "Tên trường “%(name)s” chỉ được gồm chữ cái không dấu, chữ số và dấu gạch "
                "dưới, bắt đầu bằng chữ cái."
            )
            % {"name": label}
        ]
    if not isinstance(prop, dict):
        return [_("Trường “%(name)s” phải là một object JSON Schema.") % {"name": label}]
    errors: list[str] = []
    title = prop.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.append(_("Trường “%(name)s” thiếu title (nhãn hiển thị).") % {"name": label})
    if "description" in prop and not isinstance(prop["description"], str):
        errors.append(_("Trường “%(name)s”: description phải là văn bản.") % {"name": label})
    kind = prop.get("x-kind")
    if kind not in allowed:
        errors.append(
            _("Trường “%(name)s” có x-kind “%(kind)s” không hợp lệ; chỉ dùng: %(kinds)s.")
            % {"name": label, "kind": kind or "", "kinds": ", ".join(allowed)}
        )
        return errors
    errors.extend(_kind_errors(label, prop, str(kind)))
    return errors


def _prefill_errors(name: str, prop: Any) -> list[str]:
    if not isinstance(prop, dict) or "x-prefill" not in prop:
        return []
    source = prop["x-prefill"]
    if source not in kinds.PREFILL_KINDS:
        return [
            _("Trường “%(name)s” có x-prefill “%(source)s” không hợp lệ; chỉ dùng: %(sources)s.")
            % {"name": name, "source": source, "sources": ", ".join(kinds.PREFILL_KINDS)}
        ]
    if kinds.kind_of(prop) not in kinds.PREFILL_KINDS[source]:
        return [
            _("Trường “%(name)s”: x-prefill “%(source)s” không dùng được cho loại “%(kind)s”.")
            % {"name": name, "source": source, "kind": kinds.kind_of(prop)}
        ]
    return []


def _schema_errors(schema: Any) -> list[str]:
    if not isinstance(schema, dict):
        return [_("Lược đồ (schema) phải là một object JSON.")]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        location = "/".join(str(step) for step in exc.path)
        return [
            _("Lược đồ không hợp lệ theo JSON Schema 2020-12 (tại “%(where)s”): %(message)s")
            % {"where": location or "/", "message": exc.message}
        ]
    errors: list[str] = []
    properties = kinds.properties_of(schema)
    if schema.get("type") != "object" or not properties:
        errors.append(_("Lược đồ phải có type object và ít nhất một trường trong properties."))
    if schema.get("additionalProperties") is not False:
        errors.append(_("Lược đồ phải có additionalProperties false."))
    errors.extend(_required_errors(_("lược đồ"), schema, properties))
    for name, prop in properties.items():
        errors.extend(_property_errors(name, name, prop))
        errors.extend(_prefill_errors(name, prop))
    return errors


def _layout_errors(layout: Any, properties: dict[str, Any]) -> list[str]:
    sections = layout.get("sections") if isinstance(layout, dict) else None
    if not isinstance(sections, list) or not sections:
        return [_("Bố cục (layout) phải có sections là danh sách các phần.")]
    errors: list[str] = []
    seen: set[str] = set()
    for position, section in enumerate(sections, start=1):
        title = section.get("title") if isinstance(section, dict) else None
        fields = section.get("fields") if isinstance(section, dict) else None
        if not isinstance(title, str) or not title.strip():
            errors.append(_("Phần thứ %(n)s của bố cục thiếu title.") % {"n": position})
        if not isinstance(fields, list) or not fields:
            errors.append(
                _("Phần thứ %(n)s của bố cục phải có fields là danh sách trường.") % {"n": position}
            )
            continue
        for name in fields:
            if not isinstance(name, str) or name not in properties:
                errors.append(
                    _("Bố cục nhắc đến trường “%(name)s” không có trong lược đồ.") % {"name": name}
                )
            elif name in seen:
                errors.append(
                    _("Trường “%(name)s” xuất hiện nhiều lần trong bố cục.") % {"name": name}
                )
            seen.add(str(name))
    errors.extend(
        _("Trường “%(name)s” chưa được xếp vào phần nào của bố cục.") % {"name": name}
        for name in properties
        if name not in seen
    )
    return errors


def definition_errors(*, schema: Any, layout: Any, example: Any) -> list[str]:
    """Return what is wrong with an e-form definition (empty when it can be used)."""
    errors = _schema_errors(schema)
    errors.extend(_layout_errors(layout, kinds.properties_of(schema)))
    if errors:
        return errors
    for path, messages in eform_validate(schema, example).items():
        errors.extend(
            _("Dữ liệu mẫu, trường “%(path)s”: %(message)s")
            % {"path": path or "/", "message": message}
            for message in messages
        )
    return errors
