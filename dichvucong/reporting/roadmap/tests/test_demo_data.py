"""The demo plan's data file: the decision's targets, annex rows the demo catalogue knows."""

from __future__ import annotations

import json
from pathlib import Path

from dichvucong.demo.roadmap import DATA

DEMO = Path(DATA).parent.parent


def test_targets_are_the_decisions() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert data["slug"] == "bp-409-2015"
    assert data["decision_number"] == "409/QĐ-UBND"
    assert data["targets"] == {
        "district": {"3": [63, 126, 189, 252, 315, 378], "4": [0, 14, 28, 42, 57, 72]},
        "department": {"3": [52, 104, 156, 208, 261, 314], "4": [0, 26, 52, 78, 104, 131]},
    }


def test_annex_rows_name_demo_procedures_at_their_tier() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    catalogue = {}
    for name in ("procedures_local.json", "procedures_province.json"):
        for record in json.loads((DEMO / name).read_text(encoding="utf-8")):
            catalogue[record["MATTHC"]] = record
    tier_of = {"Cấp Tỉnh": "department", "Cấp Huyện": "district", "Cấp Xã": "district"}
    unknown = []
    for code, name, tier, level, year, agency in data["annex"]:
        assert level in (3, 4) and 2015 <= year <= 2020
        if code not in catalogue:
            assert name, code
            unknown.append(code)
            continue
        assert tier == tier_of[catalogue[code]["CAPTHUCHIEN"]], code
        if agency:
            assert agency in {a["MADONVI"] for a in catalogue[code]["COQUANTHUCHIEN"]}, code
    assert unknown == ["1.009994.000.00.00.H10", "2.009995.000.00.00.H10"]
