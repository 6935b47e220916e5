from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_storage(fresh_storage: None) -> None:
    """Every dossier test starts with an empty storage."""
