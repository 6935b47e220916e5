from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer


@pytest.fixture(scope="session")
def live_server(django_db_setup: Any, django_db_blocker: Any) -> Iterator[LiveServer]:
    """pytest-django's live server, stopped before the test database is dropped.

    Depending on `django_db_setup` orders the teardowns, so the server thread's database
    connection is closed when PostgreSQL drops the test database.
    """
    server = LiveServer("localhost")
    yield server
    server.stop()
    with django_db_blocker.unblock():
        _close_server_connections()


def _close_server_connections() -> None:
    """End the database sessions the server's request threads may have left behind.

    The threads are gone once the server stops, but a thread stopped in the middle of a
    keep-alive connection never closes its session, and PostgreSQL refuses to drop a
    test database that still has one.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
