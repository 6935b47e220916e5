"""The demo inter-agency procedure: a land certificate received at the Tân Phú ward.

"Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất... lần đầu" (1.503006) is received at
the ward's one-stop unit, decided by the People's Committee of the town (Đồng Xoài) and
the Department of Natural Resources and Environment is consulted (Circular 01/2018
Art. 16-18). The loader declares those participants with their shares of the time
limit and creates demo officers at the ward and the department (docs/interconnection.md).
Safe to run again.
"""

from __future__ import annotations

import json
import tempfile
from decimal import Decimal
from pathlib import Path

from dichvucong.catalogue.models import Procedure
from dichvucong.interop.models import ParticipantRole, ProcedureParticipant, ShareUnit
from dichvucong.organizations.models import Agency

from .services import demo_officers_load

PROCEDURE = "1.503006.000.00.00.H10"
WARD = "000.01.20.H10"
WARD_ONE_STOP = "001.01.20.H10"
DEPARTMENT = "000.00.04.H10"

# position, role, agency code (or None), tier, share, unit
PARTICIPANTS = [
    (0, ParticipantRole.RECEIVES, None, "commune", Decimal(20), ShareUnit.PERCENT),
    (1, ParticipantRole.DECIDES, None, "district", Decimal(50), ShareUnit.PERCENT),
    (2, ParticipantRole.CONSULTED, DEPARTMENT, "", Decimal(30), ShareUnit.PERCENT),
]

OFFICERS = [
    ("tiepnhan.tanphu", "Võ Thị Thu Trang", [(WARD, WARD_ONE_STOP, "reception")]),
    ("chuyenvien.tanphu", "Đặng Quốc Bảo", [(WARD, None, "specialist")]),
    ("lanhdao.tanphu", "Bùi Văn Thành", [(WARD, None, "unit_head"), (WARD, None, "approver")]),
    ("chuyenvien.stnmt", "Ngô Thị Mai", [(DEPARTMENT, None, "specialist")]),
]


def demo_interop_load() -> int:
    """Declare the demo procedure's participants and its officers; return the changes."""
    procedure = Procedure.objects.filter(code=PROCEDURE).first()
    if procedure is None:
        return 0
    changed = 0
    for position, role, code, tier, share, unit in PARTICIPANTS:
        agency = Agency.objects.filter(code=code).first() if code else None
        if code and agency is None:
            continue
        row = ProcedureParticipant.objects.filter(procedure=procedure, position=position).first()
        wanted = (role, agency.pk if agency else None, tier, share, unit)
        if (
            row is not None
            and (
                row.role,
                row.agency_id,
                row.tier,
                row.share,
                row.share_unit,
            )
            == wanted
        ):
            continue
        row = row or ProcedureParticipant(procedure=procedure, position=position)
        row.role, row.agency, row.tier, row.share, row.share_unit = (
            role,
            agency,
            tier,
            share,
            unit,
        )
        row.full_clean()
        row.save()
        changed += 1
    officers = {
        "officers": [
            {
                "username": username,
                "email": f"{username}@binhphuoc.gov.vn",
                "full_name": name,
                "memberships": [
                    {"agency": agency, "unit": one_stop, "role": role}
                    for agency, one_stop, role in memberships
                ],
            }
            for username, name, memberships in OFFICERS
        ]
    }
    if Agency.objects.filter(code__in=[WARD, WARD_ONE_STOP, DEPARTMENT]).count() != 3:
        return changed
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "officers.json"
        path.write_text(json.dumps(officers, ensure_ascii=False), encoding="utf-8")
        changed += demo_officers_load(path)
    return changed
