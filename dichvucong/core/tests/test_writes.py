"""row_insert and row_update write what save() writes, and leave the instance as it does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Model
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dichvucong.catalogue.models import Procedure
from dichvucong.core.writes import row_insert, row_update
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.dossiers.tests.test_actions import submit

pytestmark = pytest.mark.django_db


def _row(model: Any, pk: Any) -> dict[str, Any]:
    """The row as the database holds it (read back, not the instance's memory)."""
    found = model.objects.filter(pk=pk).values().get()
    found.pop("id")
    return found


@pytest.fixture
def dossier(citizen: Any, online_procedure: Procedure) -> Dossier:
    return submit(citizen, online_procedure)


def _event(dossier: Dossier, **fields: Any) -> DossierEvent:
    values: dict[str, Any] = {
        "dossier": dossier,
        "action": "note",
        "action_name": "Ghi chú «Đồng Xoài»",
        "from_status": dossier.status,
        "to_status": dossier.status,
        "actor_role": "system",
        "comment": "'; DROP TABLE dossiers_dossier; --",
        "data": {"payment": {"id": 7, "amount": 100000}, "text": "Lệ phí", "list": [1, None]},
        "created_at": timezone.now(),
    }
    return DossierEvent(**(values | fields))


def test_an_inserted_row_equals_the_one_save_writes(dossier: Dossier) -> None:
    now = timezone.now()
    saved, written = _event(dossier, created_at=now), _event(dossier, created_at=now)
    saved.save()
    with CaptureQueriesContext(connection) as queries:
        row_insert(written)
    assert len(queries) == 1
    assert written.pk is not None and written.pk != saved.pk
    assert not written._state.adding and written._state.db == "default"
    assert _row(DossierEvent, written.pk) == _row(DossierEvent, saved.pk)
    # The instance reads as the saved one does: the same values, its relation kept.
    fresh = DossierEvent.objects.get(pk=written.pk)
    assert [getattr(written, f.attname) for f in DossierEvent._meta.concrete_fields] == [
        getattr(fresh, f.attname) for f in DossierEvent._meta.concrete_fields
    ]
    assert written.dossier is dossier


def test_defaults_and_automatic_dates_are_set_as_save_sets_them(dossier: Dossier) -> None:
    event = DossierEvent(dossier=dossier, action="note")  # created_at, data: defaults
    row_insert(event)
    assert _row(DossierEvent, event.pk)["data"] == {}
    assert event.created_at is not None

    before = timezone.now()
    dossier.applicant_phone = "0912345678"
    row_update(dossier, ["applicant_phone", "updated_at"])  # updated_at: auto_now
    dossier.refresh_from_db()
    assert dossier.applicant_phone == "0912345678"
    assert dossier.updated_at >= before


def test_an_update_writes_the_named_columns_only(dossier: Dossier) -> None:
    original = _row(Dossier, dossier.pk)
    dossier.applicant_name = "Trần Thị Bình"
    dossier.applicant_address = "not written"
    dossier.form_data = {"ho_ten": "Trần Thị Bình", "so": 12}
    with CaptureQueriesContext(connection) as queries:
        row_update(dossier, ["applicant_name", "form_data"])
    assert len(queries) == 1
    assert _row(Dossier, dossier.pk) == original | {
        "applicant_name": "Trần Thị Bình",
        "form_data": {"ho_ten": "Trần Thị Bình", "so": 12},
    }


def test_an_update_by_the_relations_column_name(dossier: Dossier, officers: Any) -> None:
    dossier.assignee = officers["specialist"]
    row_update(dossier, ["assignee_id"])
    assert Dossier.objects.get(pk=dossier.pk).assignee_id == officers["specialist"].pk


def test_refusals_are_the_ones_save_makes(dossier: Dossier) -> None:
    with pytest.raises(ValueError, match="do not exist"):
        row_update(dossier, ["no_such_field"])
    with pytest.raises(ValueError, match="do not exist"):
        row_update(dossier, ["id"])

    gone = Dossier.objects.get(pk=dossier.pk)
    gone.pk = 10**12
    with pytest.raises(DatabaseError, match="did not affect any rows"):
        row_update(gone, ["applicant_name"])

    unsaved = Dossier(code="unsaved")
    with pytest.raises(ValueError, match="unsaved related object"):
        row_insert(_event(unsaved))

    saved = _event(dossier)
    row_insert(saved)
    with pytest.raises(ValueError, match="new rows"):
        row_insert(saved)  # append-only: never an existing row again

    with CaptureQueriesContext(connection) as queries:
        row_update(dossier, [])
    assert len(queries) == 0


def test_a_failed_write_inside_a_transaction_rolls_it_back(dossier: Dossier) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        row_insert(_event(dossier, action_name="kept?"))
        row_insert(_event(dossier, action=None))  # the column is NOT NULL
    assert not DossierEvent.objects.filter(action_name="kept?").exists()


def test_a_model_that_overrides_save_is_refused(
    dossier: Dossier, monkeypatch: pytest.MonkeyPatch
) -> None:
    def save(self: Dossier, *args: Any, **kwargs: Any) -> None:  # more than a write
        Model.save(self, *args, **kwargs)

    monkeypatch.setattr(Dossier, "save", save)
    with pytest.raises(TypeError, match="overrides save"):
        row_update(dossier, ["applicant_name"])
    # The append-only logs declare that their save() only refuses rewrites: a new event
    # is inserted without it, and no event is ever updated.
    assert DossierEvent.save_guards_rewrites_only
    event = _event(dossier)
    row_insert(event)
    event.comment = "rewritten"
    with pytest.raises(TypeError, match="overrides save"):
        row_update(event, ["comment"])
    assert DossierEvent.objects.get(pk=event.pk).comment != "rewritten"


@pytest.fixture
def receivers() -> Iterator[list[str]]:
    heard: list[str] = []

    def before(sender: Any, instance: Any, **kwargs: Any) -> None:
        heard.append(f"pre {kwargs.get('update_fields')}")

    def after(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
        heard.append(f"post created={created}")

    pre_save.connect(before, sender=Dossier, weak=False)
    post_save.connect(after, sender=Dossier, weak=False)
    yield heard
    pre_save.disconnect(before, sender=Dossier)
    post_save.disconnect(after, sender=Dossier)


def test_with_receivers_or_an_expression_save_itself_writes(
    dossier: Dossier, receivers: list[str]
) -> None:
    dossier.applicant_name = "Lê Văn Cường"
    row_update(dossier, ["applicant_name"])
    assert receivers == ["pre frozenset({'applicant_name'})", "post created=False"]
    assert Dossier.objects.get(pk=dossier.pk).applicant_name == "Lê Văn Cường"

    copies = Dossier.objects.get(pk=dossier.pk).copies
    dossier.copies = F("copies") + 1
    row_update(dossier, ["copies"])
    assert Dossier.objects.get(pk=dossier.pk).copies == copies + 1


def test_dates_keep_their_instant(dossier: Dossier) -> None:
    due = timezone.now().replace(microsecond=123456) + timedelta(days=3)
    dossier.due_at = due
    row_update(dossier, ["due_at"])
    assert Dossier.objects.get(pk=dossier.pk).due_at == due
