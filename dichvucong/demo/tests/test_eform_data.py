"""The demo e-form definitions (dichvucong/demo/data/eforms/) are well formed on their own.

No database: each file is checked against the demo catalogue JSON, the fixed definition format
(JSON Schema 2020-12 with an `x-kind` per property) and its own example.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

DATA = Path(__file__).resolve().parent.parent / "data"
EFORMS = DATA / "eforms"
FILES = sorted(EFORMS.glob("*.json"))

ALLOWED_KEYS = {
    "text": {"type", "maxLength", "minLength", "pattern", "x-multiline"},
    "number": {"type", "minimum", "maximum"},
    "date": {"type", "format", "x-not-future"},
    "choice": {"type", "enum", "x-widget"},
    "checkbox": {"type", "const"},
    "address": {"type", "properties", "required", "additionalProperties"},
    "citizen_id": {"type", "pattern"},
    "phone": {"type", "pattern"},
    "email": {"type", "format", "maxLength"},
    "table": {"type", "maxItems", "minItems", "items"},
}
COMMON_KEYS = {"title", "description", "x-kind", "x-prefill"}
SCALAR_KINDS = {"text", "number", "date", "choice", "citizen_id", "phone", "email"}
PREFILL_KINDS = {
    "full_name": "text",
    "date_of_birth": "date",
    "citizen_id": "citizen_id",
    "address": "address",
    "phone": "phone",
    "email": "email",
    "organization_name": "text",
    "tax_code": "text",
}
ADDRESS_SHAPE = {
    "type": "object",
    "properties": {
        "unit": {"type": "string", "pattern": "^[0-9]{5}$"},
        "line": {"type": "string", "maxLength": 300},
    },
    "required": ["unit", "line"],
    "additionalProperties": False,
}
CITIZEN_ID_PATTERN = "^[0-9]{12}$"
PHONE_PATTERN = "^(0|\\+84)[0-9]{9,10}$"
PROPERTY_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
BUSINESS_APPLICANTS = {"Doanh nghiệp", "Doanh nghiệp có vốn đầu tư nước ngoài", "Hợp tác xã"}
PROVINCE_ID_PREFIX = "070"  # Bình Phước


@cache
def procedures() -> dict[str, dict[str, Any]]:
    records: dict[str, dict[str, Any]] = {}
    for name in ("procedures_province.json", "procedures_local.json"):
        for record in json.loads((DATA / name).read_text(encoding="utf-8")):
            records[record["MATTHC"]] = record
    return records


def cases_of(record: dict[str, Any]) -> set[str]:
    cases = {item["TRUONGHOP"] for item in record.get("TRINHTUTHUCHIEN", [])}
    cases |= {item["TRUONGHOP"] for item in record.get("THANHPHANHOSO", [])}
    for channel in record.get("CACHTHUCTHUCHIEN", []):
        cases |= {time.get("TRUONGHOP", "") for time in channel.get("THOIGIAN", [])}
    return cases - {""}


@cache
def commune_codes() -> frozenset[str]:
    organizations = json.loads((DATA / "organizations.json").read_text(encoding="utf-8"))
    return frozenset(
        unit["code"]
        for unit in organizations["administrative_units"]
        if unit["kind"] in {"xa", "phuong", "thi_tran"}
    )


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def property_errors(name: str, prop: Any, *, column: bool = False) -> list[str]:
    """What is wrong with one property (or table column) against the fixed format."""
    where = f"{'column' if column else 'property'} {name}"
    if not isinstance(prop, dict):
        return [f"{where}: not an object"]
    errors = []
    if not PROPERTY_NAME.match(name):
        errors.append(f"{where}: name is not ASCII snake_case")
    if not isinstance(prop.get("title"), str) or not prop["title"].strip():
        errors.append(f"{where}: no title")
    if "description" in prop and (
        not isinstance(prop["description"], str) or not prop["description"].strip()
    ):
        errors.append(f"{where}: empty description")
    kind = prop.get("x-kind")
    if kind not in ALLOWED_KEYS:
        return [*errors, f"{where}: unknown x-kind {kind!r}"]
    if column and kind not in SCALAR_KINDS:
        errors.append(f"{where}: a table column must be a scalar kind, not {kind}")
    if "x-prefill" in prop:
        prefill = prop["x-prefill"]
        if column:
            errors.append(f"{where}: x-prefill is only for top-level properties")
        elif prefill not in PREFILL_KINDS:
            errors.append(f"{where}: unknown x-prefill {prefill!r}")
        elif PREFILL_KINDS[prefill] != kind:
            errors.append(f"{where}: x-prefill {prefill} does not fit x-kind {kind}")
    extra = set(prop) - COMMON_KEYS - ALLOWED_KEYS[kind]
    if extra:
        errors.append(f"{where}: keys not allowed for {kind}: {sorted(extra)}")
    return errors + [f"{where}: {error}" for error in kind_errors(kind, prop)]


def kind_errors(kind: str, prop: dict[str, Any]) -> list[str]:
    errors = []
    if kind == "text":
        max_length = prop.get("maxLength")
        if prop.get("type") != "string":
            errors.append("type must be string")
        if not isinstance(max_length, int) or isinstance(max_length, bool):
            errors.append("maxLength is required")
        elif not 1 <= max_length <= 2000:
            errors.append("maxLength must be between 1 and 2000")
        elif "minLength" in prop and not (
            isinstance(prop["minLength"], int) and 0 <= prop["minLength"] <= max_length
        ):
            errors.append("minLength must be between 0 and maxLength")
        if "pattern" in prop:
            try:
                re.compile(prop["pattern"])
            except (re.error, TypeError):
                errors.append("pattern does not compile")
        if prop.get("x-multiline", True) is not True:
            errors.append("x-multiline must be true when present")
    elif kind == "number":
        if prop.get("type") not in {"integer", "number"}:
            errors.append("type must be integer or number")
        bounds = [prop[key] for key in ("minimum", "maximum") if key in prop]
        if not all(is_number(bound) for bound in bounds):
            errors.append("minimum/maximum must be numbers")
        elif len(bounds) == 2 and bounds[0] > bounds[1]:
            errors.append("minimum is above maximum")
    elif kind == "date":
        if (prop.get("type"), prop.get("format")) != ("string", "date"):
            errors.append('must be {"type": "string", "format": "date"}')
        if prop.get("x-not-future", True) is not True:
            errors.append("x-not-future must be true when present")
    elif kind == "choice":
        enum = prop.get("enum")
        if prop.get("type") != "string":
            errors.append("type must be string")
        if (
            not isinstance(enum, list)
            or not enum
            or not all(isinstance(value, str) and value.strip() for value in enum)
            or len(set(enum)) != len(enum)
        ):
            errors.append("enum must be a non-empty list of distinct strings")
        if prop.get("x-widget", "radio") != "radio":
            errors.append('x-widget must be "radio" when present')
    elif kind == "checkbox":
        if prop.get("type") != "boolean":
            errors.append("type must be boolean")
        if prop.get("const", True) is not True:
            errors.append("const must be true when present")
    elif kind == "address":
        if {key: prop.get(key) for key in ADDRESS_SHAPE} != ADDRESS_SHAPE:
            errors.append("not the fixed address shape")
    elif kind in {"citizen_id", "phone"}:
        pattern = CITIZEN_ID_PATTERN if kind == "citizen_id" else PHONE_PATTERN
        if (prop.get("type"), prop.get("pattern")) != ("string", pattern):
            errors.append(f'must be {{"type": "string", "pattern": "{pattern}"}}')
    elif kind == "email":
        if (prop.get("type"), prop.get("format"), prop.get("maxLength")) != (
            "string",
            "email",
            254,
        ):
            errors.append('must be {"type": "string", "format": "email", "maxLength": 254}')
    elif kind == "table":
        errors += table_errors(prop)
    return errors


def table_errors(prop: dict[str, Any]) -> list[str]:
    errors = []
    max_items = prop.get("maxItems")
    if prop.get("type") != "array":
        errors.append("type must be array")
    if not isinstance(max_items, int) or not 1 <= max_items <= 50:
        errors.append("maxItems is required, between 1 and 50")
    elif "minItems" in prop and not (
        isinstance(prop["minItems"], int) and 0 <= prop["minItems"] <= max_items
    ):
        errors.append("minItems must be between 0 and maxItems")
    items = prop.get("items")
    if not isinstance(items, dict):
        return [*errors, "items must be an object schema"]
    if set(items) != {"type", "properties", "required", "additionalProperties"}:
        errors.append("items must have exactly type, properties, required, additionalProperties")
    if items.get("type") != "object" or items.get("additionalProperties") is not False:
        errors.append('items must be {"type": "object", "additionalProperties": false}')
    columns = items.get("properties")
    if not isinstance(columns, dict) or not columns:
        return [*errors, "items has no columns"]
    required = items.get("required", [])
    if not isinstance(required, list) or not set(required) <= set(columns):
        errors.append("items.required names unknown columns")
    for name, column in columns.items():
        errors += property_errors(name, column, column=True)
    return errors


def filled_values(schema: dict[str, Any], example: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(x-kind, value) for every value in the example, table cells included."""
    for name, value in example.items():
        prop = schema["properties"].get(name, {})
        if prop.get("x-kind") == "table" and isinstance(value, list):
            columns = prop["items"]["properties"]
            for row in value:
                for column, cell in row.items():
                    yield columns.get(column, {}).get("x-kind", ""), cell
        else:
            yield prop.get("x-kind", ""), value


def is_business_form(form: dict[str, Any]) -> bool:
    record = procedures().get(form["procedure"], {})
    prefills = {prop.get("x-prefill") for prop in form["schema"]["properties"].values()}
    return (
        bool(BUSINESS_APPLICANTS & set(record.get("DOITUONGTHUCHIEN", [])))
        and {
            "organization_name",
            "tax_code",
        }
        <= prefills
    )


def test_the_demo_has_enough_forms_of_every_sort() -> None:
    forms = [load(path) for path in FILES]
    assert len(forms) >= 12
    kinds = [
        {prop.get("x-kind") for prop in form["schema"]["properties"].values()} for form in forms
    ]
    assert any("table" in found for found in kinds)
    assert any("address" in found for found in kinds)
    assert sum(is_business_form(form) for form in forms) >= 2
    tiers = {procedures()[form["procedure"]]["CAPTHUCHIEN"] for form in forms}
    assert tiers == {"Cấp Tỉnh", "Cấp Huyện", "Cấp Xã"}


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_form_names_a_demo_procedure_and_one_of_its_cases(path: Path) -> None:
    form = load(path)
    assert set(form) == {"procedure", "case", "title", "schema", "layout", "example"}
    assert form["procedure"] == path.stem
    assert form["procedure"] in procedures(), "not in the demo procedure files"
    assert isinstance(form["case"], str)
    if form["case"]:
        assert form["case"] in cases_of(procedures()[form["procedure"]])
    assert isinstance(form["title"], str)
    assert form["title"].strip()


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_schema_follows_the_definition_format(path: Path) -> None:
    form = load(path)
    schema = form["schema"]
    Draft202012Validator.check_schema(schema)
    assert set(schema) == {"type", "properties", "required", "additionalProperties"}
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert schema["properties"]
    required = schema["required"]
    assert len(set(required)) == len(required)
    assert set(required) <= set(schema["properties"])

    errors = []
    for name, prop in schema["properties"].items():
        errors += property_errors(name, prop)
    assert errors == []

    organization_prefills = {prop.get("x-prefill") for prop in schema["properties"].values()} & {
        "organization_name",
        "tax_code",
    }
    if organization_prefills:
        applicants = set(procedures()[form["procedure"]]["DOITUONGTHUCHIEN"])
        assert BUSINESS_APPLICANTS & applicants, "organization prefill for a non-business form"


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_layout_shows_every_property_once_and_ends_with_the_declaration(path: Path) -> None:
    form = load(path)
    properties = form["schema"]["properties"]
    assert set(form["layout"]) == {"sections"}
    sections = form["layout"]["sections"]
    assert sections
    for section in sections:
        assert set(section) == {"title", "fields"}
        assert isinstance(section["title"], str)
        assert section["title"].strip()
        assert section["fields"]
    shown = Counter(name for section in sections for name in section["fields"])
    assert [name for name, count in shown.items() if count > 1] == []
    assert set(shown) == set(properties)

    declaration = sections[-1]["fields"][-1]
    assert properties[declaration]["x-kind"] == "checkbox"
    assert properties[declaration].get("const") is True
    assert declaration in form["schema"]["required"]


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_example_is_valid_and_realistic(path: Path) -> None:
    form = load(path)
    schema = form["schema"]
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(form["example"])
    ]
    assert errors == []

    today = datetime.date.today()  # noqa: DTZ011
    for kind, value in filled_values(schema, form["example"]):
        if kind == "address":
            assert value["unit"] in commune_codes(), f"unknown commune {value['unit']}"
        elif kind == "citizen_id":
            assert value.startswith(PROVINCE_ID_PREFIX), value
        elif kind == "date":
            assert datetime.date.fromisoformat(value) < today, value
