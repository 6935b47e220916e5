"""Show a submitted e-form read-only: labels from the definition, values as entered."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dichvucong.eforms.models import EForm
from dichvucong.organizations.models import AdministrativeUnit


@dataclass
class Row:
    label: str
    value: str = ""
    columns: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)


def _scalar(value: Any) -> str:
    if value is True:
        return "✓"
    if value is False or value is None:
        return "—"
    return str(value)


def form_data_rows(eform: EForm | None, data: dict[str, Any]) -> list[Row]:
    """Return one row per filled field, in the e-form's order; unknown keys at the end."""
    properties: dict[str, Any] = (eform.schema.get("properties", {}) if eform else {}) or {}
    order: list[str] = []
    if eform:
        for section in (eform.layout or {}).get("sections", []):
            order.extend(section.get("fields", []))
    order += [name for name in properties if name not in order]
    order += [name for name in data if name not in order]
    units = {
        u.code: u
        for u in AdministrativeUnit.objects.filter(
            code__in=[
                v.get("unit")
                for v in data.values()
                if isinstance(v, dict) and isinstance(v.get("unit"), str)
            ]
        ).select_related("parent__parent")
    }
    rows = []
    for name in order:
        if name not in data:
            continue
        prop = properties.get(name, {})
        label = prop.get("title", name)
        value = data[name]
        if isinstance(value, dict):
            unit = units.get(value.get("unit", ""))
            parts = [str(value.get("line", ""))]
            while unit is not None:
                parts.append(unit.full_name)
                unit = unit.parent
            rows.append(Row(label=label, value=", ".join(p for p in parts if p)))
        elif isinstance(value, list):
            columns_schema = prop.get("items", {}).get("properties", {})
            keys = list(columns_schema) or sorted(
                {k for r in value if isinstance(r, dict) for k in r}
            )
            rows.append(
                Row(
                    label=label,
                    columns=[columns_schema.get(k, {}).get("title", k) for k in keys],
                    table=[
                        [_scalar(r.get(k)) if isinstance(r, dict) else "" for k in keys]
                        for r in value
                    ],
                )
            )
        else:
            rows.append(Row(label=label, value=_scalar(value)))
    return rows
