"""Shared fixtures: the demo province's skeleton and published procedures."""

from __future__ import annotations

import itertools
import os
import types
from typing import Any

import pytest
import redis

from dichvucong.catalogue.models import ProcedureVersion
from dichvucong.catalogue.national import parse_record
from dichvucong.catalogue.services import procedure_publish
from dichvucong.catalogue.tests.records import make_record
from dichvucong.organizations.models import Agency, AgencyKind, UnitKind
from dichvucong.organizations.services import administrative_unit_upsert, agency_upsert

pytest_plugins = ["dichvucong.dossiers.tests.fixtures"]


@pytest.fixture
def province(db: Any) -> dict[str, Agency]:
    """Create Bình Phước with one district and one commune and their agencies."""
    administrative_unit_upsert(code="70", name="Bình Phước", kind=UnitKind.TINH)
    administrative_unit_upsert(code="689", name="Đồng Xoài", kind=UnitKind.THI_XA, parent_code="70")
    administrative_unit_upsert(
        code="25195", name="Tân Phú", kind=UnitKind.PHUONG, parent_code="689"
    )
    rows = [
        (
            "000.00.00.H10",
            "Ủy ban nhân dân tỉnh Bình Phước",
            AgencyKind.PEOPLE_COMMITTEE,
            "70",
            None,
        ),
        ("000.00.01.H10", "Sở Tư pháp", AgencyKind.DEPARTMENT, "70", None),
        (
            "001.00.01.H10",
            "Bộ phận tiếp nhận và trả kết quả - Sở Tư pháp",
            AgencyKind.ONE_STOP_UNIT,
            "70",
            "000.00.01.H10",
        ),
        ("000.00.03.H10", "Sở Xây dựng", AgencyKind.DEPARTMENT, "70", None),
        (
            "000.00.20.H10",
            "Ủy ban nhân dân thị xã Đồng Xoài",
            AgencyKind.PEOPLE_COMMITTEE,
            "689",
            None,
        ),
        (
            "000.01.20.H10",
            "Ủy ban nhân dân phường Tân Phú",
            AgencyKind.PEOPLE_COMMITTEE,
            "25195",
            "000.00.20.H10",
        ),
    ]
    agencies = {}
    for code, name, kind, unit, parent in rows:
        agencies[code], _ = agency_upsert(
            code=code, name=name, kind=kind, administrative_unit_code=unit, parent_code=parent
        )
    return agencies


def publish(record: dict[str, Any]) -> ProcedureVersion:
    version, _ = procedure_publish(record=parse_record(record))
    return version


@pytest.fixture
def procedures(province: dict[str, Agency]) -> list[ProcedureVersion]:
    """Publish the two sample procedures (justice record, construction permit)."""
    return [publish(make_record(0)), publish(make_record(1))]


def make_applicant(username: str, **profile: Any) -> Any:
    """Create an active, verified citizen with a complete profile (tests only)."""
    from django.utils import timezone

    from dichvucong.accounts.models import Profile, User

    user = User.objects.create_user(
        username=username, email=f"{username}@example.vn", password="mat-khau-thu-nghiem-12"
    )
    defaults: dict[str, Any] = {
        "full_name": "Nguyễn Văn An",
        "citizen_id": "074090001234",
        "phone": "0912345678",
        "address_line": "12 đường Phú Riềng Đỏ",
        "email_verified_at": timezone.now(),
    }
    defaults.update(profile)
    Profile.objects.create(user=user, **defaults)
    return user


@pytest.fixture
def citizen(province: dict[str, Agency]) -> Any:
    """A verified citizen living in phường Tân Phú."""
    from dichvucong.organizations.models import AdministrativeUnit

    return make_applicant(
        "congdan", administrative_unit=AdministrativeUnit.objects.get(code="25195")
    )


@pytest.fixture
def other_citizen(province: dict[str, Agency]) -> Any:
    """A second citizen, to check that nobody reaches another's data."""
    return make_applicant("congdan2", full_name="Trần Thị Bình", citizen_id="074190005678")


_rate_limit_days = itertools.count(1)


@pytest.fixture
def rate_limit_clock(monkeypatch: pytest.MonkeyPatch) -> float:
    """Hold the rate limits' clock still, each test on a day of its own.

    The limits count in fixed windows (a minute, say): a test whose requests crossed a
    window's edge would see its count start again and miss the refusal it expects.
    """
    from dichvucong.core import ratelimit

    instant = 1_900_000_000.0 + 86_400 * next(_rate_limit_days)
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: instant))
    return instant


@pytest.fixture(autouse=True)
def _site_language() -> Any:
    """Start every test in the site's language: a request for English in an earlier test
    leaves its translation active in the thread, which code outside requests would see."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


def second_factor_force_login(client: Any, user: Any) -> Any:
    """Sign a user in on a test client as if both factors passed; return the client.

    Give the user a confirmed authenticator (TOTP) device if they have none, log them in
    and mark the session verified (django-otp keeps the device's id in the session): the
    back office and the admin require it.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


OFFICER_PASSWORD = "mat-khau-can-bo-12"  # noqa: S105


def make_officer(
    username: str,
    *,
    agency: Agency,
    roles: tuple[str, ...],
    unit: Agency | None = None,
    full_name: str = "Phạm Minh Tuấn",
    authenticator: bool = True,
) -> Any:
    """Create an officer holding `roles` at `agency`, with a confirmed TOTP device (tests only)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dichvucong.accounts.models import Membership, User

    last_name, _space, first_name = full_name.rpartition(" ")
    user = User.objects.create_user(
        username=username,
        email=f"{username}@binhphuoc.gov.vn",
        password=OFFICER_PASSWORD,
        first_name=first_name,
        last_name=last_name,
    )
    for role in roles:
        Membership.objects.create(user=user, agency=agency, unit=unit, role=role)
    if authenticator:
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def totp_code(device: Any, *, steps_ahead: int = 0) -> str:
    """Return the code the officer's authenticator app shows now (or some steps later)."""
    from django_otp.oath import totp

    value = totp(device.bin_key, device.step, device.t0, device.digits, steps_ahead)
    return f"{value:0{device.digits}d}"


@pytest.fixture
def officer(province: dict[str, Agency]) -> Any:
    """A reception officer of Sở Tư pháp's one-stop unit, with an authenticator app."""
    return make_officer(
        "canbo.tp",
        agency=province["000.00.01.H10"],
        unit=province["001.00.01.H10"],
        roles=("reception",),
    )


@pytest.fixture
def second_factor_login(db: Any) -> Any:
    """Return `second_factor_force_login`, for tests that take it as a fixture."""
    return second_factor_force_login


@pytest.fixture
def admin_client(db: Any, client: Any, admin_user: Any) -> Any:
    """pytest-django's admin client, signed in with the second factor the admin requires."""
    return second_factor_force_login(client, admin_user)


def redis_or_skip(url: str) -> redis.Redis:
    """Return a client of the Redis at `url`; skip the test when it is unreachable.

    With REQUIRE_REDIS set (CI), an unreachable Redis fails the test instead.
    """
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"Redis is unreachable at {url} and REQUIRE_REDIS is set")
        pytest.skip(f"Redis is unreachable at {url}")
    return client
