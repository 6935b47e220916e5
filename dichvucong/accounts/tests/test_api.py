from __future__ import annotations

import pytest
import yaml
from django.test import Client
from rest_framework.authtoken.models import Token

from dichvucong.accounts.models import User

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"
FIXTURE_PASSWORD = "mat-khau-thu-nghiem-12"


def test_a_token_for_the_right_password(client: Client, citizen: User) -> None:
    response = client.post(
        URL, {"username": "congdan", "password": FIXTURE_PASSWORD}, content_type="application/json"
    )

    assert response.status_code == 200
    token = Token.objects.get(user=citizen)
    assert response.json() == {"token": token.key}
    again = client.post(URL, {"username": "congdan", "password": FIXTURE_PASSWORD})
    assert again.json() == {"token": token.key}


def test_the_token_authenticates(client: Client, citizen: User) -> None:
    key = client.post(URL, {"username": "congdan", "password": FIXTURE_PASSWORD}).json()["token"]

    response = client.delete(URL, headers={"Authorization": f"Token {key}"})

    assert response.status_code == 204
    assert not Token.objects.filter(user=citizen).exists()
    assert client.delete(URL, headers={"Authorization": f"Token {key}"}).status_code == 401


def test_revoking_needs_authentication(client: Client, citizen: User) -> None:
    Token.objects.create(user=citizen)
    assert client.delete(URL).status_code == 401
    assert Token.objects.filter(user=citizen).exists()


def test_a_wrong_password_gets_400(client: Client, citizen: User) -> None:
    response = client.post(URL, {"username": "congdan", "password": "sai-mat-khau-roi"})

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản chưa kích hoạt.",
        "errors": {},
    }
    assert not Token.objects.exists()


def test_missing_fields_get_400_by_field(client: Client) -> None:
    response = client.post(URL, {"username": "congdan"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["password"]


def test_an_unverified_user_gets_no_token(client: Client, unverified: User) -> None:
    response = client.post(URL, {"username": "lethimai", "password": PASSWORD})

    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản chưa kích hoạt."
    )
    assert not Token.objects.exists()


def test_lockout_after_five_failures(client: Client, citizen: User) -> None:
    statuses = [
        client.post(URL, {"username": "congdan", "password": "sai"}).status_code
        for _attempt in range(5)
    ]
    assert statuses == [400, 400, 400, 400, 429]

    response = client.post(URL, {"username": "congdan", "password": FIXTURE_PASSWORD})

    assert response.status_code == 429
    assert response.json() == {
        "detail": (
            "Đăng nhập sai quá nhiều lần: tài khoản tạm khóa từ địa chỉ này, vui lòng thử lại sau."
        ),
        "errors": {},
    }
    assert not Token.objects.exists()


def test_the_endpoint_is_documented(client: Client) -> None:
    schema = yaml.safe_load(client.get("/api/schema/").content)
    operations = schema["paths"]["/api/v1/auth/token/"]
    assert operations["post"]["tags"] == ["auth"]
    assert operations["delete"]["tags"] == ["auth"]
    assert set(operations["post"]["responses"]) == {"200", "400", "429"}
    request_schema = operations["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert request_schema == {"$ref": "#/components/schemas/CredentialsRequest"}


def test_a_token_authenticates_only_its_active_user_with_rest_frameworks_refusals(
    client: Client, citizen: User
) -> None:
    """The project's token check (its read compiled once) answers as REST framework's."""
    from rest_framework.authentication import TokenAuthentication as Framework
    from rest_framework.exceptions import AuthenticationFailed

    from dichvucong.accounts.api.authentication import TokenAuthentication

    token = Token.objects.create(user=citizen)
    ours, theirs = TokenAuthentication(), Framework()
    assert ours.authenticate_credentials(token.key) == (citizen, token)
    user, _token = ours.authenticate_credentials(token.key)
    assert user.username == "congdan" and user.is_active

    def refusal(check: Framework, key: str) -> str:
        with pytest.raises(AuthenticationFailed) as refused:
            check.authenticate_credentials(key)
        return str(refused.value.detail)

    assert refusal(ours, "0" * 40) == refusal(theirs, "0" * 40)
    unknown = client.delete(URL, headers={"Authorization": f"Token {'0' * 40}"})
    assert unknown.json()["detail"] == "Mã truy cập không hợp lệ."  # locale/vi
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    assert refusal(ours, token.key) == refusal(theirs, token.key)
    response = client.delete(URL, headers={"Authorization": f"Token {token.key}"})
    assert response.status_code == 401
    assert Token.objects.filter(pk=token.pk).exists()
