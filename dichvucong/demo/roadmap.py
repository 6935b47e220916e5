"""The demo roadmap: Bình Phước's Decision 409/QĐ-UBND (2015-2020), slug `bp-409-2015`.

Loads the plan with the decision's yearly targets, an illustrative annex over the demo
catalogue (the decision's own annexes are not in the seed text), and a demo history of
computed levels (`LevelRecord`, source "demo") so that past years show a trajectory: a
procedure at level 3 or 4 today is recorded as reaching it in the year its annex row
names (a few a year late), or in 2019 when no row names it. Safe to run again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from dichvucong.catalogue.models import Procedure
from dichvucong.reporting.roadmap.models import LevelRecordSource, Plan
from dichvucong.reporting.roadmap.services import (
    AnnexRow,
    LevelRecordSpec,
    TargetSpec,
    annex_import,
    level_records_add,
    plan_upsert,
    procedure_levels_record,
)
from dichvucong.reporting.services import day_start

DATA = Path(__file__).parent / "data" / "roadmap" / "bp-409-2015.json"
HISTORY_START = dt.date(2015, 1, 1)
UNPLANNED_YEAR = 2019


def _moment(code: str, year: int, salt: str) -> dt.datetime:
    """Return a stable day of `year` for `code` (between March and November)."""
    digest = int(hashlib.sha256(f"{code}/{salt}".encode()).hexdigest(), 16)
    month = 3 + digest % 9
    day = 1 + (digest // 9) % 28
    return dt.datetime(year, month, day, 9, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _history(data: dict[str, Any]) -> list[LevelRecordSpec]:
    planned: dict[tuple[str, int], int] = {}
    for code, _name, _tier, level, year, _agency in data["annex"]:
        planned[(code, level)] = min(year, planned.get((code, level), year))
    late: dict[str, int] = data.get("late", {})
    start = day_start(HISTORY_START)
    records: list[LevelRecordSpec] = []
    for pk, code, level in Procedure.objects.filter(current_version__isnull=False).values_list(
        "id", "code", "level"
    ):
        records.append(LevelRecordSpec(procedure_id=pk, level=min(level, 2), recorded_at=start))
        if level >= 3:
            year3 = late.get(code) or planned.get((code, 3)) or UNPLANNED_YEAR
            records.append(
                LevelRecordSpec(procedure_id=pk, level=3, recorded_at=_moment(code, year3, "3"))
            )
        if level >= 4:
            year4 = max(planned.get((code, 4)) or 2020, year3)
            moment = _moment(code, year4, "4")
            if year4 == year3:
                moment = max(moment, _moment(code, year3, "3") + dt.timedelta(days=30))
            records.append(LevelRecordSpec(procedure_id=pk, level=4, recorded_at=moment))
    return records


def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def demo_plan_load() -> tuple[Plan, int]:
    """Load the demo plan and its yearly targets; return it and how many rows changed."""
    data = _data()
    targets = [
        TargetSpec(year=data["first_year"] + i, tier=tier, level=int(level), target=value)
        for tier, by_level in data["targets"].items()
        for level, values in by_level.items()
        for i, value in enumerate(values)
    ]
    return plan_upsert(
        slug=data["slug"],
        name=data["name"],
        first_year=data["first_year"],
        last_year=data["last_year"],
        decision_number=data["decision_number"],
        decision_date=dt.date.fromisoformat(data["decision_date"]),
        issuer=data["issuer"],
        province_code=data["province_code"],
        commune_counts_as_district=data["commune_counts_as_district"],
        targets=targets,
    )


def demo_roadmap_load() -> int:
    """Load the demo plan, its annex and the demo level history; return how many changed."""
    data = _data()
    plan, changed = demo_plan_load()
    rows = [
        AnnexRow(
            line=index,
            procedure_code=code,
            procedure_name=name,
            tier=tier,
            target_level=str(level),
            target_year=str(year),
            agency_code=agency,
        )
        for index, (code, name, tier, level, year, agency) in enumerate(data["annex"], start=1)
    ]
    summary = annex_import(plan=plan, rows=rows, replace=True)
    changed += summary.created + summary.updated + summary.deleted
    changed += level_records_add(records=_history(data), source=LevelRecordSource.DEMO)
    changed += procedure_levels_record()
    return changed
