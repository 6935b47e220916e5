from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.test import Client
from openapi_spec_validator import validate

COMMITTED = Path(__file__).resolve().parents[3] / "openapi.yaml"


@pytest.mark.django_db
def test_served_schema_is_valid_openapi_3(client: Client) -> None:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    validate(schema)
    assert "/api/v1/procedures/" in schema["paths"]


@pytest.mark.django_db
def test_committed_schema_matches_the_code(client: Client) -> None:
    served = yaml.safe_load(client.get("/api/schema/").content)
    assert served == yaml.safe_load(COMMITTED.read_text(encoding="utf-8")), (
        "openapi.yaml is out of date: run `make schema` and commit it"
    )


@pytest.mark.django_db
def test_docs_page(client: Client) -> None:
    assert client.get("/api/docs/").status_code == 200
