import pytest
from django.contrib.auth import get_user_model

from dichvucong.accounts.models import User


def test_the_project_uses_its_own_user_model() -> None:
    assert get_user_model() is User


@pytest.mark.django_db
def test_passwords_are_hashed_and_checked() -> None:
    user = User.objects.create_user("congdan", "congdan@example.vn", "mot-mat-khau-dai")
    assert user.password != "mot-mat-khau-dai"
    assert user.check_password("mot-mat-khau-dai")
    assert not user.check_password("sai")
