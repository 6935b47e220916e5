"""The officer's two-step sign-in (password, then TOTP code), enrolment, the guard, the admin."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import OFFICER_PASSWORD, make_officer, second_factor_force_login, totp_code
from dichvucong.accounts.models import User
from dichvucong.backoffice.signin import SESSION_KEY
from dichvucong.organizations.models import Agency

pytestmark = pytest.mark.django_db

LOGIN = "/mot-cua/dang-nhap/"
VERIFY = "/mot-cua/xac-thuc/"
SETUP = "/mot-cua/thiet-lap-xac-thuc/"
HOME = "/mot-cua/"
WRONG_CODE_MESSAGE = "Mã xác thực không đúng hoặc đã hết hạn."


@pytest.fixture(autouse=True)
def _no_throttle_delay(settings: Any) -> None:
    """Let a right code through right after a wrong one (the throttle test sets its own)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def wrong_code(device: TOTPDevice) -> str:
    """Return a 6-digit code the device refuses now (none of the accepted time steps)."""
    accepted = {totp_code(device, steps_ahead=step) for step in (-2, -1, 0, 1, 2)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


def device_of(user: User) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user)


def password_step(client: Client, username: str, *, next_url: str = "") -> Any:
    data = {"username": username, "password": OFFICER_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_urls() -> None:
    assert reverse("backoffice:home") == HOME
    assert reverse("backoffice:login") == LOGIN
    assert reverse("backoffice:verify") == VERIFY
    assert reverse("backoffice:setup") == SETUP
    assert reverse("backoffice:logout") == "/mot-cua/dang-xuat/"


def test_the_full_two_step_sign_in(client: Client, officer: User) -> None:
    first = client.get(HOME)
    assert first.status_code == 302
    assert first["Location"] == "/mot-cua/dang-nhap/?next=/mot-cua/"
    page = client.get(first["Location"])
    assert page.status_code == 200
    assert 'name="next" value="/mot-cua/"' in page.content.decode()

    step_1 = password_step(client, "canbo.tp", next_url="/mot-cua/")

    assert step_1.status_code == 302
    assert step_1["Location"] == VERIFY
    assert not signed_in(client)
    assert client.session[SESSION_KEY]["user"] == officer.pk
    assert client.get(HOME)["Location"] == "/mot-cua/dang-nhap/?next=/mot-cua/"
    form = client.get(VERIFY)
    assert form.status_code == 200
    assert "canbo.tp" in form.content.decode()

    step_2 = client.post(VERIFY, {"code": totp_code(device_of(officer))})

    assert step_2.status_code == 302
    assert step_2["Location"] == "/mot-cua/"
    assert client.session["_auth_user_id"] == str(officer.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device_of(officer).persistent_id
    assert SESSION_KEY not in client.session
    home = client.get(HOME)
    assert home.status_code == 200
    html = home.content.decode()
    assert "Hệ thống thông tin một cửa điện tử" in html
    assert "tỉnh Bình Phước" in html
    assert "Phạm Minh Tuấn" in html
    assert "Bộ phận tiếp nhận và trả kết quả - Sở Tư pháp" in html
    assert "Tiếp nhận và trả kết quả" in html
    for link in ("Hồ sơ cần xử lý", "Tiếp nhận tại quầy", "Sổ theo dõi hồ sơ"):
        assert link in html
    assert "Quy trình" not in html  # for agency administrators only
    # The sign-in page sends a verified officer on.
    assert client.get(LOGIN)["Location"] == "/mot-cua/"


def test_a_code_is_accepted_once(client: Client, officer: User) -> None:
    code = totp_code(device_of(officer))
    password_step(client, "canbo.tp")
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post("/mot-cua/dang-xuat/")

    password_step(client, "canbo.tp")
    again = client.post(VERIFY, {"code": code})

    assert again.status_code == 400
    assert WRONG_CODE_MESSAGE in again.content.decode()
    assert not signed_in(client)


def test_a_wrong_code_is_refused(client: Client, officer: User) -> None:
    password_step(client, "canbo.tp")

    response = client.post(VERIFY, {"code": wrong_code(device_of(officer))})

    assert response.status_code == 400
    assert response.context["form"].errors == {"code": [WRONG_CODE_MESSAGE]}
    assert not signed_in(client)
    assert client.session[SESSION_KEY]["attempts"] == 1
    assert device_of(officer).throttling_failure_count == 1
    assert client.get(HOME).status_code == 302
    assert client.get("/quan-tri/").status_code == 302

    malformed = client.post(VERIFY, {"code": "12ab56"})
    assert malformed.status_code == 400
    assert malformed.context["form"].errors == {"code": ["Mã xác thực gồm đúng 6 chữ số."]}
    assert client.session[SESSION_KEY]["attempts"] == 1

    right = client.post(VERIFY, {"code": totp_code(device_of(officer))})
    assert right.status_code == 302
    assert device_of(officer).throttling_failure_count == 0


def test_without_the_code_nothing_is_reachable(client: Client, officer: User) -> None:
    password_step(client, "canbo.tp")

    for path in (HOME, "/quan-tri/", "/quan-tri/accounts/user/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert not signed_in(client)
    empty = client.post(VERIFY, {"code": ""})
    assert empty.status_code == 400
    assert empty.context["form"].errors == {"code": ["Vui lòng nhập mã xác thực."]}
    assert not signed_in(client)


def test_five_wrong_codes_end_the_attempt(client: Client, officer: User) -> None:
    password_step(client, "canbo.tp")
    code = wrong_code(device_of(officer))
    for _attempt in range(4):
        assert client.post(VERIFY, {"code": code}).status_code == 400

    fifth = client.post(VERIFY, {"code": code}, follow=True)

    assert fifth.redirect_chain == [(LOGIN, 302)]
    assert "Mã xác thực bị nhập sai 5 lần. Vui lòng đăng nhập lại từ đầu." in (
        fifth.content.decode()
    )
    assert SESSION_KEY not in client.session
    late = client.post(VERIFY, {"code": totp_code(device_of(officer))})
    assert late["Location"] == LOGIN
    assert not signed_in(client)
    assert device_of(officer).throttling_failure_count == 5


def test_django_otp_throttling_is_shown(client: Client, officer: User, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 600
    password_step(client, "canbo.tp")
    client.post(VERIFY, {"code": wrong_code(device_of(officer))})

    response = client.post(VERIFY, {"code": totp_code(device_of(officer))})

    assert response.status_code == 400
    [error] = response.context["form"].errors["code"]
    locked_until = timezone.localtime(device_of(officer).throttling_failure_timestamp) + timedelta(
        seconds=600
    )
    assert error == (
        "Đã tạm dừng xác thực vì mã bị nhập sai 1 lần liên tiếp. "
        f"Vui lòng thử lại sau {locked_until:%H:%M:%S}."
    )
    assert not signed_in(client)
    # A throttled try is not a wrong code: neither counter moves.
    assert client.session[SESSION_KEY]["attempts"] == 1
    assert device_of(officer).throttling_failure_count == 1


def test_the_pending_sign_in_expires(client: Client, officer: User) -> None:
    password_step(client, "canbo.tp")
    session = client.session
    state = session[SESSION_KEY]
    state["started_at"] = (timezone.now() - timedelta(minutes=5, seconds=1)).isoformat()
    session[SESSION_KEY] = state
    session.save()

    response = client.post(VERIFY, {"code": totp_code(device_of(officer))}, follow=True)

    assert response.redirect_chain == [(LOGIN, 302)]
    assert "Phiên đăng nhập đã hết hạn (quá 5 phút). Vui lòng đăng nhập lại." in (
        response.content.decode()
    )
    assert not signed_in(client)
    assert SESSION_KEY not in client.session
    assert device_of(officer).last_t == -1  # the code was never checked


def test_a_citizen_is_refused(client: Client, citizen: User) -> None:
    response = client.post(LOGIN, {"username": "congdan", "password": "mat-khau-thu-nghiem-12"})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Tài khoản này không phải tài khoản cán bộ nên không đăng nhập được Hệ thống "
        "một cửa điện tử. Công dân, doanh nghiệp vui lòng đăng nhập tại Cổng Dịch vụ công."
    ]
    assert 'href="/tai-khoan/dang-nhap/"' in response.content.decode()
    assert not signed_in(client)
    assert SESSION_KEY not in client.session
    assert client.get(VERIFY)["Location"] == LOGIN
    assert client.get(SETUP)["Location"] == LOGIN
    assert not TOTPDevice.objects.filter(user=citizen).exists()


def test_a_wrong_password_is_refused(client: Client, officer: User) -> None:
    response = client.post(LOGIN, {"username": "canbo.tp", "password": "sai-mat-khau-roi"})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Tên đăng nhập hoặc mật khẩu không đúng."
    ]
    assert SESSION_KEY not in client.session
    assert AccessAttempt.objects.get(username="canbo.tp").failures_since_start == 1


def test_axes_locks_the_officer_sign_in(client: Client, officer: User) -> None:
    for _attempt in range(4):
        wrong = client.post(LOGIN, {"username": "canbo.tp", "password": "sai-mat-khau-roi"})
        assert wrong.status_code == 400

    fifth = client.post(LOGIN, {"username": "canbo.tp", "password": "sai-mat-khau-roi"})

    assert fifth.status_code == 429
    assert "Tạm khóa đăng nhập" in fifth.content.decode()
    assert AccessAttempt.objects.get(username="canbo.tp").failures_since_start == 5
    right = password_step(client, "canbo.tp")
    assert right.status_code == 429
    assert SESSION_KEY not in client.session
    assert not signed_in(client)


def test_next_must_stay_on_the_site(client: Client, officer: User) -> None:
    password_step(client, "canbo.tp", next_url="https://example.com/phishing")

    response = client.post(VERIFY, {"code": totp_code(device_of(officer))})

    assert response["Location"] == HOME


def test_enrolment_of_an_authenticator_app(client: Client, province: dict[str, Agency]) -> None:
    newcomer = make_officer(
        "chuyenvien.moi",
        agency=province["000.00.20.H10"],
        roles=("specialist",),
        authenticator=False,
    )

    step_1 = password_step(client, "chuyenvien.moi")

    assert step_1["Location"] == SETUP
    assert client.get(VERIFY)["Location"] == SETUP
    page = client.get(SETUP)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=newcomer)
    assert not device.confirmed
    html = page.content.decode()
    secret = page.context["secret"]
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in html
    assert "<svg" in html and 'role="img"' in html
    # Reloading the page keeps the same secret (the app may already hold it).
    assert client.get(SETUP).context["secret"] == secret
    assert TOTPDevice.objects.filter(user=newcomer).count() == 1

    wrong = client.post(SETUP, {"code": wrong_code(device)})
    assert wrong.status_code == 400
    assert wrong.context["form"].errors == {"code": [WRONG_CODE_MESSAGE]}
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert not signed_in(client)

    right = client.post(SETUP, {"code": totp_code(device)})

    assert right["Location"] == HOME
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    home = client.get(HOME)
    assert home.status_code == 200
    assert "Đã thiết lập ứng dụng xác thực cho tài khoản." in home.content.decode()


def test_a_confirmed_app_cannot_be_replaced_at_sign_in(client: Client, officer: User) -> None:
    password_step(client, "canbo.tp")
    before = list(TOTPDevice.objects.filter(user=officer).values_list("pk", "key", "confirmed"))

    response = client.get(SETUP)

    assert response["Location"] == VERIFY
    after = list(TOTPDevice.objects.filter(user=officer).values_list("pk", "key", "confirmed"))
    assert after == before


def test_the_guard(client: Client, officer: User, citizen: User) -> None:
    anonymous = client.get(HOME)
    assert anonymous["Location"] == "/mot-cua/dang-nhap/?next=/mot-cua/"

    client.force_login(officer)  # a password-only session (e.g. from the citizen portal)
    unverified = client.get(HOME)
    assert unverified.status_code == 302
    assert unverified["Location"] == "/mot-cua/dang-nhap/?next=/mot-cua/"

    second_factor_force_login(client, officer)
    assert client.get(HOME).status_code == 200

    other = Client()
    second_factor_force_login(other, citizen)
    refused = other.get(HOME)
    assert refused.status_code == 403
    assert "Không có quyền truy cập" in refused.content.decode()


def test_staff_without_a_role_land_in_the_admin(client: Client, db: Any) -> None:
    staff = User.objects.create_superuser("quantri", "qt@example.vn", OFFICER_PASSWORD)
    TOTPDevice.objects.create(user=staff, name="test", confirmed=True)

    password_step(client, "quantri")
    response = client.post(VERIFY, {"code": totp_code(device_of(staff))})

    assert response["Location"] == "/quan-tri/"
    assert client.get("/quan-tri/").status_code == 200
    assert client.get(HOME).status_code == 403


def test_logout_is_post_only(client: Client, officer: User) -> None:
    second_factor_force_login(client, officer)
    assert client.get("/mot-cua/dang-xuat/").status_code == 405
    assert signed_in(client)

    response = client.post("/mot-cua/dang-xuat/", follow=True)

    assert response.redirect_chain == [(LOGIN, 302)]
    assert "Bạn đã đăng xuất khỏi Hệ thống một cửa điện tử." in response.content.decode()
    assert not signed_in(client)
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_the_admin_needs_the_second_factor(client: Client, db: Any) -> None:
    staff = User.objects.create_superuser("quantri", "qt@example.vn", OFFICER_PASSWORD)
    client.force_login(staff)

    response = client.get("/quan-tri/accounts/user/")

    assert response.status_code == 302
    assert response["Location"] == "/quan-tri/login/?next=/quan-tri/accounts/user/"
    login = client.get(response["Location"])
    assert login.status_code == 302
    assert login["Location"] == "/mot-cua/dang-nhap/?next=/quan-tri/accounts/user/"
    # The admin's own password form is gone: posting to it signs nobody in.
    client.logout()
    posted = client.post("/quan-tri/login/", {"username": "quantri", "password": OFFICER_PASSWORD})
    assert posted.status_code == 302
    assert posted["Location"].startswith("/mot-cua/dang-nhap/")
    assert not signed_in(client)

    second_factor_force_login(client, staff)
    assert client.get("/quan-tri/accounts/user/").status_code == 200
    assert client.get("/quan-tri/login/")["Location"] == "/quan-tri/"


def test_a_verified_officer_without_staff_status_is_refused_by_the_admin(
    client: Client, officer: User
) -> None:
    second_factor_force_login(client, officer)

    response = client.get("/quan-tri/", follow=True)

    assert response.status_code == 403
    assert response.redirect_chain == [("/quan-tri/login/?next=/quan-tri/", 302)]
