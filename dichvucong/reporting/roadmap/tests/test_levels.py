"""The level history: a record when the computed level changes, nothing otherwise."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command

from dichvucong.catalogue.models import Procedure
from dichvucong.reporting.roadmap.models import LevelRecord, LevelRecordSource
from dichvucong.reporting.roadmap.services import procedure_levels_record
from dichvucong.reporting.roadmap.tasks import roadmap_levels_record

from .helpers import history, make_procedure, vn


def test_a_record_only_when_the_level_changed(province: dict[str, Any]) -> None:
    a = make_procedure("1.000301.000.00.00.H10", "province", level=2)
    b = make_procedure("1.000302.000.00.00.H10", "district", level=3)
    history((a, 2, "2016-01-05T08:00"))
    assert procedure_levels_record(now=vn("2017-01-01T08:00")) == 1
    assert list(
        LevelRecord.objects.filter(procedure=b).values_list("level", "recorded_at", "source")
    ) == [(3, vn("2017-01-01T08:00"), LevelRecordSource.OBSERVED)]
    assert procedure_levels_record(now=vn("2017-01-02T08:00")) == 0
    Procedure.objects.filter(pk=a.pk).update(level=3)
    assert roadmap_levels_record() == 1
    assert list(LevelRecord.objects.filter(procedure=a).values_list("level", flat=True)) == [2, 3]


def test_the_command_records_and_a_backfill_is_not_repeated(
    province: dict[str, Any], capsys: Any
) -> None:
    a = make_procedure("1.000303.000.00.00.H10", "province", level=3)
    history((a, 3, "2016-01-05T08:00"))
    history((a, 3, "2016-01-05T08:00"))
    assert LevelRecord.objects.count() == 1
    call_command("roadmap_record_levels")
    assert "Level records: 0 added." in capsys.readouterr().out
