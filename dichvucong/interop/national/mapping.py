"""The one module that knows the national portal's field names and codes.

Everything the synchronisation sends is built here from this project's models: the
dossier (`MaHoSo`, `MaTTHC`, `ChuHoSo`, …), its progress entries and status changes,
and the per-dossier flags. The numbering of statuses (`TrangThai`, 1 to 10) lives here and
nowhere in the domain; a province whose national counterpart numbers them otherwise
overrides it with `NATIONAL_SYNC_STATUS_CODES` (docs/national-sync.md).

`interoperating` (the dossier is at another agency of an inter-agency procedure) has no
number of its own in the national list: it is sent as 4 (processing), and the progress
entry that goes with it says where the dossier went.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from dichvucong.accounts.models import ExternalIdentity
from dichvucong.dossiers.models import Dossier, DossierEvent, DossierStatus
from dichvucong.payments.models import Payment, PaymentStatus

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# The national list of statuses (one provincial system's numbering).
STATUS_CODES: dict[str, int] = {
    DossierStatus.RECEIVING: 1,
    DossierStatus.NEW: 2,
    DossierStatus.DENIED: 3,
    DossierStatus.PROCESSING: 4,
    DossierStatus.WAITING: 5,
    DossierStatus.PAYING: 6,
    DossierStatus.CANCELLED: 7,
    DossierStatus.UNRESOLVED: 8,
    DossierStatus.RELEASING: 9,
    DossierStatus.DONE: 10,
    # No national number: processing, with a progress entry naming the other agency.
    DossierStatus.INTEROPERATING: 4,
}
# Who the applicant is (LoaiDoiTuong): 1 a citizen, 2 a business or organisation.
APPLICANT_KINDS: dict[str, int] = {"citizen": 1, "business": 2}

# Dates: the dossier's own in the compact form, progress entries in the long one.
DATE_COMPACT = "%Y%m%d%H%M%S"  # yyyyMMddHHmmss
DATE_LONG = "%Y-%m-%d %H:%M:%S"  # yyyy-MM-dd HH:mm:ss


def status_code(status: str) -> int | None:
    """Return the national number of one of our statuses; None for a draft (never sent)."""
    overrides: dict[str, int] = getattr(settings, "NATIONAL_SYNC_STATUS_CODES", {})
    if status in overrides:
        return overrides[status]
    return STATUS_CODES.get(status)


def national_date(value: datetime | None, *, compact: bool = False) -> str:
    """Return a date as the national portal writes it, in Vietnam time ("" for none)."""
    if value is None:
        return ""
    return value.astimezone(VIETNAM).strftime(DATE_COMPACT if compact else DATE_LONG)


def _unit_codes(dossier: Dossier) -> dict[str, str]:
    """Return MaTinh, MaHuyen, MaXa of the applicant's administrative unit, if known."""
    keys = {"province": "MaTinh", "district": "MaHuyen", "commune": "MaXa"}
    codes = dict.fromkeys(keys.values(), "")
    profile = getattr(dossier.applicant, "profile", None) if dossier.applicant_id else None
    unit = getattr(profile, "administrative_unit", None)
    while unit is not None:
        if unit.tier in keys:
            codes[keys[unit.tier]] = unit.code
        unit = unit.parent
    return codes


def _paid_online(dossier: Dossier) -> bool:
    """Return whether a fee of the dossier was paid online (DaThanhToanTrucTuyen)."""
    return Payment.objects.filter(dossier=dossier, status=PaymentStatus.PAID).exists()


def dossier_flags(dossier: Dossier) -> dict[str, int]:
    """Return the per-dossier flags the national portal counts (1 yes, 0 no)."""
    identified = bool(
        dossier.applicant_id
        and ExternalIdentity.objects.filter(user_id=dossier.applicant_id).exists()
    )
    digitised = dossier.documents.exists()
    return {
        "DaXacThucDinhDanhDienTu": int(identified),
        "DaThanhToanTrucTuyen": int(_paid_online(dossier)),
        "DaSoHoa": int(digitised),
        "TaiSuDungGiayTo": 0,
        "LayTuKhoDuLieu": 0,
    }


def dossier_payload(dossier: Dossier) -> dict[str, Any]:
    """Return the dossier as the national portal creates it (files without IdGiayTo yet).

    Each attached file is listed with `HashTepTin` and the local document id under
    `_document`: the sender uploads the file first and puts the national `IdGiayTo`
    in its place.
    """
    profile = getattr(dossier.applicant, "profile", None) if dossier.applicant_id else None
    kind = str(getattr(profile, "kind", "citizen"))
    groups: dict[int, dict[str, Any]] = {}
    files: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for document in dossier.documents.select_related("required_document").order_by("pk"):
        requirement = document.required_document
        groups.setdefault(
            requirement.pk,
            {
                "MaThanhPhanHoSo": requirement.code or str(requirement.position),
                "TenThanhPhanHoSo": requirement.name,
                "LoaiBan": 1 if requirement.originals else 2,
            },
        )
        files[requirement.pk].append(
            {
                "IdGiayTo": "",
                "MaKetQua": "",
                "TenGiayTo": document.original_name,
                "HashTepTin": document.sha256,
                "_document": document.pk,
            }
        )
    components = [
        {**group, "SoLuong": len(files[pk]), "GiayToDinhKem": files[pk]}
        for pk, group in groups.items()
    ]
    birth = getattr(profile, "date_of_birth", None)
    return {
        "MaHoSo": "",
        "MaHoSoTaiDonVi": dossier.code or "",
        "MaTTHC": dossier.procedure.code,
        "MaDichVuCong": dossier.procedure.code,
        "ChuHoSo": dossier.applicant_name,
        "LoaiDoiTuong": APPLICANT_KINDS.get(kind, 1),
        "MaDonViTiepNhan": dossier.agency.code,
        "NgayNop": national_date(dossier.submitted_at, compact=True),
        "NgayTiepNhan": national_date(dossier.accepted_at, compact=True),
        "NgayHenTra": national_date(dossier.due_at, compact=True),
        "TrangThai": status_code(dossier.status),
        "KenhNop": dossier.channel,
        "ThanhPhanHoSo": components,
        "ThongTinNguoiNop": {
            "TenNguoiNop": dossier.applicant_name,
            "SoDinhDanh": dossier.applicant_id_number,
            "NgaySinh": birth.strftime("%Y-%m-%d") if birth else "",
            "SoDienThoai": dossier.applicant_phone,
            "Email": dossier.applicant_email,
            **_unit_codes(dossier),
            "DiaChiChiTiet": dossier.applicant_address,
        },
        **dossier_flags(dossier),
    }


def progress_payload(event: DossierEvent) -> dict[str, Any]:
    """Return a progress entry (tiến độ xử lý) for a workflow step."""
    dossier = event.dossier
    content = str(event.action_display)
    if event.comment:
        content = f"{content}: {event.comment}"
    if event.to_status == DossierStatus.INTEROPERATING and event.from_status != event.to_status:
        content = f"{content} (đang liên thông)"
    handler = ""
    if event.actor_id is not None:
        actor = event.actor
        handler = f"{actor.last_name} {actor.first_name}".strip() or actor.get_username()  # type: ignore[union-attr]
    return {
        "MaHoSo": "",
        "NguoiXuLy": handler,
        "ThoiDiemXuLy": national_date(event.created_at),
        "PhongBanXuLy": dossier.agency.name,
        "NoiDungXuLy": content,
        "TrangThai": status_code(event.to_status),
        "NgayBatDau": national_date(event.step_started_at),
        "NgayKetThucTheoQuyDinh": national_date(event.step_due_at),
    }


def status_payload(event: DossierEvent) -> dict[str, Any]:
    """Return a status change (TrangThai) with the dates and flags that go with it."""
    dossier = event.dossier
    return {
        "MaHoSo": "",
        "TrangThai": status_code(event.to_status),
        "ThoiDiemCapNhat": national_date(event.created_at, compact=True),
        "NgayHenTra": national_date(dossier.due_at, compact=True),
        "NgayCoKetQua": national_date(dossier.result_at, compact=True),
        "NgayTraKetQua": national_date(dossier.handed_back_at, compact=True),
        "DaThanhToanTrucTuyen": int(_paid_online(dossier)),
    }
