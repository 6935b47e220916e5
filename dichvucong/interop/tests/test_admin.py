"""Declaring participants in the admin: shares that do not fit are refused."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from dichvucong.interop.models import ProcedureParticipant

from .conftest import DEPARTMENT


def test_shares_over_100_percent_are_refused(
    admin_client: Any, online_procedure: Any, province: dict[str, Any], participants: list[Any]
) -> None:
    url = reverse("admin:interop_procedureparticipant_add")
    data = {
        "procedure": online_procedure.pk,
        "position": 3,
        "role": "consulted",
        "agency": province[DEPARTMENT].pk,
        "tier": "",
        "share": "110",
        "share_unit": "percent",
    }
    refused = admin_client.post(url, data)
    assert refused.status_code == 200
    assert "vượt quá" in refused.content.decode()
    assert ProcedureParticipant.objects.count() == 3
    data["share"] = "1"
    data["share_unit"] = "working_days"
    accepted = admin_client.post(url, data)
    assert accepted.status_code == 302
    assert ProcedureParticipant.objects.count() == 4
