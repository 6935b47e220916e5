from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from rest_framework.authtoken.models import Token

from dichvucong.accounts.models import Profile, User
from dichvucong.accounts.services import (
    auth_token_issue,
    auth_token_revoke,
    email_verification_token_make,
    profile_update,
    user_register,
    user_verify_email,
    verification_email_send,
)

pytestmark = pytest.mark.django_db


def test_register_creates_an_inactive_user_with_its_profile(
    registration: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        user = user_register(**registration, request_or_base_url="https://dvc.example.vn")

    user.refresh_from_db()
    assert user.username == "lethimai"
    assert user.email == "mai.le@example.vn"
    assert user.is_active is False
    assert user.check_password(registration["password"])
    assert (user.last_name, user.first_name) == ("Lê Thị", "Mai")
    profile = user.profile
    assert profile.kind == "citizen"
    assert profile.full_name == "Lê Thị Mai"
    assert profile.date_of_birth == datetime.date(1990, 5, 17)
    assert profile.citizen_id == "074190012345"
    assert profile.administrative_unit is not None
    assert profile.administrative_unit.code == "25195"
    assert profile.email_verified_at is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mai.le@example.vn"]


def test_the_verification_mail_is_sent_only_after_commit(
    registration: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        user_register(**registration, request_or_base_url="https://dvc.example.vn")
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_verification_mail_content(unverified: User) -> None:
    verification_email_send(user=unverified, request_or_base_url="https://dvc.example.vn/")

    (message,) = mail.outbox
    token = email_verification_token_make(user=unverified)
    link = f"https://dvc.example.vn/tai-khoan/xac-thuc/{token}/"
    assert message.subject == (
        "Xác thực địa chỉ thư điện tử \N{EN DASH} Cổng Dịch vụ công tỉnh Bình Phước"
    )
    assert message.to == ["mai.le@example.vn"]
    assert "Xin chào Lê Thị Mai," in message.body
    assert link in message.body
    assert "Liên kết có hiệu lực trong 3 ngày." in message.body
    html, mimetype = message.alternatives[0]  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert "Kích hoạt tài khoản" in html


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("ngan-qua", "Mật khẩu quá ngắn: cần ít nhất 12 ký tự."),
        ("password1234", "Mật khẩu này quá phổ biến."),
        ("192837465019283", "Mật khẩu này hoàn toàn là số."),
    ],
)
def test_weak_passwords_are_refused(
    registration: dict[str, Any], password: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refusal:
        user_register(**{**registration, "password": password})
    assert message in refusal.value.message_dict["password"]
    assert not User.objects.exists()


def test_duplicates_are_field_errors(registration: dict[str, Any], citizen: User) -> None:
    with pytest.raises(ValidationError) as refusal:
        user_register(
            **{
                **registration,
                "username": "CongDan",
                "email": "CONGDAN@example.vn",
                "citizen_id": "074090001234",
            }
        )
    assert refusal.value.message_dict == {
        "username": ["Tên đăng nhập này đã có người dùng."],
        "email": ["Địa chỉ thư điện tử này đã được dùng cho một tài khoản khác."],
        "citizen_id": ["Số định danh cá nhân này đã được dùng cho một tài khoản khác."],
    }
    assert User.objects.count() == 1


def test_a_business_needs_its_name_and_tax_code(registration: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refusal:
        user_register(**{**registration, "kind": "business"})
    assert refusal.value.message_dict == {
        "organization_name": ["Doanh nghiệp, tổ chức phải có tên."],
        "tax_code": ["Doanh nghiệp, tổ chức phải có mã số thuế."],
    }
    assert not Profile.objects.exists()


def test_a_business_registers_and_its_tax_code_is_unique(registration: dict[str, Any]) -> None:
    business = {
        **registration,
        "kind": "business",
        "organization_name": "Công ty TNHH Hạt điều Bình Phước",
        "tax_code": "3800123456",
    }
    user = user_register(**business)
    assert user.profile.tax_code == "3800123456"
    assert str(user.profile) == "Công ty TNHH Hạt điều Bình Phước"

    with pytest.raises(ValidationError) as refusal:
        user_register(**{**business, "username": "khac", "email": "khac@example.vn"})
    assert refusal.value.message_dict == {
        "tax_code": ["Mã số thuế này đã được dùng cho một tài khoản khác."]
    }
    assert User.objects.count() == 1


def test_verify_activates_once_and_is_idempotent(unverified: User) -> None:
    token = email_verification_token_make(user=unverified)

    user = user_verify_email(token=token)

    user.refresh_from_db()
    assert user.is_active is True
    verified_at = user.profile.email_verified_at
    assert verified_at is not None
    again = user_verify_email(token=token)
    again.refresh_from_db()
    assert again.is_active is True
    assert again.profile.email_verified_at == verified_at


def test_verifying_again_does_not_reactivate_a_disabled_account(unverified: User) -> None:
    token = email_verification_token_make(user=unverified)
    user_verify_email(token=token)
    User.objects.filter(pk=unverified.pk).update(is_active=False)

    user_verify_email(token=token)

    unverified.refresh_from_db()
    assert unverified.is_active is False


def test_a_tampered_token_is_refused(unverified: User) -> None:
    token = email_verification_token_make(user=unverified)
    other_pk = f"{unverified.pk + 1}{token[token.index(':') :]}"

    for bad in (token[:-2] + "xx", other_pk, "rac"):
        with pytest.raises(ValidationError) as refusal:
            user_verify_email(token=bad)
        assert refusal.value.messages == ["Liên kết xác thực không hợp lệ."]
        assert refusal.value.code == "invalid"
    unverified.refresh_from_db()
    assert unverified.is_active is False
    assert unverified.profile.email_verified_at is None


def test_a_token_for_an_old_address_is_refused(unverified: User) -> None:
    token = email_verification_token_make(user=unverified)
    unverified.email = "moi@example.vn"
    unverified.save(update_fields=["email"])

    with pytest.raises(ValidationError):
        user_verify_email(token=token)
    unverified.refresh_from_db()
    assert unverified.is_active is False


def _token_made_ago(user: User, seconds: int, monkeypatch: pytest.MonkeyPatch) -> str:
    """Return a token as if made `seconds` ago (the signer's clock is moved back)."""
    stamp = signing.b62_encode(int(time.time()) - seconds)
    with monkeypatch.context() as patch:
        patch.setattr(signing.TimestampSigner, "timestamp", lambda self: stamp)
        return email_verification_token_make(user=user)


def test_a_token_older_than_three_days_is_refused(
    unverified: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _token_made_ago(unverified, 3 * 86400 + 60, monkeypatch)

    with pytest.raises(ValidationError) as refusal:
        user_verify_email(token=token)

    assert refusal.value.code == "expired"
    assert refusal.value.messages == [
        "Liên kết xác thực đã hết hạn. Vui lòng yêu cầu gửi lại thư xác thực."
    ]
    unverified.refresh_from_db()
    assert unverified.is_active is False


def test_a_token_younger_than_three_days_works(
    unverified: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _token_made_ago(unverified, 3 * 86400 - 60, monkeypatch)

    assert user_verify_email(token=token).is_active is True


def test_profile_update_saves_the_given_fields(citizen: User) -> None:
    profile = profile_update(
        profile=citizen.profile, phone="+84912000111", address_line="7 đường Lê Duẩn"
    )
    profile.refresh_from_db()
    assert profile.phone == "+84912000111"
    assert profile.address_line == "7 đường Lê Duẩn"


def test_profile_update_refuses_invalid_or_duplicate_values(
    citizen: User, other_citizen: User
) -> None:
    with pytest.raises(ValidationError) as refusal:
        profile_update(profile=other_citizen.profile, citizen_id="074090001234")
    assert refusal.value.message_dict == {
        "citizen_id": ["Số định danh cá nhân này đã được dùng cho một tài khoản khác."]
    }
    with pytest.raises(ValidationError) as refusal:
        profile_update(profile=citizen.profile, phone="12345")
    assert list(refusal.value.message_dict) == ["phone"]
    citizen.profile.refresh_from_db()
    assert citizen.profile.phone == "0912345678"
    other_citizen.profile.refresh_from_db()
    assert other_citizen.profile.citizen_id == "074190005678"


def test_profile_update_refuses_unknown_fields(citizen: User) -> None:
    with pytest.raises(TypeError):
        profile_update(profile=citizen.profile, email_verified_at=None)


def test_tokens_are_issued_once_and_revoked(citizen: User) -> None:
    token = auth_token_issue(user=citizen)
    assert auth_token_issue(user=citizen).key == token.key
    assert auth_token_revoke(user=citizen) is True
    assert not Token.objects.filter(user=citizen).exists()
    assert auth_token_revoke(user=citizen) is False
