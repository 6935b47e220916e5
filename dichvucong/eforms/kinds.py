"""The vocabulary of e-form definitions: field kinds, prefill sources, fixed patterns."""

from __future__ import annotations

from typing import Any

from dichvucong.core.validators import CITIZEN_ID_REGEX, PHONE_REGEX

TEXT = "text"
NUMBER = "number"
DATE = "date"
CHOICE = "choice"
CHECKBOX = "checkbox"
ADDRESS = "address"
CITIZEN_ID = "citizen_id"
PHONE = "phone"
EMAIL = "email"
TABLE = "table"

KINDS = (TEXT, NUMBER, DATE, CHOICE, CHECKBOX, ADDRESS, CITIZEN_ID, PHONE, EMAIL, TABLE)
# The kinds a table column may have: one value per cell.
COLUMN_KINDS = (TEXT, NUMBER, DATE, CHOICE, CITIZEN_ID, PHONE, EMAIL)

CITIZEN_ID_PATTERN = f"^{CITIZEN_ID_REGEX}$"
PHONE_PATTERN = f"^{PHONE_REGEX}$"
UNIT_PATTERN = "^[0-9]{5}$"
TEXT_MAX_LENGTH = 2000
EMAIL_MAX_LENGTH = 254
ADDRESS_LINE_MAX_LENGTH = 300
TABLE_MAX_ITEMS = 50

# x-prefill source -> the kinds of field it may fill.
PREFILL_KINDS: dict[str, tuple[str, ...]] = {
    "full_name": (TEXT,),
    "date_of_birth": (DATE,),
    "citizen_id": (CITIZEN_ID, TEXT),
    "address": (ADDRESS, TEXT),
    "phone": (PHONE, TEXT),
    "email": (EMAIL, TEXT),
    "organization_name": (TEXT,),
    "tax_code": (TEXT,),
}

# The browser's autofill token for each prefill source (WCAG 1.3.5, identify input purpose).
PREFILL_AUTOCOMPLETE: dict[str, str] = {
    "full_name": "name",
    "date_of_birth": "bday",
    "phone": "tel",
    "email": "email",
    "organization_name": "organization",
}


def kind_of(prop: Any) -> str:
    """Return the x-kind of a property schema ("" when there is none)."""
    if isinstance(prop, dict):
        kind = prop.get("x-kind", "")
        return kind if isinstance(kind, str) else ""
    return ""


def properties_of(schema: Any) -> dict[str, Any]:
    """Return an object schema's properties (empty when it has none)."""
    if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
        return schema["properties"]
    return {}


def required_of(schema: Any) -> list[str]:
    if isinstance(schema, dict) and isinstance(schema.get("required"), list):
        return [name for name in schema["required"] if isinstance(name, str)]
    return []
