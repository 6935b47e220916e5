from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import make_applicant, make_officer
from dichvucong.accounts.models import Membership, Role, User
from dichvucong.accounts.selectors import (
    is_officer,
    is_supervisor,
    officer_agency_ids,
    officer_display_name,
    officer_has_role,
    officer_memberships,
    officer_totp_device,
    requires_second_factor,
)
from dichvucong.organizations.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(province: dict[str, Agency]) -> User:
    """A leader who examines and approves at the district, and receives at the department."""
    user = make_officer(
        "lanhdao",
        agency=province["000.00.20.H10"],
        roles=(Role.APPROVER, Role.UNIT_HEAD),
        full_name="Nguyễn Thị Thu Hà",
    )
    Membership.objects.create(
        user=user,
        agency=province["000.00.01.H10"],
        unit=province["001.00.01.H10"],
        role=Role.RECEPTION,
    )
    return user


def test_memberships_are_listed_by_agency_code_then_role(
    leader: User, province: dict[str, Agency]
) -> None:
    memberships = officer_memberships(user=leader)

    assert [(m.agency.code, m.role, m.unit.code if m.unit else None) for m in memberships] == [
        ("000.00.01.H10", "reception", "001.00.01.H10"),
        ("000.00.20.H10", "approver", None),
        ("000.00.20.H10", "unit_head", None),
    ]


def test_agency_ids_by_role(leader: User, province: dict[str, Agency]) -> None:
    district, justice = province["000.00.20.H10"].pk, province["000.00.01.H10"].pk

    assert officer_agency_ids(user=leader) == {district, justice}
    assert officer_agency_ids(user=leader, roles=["approver"]) == {district}
    assert officer_agency_ids(user=leader, roles=("reception", "specialist")) == {justice}
    assert officer_agency_ids(user=leader, roles=["supervisor"]) == set()
    assert officer_agency_ids(user=leader, roles=[]) == set()


def test_has_role_is_per_agency(leader: User, province: dict[str, Agency]) -> None:
    district, justice = province["000.00.20.H10"].pk, province["000.00.01.H10"].pk

    assert officer_has_role(user=leader, agency_id=district, role="approver")
    assert not officer_has_role(user=leader, agency_id=justice, role="approver")
    assert officer_has_role(user=leader, agency_id=justice, role="reception")
    assert not officer_has_role(
        user=leader, agency_id=province["000.00.03.H10"].pk, role="reception"
    )


def test_officers_supervisors_and_others(
    leader: User, citizen: User, province: dict[str, Agency]
) -> None:
    supervisor = make_officer("giamsat", agency=province["000.00.00.H10"], roles=(Role.SUPERVISOR,))
    staff = User.objects.create_user("quantri", password="x", is_staff=True)

    assert (is_officer(user=leader), is_supervisor(user=leader)) == (True, False)
    assert (is_officer(user=supervisor), is_supervisor(user=supervisor)) == (True, True)
    assert (is_officer(user=citizen), is_supervisor(user=citizen)) == (False, False)
    assert (is_officer(user=staff), requires_second_factor(user=staff)) == (False, True)
    assert requires_second_factor(user=leader)
    assert not requires_second_factor(user=citizen)


def test_anonymous_and_disabled_users_are_nobody(leader: User, province: dict[str, Agency]) -> None:
    anonymous = AnonymousUser()
    assert officer_memberships(user=anonymous) == []
    assert not is_officer(user=anonymous)
    assert officer_agency_ids(user=anonymous) == set()
    assert not requires_second_factor(user=anonymous)
    assert officer_totp_device(user=anonymous) is None

    User.objects.filter(pk=leader.pk).update(is_active=False)
    leader.refresh_from_db()
    assert officer_memberships(user=leader) == []
    assert not is_officer(user=leader)
    assert officer_agency_ids(user=leader) == set()
    district = province["000.00.20.H10"].pk
    assert not officer_has_role(user=leader, agency_id=district, role="approver")
    assert not requires_second_factor(user=leader)


def test_membership_selectors_take_one_query_each(
    leader: User, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(1):  # type: ignore[operator]
        memberships = officer_memberships(user=leader)
        assert [m.agency.name for m in memberships] == [
            "Sở Tư pháp",
            "Ủy ban nhân dân thị xã Đồng Xoài",
            "Ủy ban nhân dân thị xã Đồng Xoài",
        ]
        assert memberships[0].unit is not None
    with django_assert_num_queries(1):  # type: ignore[operator]
        officer_agency_ids(user=leader, roles=["approver"])


def test_totp_device_and_display_name(leader: User, province: dict[str, Agency]) -> None:
    device = officer_totp_device(user=leader)
    assert device is not None and device.confirmed
    assert officer_display_name(user=leader) == "Nguyễn Thị Thu Hà"

    newcomer = make_officer(
        "moi", agency=province["000.00.20.H10"], roles=("specialist",), authenticator=False
    )
    assert officer_totp_device(user=newcomer) is None
    nameless = make_applicant("khongten")
    User.objects.filter(pk=nameless.pk).update(first_name="", last_name="")
    nameless.refresh_from_db()
    assert officer_display_name(user=nameless) == "khongten"
