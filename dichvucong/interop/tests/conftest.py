"""A commune -> district -> department procedure: the justice-record sample procedure,
received at the Tân Phú ward, decided by the Đồng Xoài town, with the Department of
Construction consulted."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers import services
from dichvucong.dossiers.actions import ActionRequest, dossier_action_execute
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.dossiers.tests.fixtures import EXAMPLE, ID_COPY_FIELD, make_officer, pdf_upload
from dichvucong.interop.models import ParticipantRole, ProcedureParticipant, ShareUnit

COMMUNE = "000.01.20.H10"
DISTRICT = "000.00.20.H10"
DEPARTMENT = "000.00.03.H10"
JUSTICE = "000.00.01.H10"


def act(dossier: Dossier, actor: Any, action: str, **fields: Any) -> DossierEvent:
    return dossier_action_execute(
        dossier=dossier, actor=actor, request=ActionRequest(action=action, **fields)
    )


@pytest.fixture
def people(province: dict[str, Any]) -> dict[str, Any]:
    commune = province[COMMUNE]
    return {
        "reception": make_officer("tiepnhan.tanphu", commune, "reception"),
        "head": make_officer("truongphong.tanphu", commune, "unit_head"),
        "specialist": make_officer("chuyenvien.tanphu", commune, "specialist"),
        "approver": make_officer("chutich.tanphu", commune, "approver"),
        "district": make_officer("chuyenvien.dongxoai", province[DISTRICT], "specialist"),
        "department": make_officer("chuyenvien.sxd", province[DEPARTMENT], "specialist"),
        "outsider": make_officer("chuyenvien.stp", province[JUSTICE], "specialist", "reception"),
        "supervisor": make_officer("giamsat.tinh", province["000.00.00.H10"], "supervisor"),
    }


@pytest.fixture
def participants(online_procedure: Procedure, province: dict[str, Any]) -> list[Any]:
    rows = [
        ProcedureParticipant(
            procedure=online_procedure,
            position=0,
            role=ParticipantRole.RECEIVES,
            tier="commune",
            share=Decimal(1),
        ),
        ProcedureParticipant(
            procedure=online_procedure,
            position=1,
            role=ParticipantRole.DECIDES,
            tier="district",
            share=Decimal(5),
        ),
        ProcedureParticipant(
            procedure=online_procedure,
            position=2,
            role=ParticipantRole.CONSULTED,
            agency=province[DEPARTMENT],
            share=Decimal(3),
            share_unit=ShareUnit.WORKING_DAYS,
        ),
    ]
    for row in rows:
        row.full_clean()
        row.save()
    return rows


@pytest.fixture
def examining(
    citizen: Any,
    online_procedure: Procedure,
    province: dict[str, Any],
    people: dict[str, Any],
    participants: list[Any],
) -> Dossier:
    """A dossier received at the commune, accepted and assigned to its specialist."""
    dossier = services.dossier_submit(
        applicant=citizen,
        procedure=online_procedure,
        form_data=dict(EXAMPLE),
        files={ID_COPY_FIELD: [pdf_upload()]},
        idempotency_key="interop-1",
    ).dossier
    Dossier.objects.filter(pk=dossier.pk).update(agency=province[COMMUNE])
    dossier.refresh_from_db()
    act(dossier, people["reception"], "accept")
    act(dossier, people["head"], "assign", assignee=people["specialist"])
    dossier.refresh_from_db()
    assert dossier.state is not None and dossier.state.code == "examining"
    return dossier
