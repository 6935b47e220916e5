"""The demo officers of the README: roles, password and authenticator secret."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dichvucong.accounts.models import Membership, User
from dichvucong.demo.services import DATA_DIR, demo_officers_load, organizations_load

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def code_from_secret(*, steps_ahead: int = 0) -> str:
    """Compute the code as an authenticator app would, from the README's base32 secret."""
    return f"{totp(base64.b32decode(SECRET), drift=steps_ahead):06d}"


@pytest.fixture
def organizations(db: Any) -> None:
    organizations_load(json.loads((DATA_DIR / "organizations.json").read_text(encoding="utf-8")))


def roles_of(username: str) -> list[tuple[str, str | None, str]]:
    return [
        (m.agency.code, m.unit.code if m.unit else None, m.role)
        for m in Membership.objects.filter(user__username=username)
        .select_related("agency", "unit")
        .order_by("role")
    ]


def test_demo_officers_are_created_with_their_roles(organizations: None) -> None:
    changes = demo_officers_load(DATA_DIR / "officers.json")

    assert changes == 5 + 6 + 5  # users, memberships, devices
    assert roles_of("tiepnhan.dx") == [("000.00.20.H10", "001.00.20.H10", "reception")]
    assert roles_of("chuyenvien.dx") == [("000.00.20.H10", None, "specialist")]
    assert roles_of("lanhdao.dx") == [
        ("000.00.20.H10", None, "approver"),
        ("000.00.20.H10", None, "unit_head"),
    ]
    assert roles_of("quantri.dx") == [("000.00.20.H10", None, "agency_admin")]
    assert roles_of("giamsat.stttt") == [("000.00.07.H10", None, "supervisor")]
    for user in User.objects.filter(memberships__isnull=False).distinct():
        assert user.check_password("DichVuCong@2015"), user
        assert user.last_name and user.first_name, user
        [device] = TOTPDevice.objects.filter(user=user)
        assert device.confirmed
        assert device.key == "48656c6c6f21deadbeef48656c6c6f21deadbeef"
    reception = User.objects.get(username="tiepnhan.dx")
    assert (reception.last_name, reception.first_name) == ("Nguyễn Thị Thanh", "Hương")

    assert demo_officers_load(DATA_DIR / "officers.json") == 0
    assert Membership.objects.count() == 6
    assert TOTPDevice.objects.count() == 5


def test_loading_again_repairs_what_was_changed(organizations: None) -> None:
    demo_officers_load(DATA_DIR / "officers.json")
    user = User.objects.get(username="lanhdao.dx")
    user.set_password("mat-khau-khac-12345")
    user.save()
    Membership.objects.filter(user=user, role="approver").delete()
    Membership.objects.create(
        user=user, agency=Membership.objects.get(user=user).agency, role="reception"
    )
    TOTPDevice.objects.filter(user=user).update(key="00" * 20)

    assert demo_officers_load(DATA_DIR / "officers.json") == 4

    user.refresh_from_db()
    assert user.check_password("DichVuCong@2015")
    assert roles_of("lanhdao.dx") == [
        ("000.00.20.H10", None, "approver"),
        ("000.00.20.H10", None, "unit_head"),
    ]
    assert TOTPDevice.objects.get(user=user).key == "48656c6c6f21deadbeef48656c6c6f21deadbeef"


def test_a_demo_officer_signs_in_with_the_readme_secret(
    client: Client, organizations: None
) -> None:
    demo_officers_load(DATA_DIR / "officers.json")

    step_1 = client.post(
        "/mot-cua/dang-nhap/", {"username": "tiepnhan.dx", "password": "DichVuCong@2015"}
    )
    assert step_1["Location"] == "/mot-cua/xac-thuc/"
    step_2 = client.post("/mot-cua/xac-thuc/", {"code": code_from_secret()})

    assert step_2["Location"] == "/mot-cua/"
    home = client.get("/mot-cua/").content.decode()
    assert "Nguyễn Thị Thanh Hương" in home
    assert "Bộ phận tiếp nhận và trả kết quả - Ủy ban nhân dân thị xã Đồng Xoài" in home

    token = client.post(
        "/api/v1/auth/token/",
        {"username": "giamsat.stttt", "password": "DichVuCong@2015", "otp": code_from_secret()},
    )
    assert token.status_code == 200
