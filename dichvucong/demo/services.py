"""Load the Bình Phước demo data. Idempotent: a second run changes nothing."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from dichvucong.accounts.models import ApplicantKind, Membership, Profile, User
from dichvucong.accounts.otp import totp_device_provision
from dichvucong.catalogue.models import FormTemplate, Procedure
from dichvucong.catalogue.services import form_template_attach_file, procedures_import
from dichvucong.core.text import fold
from dichvucong.eforms.models import EForm
from dichvucong.eforms.services import eform_upsert, procedure_online_submission_set
from dichvucong.organizations.models import AdministrativeUnit, Agency
from dichvucong.organizations.services import administrative_unit_upsert, agency_upsert

from .form_documents import render_form_docx

DATA_DIR = Path(__file__).resolve().parent / "data"
PROCEDURE_FILES = ["procedures_province.json", "procedures_local.json"]


@dataclass(frozen=True)
class DemoSummary:
    units_changed: int
    agencies_changed: int
    procedures_created: int
    procedures_updated: int
    forms_generated: int
    eforms_changed: int = 0
    accounts_changed: int = 0
    officers_changed: int = 0
    dossiers_created: int = 0


# Demo sign-ins, listed in the README. These passwords exist only in the demo data.
DEMO_PASSWORD = "DichVuCong@2015"  # noqa: S105
# Every demo officer's authenticator secret (base32): `oathtool --totp -b <secret>`.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105
DEMO_ACCOUNTS: list[dict[str, Any]] = [
    {
        "username": "congdan.demo",
        "email": "congdan.demo@example.vn",
        "kind": ApplicantKind.CITIZEN,
        "full_name": "Trần Văn Bình",
        "date_of_birth": datetime.date(1988, 5, 14),
        "citizen_id": "070088001234",
        "phone": "0912345678",
        "address_line": "Số 25, đường Phú Riềng Đỏ",
        "unit": "25195",
    },
    {
        "username": "doanhnghiep.demo",
        "email": "doanhnghiep.demo@example.vn",
        "kind": ApplicantKind.BUSINESS,
        "full_name": "Lê Thị Hồng",
        "date_of_birth": datetime.date(1980, 9, 2),
        "citizen_id": "070180005678",
        "phone": "0983456789",
        "organization_name": "Công ty TNHH Thương mại Dịch vụ Phước Long Xanh",
        "tax_code": "3801234567",
        "address_line": "Số 8, Quốc lộ 14",
        "unit": "25198",
    },
]


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _depth(items: dict[str, dict[str, Any]], code: str) -> int:
    depth, parent = 0, items[code].get("parent")
    while parent:
        depth += 1
        parent = items[parent].get("parent") if parent in items else None
    return depth


def organizations_load(data: dict[str, Any]) -> tuple[int, int]:
    """Upsert the units and agencies of an organizations file, parents first."""
    units = {u["code"]: u for u in data["administrative_units"]}
    units_changed = 0
    for code in sorted(units, key=lambda c: (_depth(units, c), c)):
        unit = units[code]
        _, changed = administrative_unit_upsert(
            code=code,
            name=unit["name"],
            kind=unit["kind"],
            parent_code=unit.get("parent"),
            valid_from=_date(unit.get("valid_from")),
            valid_to=_date(unit.get("valid_to")),
        )
        units_changed += changed
    agencies = {a["code"]: a for a in data["agencies"]}
    agencies_changed = 0
    for code in sorted(agencies, key=lambda c: (_depth(agencies, c), c)):
        agency = agencies[code]
        _, changed = agency_upsert(
            code=code,
            name=agency["name"],
            short_name=agency.get("short_name", ""),
            kind=agency["kind"],
            administrative_unit_code=agency["administrative_unit"],
            parent_code=agency.get("parent"),
            address=agency.get("address", ""),
            phone=agency.get("phone", ""),
            email=agency.get("email", ""),
            website=agency.get("website", ""),
            valid_from=_date(agency.get("valid_from")),
            valid_to=_date(agency.get("valid_to")),
        )
        agencies_changed += changed
    return units_changed, agencies_changed


def _form_filename(form: FormTemplate) -> str:
    slug = "-".join(fold(form.name).split())[:80] or "mau-don"
    return f"{slug}.docx"


@transaction.atomic
def demo_load(*, data_dir: Path = DATA_DIR) -> DemoSummary:
    """Load organizations, procedures and generated form files of the demo province."""
    organizations = json.loads((data_dir / "organizations.json").read_text(encoding="utf-8"))
    units_changed, agencies_changed = organizations_load(organizations)
    created = updated = 0
    for name in PROCEDURE_FILES:
        path = data_dir / name
        if not path.exists():
            continue
        summary = procedures_import(data=json.loads(path.read_text(encoding="utf-8")))
        created += summary.created
        updated += summary.updated
    generated = 0
    pending = FormTemplate.objects.filter(file="", source_url="").select_related(
        "version__procedure"
    )
    for form in pending:
        form_template_attach_file(
            form=form, filename=_form_filename(form), content=render_form_docx(form)
        )
        generated += 1
    return DemoSummary(
        units_changed=units_changed,
        agencies_changed=agencies_changed,
        procedures_created=created,
        procedures_updated=updated,
        forms_generated=generated,
        eforms_changed=eforms_load(data_dir / "eforms"),
        accounts_changed=demo_accounts_load(),
        officers_changed=demo_officers_load(data_dir / "officers.json"),
        dossiers_created=demo_dossiers_load(),
    )


def eforms_load(directory: Path) -> int:
    """Attach the demo e-forms and open online submission; return how many changed."""
    changed = 0
    for path in sorted(directory.glob("*.json")):
        definition = json.loads(path.read_text(encoding="utf-8"))
        procedure = Procedure.objects.get(code=definition["procedure"])
        values = {
            "title": definition["title"],
            "schema": definition["schema"],
            "layout": definition["layout"],
            "example": definition["example"],
        }
        current = EForm.objects.filter(procedure=procedure, case_name=definition["case"]).first()
        if current is None or any(getattr(current, k) != v for k, v in values.items()):
            eform_upsert(procedure=procedure, case_name=definition["case"], **values)
            changed += 1
        if not procedure.online_submission_enabled:
            procedure_online_submission_set(procedure=procedure, enabled=True)
            changed += 1
    return changed


def demo_accounts_load() -> int:
    """Create the demo citizen and business accounts; return how many changed."""
    changed = 0
    for account in DEMO_ACCOUNTS:
        values = dict(account)
        username = values.pop("username")
        email = values.pop("email")
        unit = AdministrativeUnit.objects.get(code=values.pop("unit"))
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": email, "is_active": True}
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            changed += 1
        profile = Profile.objects.filter(user=user).first()
        if profile is None:
            profile = Profile(user=user, email_verified_at=timezone.now())
            for key, value in values.items():
                setattr(profile, key, value)
            profile.administrative_unit = unit
            profile.full_clean()
            profile.save()
            changed += 1
    return changed


def demo_officers_load(path: Path) -> int:
    """Create the demo officers, their roles and authenticator devices; return the changes.

    Each officer ends with exactly the memberships of the file, the demo password and one
    confirmed TOTP device with DEMO_TOTP_SECRET.
    """
    if not path.exists():
        return 0
    return demo_officers_set(json.loads(path.read_text(encoding="utf-8"))["officers"])


def demo_officers_set(officers: list[dict[str, Any]]) -> int:
    """Create or update `officers` (as in officers.json); return the changes."""
    changed = 0
    for officer in officers:
        last_name, _space, first_name = officer["full_name"].rpartition(" ")
        user, created = User.objects.get_or_create(
            username=officer["username"],
            defaults={
                "email": officer["email"],
                "first_name": first_name,
                "last_name": last_name,
                "is_active": True,
            },
        )
        changed += created
        if (user.first_name, user.last_name) != (first_name, last_name):
            user.first_name, user.last_name = first_name, last_name
            user.save(update_fields=["first_name", "last_name"])
            changed += 1
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            changed += not created
        changed += _memberships_set(user, officer["memberships"])
        _device, device_changed = totp_device_provision(user=user, secret=DEMO_TOTP_SECRET)
        changed += device_changed
    return changed


def _memberships_set(user: User, rows: list[dict[str, Any]]) -> int:
    """Give `user` exactly these memberships (agency, unit and role by code)."""
    changed = 0
    wanted: set[tuple[int, str]] = set()
    for row in rows:
        agency = Agency.objects.get(code=row["agency"])
        unit = Agency.objects.get(code=row["unit"]) if row.get("unit") else None
        wanted.add((agency.pk, row["role"]))
        current = Membership.objects.filter(user=user, agency=agency, role=row["role"]).first()
        if current is not None and current.unit_id == (unit.pk if unit else None):
            continue
        membership = current or Membership(user=user, agency=agency, role=row["role"])
        membership.unit = unit
        membership.full_clean()
        membership.save()
        changed += 1
    for membership in Membership.objects.filter(user=user):
        if (membership.agency_id, membership.role) not in wanted:
            membership.delete()
            changed += 1
    return changed


# Demo dossiers at the People's Committee of thị xã Đồng Xoài, at every step of the
# default workflow, so each demo officer finds work waiting (applicant, procedure, the
# actions taken, by whom).
DEMO_AGENCY = "000.00.20.H10"
HOUSEHOLD_BUSINESS = "1.502011.000.00.00.H10"
BUILDING_PERMIT = "1.501032.000.00.00.H10"
ALCOHOL_RETAIL = "1.506012.000.00.00.H10"
DEMO_DOSSIERS: list[tuple[str, str, list[tuple[str, str, dict[str, Any]]]]] = [
    ("congdan.demo", HOUSEHOLD_BUSINESS, []),
    ("doanhnghiep.demo", ALCOHOL_RETAIL, []),
    ("congdan.demo", BUILDING_PERMIT, [("tiepnhan.dx", "accept", {})]),
    (
        "doanhnghiep.demo",
        HOUSEHOLD_BUSINESS,
        [
            ("tiepnhan.dx", "accept", {}),
            ("lanhdao.dx", "assign", {"assignee": "chuyenvien.dx"}),
        ],
    ),
    (
        "congdan.demo",
        ALCOHOL_RETAIL,
        [
            ("tiepnhan.dx", "accept", {}),
            ("lanhdao.dx", "assign", {"assignee": "chuyenvien.dx"}),
            ("chuyenvien.dx", "propose", {"comment": "Hồ sơ đủ điều kiện, đề nghị cấp phép."}),
        ],
    ),
    (
        "doanhnghiep.demo",
        BUILDING_PERMIT,
        [
            (
                "tiepnhan.dx",
                "request_documents",
                {
                    "comment": "Hồ sơ thiếu bản vẽ thiết kế có chữ ký của đơn vị thiết kế.",
                    "items": [("Bản vẽ thiết kế xây dựng", "Chưa có chữ ký, đóng dấu")],
                },
            )
        ],
    ),
    (
        "congdan.demo",
        HOUSEHOLD_BUSINESS,
        [
            ("tiepnhan.dx", "accept", {}),
            ("lanhdao.dx", "assign", {"assignee": "chuyenvien.dx"}),
            ("chuyenvien.dx", "propose", {"comment": "Đủ điều kiện đăng ký."}),
            ("lanhdao.dx", "approve", {}),
            ("tiepnhan.dx", "hand_back", {}),
        ],
    ),
]


def demo_pdf(title: str) -> bytes:
    """Return a small, valid one-page PDF standing for a scanned paper (demo only)."""
    text = "".join(ch for ch in title if ch.isascii() and ch not in "()\\")[:80]
    stream = f"BT /F1 14 Tf 72 770 Td (Tai lieu mau - {text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def demo_dossiers_load() -> int:
    """Submit the demo dossiers and take their actions once; return how many were created.

    Each dossier has a fixed idempotency key: loading again finds it and does nothing.
    """
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dichvucong.dossiers import selectors as dossier_selectors
    from dichvucong.dossiers.actions import ActionRequest, MissingItem, dossier_action_execute
    from dichvucong.dossiers.services import dossier_submit

    if not Agency.objects.filter(code=DEMO_AGENCY).exists():
        return 0
    created = 0
    for index, (username, code, steps) in enumerate(DEMO_DOSSIERS, 1):
        applicant = User.objects.filter(username=username).first()
        procedure = Procedure.objects.filter(code=code, online_submission_enabled=True).first()
        if applicant is None or procedure is None or procedure.current_version is None:
            continue
        case = dossier_selectors.case_for_version(version=procedure.current_version)
        eform = EForm.objects.filter(procedure=procedure, case_name=case.name).first()
        if eform is None:
            continue
        requirements = dossier_selectors.document_requirements(case=case, eform=eform)
        files = {
            r.field: [
                SimpleUploadedFile(
                    f"{r.field}.pdf", demo_pdf(r.document.name), content_type="application/pdf"
                )
            ]
            for r in requirements
            if r.needs_upload
        }
        result = dossier_submit(
            applicant=applicant,
            procedure=procedure,
            form_data=dict(eform.example),
            files=files,
            idempotency_key=f"demo-dossier-{index}",
            agency_code=DEMO_AGENCY,
        )
        if result.replayed:
            continue
        created += 1
        for actor_name, action, values in steps:
            actor = User.objects.get(username=actor_name)
            dossier_action_execute(
                dossier=result.dossier,
                actor=actor,
                request=ActionRequest(
                    action=action,
                    comment=values.get("comment", ""),
                    assignee=(
                        User.objects.get(username=values["assignee"])
                        if "assignee" in values
                        else None
                    ),
                    items=[MissingItem(document=d, reason=r) for d, r in values.get("items", [])],
                ),
            )
    return created
