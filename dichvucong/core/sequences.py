"""Gap-free counters: the next number of an agency in a period, taken in one statement.

The register number (per year), the dossier code's sequence (per day) and the result
number (per year) are each a row per agency and period. One upsert creates the row at 1
or increments it and returns the number, holding the row lock until the caller's
transaction ends: concurrent callers queue, none repeats a number, and a caller that
rolls back gives its number back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import connection, models


def counter_next(
    *, model: type[models.Model], agency_id: int, period_field: str, period: int | date
) -> int:
    """Take the next number of `model`'s counter for (agency, period) and return it.

    `model` has the fields `agency`, `period_field` and `last`, unique together on the
    first two.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(period_field)  # a plain field: its column is its name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, {column}, last) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (agency_id, {column}) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [agency_id, period],
        )
        row = cursor.fetchone()
    return int(row[0])


def counters_raise(
    *,
    model: type[models.Model],
    period_field: str,
    lasts: Iterable[tuple[int, int | date, int]],
) -> None:
    """Raise `model`'s counters to at least the given last numbers, never lowering one.

    `lasts` holds (agency id, period, last number taken): numbers written outside
    `counter_next` (the demo history's bulk load), which the next one must follow.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(period_field)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (agency_id, {column}, last) VALUES (%s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (agency_id, {column}) DO UPDATE SET last = CASE "
            f"WHEN {table}.last > excluded.last THEN {table}.last ELSE excluded.last END",
            list(lasts),
        )
