from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dichvucong.catalogue.models import Procedure
from dichvucong.catalogue.national import parse_record
from dichvucong.catalogue.tests.records import SAMPLE, sample_records


@pytest.mark.django_db
def test_import_then_export_round_trips(province, tmp_path: Path, capsys) -> None:
    call_command("import_procedures", str(SAMPLE))
    assert "2 created, 0 updated, 0 unchanged." in capsys.readouterr().out
    out = tmp_path / "export.json"
    call_command("export_procedures", "--output", str(out))
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert [r["MATTHC"] for r in exported] == [r["MATTHC"] for r in sample_records()]
    for original, again in zip(sample_records(), exported, strict=True):
        assert parse_record(again).content_hash() == parse_record(original).content_hash()
    # Re-importing the export changes nothing.
    call_command("import_procedures", str(out))
    assert "0 created, 0 updated, 2 unchanged." in capsys.readouterr().out


@pytest.mark.django_db
def test_export_filters_by_agency(procedures, capsys) -> None:
    call_command("export_procedures", "--agency", "000.00.20.H10")
    records = json.loads(capsys.readouterr().out)
    assert [r["TENTTHC"] for r in records] == ["Cấp giấy phép xây dựng nhà ở riêng lẻ"]


@pytest.mark.django_db
def test_import_error_names_record_and_field_and_writes_nothing(province, tmp_path: Path) -> None:
    records = sample_records()
    records[1]["CANCUPHAPLY"][0]["NGAYBANHANH"] = "tháng sáu"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("import_procedures", str(bad))
    message = str(info.value)
    assert "record 2 (1.008891.000.00.00.H10)" in message
    assert "CANCUPHAPLY[0].NGAYBANHANH" in message
    assert "Nothing was imported" in message
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_import_refuses_unreadable_files(province, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("[{", encoding="utf-8")
    with pytest.raises(CommandError, match="not UTF-8 JSON"):
        call_command("import_procedures", str(broken))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_procedures", str(tmp_path / "missing.json"))
