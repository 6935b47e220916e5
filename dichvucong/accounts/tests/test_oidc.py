"""Sign-in with the national identity provider, against a real OpenID Connect provider.

The provider (panva's oidc-provider, run by Node) is started once for the module; the
tests drive the whole authorization-code flow: our login URL, the provider's own login
and consent pages over HTTP, our callback exchanging the code at the provider's token
endpoint and checking the ID token's signature with its JWKS.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import Client

from conftest import make_applicant
from dichvucong.accounts.models import ExternalIdentity, Profile, User
from dichvucong.accounts.oidc import claims_parse
from dichvucong.accounts.tests.oidc_provider import (
    Provider,
    log_in_at_provider,
    provider_unavailable,
    start_provider,
)

CALLBACK = "http://testserver/oidc/callback/"
# The path of accounts:login; a literal so these tests do not depend on the login page.
LOGIN_PATH = "/tai-khoan/dang-nhap/"

ACCOUNTS: dict[str, dict[str, Any]] = {
    "an": {
        "name": "Nguyễn Văn An",
        "citizen_id": "074090001234",
        "birthdate": "1990-05-17",
        "phone_number": "+84912345678",
        "email": "an@example.vn",
        "email_verified": True,
    },
    "binh": {"name": "Trần Thị Bình", "email": "binh@example.vn", "email_verified": True},
    "chi": {"name": "Lê Văn Chí", "citizen_id": "07409000123"},
}


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    reason = provider_unavailable()
    if reason is not None:
        if os.environ.get("REQUIRE_OIDC_PROVIDER"):
            pytest.fail(f"{reason}, and REQUIRE_OIDC_PROVIDER is set")
        pytest.skip(reason)
    with start_provider(
        config_path=tmp_path_factory.mktemp("oidc") / "provider.json",
        accounts=ACCOUNTS,
        redirect_uri=CALLBACK,
    ) as running:
        yield running


@pytest.fixture
def oidc(settings: Any, provider: Provider, db: None) -> Provider:
    """Switch OIDC on and point it at the running provider."""
    settings.OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "dichvucong.accounts.oidc.OIDCBackend",
    ]
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = provider.client_secret
    settings.OIDC_OP_ISSUER = provider.issuer
    settings.OIDC_RP_SCOPES = "openid email profile phone"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = provider.discovery["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = provider.discovery["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = provider.discovery["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = provider.discovery["jwks_uri"]
    settings.LOGIN_URL = LOGIN_PATH
    return provider


def start_login(client: Client) -> str:
    """Open our login URL; return the provider's authorization URL it redirects to."""
    response = client.get("/oidc/authenticate/")
    assert response.status_code == 302
    return str(response["Location"])


def callback_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def log_in(client: Client, login: str) -> Any:
    """Go through the whole flow as `login`; return our callback's response."""
    authorization_url = start_login(client)
    returned = log_in_at_provider(authorization_url, login=login, return_prefix=CALLBACK)
    return client.get(callback_path(returned))


def logged_in_user(client: Client) -> User | None:
    user_id = client.session.get(SESSION_KEY)
    return None if user_id is None else User.objects.get(pk=user_id)


def test_first_login_creates_a_verified_citizen_from_the_claims(oidc: Provider) -> None:
    client = Client()
    authorization_url = start_login(client)
    query = parse_qs(urlsplit(authorization_url).query)
    assert authorization_url.startswith(f"{oidc.issuer}/auth?")
    assert query["client_id"] == [oidc.client_id]
    assert query["scope"] == ["openid email profile phone"]
    assert query["redirect_uri"] == [CALLBACK]
    assert query["code_challenge_method"] == ["S256"]

    returned = log_in_at_provider(authorization_url, login="an", return_prefix=CALLBACK)
    response = client.get(callback_path(returned))

    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get()
    assert logged_in_user(client) == user
    assert user.username.startswith("vneid-")
    assert user.email == "an@example.vn"
    assert user.is_active
    assert not user.has_usable_password()
    profile = Profile.objects.get(user=user)
    assert profile.kind == "citizen"
    assert profile.full_name == "Nguyễn Văn An"
    assert profile.citizen_id == "074090001234"
    assert profile.date_of_birth == date(1990, 5, 17)
    assert profile.phone == "+84912345678"
    assert profile.email_verified_at is not None
    identity = ExternalIdentity.objects.get()
    assert (identity.issuer, identity.subject, identity.user) == (oidc.issuer, "an", user)


def test_second_login_reuses_the_user_and_refreshes_name_and_birthdate(oidc: Provider) -> None:
    log_in(Client(), "an")
    user = User.objects.get()
    first_login_at = ExternalIdentity.objects.get().last_login_at
    Profile.objects.filter(user=user).update(full_name="Tên cũ", date_of_birth=date(1980, 1, 1))
    User.objects.filter(pk=user.pk).update(email="moi@example.vn")

    client = Client()
    response = log_in(client, "an")

    assert response.status_code == 302
    assert logged_in_user(client) == user
    assert User.objects.count() == 1
    identity = ExternalIdentity.objects.get()
    assert identity.user == user
    assert identity.last_login_at > first_login_at
    profile = Profile.objects.get(user=user)
    assert (profile.full_name, profile.date_of_birth) == ("Nguyễn Văn An", date(1990, 5, 17))
    # The address the person changed here stays: it identifies nobody.
    assert User.objects.get().email == "moi@example.vn"


def test_first_login_links_the_account_holding_the_same_citizen_id(oidc: Provider) -> None:
    existing = make_applicant("congdan", full_name="Nguyen Van An", citizen_id="074090001234")

    client = Client()
    log_in(client, "an")

    assert logged_in_user(client) == existing
    assert User.objects.count() == 1
    assert ExternalIdentity.objects.get().user == existing
    profile = Profile.objects.get(user=existing)
    assert profile.full_name == "Nguyễn Văn An"
    assert User.objects.get().email == "congdan@example.vn"


def test_a_staff_account_with_the_same_citizen_id_is_not_linked(oidc: Provider) -> None:
    officer = make_applicant("canbo", citizen_id="074090001234")
    officer.is_staff = True
    officer.save()

    client = Client()
    response = log_in(client, "an")

    assert response.status_code == 302
    assert response["Location"] == LOGIN_PATH
    assert logged_in_user(client) is None
    assert list(User.objects.all()) == [officer]
    assert not ExternalIdentity.objects.exists()


def test_a_new_account_does_not_take_an_address_another_account_uses(oidc: Provider) -> None:
    other = make_applicant("nguoikhac", citizen_id="074190005678")
    User.objects.filter(pk=other.pk).update(email="AN@example.vn")

    log_in(Client(), "an")

    user = ExternalIdentity.objects.get().user
    assert user.email == ""
    assert Profile.objects.get(user=user).email_verified_at is None


def test_a_wrong_state_is_refused(oidc: Provider) -> None:
    client = Client()
    returned = log_in_at_provider(start_login(client), login="an", return_prefix=CALLBACK)
    query = parse_qs(urlsplit(returned).query)
    assert set(query) >= {"code", "state"}
    forged = urlencode({"code": query["code"][0], "state": "trang-thai-gia-mao"})

    response = client.get(f"/oidc/callback/?{forged}")

    assert response.status_code == 302
    assert response["Location"] == LOGIN_PATH
    assert logged_in_user(client) is None
    assert not User.objects.exists()
    assert not ExternalIdentity.objects.exists()


def test_a_code_the_provider_does_not_know_is_refused(oidc: Provider) -> None:
    client = Client()
    returned = log_in_at_provider(start_login(client), login="an", return_prefix=CALLBACK)
    state = parse_qs(urlsplit(returned).query)["state"][0]

    response = client.get(f"/oidc/callback/?{urlencode({'code': 'ma-gia', 'state': state})}")

    assert response.status_code == 302
    assert response["Location"] == LOGIN_PATH
    assert logged_in_user(client) is None
    assert not User.objects.exists()
    assert not ExternalIdentity.objects.exists()


def test_an_account_without_the_citizen_id_is_refused(
    oidc: Provider, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client()
    with caplog.at_level(logging.WARNING, logger="dichvucong.accounts.oidc"):
        response = log_in(client, "binh")

    assert response.status_code == 302
    assert response["Location"] == LOGIN_PATH
    assert logged_in_user(client) is None
    assert not User.objects.exists()
    assert not Profile.objects.exists()
    assert not ExternalIdentity.objects.exists()
    assert [
        record.getMessage().split(" (")[0]
        for record in caplog.records
        if record.name == "dichvucong.accounts.oidc"
    ] == ["OIDC login refused: the citizen ID claim is missing or is not 12 digits"]
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Không đăng nhập được bằng tài khoản định danh điện tử. "
        "Vui lòng thử lại hoặc đăng nhập bằng mật khẩu."
    ]


def test_a_citizen_id_that_is_not_12_digits_is_refused(oidc: Provider) -> None:
    client = Client()
    response = log_in(client, "chi")

    assert response["Location"] == LOGIN_PATH
    assert logged_in_user(client) is None
    assert not User.objects.exists()
    assert not ExternalIdentity.objects.exists()


def test_the_endpoints_answer_404_while_oidc_is_off(settings: Any, db: None) -> None:
    settings.OIDC_ENABLED = False
    client = Client()

    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=abc&state=def").status_code == 404
    assert "oidc_states" not in client.session


def test_the_button_shows_only_while_oidc_is_on(settings: Any) -> None:
    settings.OIDC_ENABLED = False
    assert render_to_string("accounts/_oidc_login.html").strip() == ""

    settings.OIDC_ENABLED = True
    html = render_to_string("accounts/_oidc_login.html", {"next": "/ho-so-cua-toi/"})
    assert 'href="/oidc/authenticate/?next=/ho-so-cua-toi/"' in html
    assert "Đăng nhập bằng tài khoản định danh điện tử (VNeID)" in html

    settings.OIDC_LOGIN_LABEL = "Đăng nhập qua Cổng Dịch vụ công quốc gia"
    html = render_to_string("accounts/_oidc_login.html")
    assert 'href="/oidc/authenticate/"' in html
    assert "Đăng nhập qua Cổng Dịch vụ công quốc gia" in html


def test_claims_are_read_through_the_mapping(settings: Any) -> None:
    settings.OIDC_CLAIMS = {
        **settings.OIDC_CLAIMS,
        "citizen_id": "so_dinh_danh",
        "full_name": "ho_ten",
        "date_of_birth": "ngay_sinh",
    }
    claims = claims_parse(
        {
            "so_dinh_danh": "074090001234",
            "ho_ten": "  Nguyễn   Văn An ",
            "ngay_sinh": "17/05/1990",
            "phone_number": "0912 345 678",
            "email_verified": "true",
            "email": "an@example.vn",
        }
    )

    assert claims.citizen_id == "074090001234"
    assert claims.full_name == "Nguyễn Văn An"
    assert claims.date_of_birth == date(1990, 5, 17)
    assert claims.phone == "0912345678"
    assert claims.email == "an@example.vn"
    assert claims.email_verified is True
