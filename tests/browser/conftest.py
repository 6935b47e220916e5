from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer


@pytest.fixture(scope="session")
def live_server(django_db_setup: Any) -> Iterator[LiveServer]:
    """pytest-django's live server, stopped before the test database is dropped.

    Depending on `django_db_setup` orders the teardowns, so the server thread's database
    connection is closed when PostgreSQL drops the test database.
    """
    server = LiveServer("localhost")
    yield server
    server.stop()
