"""Fixtures of the notifications tests."""

from __future__ import annotations

from typing import Any

import pytest

FAILING_SMS = "dichvucong.notifications.tests.providers.FailingSmsProvider"
CODE = "H10.22-250302-0001"
URL = f"https://dichvucong.example.vn/ho-so/{CODE}/"


@pytest.fixture
def dossier_context() -> dict[str, str]:
    """What the dossiers app passes to `notify` for a submitted dossier."""
    return {
        "code": CODE,
        "procedure_name": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        "agency_name": "Sở Tư pháp",
        "status_display": "Đang giải quyết",
        "previous_status_display": "Đã tiếp nhận",
        "submitted_at": "14:05 02/03/2025",
        "url": URL,
        "applicant_name": "Nguyễn Văn An",
    }


@pytest.fixture
def failing_sms(settings: Any) -> None:
    settings.SMS_PROVIDER = FAILING_SMS


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the ids sent with `delivery_send` instead of running the task."""
    from dichvucong.notifications.tasks import delivery_send

    ids: list[int] = []
    monkeypatch.setattr(delivery_send, "apply_async", lambda args: ids.extend(args))
    return ids
