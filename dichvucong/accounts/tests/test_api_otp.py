"""API tokens for officers: the password and the current code of their authenticator app."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from conftest import OFFICER_PASSWORD, totp_code
from dichvucong.accounts.models import User

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _no_throttle_delay(settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def wrong_code(device: TOTPDevice) -> str:
    accepted = {totp_code(device, steps_ahead=step) for step in (-2, -1, 0, 1, 2)}
    return next(code for code in ("000000", "111111", "222222") if code not in accepted)


def post(client: Client, **data: str) -> Any:
    return client.post(URL, data, content_type="application/json")


def test_an_officer_gets_a_token_with_the_code(client: Client, officer: User) -> None:
    device = TOTPDevice.objects.get(user=officer)

    response = post(client, username="canbo.tp", password=OFFICER_PASSWORD, otp=totp_code(device))

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=officer).key}
    device.refresh_from_db()
    assert device.last_t >= 0


def test_an_officer_without_a_code_gets_no_token(client: Client, officer: User) -> None:
    for missing in ({}, {"otp": ""}, {"otp": "   "}):
        response = post(client, username="canbo.tp", password=OFFICER_PASSWORD, **missing)

        assert response.status_code == 400, missing
        assert response.json() == {
            "detail": "Tham số không hợp lệ: otp.",
            "errors": {
                "otp": ["Tài khoản cán bộ phải nhập mã xác thực 6 chữ số của ứng dụng xác thực."]
            },
        }
    assert not Token.objects.exists()


def test_an_officer_with_a_wrong_code_gets_no_token(client: Client, officer: User) -> None:
    device = TOTPDevice.objects.get(user=officer)

    for code in (wrong_code(device), "12345", "abcdef", "0" + totp_code(device)):
        response = post(client, username="canbo.tp", password=OFFICER_PASSWORD, otp=code)

        assert response.status_code == 400, code
        assert response.json() == {
            "detail": "Mã xác thực không đúng hoặc đã hết hạn.",
            "errors": {},
        }
    assert not Token.objects.exists()
    device.refresh_from_db()
    assert device.throttling_failure_count == 4


def test_a_wrong_password_is_refused_before_the_code(client: Client, officer: User) -> None:
    device = TOTPDevice.objects.get(user=officer)

    response = post(client, username="canbo.tp", password="sai-mat-khau-roi", otp=totp_code(device))

    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản chưa kích hoạt."
    )
    assert not Token.objects.exists()
    device.refresh_from_db()
    assert device.last_t == -1


def test_wrong_codes_make_the_officer_wait(client: Client, officer: User, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 600
    device = TOTPDevice.objects.get(user=officer)
    post(client, username="canbo.tp", password=OFFICER_PASSWORD, otp=wrong_code(device))

    response = post(client, username="canbo.tp", password=OFFICER_PASSWORD, otp=totp_code(device))

    assert response.status_code == 429
    assert response.json() == {
        "detail": (
            "Đã tạm dừng xác thực vì mã bị nhập sai nhiều lần liên tiếp, vui lòng thử lại sau."
        ),
        "errors": {},
    }
    assert not Token.objects.exists()


def test_staff_need_the_code_too(client: Client, db: Any) -> None:
    staff = User.objects.create_user("quantri", password=OFFICER_PASSWORD, is_staff=True)
    device = TOTPDevice.objects.create(user=staff, name="test", confirmed=True)

    assert post(client, username="quantri", password=OFFICER_PASSWORD).status_code == 400
    response = post(client, username="quantri", password=OFFICER_PASSWORD, otp=totp_code(device))
    assert response.status_code == 200


def test_an_officer_without_an_app_gets_no_token(client: Client, officer: User) -> None:
    TOTPDevice.objects.filter(user=officer).delete()

    response = post(client, username="canbo.tp", password=OFFICER_PASSWORD, otp="123456")

    assert response.status_code == 400
    assert response.json()["detail"] == "Mã xác thực không đúng hoặc đã hết hạn."
    assert not Token.objects.exists()


def test_citizens_need_no_code(client: Client, citizen: User) -> None:
    response = post(client, username="congdan", password="mat-khau-thu-nghiem-12", otp="")

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=citizen).key}


def test_the_code_is_documented(client: Client) -> None:
    schema = yaml.safe_load(client.get("/api/schema/").content)
    credentials = schema["components"]["schemas"]["CredentialsRequest"]
    assert credentials["required"] == ["password", "username"]
    assert credentials["properties"]["otp"]["type"] == "string"
    assert "authenticator app" in credentials["properties"]["otp"]["description"]
