"""Reads of the eforms app: which e-form applies, and what the profile fills in."""

from __future__ import annotations

from typing import Any

from dichvucong.accounts.models import Profile, User
from dichvucong.catalogue.models import Procedure
from dichvucong.core.cache import memoize_public

from . import kinds
from .models import EForm


def eform_for_case(*, procedure: Procedure, case_name: str = "") -> EForm | None:
    """Return the e-form of the case, else the procedure's case-less one, else None.

    Kept per process until the public data changes (every e-form change moves it).
    """

    def load() -> EForm | None:
        eforms = {
            eform.case_name: eform
            for eform in EForm.objects.filter(procedure=procedure, case_name__in={case_name, ""})
        }
        return eforms.get(case_name) or eforms.get("")

    result: EForm | None = memoize_public("eform-for-case", (procedure.pk, case_name), load)
    return result


def _profile_value(profile: Profile, user: User, source: str, kind: str) -> Any:
    if source == "email":
        return user.email
    if source == "date_of_birth":
        return profile.date_of_birth.isoformat() if profile.date_of_birth else None
    if source == "address":
        if kind == kinds.TEXT:
            return profile.address
        address = {}
        if profile.administrative_unit is not None:
            address["unit"] = profile.administrative_unit.code
        if profile.address_line:
            address["line"] = profile.address_line
        return address
    return getattr(profile, source, "")


def eform_initial(*, eform: EForm, user: User) -> dict[str, Any]:
    """Return the form data the applicant's profile provides (x-prefill fields only)."""
    profile = (
        Profile.objects.select_related("administrative_unit__parent__parent")
        .filter(user=user)
        .first()
    )
    initial: dict[str, Any] = {}
    for name, prop in kinds.properties_of(eform.schema).items():
        source = prop.get("x-prefill") if isinstance(prop, dict) else None
        if source not in kinds.PREFILL_KINDS:
            continue
        if profile is None and source != "email":
            continue
        value = (
            user.email
            if profile is None
            else _profile_value(profile, user, str(source), kinds.kind_of(prop))
        )
        if value:
            initial[name] = value
    return initial
