"""Every change to administrative units and agencies goes through these functions."""

from __future__ import annotations

import datetime

from django.db import transaction

from dichvucong.core.cache import public_data_changed
from dichvucong.core.services import model_upsert

from .models import AdministrativeUnit, Agency


@transaction.atomic
def administrative_unit_upsert(
    *,
    code: str,
    name: str,
    kind: str,
    parent_code: str | None = None,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> tuple[AdministrativeUnit, bool]:
    """Create or update the unit with `code`; return it and whether anything changed."""
    parent = AdministrativeUnit.objects.get(code=parent_code) if parent_code else None
    values = {
        "name": name,
        "kind": kind,
        "parent": parent,
        "valid_from": valid_from,
        "valid_to": valid_to,
    }
    unit, written = model_upsert(AdministrativeUnit, lookup={"code": code}, values=values)
    if written:
        public_data_changed()  # e-forms check commune codes, submissions read unit chains
    return unit, written


@transaction.atomic
def agency_upsert(
    *,
    code: str,
    name: str,
    kind: str,
    administrative_unit_code: str,
    parent_code: str | None = None,
    short_name: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
    website: str = "",
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> tuple[Agency, bool]:
    """Create or update the agency with `code`; return it and whether anything changed."""
    values = {
        "name": name,
        "short_name": short_name,
        "kind": kind,
        "administrative_unit": AdministrativeUnit.objects.get(code=administrative_unit_code),
        "parent": Agency.objects.get(code=parent_code) if parent_code else None,
        "address": address,
        "phone": phone,
        "email": email,
        "website": website,
        "valid_from": valid_from,
        "valid_to": valid_to,
    }
    agency, written = model_upsert(Agency, lookup={"code": code}, values=values)
    if written:
        public_data_changed()  # procedure lists show agency names
    return agency, written
