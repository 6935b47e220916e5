"""Fixtures of the accounts tests: a registration's data and a registered, unverified user."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from dichvucong.accounts.models import User
from dichvucong.accounts.services import user_register
from dichvucong.organizations.models import AdministrativeUnit, Agency

PASSWORD = "hoa-sen-no-giua-dong-2024"


@pytest.fixture
def commune(province: dict[str, Agency]) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code="25195")


@pytest.fixture
def registration(commune: AdministrativeUnit) -> dict[str, Any]:
    """The service arguments of a citizen's registration."""
    return {
        "kind": "citizen",
        "username": "lethimai",
        "email": "mai.le@example.vn",
        "password": PASSWORD,
        "full_name": "Lê Thị Mai",
        "date_of_birth": datetime.date(1990, 5, 17),
        "citizen_id": "074190012345",
        "phone": "0987654321",
        "address_line": "45 đường Hùng Vương",
        "administrative_unit": commune,
    }


@pytest.fixture
def registration_post(registration: dict[str, Any]) -> dict[str, str]:
    """The same registration as the form posts it."""
    return {
        "kind": "citizen",
        "username": registration["username"],
        "email": registration["email"],
        "password1": PASSWORD,
        "password2": PASSWORD,
        "full_name": registration["full_name"],
        "date_of_birth": "1990-05-17",
        "citizen_id": registration["citizen_id"],
        "phone": registration["phone"],
        "address_line": registration["address_line"],
        "administrative_unit": "25195",
        "organization_name": "",
        "tax_code": "",
    }


@pytest.fixture
def unverified(registration: dict[str, Any]) -> User:
    """A registered user who has not opened the verification mail yet."""
    return user_register(**registration)
