"""Build national-format records for tests, starting from the documented sample file."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "national_procedures.sample.json"


def sample_records() -> list[dict[str, Any]]:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def make_record(index: int = 0, **overrides: Any) -> dict[str, Any]:
    """Return a copy of sample record `index` with top-level keys replaced."""
    record = copy.deepcopy(sample_records()[index])
    record.update(overrides)
    return record
