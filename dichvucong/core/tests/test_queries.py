"""CompiledQuery gives what the queryset gives, for each call's values, compiling once."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.db.transaction import TransactionManagementError

from conftest import make_officer
from dichvucong.accounts.models import Membership, User
from dichvucong.core.queries import CompiledQuery
from dichvucong.organizations.models import Agency


def _fields(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.fixture
def officers(province: dict[str, Agency]) -> list[User]:
    return [
        make_officer("cq.one", agency=province["000.00.01.H10"], roles=("reception",)),
        make_officer(
            "cq.two",
            agency=province["000.00.03.H10"],
            roles=("specialist", "unit_head"),
            unit=province["000.00.01.H10"],
        ),
        make_officer("cq.three", agency=province["000.00.20.H10"], roles=("approver",)),
    ]


def test_models_with_their_selected_relations_equal_the_querysets(
    officers: list[User], django_assert_num_queries: Any
) -> None:
    def build(username: str) -> Any:
        return Membership.objects.select_related("user", "agency").filter(user__username=username)

    compiled = CompiledQuery(build)
    for user in officers:
        expected = list(build(user.username).order_by("pk"))
        got = sorted(compiled.list(username=user.username), key=lambda m: m.pk)
        assert [_fields(m) for m in got] == [_fields(m) for m in expected]
        with django_assert_num_queries(0):  # the relations came with the rows
            assert [_fields(m.user) for m in got] == [_fields(m.user) for m in expected]
            assert [_fields(m.agency) for m in got] == [_fields(m.agency) for m in expected]
        assert all(not m._state.adding and m._state.db == "default" for m in got)
    assert compiled.list(username="nobody") == []
    assert compiled.first(username="nobody") is None


def test_only_defers_the_other_columns_as_the_queryset_does(officers: list[User]) -> None:
    compiled = CompiledQuery(lambda pk: User.objects.only("username").filter(pk=pk))
    user = compiled.first(pk=officers[1].pk)
    assert user is not None
    assert (
        user.get_deferred_fields()
        == User.objects.only("username").get(pk=officers[1].pk).get_deferred_fields()
    )
    assert user.username == "cq.two"


def test_values_list_rows_flat_and_not(officers: list[User]) -> None:
    rows = CompiledQuery(
        lambda user_id: (
            Membership.objects.filter(user_id=user_id)
            .order_by("role")
            .values_list("agency_id", "role")
        )
    )
    flat = CompiledQuery(
        lambda user_id: (
            Membership.objects.filter(user_id=user_id)
            .order_by("role")
            .values_list("role", flat=True)
        )
    )
    user = officers[1]
    assert rows.list(user_id=user.pk) == list(
        Membership.objects.filter(user_id=user.pk).order_by("role").values_list("agency_id", "role")
    )
    assert flat.list(user_id=user.pk) == ["specialist", "unit_head"]


def test_lists_compile_once_per_length_and_keep_their_order(
    officers: list[User], province: dict[str, Agency]
) -> None:
    compiled = CompiledQuery(
        lambda agency_ids, role: Membership.objects.filter(
            Q(agency_id__in=agency_ids) | Q(unit_id__in=agency_ids), role=role
        ).values_list("user__username", flat=True)
    )
    justice, building = province["000.00.01.H10"].pk, province["000.00.03.H10"].pk
    assert compiled.list(agency_ids=[justice], role="reception") == ["cq.one"]
    assert compiled.list(agency_ids=[building], role="reception") == []
    assert compiled.list(agency_ids=[building], role="specialist") == ["cq.two"]
    assert sorted(compiled.list(agency_ids=[building, justice], role="specialist")) == ["cq.two"]
    assert compiled.list(agency_ids=(justice,), role="specialist") == ["cq.two"]  # the unit
    assert compiled.list(agency_ids=[], role="reception") == []  # matches nothing
    shapes = compiled._local.cache
    assert sorted(shapes) == [
        (("agency_ids", 0), ("role", -1)),
        (("agency_ids", 1), ("role", -1)),
        (("agency_ids", 2), ("role", -1)),
    ]


def test_a_value_the_queryset_rewrites_is_refused(officers: list[User]) -> None:
    compiled = CompiledQuery(lambda part: User.objects.filter(username__contains=part))
    with pytest.raises(ValueError, match="part"):
        compiled.list(part="cq")
    with pytest.raises(TypeError):
        CompiledQuery(lambda flag: User.objects.filter(is_active=flag)).list(flag=True)


@pytest.mark.django_db(transaction=True)
def test_a_locking_read_needs_a_transaction_each_time(province: dict[str, Agency]) -> None:
    make_officer("cq.lock", agency=province["000.00.01.H10"], roles=("reception",))
    compiled = CompiledQuery(
        lambda username: User.objects.select_for_update().filter(username=username)
    )
    with transaction.atomic():
        locked = compiled.first(username="cq.lock")
        assert locked is not None and locked.username == "cq.lock"
    if connection.features.has_select_for_update:  # as Django: SQLite locks nothing
        with pytest.raises(TransactionManagementError):
            compiled.first(username="cq.lock")


def test_values_are_parameters_never_sql(officers: list[User]) -> None:
    compiled = CompiledQuery(lambda username: User.objects.filter(username=username))
    assert compiled.list(username="x' OR '1'='1") == []
    found = compiled.first(username="cq.one")
    assert found is not None and found.username == "cq.one"
