"""What the back-office shell shows of the signed-in officer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import template

from dichvucong.accounts.models import Membership
from dichvucong.accounts.selectors import officer_display_name, officer_memberships
from dichvucong.organizations.models import Agency

from ..access import is_verified

register = template.Library()


@dataclass
class AgencyRoles:
    agency: Agency
    roles: list[str] = field(default_factory=list)


@dataclass
class OfficerHeader:
    name: str
    agencies: list[AgencyRoles]


def _by_agency(memberships: list[Membership]) -> list[AgencyRoles]:
    grouped: dict[int, AgencyRoles] = {}
    for membership in memberships:
        entry = grouped.setdefault(membership.agency_id, AgencyRoles(agency=membership.agency))
        entry.roles.append(str(membership.get_role_display()))
    return list(grouped.values())


@register.simple_tag(takes_context=True)
def current_officer(context: dict[str, Any]) -> OfficerHeader | None:
    """Return the verified officer's name and roles by agency, or None before sign-in."""
    request = context.get("request")
    if request is None or not is_verified(request):
        return None
    memberships = context.get("memberships")
    if memberships is None:
        memberships = officer_memberships(user=request.user)
    return OfficerHeader(
        name=officer_display_name(user=request.user), agencies=_by_agency(memberships)
    )
