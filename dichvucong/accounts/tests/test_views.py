from __future__ import annotations

import re
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse

from dichvucong.accounts.models import Profile, User
from dichvucong.accounts.services import email_verification_token_make

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/tai-khoan/dang-nhap/"
FIXTURE_PASSWORD = "mat-khau-thu-nghiem-12"  # the root conftest's make_applicant


def test_account_urls() -> None:
    assert reverse("accounts:register") == "/tai-khoan/dang-ky/"
    assert reverse("accounts:verify", args=["abc:def"]) == "/tai-khoan/xac-thuc/abc:def/"
    assert reverse("accounts:resend-verification") == "/tai-khoan/gui-lai-xac-thuc/"
    assert reverse("accounts:login") == LOGIN
    assert reverse("accounts:logout") == "/tai-khoan/dang-xuat/"
    assert reverse("accounts:password-reset") == "/tai-khoan/quen-mat-khau/"
    assert reverse("accounts:password-change") == "/tai-khoan/doi-mat-khau/"
    assert reverse("accounts:profile") == "/tai-khoan/ho-so/"


def test_register_page_groups_communes_by_district(client: Client, commune: Any) -> None:
    response = client.get("/tai-khoan/dang-ky/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<optgroup label="Thị xã Đồng Xoài">' in html
    assert '<option value="25195">Phường Tân Phú</option>' in html
    assert "Doanh nghiệp, tổ chức" in html


def test_register_then_verify_then_login(
    client: Client, registration_post: dict[str, str], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tai-khoan/dang-ky/", registration_post)

    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/dang-ky/kiem-tra-thu/"
    user = User.objects.get(username="lethimai")
    assert user.is_active is False
    done = client.get(response["Location"])
    assert "Chúng tôi đã gửi thư xác thực đến <strong>mai.le@example.vn</strong>." in (
        done.content.decode()
    )
    (message,) = mail.outbox
    link = re.search(r"http://testserver(/tai-khoan/xac-thuc/[^/\s]+/)", str(message.body))
    assert link is not None

    verified = client.get(link.group(1))

    assert verified.status_code == 200
    assert "Tài khoản đã được kích hoạt" in verified.content.decode()
    user.refresh_from_db()
    assert user.is_active is True
    assert user.profile.email_verified_at is not None
    login = client.post(LOGIN, {"username": "lethimai", "password": PASSWORD})
    assert login.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_register_shows_vietnamese_field_errors(
    client: Client, registration_post: dict[str, str], citizen: User
) -> None:
    data = {
        **registration_post,
        "citizen_id": "074090001234",  # the fixture citizen's
        "password1": "12345678",
        "password2": "12345678",
        "date_of_birth": "2999-01-01",
        "phone": "",
    }
    response = client.post("/tai-khoan/dang-ky/", data)

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["date_of_birth"] == ["Ngày sinh không thể sau ngày hôm nay."]
    assert form.errors["phone"] == ["Vui lòng nhập số điện thoại."]
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'id="id_phone_error"' in html
    assert User.objects.filter(username="lethimai").exists() is False


def test_register_refuses_short_and_common_passwords_and_duplicate_citizen_ids(
    client: Client, registration_post: dict[str, str], citizen: User
) -> None:
    short = client.post(
        "/tai-khoan/dang-ky/",
        {**registration_post, "password1": "ngan-qua", "password2": "ngan-qua", "phone": "1"},
    )
    assert short.status_code == 400
    assert short.context["form"].errors == {
        "password1": ["Mật khẩu quá ngắn: cần ít nhất 12 ký tự."],
        "phone": ["Số điện thoại bắt đầu bằng 0 hoặc +84, tiếp theo là 9 hoặc 10 chữ số."],
    }
    duplicate = client.post(
        "/tai-khoan/dang-ky/", {**registration_post, "citizen_id": "074090001234"}
    )
    assert duplicate.status_code == 400
    assert duplicate.context["form"].errors == {
        "citizen_id": ["Số định danh cá nhân này đã được dùng cho một tài khoản khác."]
    }
    common = client.post(
        "/tai-khoan/dang-ky/",
        {**registration_post, "password1": "password1234", "password2": "password1234"},
    )
    assert common.context["form"].errors == {"password1": ["Mật khẩu này quá phổ biến."]}
    mismatch = client.post("/tai-khoan/dang-ky/", {**registration_post, "password2": "khac"})
    assert mismatch.context["form"].errors == {
        "password2": ["Hai mật khẩu đã nhập không giống nhau."]
    }
    assert User.objects.count() == 1
    assert mail.outbox == []


def test_register_a_business_needs_its_tax_code(
    client: Client, registration_post: dict[str, str]
) -> None:
    response = client.post(
        "/tai-khoan/dang-ky/",
        {**registration_post, "kind": "business", "organization_name": "HTX Điều Lộc Ninh"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "tax_code": ["Vui lòng nhập mã số thuế của doanh nghiệp."]
    }
    assert not User.objects.exists()


def test_register_a_business(client: Client, registration_post: dict[str, str]) -> None:
    response = client.post(
        "/tai-khoan/dang-ky/",
        {
            **registration_post,
            "kind": "business",
            "organization_name": "HTX Điều Lộc Ninh",
            "tax_code": "3801234567",
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user__username="lethimai")
    assert (profile.kind, profile.organization_name, profile.tax_code) == (
        "business",
        "HTX Điều Lộc Ninh",
        "3801234567",
    )


def test_a_citizen_registration_drops_business_fields(
    client: Client, registration_post: dict[str, str]
) -> None:
    client.post(
        "/tai-khoan/dang-ky/",
        {**registration_post, "organization_name": "Bỏ qua", "tax_code": "3801234567"},
    )
    profile = Profile.objects.get(user__username="lethimai")
    assert (profile.organization_name, profile.tax_code) == ("", "")


def test_verify_refuses_a_tampered_link(client: Client, unverified: User) -> None:
    token = email_verification_token_make(user=unverified)
    tampered = token[:-1] + ("B" if token.endswith("A") else "A")
    response = client.get(f"/tai-khoan/xac-thuc/{tampered}/")
    assert response.status_code == 400
    assert "Liên kết xác thực không hợp lệ." in response.content.decode()
    unverified.refresh_from_db()
    assert unverified.is_active is False


def test_resend_mails_an_unverified_user_and_reveals_nothing(
    client: Client, unverified: User, citizen: User
) -> None:
    answers = [
        client.post("/tai-khoan/gui-lai-xac-thuc/", {"email": email})
        for email in ("MAI.LE@example.vn", "khong-co@example.vn", "congdan@example.vn")
    ]

    assert [a.status_code for a in answers] == [200, 200, 200]
    mains = [a.content.decode().split("<main")[1].split("</main>")[0] for a in answers]
    texts = [re.sub(r"<strong>.*?</strong>", "", main) for main in mains]
    assert texts[0] == texts[1] == texts[2]
    (message,) = mail.outbox  # only the unverified user's; the active citizen gets none
    assert message.to == ["mai.le@example.vn"]
    # The link in the mail verifies that user (the token's timestamp is the mail's second).
    link = re.search(r"/tai-khoan/xac-thuc/[^/\s]+/", str(message.body))
    assert link is not None
    client.get(link.group(0))
    unverified.refresh_from_db()
    assert unverified.is_active is True


def test_login_by_username_and_by_email(client: Client, citizen: User) -> None:
    by_name = client.post(LOGIN, {"username": "congdan", "password": FIXTURE_PASSWORD})
    assert by_name.status_code == 302
    assert by_name["Location"] == "/"
    client.logout()

    by_email = client.post(
        LOGIN,
        {"username": "CongDan@Example.vn", "password": FIXTURE_PASSWORD, "next": "/ho-so/"},
    )
    assert by_email.status_code == 302
    assert by_email["Location"] == "/ho-so/"
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_login_with_a_wrong_password_is_refused(client: Client, citizen: User) -> None:
    response = client.post(LOGIN, {"username": "congdan", "password": "sai-mat-khau-roi"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Tên đăng nhập (hoặc thư điện tử) hoặc mật khẩu không đúng."
    ]
    assert "_auth_user_id" not in client.session


def test_an_unverified_user_is_told_only_with_the_right_password(
    client: Client, unverified: User
) -> None:
    wrong = client.post(LOGIN, {"username": "lethimai", "password": "sai-mat-khau-roi"})
    assert wrong.context["form"].non_field_errors() == [
        "Tên đăng nhập (hoặc thư điện tử) hoặc mật khẩu không đúng."
    ]
    assert (
        "/tai-khoan/gui-lai-xac-thuc/"
        not in wrong.content.decode().split("<main")[1].split("account-alt")[0]
    )

    right = client.post(LOGIN, {"username": "mai.le@example.vn", "password": PASSWORD})

    assert right.status_code == 400
    assert right.context["form"].non_field_errors() == [
        "Tài khoản chưa được kích hoạt: vui lòng mở liên kết trong thư xác thực "
        "chúng tôi đã gửi đến địa chỉ thư điện tử của bạn."
    ]
    summary = right.content.decode().split('id="error-summary"')[1].split("</div>")[0]
    assert 'href="/tai-khoan/gui-lai-xac-thuc/"' in summary
    assert "_auth_user_id" not in client.session


def test_a_disabled_account_is_told_it_is_locked(client: Client, citizen: User) -> None:
    User.objects.filter(pk=citizen.pk).update(is_active=False)
    response = client.post(LOGIN, {"username": "congdan", "password": FIXTURE_PASSWORD})
    assert response.context["form"].non_field_errors() == [
        "Tài khoản này đã bị khóa. Vui lòng liên hệ bộ phận hỗ trợ."
    ]
    assert "_auth_user_id" not in client.session


def test_lockout_after_five_failures(client: Client, citizen: User) -> None:
    for _attempt in range(4):
        response = client.post(LOGIN, {"username": "congdan", "password": "sai-mat-khau-roi"})
        assert response.status_code == 400

    fifth = client.post(LOGIN, {"username": "congdan", "password": "sai-mat-khau-roi"})

    assert fifth.status_code == 429
    assert "Tạm khóa đăng nhập" in fifth.content.decode()
    assert "Vui lòng thử lại sau 15 phút." in fifth.content.decode()
    assert AccessAttempt.objects.get(username="congdan").failures_since_start == 5
    right = client.post(LOGIN, {"username": "congdan", "password": FIXTURE_PASSWORD})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    by_email = client.post(LOGIN, {"username": "congdan@example.vn", "password": FIXTURE_PASSWORD})
    assert by_email.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_does_not_reveal_an_unverified_account(
    client: Client, unverified: User
) -> None:
    for _attempt in range(5):
        client.post(LOGIN, {"username": "lethimai", "password": "sai-mat-khau-roi"})
    response = client.post(LOGIN, {"username": "lethimai", "password": PASSWORD})
    assert response.status_code == 429
    assert "chưa được kích hoạt" not in response.content.decode()


def test_logout_is_post_only(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    assert client.get("/tai-khoan/dang-xuat/").status_code == 405
    assert client.session["_auth_user_id"] == str(citizen.pk)

    response = client.post("/tai-khoan/dang-xuat/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_header_shows_the_account_menu(client: Client, citizen: User) -> None:
    anonymous = client.get("/").content.decode()
    assert 'href="/tai-khoan/dang-nhap/?next=/"' in anonymous
    assert 'href="/tai-khoan/dang-ky/"' in anonymous
    client.force_login(citizen)
    signed_in = client.get("/").content.decode()
    assert "Nguyễn Văn An</li>" in signed_in
    assert 'href="/tai-khoan/ho-so/"' in signed_in
    assert '<form action="/tai-khoan/dang-xuat/" method="post">' in signed_in
    assert 'href="/tai-khoan/dang-nhap/' not in signed_in


def test_password_reset_end_to_end(client: Client, citizen: User) -> None:
    response = client.post("/tai-khoan/quen-mat-khau/", {"email": "congdan@example.vn"})
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/quen-mat-khau/da-gui/"
    (message,) = mail.outbox
    assert message.subject == "Đặt lại mật khẩu \N{EN DASH} Cổng Dịch vụ công tỉnh Bình Phước"
    assert "Xin chào Nguyễn Văn An," in message.body
    link = re.search(r"http://testserver(/tai-khoan/dat-lai-mat-khau/[^\s]+/)", str(message.body))
    assert link is not None

    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    assert "Đặt mật khẩu mới" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {"new_password1": "cay-cao-su-xanh-mat", "new_password2": "cay-cao-su-xanh-mat"},
    )
    assert done.status_code == 302
    assert done["Location"] == "/tai-khoan/dat-lai-mat-khau/xong/"
    citizen.refresh_from_db()
    assert citizen.check_password("cay-cao-su-xanh-mat")
    assert client.get(link.group(1)).status_code == 200  # the link is now spent:
    assert "không hợp lệ" in client.get(link.group(1), follow=True).content.decode()


def test_password_reset_sends_nothing_for_an_unknown_address(client: Client, citizen: User) -> None:
    response = client.post("/tai-khoan/quen-mat-khau/", {"email": "khong-co@example.vn"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    response = client.post(
        "/tai-khoan/doi-mat-khau/",
        {
            "old_password": FIXTURE_PASSWORD,
            "new_password1": "cay-cao-su-xanh-mat",
            "new_password2": "cay-cao-su-xanh-mat",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/doi-mat-khau/xong/"
    citizen.refresh_from_db()
    assert citizen.check_password("cay-cao-su-xanh-mat")


def test_profile_requires_login(client: Client) -> None:
    response = client.get("/tai-khoan/ho-so/")
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/dang-nhap/?next=/tai-khoan/ho-so/"


def test_profile_update_changes_only_ones_own(
    client: Client, citizen: User, other_citizen: User
) -> None:
    client.force_login(citizen)
    page = client.get("/tai-khoan/ho-so/")
    assert page.status_code == 200
    form = page.context["form"]
    assert form.fields["citizen_id"].disabled is True
    assert form.fields["full_name"].disabled is True
    assert form.fields["date_of_birth"].disabled is False  # still empty
    assert "tax_code" not in form.fields
    assert '<option value="25195" selected>Phường Tân Phú</option>' in page.content.decode()

    response = client.post(
        "/tai-khoan/ho-so/",
        {
            "phone": "0911222333",
            "address_line": "9 đường Trần Hưng Đạo",
            "administrative_unit": "25195",
            "date_of_birth": "1985-02-03",
            "citizen_id": "074190005678",  # ignored: fixed once filled in
            "full_name": "Người Khác",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/ho-so/"
    profile = Profile.objects.get(user=citizen)
    assert profile.phone == "0911222333"
    assert profile.address_line == "9 đường Trần Hưng Đạo"
    assert str(profile.date_of_birth) == "1985-02-03"
    assert profile.citizen_id == "074090001234"
    assert profile.full_name == "Nguyễn Văn An"
    other = Profile.objects.get(user=other_citizen)
    assert (other.phone, other.address_line) == ("0912345678", "12 đường Phú Riềng Đỏ")
    assert "Đã lưu thông tin tài khoản." in client.get("/tai-khoan/ho-so/").content.decode()


def test_profile_update_shows_errors(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    response = client.post(
        "/tai-khoan/ho-so/",
        {"phone": "123", "address_line": "", "administrative_unit": "99999"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "phone": ["Số điện thoại bắt đầu bằng 0 hoặc +84, tiếp theo là 9 hoặc 10 chữ số."],
        "administrative_unit": ["Vui lòng chọn một xã, phường, thị trấn."],
    }
    assert Profile.objects.get(user=citizen).phone == "0912345678"


def test_a_citizen_id_is_filled_in_once(client: Client, citizen: User, other_citizen: User) -> None:
    Profile.objects.filter(user=citizen).update(citizen_id="")
    client.force_login(citizen)
    taken = client.post(
        "/tai-khoan/ho-so/",
        {"phone": "0912345678", "citizen_id": "074190005678", "administrative_unit": "25195"},
    )
    assert taken.context["form"].errors == {
        "citizen_id": ["Số định danh cá nhân này đã được dùng cho một tài khoản khác."]
    }
    client.post(
        "/tai-khoan/ho-so/",
        {"phone": "0912345678", "citizen_id": "074090009999", "administrative_unit": "25195"},
    )
    assert Profile.objects.get(user=citizen).citizen_id == "074090009999"
