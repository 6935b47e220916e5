from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dichvucong.accounts.models import User

pytestmark = pytest.mark.django_db


def test_user_list_filters_by_kind(admin_client: Client, citizen: User) -> None:
    response = admin_client.get("/quan-tri/accounts/user/", {"profile__kind": "citizen"})
    assert response.status_code == 200
    assert [user.username for user in response.context["cl"].result_list] == ["congdan"]
    businesses = admin_client.get("/quan-tri/accounts/user/", {"profile__kind": "business"})
    assert list(businesses.context["cl"].result_list) == []


def test_user_change_page_shows_the_profile_inline(admin_client: Client, citizen: User) -> None:
    response = admin_client.get(f"/quan-tri/accounts/user/{citizen.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="profile-0-citizen_id"' in html
    assert 'value="074090001234"' in html


def test_memberships_are_listed_and_shown_on_the_officer(
    admin_client: Client, officer: Any
) -> None:
    listing = admin_client.get("/quan-tri/accounts/membership/", {"role": "reception"})
    assert listing.status_code == 200
    assert officer.username in listing.content.decode()
    page = admin_client.get(f"/quan-tri/accounts/user/{officer.pk}/change/")
    assert page.status_code == 200
    assert 'name="memberships-0-role"' in page.content.decode()
