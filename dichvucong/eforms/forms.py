"""E-forms as HTML: bind data and errors for `eforms/_form.html`, and parse a POST back.

Field names: `<prefix>-<property>`, `<prefix>-<address>-unit` / `-line`,
`<prefix>-<table>-<row>-<column>`. `eform_data_from_post` rebuilds the JSON data from
them and `eform_validate` checks it, so the page, the API and the preview share one
validation. The form works without JavaScript: tables show their rows plus a few blank
ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from dichvucong.core.models import today
from dichvucong.organizations.models import Tier
from dichvucong.organizations.selectors import administrative_unit_list

from . import kinds
from .models import EForm

BLANK_ROWS = 3
_INTEGER_RE = re.compile(r"^[+-]?\d+$")
_NUMBER_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_CHECKED = {"on", "true", "1", "yes"}


@dataclass
class Choice:
    value: str
    label: str


@dataclass
class ChoiceGroup:
    label: str
    choices: list[Choice]


@dataclass
class ErrorItem:
    """One error of the summary at the top of the form, linking to its input."""

    html_id: str
    label: str
    message: str

    @property
    def text(self) -> str:
        """Return the message, led by the label unless it already names it."""
        return self.message if self.label in self.message else f"{self.label}: {self.message}"


@dataclass
class BoundField:
    """A field ready to render: label, value, errors and the attributes of its input."""

    name: str
    kind: str
    label: str
    html_name: str
    html_id: str
    help: str = ""
    required: bool = False
    value: Any = ""
    errors: list[str] = field(default_factory=list)
    input_type: str = "text"
    widget: str = "input"  # input, textarea, select, radio, checkbox, address, table
    choices: list[Choice] = field(default_factory=list)
    groups: list[ChoiceGroup] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)
    short_label: str = ""  # a table cell's column title, shown before it on phones
    parts: list[BoundField] = field(default_factory=list)  # address: unit, line
    columns: list[Column] = field(default_factory=list)  # table
    rows: list[Row] = field(default_factory=list)  # table

    @property
    def help_id(self) -> str:
        return f"{self.html_id}-help"

    @property
    def error_id(self) -> str:
        return f"{self.html_id}-error"

    @property
    def describedby(self) -> str:
        ids = []
        if self.errors:
            ids.append(self.error_id)
        if self.help:
            ids.append(self.help_id)
        return " ".join(ids)

    @property
    def error_items(self) -> list[ErrorItem]:
        """Return this field's errors and those of its parts and cells, for the summary."""
        target = self.html_id
        if self.widget == "radio" and self.choices:
            target = f"{self.html_id}-0"
        elif self.widget in ("address", "table"):
            target = f"{self.html_id}-legend"
        items = [ErrorItem(target, self.label, message) for message in self.errors]
        for part in self.parts:
            items.extend(part.error_items)
        for row in self.rows:
            for cell in row.cells:
                items.extend(cell.error_items)
        return items


@dataclass
class Column:
    name: str
    label: str
    required: bool


@dataclass
class Row:
    index: int
    number: int
    cells: list[BoundField]


@dataclass
class Section:
    title: str
    fields: list[BoundField]
    html_id: str = ""


class BoundSections(list[Section]):
    """The sections of a bound e-form, with the summary of their errors."""

    @property
    def error_items(self) -> list[ErrorItem]:
        return [item for section in self for bound in section.fields for item in bound.error_items]


# ---------------------------------------------------------------- parsing a POST


def _scalar(raw: str, prop: dict[str, Any]) -> Any:
    """Convert a posted text to the JSON value of a scalar kind; None when empty."""
    kind = kinds.kind_of(prop)
    value = raw.replace("\r\n", "\n").strip()
    if not value:
        return None
    if kind == kinds.NUMBER:
        compact = value.replace(" ", "")
        if prop.get("type") == "integer" and _INTEGER_RE.match(compact):
            return int(compact)
        if prop.get("type") == "number" and _NUMBER_RE.match(compact):
            if _INTEGER_RE.match(compact):
                return int(compact)
            return float(compact.replace(",", "."))
    return value


def eform_data_from_post(*, eform: EForm, post: QueryDict, prefix: str = "f") -> dict[str, Any]:
    """Rebuild the e-form's JSON data from a POST made by `eforms/_form.html`.

    Numbers are converted (text that is not a number is kept, so validation reports it),
    empty optional values are left out, checkboxes become true/false and fully empty
    table rows are dropped.
    """
    data: dict[str, Any] = {}
    for name, prop in kinds.properties_of(eform.schema).items():
        kind = kinds.kind_of(prop)
        key = f"{prefix}-{name}"
        if kind == kinds.CHECKBOX:
            data[name] = post.get(key, "").strip().lower() in _CHECKED
        elif kind == kinds.ADDRESS:
            address = {
                part: post.get(f"{key}-{part}", "").strip()
                for part in ("unit", "line")
                if post.get(f"{key}-{part}", "").strip()
            }
            if address:
                data[name] = address
        elif kind == kinds.TABLE:
            rows = _table_from_post(prop, post, key)
            if rows:
                data[name] = rows
        else:
            value = _scalar(post.get(key, ""), prop)
            if value is not None:
                data[name] = value
    return data


def _table_from_post(prop: dict[str, Any], post: QueryDict, key: str) -> list[dict[str, Any]]:
    columns = kinds.properties_of(prop.get("items"))
    row_re = re.compile(rf"^{re.escape(key)}-(\d+)-([A-Za-z][A-Za-z0-9_]*)$")
    indexes = sorted({int(match.group(1)) for posted in post if (match := row_re.match(posted))})
    rows = []
    for index in indexes[: kinds.TABLE_MAX_ITEMS * 2]:
        row = {}
        for column, column_schema in columns.items():
            value = _scalar(post.get(f"{key}-{index}-{column}", ""), column_schema)
            if value is not None:
                row[column] = value
        if row:
            rows.append(row)
    return rows


# ---------------------------------------------------------------- binding for the template


def _commune_groups() -> list[ChoiceGroup]:
    """Return the communes in force, grouped by their district, in code order."""
    groups: dict[int | None, ChoiceGroup] = {}
    communes = administrative_unit_list(tier=Tier.COMMUNE).order_by("parent__code", "code")
    for unit in communes:
        group = groups.get(unit.parent_id)
        if group is None:
            label = unit.parent.full_name if unit.parent else ""
            group = groups[unit.parent_id] = ChoiceGroup(label=label, choices=[])
        group.choices.append(Choice(value=unit.code, label=unit.full_name))
    return list(groups.values())


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _scalar_field(
    *,
    name: str,
    prop: dict[str, Any],
    html_name: str,
    value: Any,
    errors: list[str],
    required: bool,
    label: str | None = None,
) -> BoundField:
    kind = kinds.kind_of(prop)
    bound = BoundField(
        name=name,
        kind=kind,
        label=label or str(prop.get("title", name)),
        help=str(prop.get("description", "")),
        required=required,
        html_name=html_name,
        html_id=f"id_{html_name}",
        value=_display(value),
        errors=errors,
    )
    attrs = bound.attrs
    if kind == kinds.TEXT:
        bound.widget = "textarea" if prop.get("x-multiline") else "input"
        attrs["maxlength"] = str(prop.get("maxLength", ""))
        if "minLength" in prop:
            attrs["minlength"] = str(prop["minLength"])
    elif kind == kinds.NUMBER:
        bound.input_type = "number"
        attrs["step"] = "1" if prop.get("type") == "integer" else "any"
        for bound_key in ("minimum", "maximum"):
            if bound_key in prop:
                attrs[bound_key[:3]] = _display(prop[bound_key])
    elif kind == kinds.DATE:
        bound.input_type = "date"
        if prop.get("x-not-future"):
            attrs["max"] = today().isoformat()
    elif kind == kinds.CHOICE:
        bound.widget = "radio" if prop.get("x-widget") == "radio" else "select"
        bound.choices = [Choice(value=str(v), label=str(v)) for v in prop.get("enum", [])]
    elif kind == kinds.CITIZEN_ID:
        attrs.update(inputmode="numeric", maxlength="12")
    elif kind == kinds.PHONE:
        bound.input_type = "tel"
        attrs["maxlength"] = "13"
    elif kind == kinds.EMAIL:
        bound.input_type = "email"
        attrs["maxlength"] = str(prop.get("maxLength", kinds.EMAIL_MAX_LENGTH))
    autocomplete = kinds.PREFILL_AUTOCOMPLETE.get(str(prop.get("x-prefill", "")))
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    return bound


def _address_field(
    *,
    name: str,
    prop: dict[str, Any],
    html_name: str,
    value: Any,
    errors: dict[str, list[str]],
    required: bool,
    groups: list[ChoiceGroup],
) -> BoundField:
    value = value if isinstance(value, dict) else {}
    line_schema = kinds.properties_of(prop).get("line", {})
    unit = BoundField(
        name="unit",
        kind="address_unit",
        label=_("Xã, phường, thị trấn"),
        html_name=f"{html_name}-unit",
        html_id=f"id_{html_name}-unit",
        required=required,
        value=_display(value.get("unit")),
        errors=errors.get(f"{name}.unit", []),
        widget="select",
        groups=groups,
    )
    line = BoundField(
        name="line",
        kind="address_line",
        label=_("Số nhà, đường, thôn, ấp"),
        html_name=f"{html_name}-line",
        html_id=f"id_{html_name}-line",
        required=required,
        value=_display(value.get("line")),
        errors=errors.get(f"{name}.line", []),
        attrs={
            "maxlength": str(line_schema.get("maxLength", kinds.ADDRESS_LINE_MAX_LENGTH)),
            "autocomplete": "street-address",
        },
    )
    return BoundField(
        name=name,
        kind=kinds.ADDRESS,
        label=str(prop.get("title", name)),
        help=str(prop.get("description", "")),
        required=required,
        html_name=html_name,
        html_id=f"id_{html_name}",
        errors=errors.get(name, []),
        widget="address",
        parts=[unit, line],
    )


def _table_field(
    *,
    name: str,
    prop: dict[str, Any],
    html_name: str,
    value: Any,
    errors: dict[str, list[str]],
    required: bool,
) -> BoundField:
    items = prop.get("items", {})
    column_schemas = kinds.properties_of(items)
    required_columns = set(kinds.required_of(items))
    columns = [
        Column(name=c, label=str(s.get("title", c)), required=c in required_columns)
        for c, s in column_schemas.items()
    ]
    existing = [row if isinstance(row, dict) else {} for row in value or []]
    max_items = int(prop.get("maxItems", kinds.TABLE_MAX_ITEMS))
    count = max(len(existing), min(len(existing) + BLANK_ROWS, max_items))
    rows = []
    # Row-level errors (an unknown key in a row) are shown with the table.
    table_errors = list(errors.get(name, []))
    for index in range(count):
        row_value = existing[index] if index < len(existing) else {}
        table_errors.extend(errors.get(f"{name}.{index}", []))
        cells = []
        for column in columns:
            cell_name = f"{html_name}-{index}-{column.name}"
            cell = _scalar_field(
                name=column.name,
                prop=column_schemas[column.name],
                html_name=cell_name,
                value=row_value.get(column.name),
                errors=errors.get(f"{name}.{index}.{column.name}", []),
                # A blank row may stay blank: the browser must not insist on its cells.
                required=False,
                label=_("%(column)s, dòng %(row)s") % {"column": column.label, "row": index + 1},
            )
            cell.short_label = column.label
            cell.help = ""  # column help is not repeated in every cell
            cells.append(cell)
        rows.append(Row(index=index, number=index + 1, cells=cells))
    return BoundField(
        name=name,
        kind=kinds.TABLE,
        label=str(prop.get("title", name)),
        help=str(prop.get("description", "")),
        required=required,
        html_name=html_name,
        html_id=f"id_{html_name}",
        errors=table_errors,
        widget="table",
        columns=columns,
        rows=rows,
    )


def eform_bound(
    *,
    eform: EForm,
    data: dict[str, Any] | None,
    errors: dict[str, list[str]] | None,
    prefix: str = "f",
) -> list[Section]:
    """Return the e-form's sections with their fields bound to `data` and `errors`."""
    data = data if isinstance(data, dict) else {}
    errors = errors or {}
    properties = kinds.properties_of(eform.schema)
    required = set(kinds.required_of(eform.schema))
    needs_communes = any(kinds.kind_of(p) == kinds.ADDRESS for p in properties.values())
    groups = _commune_groups() if needs_communes else []
    sections = BoundSections()
    for position, section in enumerate(eform.layout.get("sections", []), start=1):
        fields = []
        for name in section.get("fields", []):
            prop = properties.get(name)
            if not isinstance(prop, dict):
                continue
            kind = kinds.kind_of(prop)
            html_name = f"{prefix}-{name}"
            common: dict[str, Any] = {
                "name": name,
                "prop": prop,
                "html_name": html_name,
                "value": data.get(name),
                "required": name in required,
            }
            if kind == kinds.ADDRESS:
                fields.append(_address_field(**common, errors=errors, groups=groups))
            elif kind == kinds.TABLE:
                fields.append(_table_field(**common, errors=errors))
            else:
                bound = _scalar_field(**common, errors=errors.get(name, []))
                if kind == kinds.CHECKBOX:
                    bound.widget = "checkbox"
                    bound.value = data.get(name) is True
                    bound.required = prop.get("const") is True
                fields.append(bound)
        sections.append(
            Section(
                title=str(section.get("title", "")),
                fields=fields,
                html_id=f"{prefix}-section-{position}",
            )
        )
    return sections


def eform_form_errors(*, eform: EForm, errors: dict[str, list[str]] | None) -> list[str]:
    """Return the errors no field shows: about the whole form or unknown fields."""
    properties = kinds.properties_of(eform.schema)
    return [
        message
        for path, messages in (errors or {}).items()
        if path.split(".")[0] not in properties
        for message in messages
    ]
