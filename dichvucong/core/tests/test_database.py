"""The PostgreSQL connection prepares the queries it repeats (config/settings/base.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from dichvucong.dossiers import selectors
from dichvucong.dossiers.models import Dossier

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def _prepared(fragment: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"%{fragment}%"],
        )
        row = cursor.fetchone()
    return int(row[0])


@pytest.mark.django_db
def test_a_query_run_twice_on_a_connection_is_prepared_once() -> None:
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    fragment = "WHERE d.code = $1"  # the public lookup, with its parameters apart
    assert _prepared(fragment) == 0
    for _ in range(3):
        with pytest.raises(Dossier.DoesNotExist):
            selectors.dossier_public_status(code="000.00.01.H10-150302-0001")
    assert _prepared(fragment) == 1
