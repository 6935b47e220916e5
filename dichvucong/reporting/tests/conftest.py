"""Fixtures of the statistics tests: the hand-computed history of history.py."""

from __future__ import annotations

from typing import Any

import pytest

from dichvucong.catalogue.models import ProcedureVersion

from .history import History, history_build


@pytest.fixture(autouse=True)
def _fresh_storage(fresh_storage: None) -> None:
    """Every test starts with an empty storage."""


@pytest.fixture
def history(province: dict[str, Any], procedures: list[ProcedureVersion]) -> History:
    return history_build(province, procedures)
