from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from conftest import make_applicant, second_factor_force_login
from dichvucong.accounts.models import User
from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers.models import Dossier
from dichvucong.feedback.models import Rating
from dichvucong.feedback.services import rating_submit
from dichvucong.organizations.models import Agency

from .conftest import submit

LIST = "/quan-tri/feedback/rating/"


@pytest.fixture
def ratings(citizen: Any, province: dict[str, Agency], online_procedure: Procedure) -> list[Rating]:
    """Two ratings: one at Sở Tư pháp, one at the district (moved there in set-up)."""
    first = submit(citizen, online_procedure, "a-1")
    other = make_applicant("congdan3", citizen_id="074090009999")
    second = submit(other, online_procedure, "a-2")
    Dossier.objects.filter(pk=second.pk).update(agency=province["000.00.20.H10"])
    return [
        rating_submit(dossier=first, applicant=citizen, level="satisfied", comment="Tốt."),
        rating_submit(dossier=second, applicant=other, level="unsatisfied", comment="Chậm."),
    ]


def staff_client(*, superuser: bool) -> Client:
    if superuser:
        user = User.objects.create_superuser("quantri", "qt@example.vn", "mat-khau-quan-tri-12")
    else:
        user = User.objects.create_user(
            "canbo", "cb@example.vn", "mat-khau-can-bo-12", is_staff=True
        )
        user.user_permissions.set(Permission.objects.filter(content_type__app_label="feedback"))
    return second_factor_force_login(Client(), user)


def test_the_list_shows_ratings_with_filters_and_search(ratings: list[Rating]) -> None:
    client = staff_client(superuser=True)
    first, second = (str(r.dossier.code) for r in ratings)
    html = client.get(LIST).content.decode()
    assert first in html and second in html
    assert "Hài lòng" in html and "Chưa hài lòng" in html
    assert "Ủy ban nhân dân thị xã Đồng Xoài" in html
    by_level = client.get(LIST, {"level": "unsatisfied"}).content.decode()
    assert second in by_level and first not in by_level
    district = Dossier.objects.get(code=second).agency_id
    by_agency = client.get(LIST, {"dossier__agency__id__exact": district}).content.decode()
    assert second in by_agency and first not in by_agency
    searched = client.get(LIST, {"q": first}).content.decode()
    assert first in searched and second not in searched


@pytest.mark.parametrize("superuser", [True, False])
def test_officers_cannot_add_change_or_delete_ratings(
    ratings: list[Rating], superuser: bool
) -> None:
    client = staff_client(superuser=superuser)
    rating = ratings[0]
    page = client.get(f"{LIST}{rating.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tốt." in html
    assert 'name="level"' not in html and 'name="comment"' not in html
    assert 'name="_save"' not in html
    response = client.post(
        f"{LIST}{rating.pk}/change/", {"level": "very_satisfied", "comment": "Sửa."}
    )
    assert response.status_code == 403
    assert client.post(f"{LIST}{rating.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{LIST}add/").status_code == 403
    bulk = client.post(
        LIST, {"action": "delete_selected", "_selected_action": [r.pk for r in ratings]}
    )
    assert bulk.status_code in (200, 302, 403)
    assert list(Rating.objects.order_by("pk").values_list("level", "comment")) == [
        ("satisfied", "Tốt."),
        ("unsatisfied", "Chậm."),
    ]


def test_citizens_cannot_open_the_ratings(citizen: Any) -> None:
    client = Client()
    client.force_login(citizen)
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/quan-tri/login/")
