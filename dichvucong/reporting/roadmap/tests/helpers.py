"""Test helpers: procedures at a tier with a computed and a declared level, level history."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from typing import Any

from openpyxl import Workbook

from dichvucong.catalogue.models import Procedure
from dichvucong.catalogue.tests.records import make_record
from dichvucong.reporting.roadmap.services import LevelRecordSpec, level_records_add

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
TIER_LABELS = {"province": "Cấp Tỉnh", "district": "Cấp Huyện", "commune": "Cấp Xã"}


def make_procedure(code: str, tier: str, *, level: int, declared: int = 2) -> Procedure:
    """Publish a procedure at `tier` declared at `declared`, whose computed level is `level`.

    The computed level is what `procedure_refresh_level` stores from the configuration;
    the tests set it directly, the configuration being another app's concern.
    """
    from conftest import publish

    record = make_record(
        0 if tier == "province" else 1,
        MATTHC=code,
        CAPTHUCHIEN=TIER_LABELS[tier],
        MUCDO=declared,
        TENTTHC=f"Thủ tục {code}",
    )
    version = publish(record)
    Procedure.objects.filter(pk=version.procedure_id).update(level=level)
    return Procedure.objects.get(pk=version.procedure_id)


def vn(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=VN)


def history(*entries: tuple[Procedure, int, str]) -> None:
    """Record that each procedure reached a level on a date (Vietnam time)."""
    level_records_add(
        records=[
            LevelRecordSpec(procedure_id=p.pk, level=level, recorded_at=vn(when))
            for p, level, when in entries
        ]
    )


def xlsx(rows: list[list[Any]], *, header: list[str] | None = None, title: str = "") -> bytes:
    """Return a workbook whose first sheet holds an optional title line, a header and rows."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    if title:
        sheet.append([title])
    sheet.append(
        header or ["STT", "Mã thủ tục", "Tên thủ tục", "Cấp", "Mức độ", "Năm đạt", "Mã cơ quan"]
    )
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
