"""The demo inter-agency procedures, received at the Tân Phú ward (docs/interconnection.md).

- "Đăng ký khai sinh" (1.701003), modelled on the birth - residence - health-insurance
  interconnection: the ward receives it, the town's People's Committee (Đồng Xoài) takes
  the next step and the Department of Health is consulted; one demo dossier of it is
  accepted at the ward and sent to the town, so the town's officer finds it waiting.
- "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất... lần đầu" (1.503006): the ward
  receives, the town decides, the Department of Natural Resources and Environment is
  consulted (a declaration only; the procedure takes no online dossiers in the demo).

Shares are percentages of each procedure's time limit. The loader also creates demo
officers at the ward and the two departments. Safe to run again.
"""

from __future__ import annotations

from decimal import Decimal

from dichvucong.accounts.models import User
from dichvucong.catalogue.models import Procedure
from dichvucong.interop.models import ParticipantRole, ProcedureParticipant, ShareUnit
from dichvucong.organizations.models import Agency

from .services import demo_officers_set, demo_pdf

BIRTH = "1.701003.000.00.00.H10"
LAND = "1.503006.000.00.00.H10"
WARD = "000.01.20.H10"
WARD_ONE_STOP = "001.01.20.H10"
TOWN = "000.00.20.H10"
HEALTH = "000.00.05.H10"
ENVIRONMENT = "000.00.04.H10"


def _participants(department: str) -> list[tuple[int, str, str | None, str, Decimal, str]]:
    """Return position, role, agency code (or None), tier, share, unit of each participant."""
    return [
        (0, ParticipantRole.RECEIVES, None, "commune", Decimal(20), ShareUnit.PERCENT),
        (1, ParticipantRole.DECIDES, None, "district", Decimal(50), ShareUnit.PERCENT),
        (2, ParticipantRole.CONSULTED, department, "", Decimal(30), ShareUnit.PERCENT),
    ]


PARTICIPANTS = {BIRTH: _participants(HEALTH), LAND: _participants(ENVIRONMENT)}

OFFICERS: list[tuple[str, str, list[tuple[str, str | None, str]]]] = [
    ("tiepnhan.tanphu", "Võ Thị Thu Trang", [(WARD, WARD_ONE_STOP, "reception")]),
    ("chuyenvien.tanphu", "Đặng Quốc Bảo", [(WARD, None, "specialist")]),
    ("lanhdao.tanphu", "Bùi Văn Thành", [(WARD, None, "unit_head"), (WARD, None, "approver")]),
    ("chuyenvien.syt", "Lý Thị Hồng Nhung", [(HEALTH, None, "specialist")]),
    ("chuyenvien.stnmt", "Ngô Thị Mai", [(ENVIRONMENT, None, "specialist")]),
]

OFFICER_NAMES = ("tiepnhan.tanphu", "lanhdao.tanphu", "chuyenvien.tanphu")


def demo_interop_load() -> int:
    """Declare the participants, create the officers and the demo dossier; return changes."""
    changed = sum(_participants_load(code, rows) for code, rows in PARTICIPANTS.items())
    changed += _officers_load()
    changed += _dossier_load()
    return changed


def _participants_load(
    code: str, rows: list[tuple[int, str, str | None, str, Decimal, str]]
) -> int:
    procedure = Procedure.objects.filter(code=code).first()
    if procedure is None:
        return 0
    changed = 0
    for position, role, agency_code, tier, share, unit in rows:
        agency = Agency.objects.filter(code=agency_code).first() if agency_code else None
        if agency_code and agency is None:
            continue
        row = ProcedureParticipant.objects.filter(procedure=procedure, position=position).first()
        wanted = (role, agency.pk if agency else None, tier, share, unit)
        if row is not None and wanted == (
            row.role,
            row.agency_id,
            row.tier,
            row.share,
            row.share_unit,
        ):
            continue
        row = row or ProcedureParticipant(procedure=procedure, position=position)
        row.role, row.agency, row.tier, row.share, row.share_unit = role, agency, tier, share, unit
        row.full_clean()
        row.save()
        changed += 1
    return changed


def _officers_load() -> int:
    codes = {WARD, WARD_ONE_STOP, HEALTH, ENVIRONMENT}
    if Agency.objects.filter(code__in=codes).count() != len(codes):
        return 0
    return demo_officers_set(
        [
            {
                "username": username,
                "email": f"{username}@binhphuoc.gov.vn",
                "full_name": name,
                "memberships": [
                    {"agency": agency_code, "unit": one_stop, "role": role}
                    for agency_code, one_stop, role in memberships
                ],
            }
            for username, name, memberships in OFFICERS
        ]
    )


def _dossier_load() -> int:
    """Submit the demo birth registration at the ward, accept it and send it to the town."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dichvucong.dossiers import selectors as dossier_selectors
    from dichvucong.dossiers.actions import ActionRequest, dossier_action_execute
    from dichvucong.dossiers.services import dossier_submit
    from dichvucong.eforms.models import EForm

    applicant = User.objects.filter(username="congdan.demo").first()
    procedure = Procedure.objects.filter(code=BIRTH, online_submission_enabled=True).first()
    town = Agency.objects.filter(code=TOWN).first()
    officers = {u.username: u for u in User.objects.filter(username__in=OFFICER_NAMES)}
    if (
        applicant is None
        or procedure is None
        or procedure.current_version is None
        or town is None
        or len(officers) != len(OFFICER_NAMES)
    ):
        return 0
    case = dossier_selectors.case_for_version(version=procedure.current_version)
    eform = (
        EForm.objects.filter(procedure=procedure, case_name__in=[case.name, ""])
        .order_by("-case_name")
        .first()
    )
    if eform is None:
        return 0
    files = {
        r.field: [
            SimpleUploadedFile(
                f"{r.field}.pdf", demo_pdf(r.document.name), content_type="application/pdf"
            )
        ]
        for r in dossier_selectors.document_requirements(case=case, eform=eform)
        if r.needs_upload
    }
    result = dossier_submit(
        applicant=applicant,
        procedure=procedure,
        form_data=dict(eform.example),
        files=files,
        idempotency_key="demo-interop-birth-1",
        agency_code=WARD,
    )
    if result.replayed:
        return 0
    steps = [
        ("tiepnhan.tanphu", ActionRequest(action="accept")),
        (
            "lanhdao.tanphu",
            ActionRequest(action="assign", assignee=officers["chuyenvien.tanphu"]),
        ),
        (
            "chuyenvien.tanphu",
            ActionRequest(
                action="send_to_agency",
                comment="Đề nghị UBND thị xã đăng ký thường trú cho trẻ, liên thông cấp thẻ "
                "bảo hiểm y tế.",
                extra={"agency": town.pk},
            ),
        ),
    ]
    for username, request in steps:
        dossier_action_execute(dossier=result.dossier, actor=officers[username], request=request)
    return 1
