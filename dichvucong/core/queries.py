"""Querysets compiled once per process and run again with new values.

Django turns a queryset into SQL each time it runs it. For the few reads that nearly
every request of a kind repeats (the API token, the officer's memberships, the row an
action or a payment report locks), compiling costs more than running: the lock of a
payment with its request and its dossier names some 70 columns, and its compilation took
1.2 ms of the 2.3 ms the whole read took on the benchmark machine
(docs/architecture.md, "How a request flows").

`CompiledQuery` builds the queryset once, with stand-in values, keeps its SQL and the
compiler's description of the columns (which converter each needs, how a row becomes an
instance with its selected relations), and afterwards only swaps the stand-ins for the
values of the call and turns the rows into objects the way Django's own iterables do.
The database still runs the query each time (and, on PostgreSQL, prepares it); what is
kept is Django's work, never a result.

What a value may be: a string, an integer, or a list or tuple of them (a list's length
is part of the query's shape, so each length is compiled once). A value that the
queryset changes on its way to the SQL (`contains`, `iexact`) cannot be swapped and is
refused when the query is compiled.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError

R = TypeVar("R")  # what a row gives: a model instance, a tuple, a value

# Stand-in integers: negative, far from any identifier, and inside a 32-bit column's
# range (Django refuses to compare an integer column with a value outside it).
_INT_BASE = -2_000_000_000
_counter = itertools.count()


def _stand_in(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        raise TypeError("CompiledQuery takes strings, integers and lists of them.")
    if isinstance(value, str):
        # No caller's value holds a NUL (PostgreSQL refuses it in text).
        return f"\x00compiled-query-{next(_counter)}\x00"
    if isinstance(value, int):
        return _INT_BASE - next(_counter) % 1_000_000
    if isinstance(value, list | tuple):
        return [_stand_in(item) for item in value]
    raise TypeError("CompiledQuery takes strings, integers and lists of them.")


def _shape(values: dict[str, Any]) -> tuple[tuple[str, int], ...]:
    """Return what decides the SQL: the names, and each list's length (-1: a scalar)."""
    return tuple(
        (name, len(value) if isinstance(value, list | tuple) else -1)
        for name, value in sorted(values.items())
    )


@dataclass(frozen=True)
class _Compiled:
    alias: str
    sql: str
    params: tuple[Any, ...]
    # For each parameter: (name, index in a list or -1), or None when it is a constant.
    slots: tuple[tuple[str, int] | None, ...]
    compiler: SQLCompiler | None  # None: the query can match nothing (an empty IN)
    iterable: type
    locks: bool
    # What turns a column's value into Python (a date's time zone, a JSON document), by
    # position, as the compiler reports it for these columns: found once, like the SQL.
    converters: dict[int, Any] | None = None
    objects: _ObjectsPlan | None = None  # for model instances

    def params_for(self, values: dict[str, Any]) -> list[Any]:
        params = []
        for constant, slot in zip(self.params, self.slots, strict=True):
            if slot is None:
                params.append(constant)
            else:
                name, index = slot
                params.append(values[name] if index < 0 else values[name][index])
        return params


@dataclass(frozen=True)
class _ObjectsPlan:
    """How a row becomes a model instance with its selected relations (as ModelIterable)."""

    model: Any
    start: int
    end: int
    init_list: tuple[str, ...]
    populators: tuple[Any, ...]
    annotations: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, compiler: SQLCompiler, alias: str) -> _ObjectsPlan:
        select, klass_info = compiler.select, compiler.klass_info
        if klass_info is None:  # values_list() queries never come here
            raise ValueError("CompiledQuery: the query selects no model.")
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        return cls(
            model=klass_info["model"],
            start=start,
            end=end,
            init_list=tuple(column[0].target.attname for column in select[start:end]),
            # (django-stubs describe a later Django's signature, with a fetch mode.)
            populators=tuple(get_related_populators(klass_info, select, alias)),  # type: ignore[call-arg]
            annotations=tuple(compiler.annotation_col_map.items()),
        )

    def objects(self, rows: list[Any], alias: str) -> list[Any]:
        start, end, init_list = self.start, self.end, list(self.init_list)
        objects = []
        for row in rows:
            obj = self.model.from_db(alias, init_list, row[start:end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


def _kind(value: Any) -> str:
    """Strings and integers are told apart (1 and "1"), but not by subclass."""
    return "s" if isinstance(value, str) else "i"


def _slots(params: Sequence[Any], stand_ins: dict[str, Any]) -> list[tuple[str, int] | None]:
    where: dict[tuple[str, Any], tuple[str, int]] = {}
    for name, stand_in in stand_ins.items():
        if isinstance(stand_in, list):
            for index, item in enumerate(stand_in):
                where[(_kind(item), item)] = (name, index)
        else:
            where[(_kind(stand_in), stand_in)] = (name, -1)
    slots: list[tuple[str, int] | None] = []
    found = set()
    for param in params:
        plain = isinstance(param, str | int) and not isinstance(param, bool)
        slot = where.get((_kind(param), param)) if plain else None
        slots.append(slot)
        if slot is not None:
            found.add(slot)
    missing = set(where.values()) - found
    if missing:
        names = ", ".join(sorted({name for name, _index in missing}))
        raise ValueError(f"CompiledQuery: the SQL does not carry {names} as given (changed?).")
    return slots


class CompiledQuery(Generic[R]):
    """A queryset built by `build(**values)`, compiled once per thread, shape and database.

    `build` must give the same SQL for every value of the same shape: it may use the
    values only as lookups' right-hand sides, not to choose what to filter on.
    """

    def __init__(self, build: Callable[..., QuerySet[Any, R]]) -> None:
        self._build = build
        self._local = threading.local()

    def _compiled(self, values: dict[str, Any]) -> _Compiled:
        cache: dict[Any, _Compiled] | None = getattr(self._local, "cache", None)
        if cache is None:
            cache = self._local.cache = {}
        shape = _shape(values)
        found = cache.get(shape)
        if found is not None:
            return found
        stand_ins = {name: _stand_in(value) for name, value in values.items()}
        queryset = self._build(**stand_ins)
        if queryset._known_related_objects or queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
            raise ValueError("CompiledQuery does not follow known or prefetched relations.")
        iterable = queryset._iterable_class
        if iterable not in (ModelIterable, ValuesListIterable, FlatValuesListIterable):
            raise ValueError("CompiledQuery gives model instances or values_list() rows.")
        query = queryset.query
        if iterable is not ModelIterable and (query.extra_select or query.annotation_select):
            raise ValueError("CompiledQuery gives plain values_list() rows only.")
        alias = queryset.db
        compiler = query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            compiled = _Compiled(alias, "", (), (), None, iterable, False)
        else:
            columns = [column[0] for column in compiler.select[0 : compiler.col_count]]
            if compiler.has_composite_fields(columns):
                raise ValueError("CompiledQuery does not read composite primary keys.")
            compiled = _Compiled(
                alias=alias,
                sql=sql,
                params=tuple(params),
                slots=tuple(_slots(params, stand_ins)),
                compiler=compiler,
                iterable=iterable,
                locks=bool(query.select_for_update),
                converters=compiler.get_converters(columns),
                objects=_ObjectsPlan.of(compiler, alias) if iterable is ModelIterable else None,
            )
        cache[shape] = compiled
        return compiled

    def list(self, **values: Any) -> list[R]:
        """Run the query with `values`; return its objects (or rows), as the queryset would."""
        compiled = self._compiled(values)
        compiler = compiled.compiler
        if compiler is None:
            return []
        connection = connections[compiled.alias]
        if (
            compiled.locks
            and connection.features.has_select_for_update
            and (connection.get_autocommit())
        ):
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, compiled.params_for(values))
            rows = cursor.fetchall()
        if compiled.converters:  # Django's own conversion, with the converters found once
            rows = list(compiler.apply_converters(rows, compiled.converters))
        found: list[Any]
        if compiled.objects is not None:
            found = compiled.objects.objects(rows, compiled.alias)
        elif compiled.iterable is FlatValuesListIterable:
            found = [row[0] for row in rows]
        else:
            found = [tuple(row) for row in rows]
        return found

    def first(self, **values: Any) -> R | None:
        """Return the first object (in the queryset's order), or None."""
        found = self.list(**values)
        return found[0] if found else None


@dataclass(frozen=True)
class Condition:
    """A filter made by `build(**values)`, for a query that compiles it once per shape.

    Where a plain Q would be passed to a query run on every request, pass this: the
    query can then be a CompiledQuery keyed by `build` (which must be a module-level
    function, so that it is the same object in every call).
    """

    build: Callable[..., Q]
    values: Mapping[str, Any]

    def q(self) -> Q:
        return self.build(**self.values)
