"""What the back-office menu needs to know of the officer shown in the header."""

from __future__ import annotations

from django import template

from dichvucong.accounts.models import Role

from .backoffice_tags import OfficerHeader

register = template.Library()


@register.filter
def holds_role(officer: OfficerHeader | None, role: str) -> bool:
    """Return whether the officer shown in the header holds `role` at some agency.

    The header lists each role by its name in the page's language; the name of `role` in
    that same language is looked for there, so the menu costs no further query.
    """
    if officer is None or role not in Role.values:
        return False
    name = str(Role(role).label)
    return any(name in entry.roles for entry in officer.agencies)
