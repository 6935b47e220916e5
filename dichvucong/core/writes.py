"""Row writes whose SQL is written once per process: a new row, or some columns by key.

`Model.save()` builds an insert or update query and compiles it on every call. On the
busiest requests that cost more than the database took to run the statement (measured
in one process on the benchmark machine: 0.34 ms of CPU for `save(update_fields=...)`
of a payment's eight columns, 0.12 ms for the same UPDATE sent as SQL; 0.36 ms against
0.15 ms for a new payment event), and they make several: an IPN writes four rows, an
officer's action two.

`row_insert(instance)` and `row_update(instance, fields)` write what `save()` writes,
with SQL written once per model, column list and database:

- the same columns, each value prepared by its field as `save()` prepares it (`pre_save`
  first, so `auto_now` dates are set; then `get_db_prep_save`, so JSON is adapted);
- the instance left as `save()` leaves it: its new key and the database's defaults read
  back, no longer "adding", bound to the database;
- the same refusals: an unsaved related object, an unknown field, an update that
  matched no row (`DatabaseError`, as `save(update_fields=...)`).

Where `save()` would do more than that one statement, they call `save()` itself: a model
with `pre_save` or `post_save` receivers, a value that is an expression (`F("n") + 1`),
a backend that cannot return the new key. A model that overrides `save()` is refused
(`TypeError`), since its code would be skipped, unless it declares that its `save()`
only refuses to rewrite an existing row (`save_guards_rewrites_only = True`, the
append-only logs): a new row may then be inserted without it, and none is ever updated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connections, router, transaction
from django.db.models import Field, Model
from django.db.models.signals import post_save, pre_save


@dataclass(frozen=True)
class _Statement:
    sql: str
    fields: tuple[Field[Any, Any], ...]  # whose values are the parameters, in order
    returning: tuple[Field[Any, Any], ...] = ()  # read back after an insert


_STATEMENTS: dict[tuple[Any, ...], _Statement] = {}


def _concrete(model: type[Model], *, inserting: bool) -> type[Model]:
    overridden = model.save is not Model.save
    if overridden and not (inserting and getattr(model, "save_guards_rewrites_only", False)):
        raise TypeError(f"{model.__name__} overrides save(): row writes would skip it.")
    concrete: type[Model] = model._meta.concrete_model or model  # a proxy's table
    if concrete._meta.parents:
        raise TypeError(f"{model.__name__}: row writes do not save parent tables.")
    return concrete


def _plain(model: type[Model]) -> bool:
    """Whether saving `model` is one statement: no receiver runs around it.

    (save() sends its signals as the instance's own class, a proxy included.)
    """
    return not (pre_save.has_listeners(model) or post_save.has_listeners(model))


def _quote(alias: str, name: str | None) -> str:
    """Quote a table or column name of the model's own (never a caller's value)."""
    if name is None:
        raise TypeError("A column without a name cannot be written.")
    return str(connections[alias].ops.quote_name(name))


def _insert_statement(model: type[Model], alias: str) -> _Statement | None:
    key = ("insert", model, alias)
    found = _STATEMENTS.get(key)
    if found is not None:
        return found
    connection = connections[alias]
    meta = model._meta
    returning = tuple(meta.db_returning_fields)
    if returning and not connection.features.can_return_columns_from_insert:
        return None
    fields = tuple(
        f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field
    )
    if any(hasattr(f, "get_placeholder") for f in fields):
        return None  # a field that writes its own SQL: left to Django
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (the model's names)
        _quote(alias, meta.db_table),
        ", ".join(_quote(alias, f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    if returning:
        sql += " RETURNING " + ", ".join(_quote(alias, f.column) for f in returning)
    found = _STATEMENTS[key] = _Statement(sql, fields, returning)
    return found


def _update_statement(model: type[Model], alias: str, names: tuple[str, ...]) -> _Statement:
    key = ("update", model, alias, names)
    found = _STATEMENTS.get(key)
    if found is not None:
        return found
    meta = model._meta
    by_name = {}
    for f in meta.local_concrete_fields:
        if not f.primary_key and not f.generated:
            by_name[f.name] = by_name[f.attname] = f
    unknown = sorted(set(names) - set(by_name))
    if unknown:
        raise ValueError(
            "The following fields do not exist in this model, are m2m fields, primary keys "
            f"or non-concrete fields: {', '.join(unknown)}"
        )
    fields = tuple(f for f in meta.local_concrete_fields if f.name in names or f.attname in names)
    if any(hasattr(f, "get_placeholder") for f in fields):
        raise TypeError(f"{model.__name__}: a field with its own placeholder is left to save().")
    table = _quote(alias, meta.db_table)
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 (the model's names)
        table,
        ", ".join(f"{_quote(alias, f.column)} = %s" for f in fields),
        _quote(alias, meta.pk.column),
    )
    found = _STATEMENTS[key] = _Statement(sql, fields)
    return found


def _params(
    instance: Model, statement: _Statement, alias: str, *, adding: bool
) -> list[Any] | None:
    """Return the statement's values as save() prepares them; None where save() must write.

    (A value that is an expression, such as `F("n") + 1`, is compiled by save() itself.)
    """
    instance._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
    raw = [f.pre_save(instance, adding) for f in statement.fields]
    if any(hasattr(value, "resolve_expression") for value in raw):
        return None
    connection = connections[alias]
    return [f.get_db_prep_save(v, connection) for f, v in zip(statement.fields, raw, strict=True)]


def row_insert(instance: Model) -> None:
    """Insert `instance` as a new row, as `instance.save(force_insert=True)` would."""
    model = _concrete(type(instance), inserting=True)
    if not instance._state.adding or (model._meta.auto_field and instance.pk is not None):
        raise ValueError(f"{model.__name__}: row_insert writes new rows, without their key.")
    alias = router.db_for_write(model, instance=instance)
    statement = _insert_statement(model, alias) if _plain(type(instance)) else None
    params = _params(instance, statement, alias, adding=True) if statement else None
    if statement is None or params is None:
        instance.save(force_insert=True, using=alias)
        return
    connection = connections[alias]
    with transaction.mark_for_rollback_on_error(using=alias), connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        row = cursor.fetchone() if statement.returning else None
    if row is not None:
        for field, value in zip(statement.returning, row, strict=True):
            column = field.get_col(model._meta.db_table)
            converters = connection.ops.get_db_converters(column)
            for converter in [*converters, *column.get_db_converters(connection)]:
                value = converter(value, column, connection)
            setattr(instance, field.attname, value)
    instance._state.adding = False
    instance._state.db = alias


def row_update(instance: Model, fields: Sequence[str]) -> None:
    """Write `fields` of a saved `instance`, as `instance.save(update_fields=fields)` would."""
    if not fields:
        return  # as save(update_fields=[]): nothing is written
    model = _concrete(type(instance), inserting=False)
    alias = instance._state.db or router.db_for_write(model, instance=instance)
    statement = _update_statement(model, alias, tuple(sorted(set(fields))))
    if instance.pk is None:
        raise ValueError("Cannot force an update in save() with no primary key.")
    params = _params(instance, statement, alias, adding=False) if _plain(type(instance)) else None
    if params is None:
        instance.save(update_fields=fields, using=alias)
        return
    connection = connections[alias]
    params.append(model._meta.pk.get_db_prep_value(instance.pk, connection))
    with transaction.mark_for_rollback_on_error(using=alias), connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        updated = cursor.rowcount
    if updated == 0:
        raise DatabaseError("Save with update_fields did not affect any rows.")
    instance._state.adding = False
    instance._state.db = alias
