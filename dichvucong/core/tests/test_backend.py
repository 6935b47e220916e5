"""The PostgreSQL backend checks a kept connection's health only after it sat idle."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import OperationalError, connection, connections

from dichvucong.core.backends.postgresql import base

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend"),
    pytest.mark.django_db,
]


@pytest.fixture
def kept() -> Iterator[base.DatabaseWrapper]:
    """A second connection, kept between requests with health checks on (as in production)."""
    assert isinstance(connections["default"], base.DatabaseWrapper)  # the settings chose it
    wrapper = base.DatabaseWrapper(
        {**connection.settings_dict, "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True},
        alias="kept",
    )
    wrapper.connect()
    yield wrapper
    wrapper.close()


def _pid(wrapper: base.DatabaseWrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        row = cursor.fetchone()
    return int(row[0])


def _lost(pid: int) -> None:
    """The server closes that connection (as a restart or a fail-over would)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])


def _next_request(wrapper: base.DatabaseWrapper) -> None:
    wrapper.close_if_unusable_or_obsolete()  # what Django does as a request starts


def _checks(monkeypatch: pytest.MonkeyPatch, wrapper: base.DatabaseWrapper) -> list[bool]:
    made: list[bool] = []
    is_usable = wrapper.is_usable

    def counted() -> Any:
        made.append(True)
        return is_usable()

    monkeypatch.setattr(wrapper, "is_usable", counted)
    return made


def test_a_connection_used_within_the_second_is_not_checked(
    kept: base.DatabaseWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks = _checks(monkeypatch, kept)
    pid = _pid(kept)
    for _ in range(3):
        _next_request(kept)
        assert _pid(kept) == pid
    assert checks == []


def test_an_idle_connection_is_checked_and_a_lost_one_replaced(
    kept: base.DatabaseWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks = _checks(monkeypatch, kept)
    pid = _pid(kept)
    _next_request(kept)
    kept._used_at -= base.HEALTH_CHECK_IDLE  # a second without a statement
    assert _pid(kept) == pid  # alive: checked, kept
    assert checks == [True]

    _lost(pid)
    _next_request(kept)
    kept._used_at -= base.HEALTH_CHECK_IDLE
    assert _pid(kept) != pid  # checked, found closed, replaced before the query
    assert len(checks) == 2


def test_a_connection_lost_within_the_second_fails_one_request_then_is_replaced(
    kept: base.DatabaseWrapper,
) -> None:
    pid = _pid(kept)
    _lost(pid)
    _next_request(kept)
    with pytest.raises(OperationalError):
        _pid(kept)
    assert kept.errors_occurred
    _next_request(kept)  # Django closes a connection that failed with such an error
    assert _pid(kept) != pid
