"""The stand-in's HTTP endpoints: the national side of the synchronisation interface.

Served under /national-sync/standin/ while NATIONAL_SYNC_STANDIN_ENABLED (404 when
not). It checks what a real service would (a token from the configured client id and
secret, the required fields and their formats, files that exist with the hash given,
dossiers that exist) and refuses with 400/401/404 and a message naming the field; it
answers 503 to everything while told to fail. A message whose `IdDongBo` it has seen is
answered as the first time and recorded once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .models import StandinDossier, StandinEntry, StandinFile, StandinSwitch

TOKEN_SALT = "national-sync-standin-token"  # noqa: S105 (a signing salt)
TOKEN_SECONDS = 3600
MAX_FILE_BYTES = 20 * 1024 * 1024
COMPACT = "%Y%m%d%H%M%S"
LONG = "%Y-%m-%d %H:%M:%S"

View = Callable[..., HttpResponse]


def _answer(status: int, message: str, *, data: Any = None, errors: Any = None) -> JsonResponse:
    body: dict[str, Any] = {"error_code": 0 if status < 400 else status, "message": message}
    if data is not None:
        body["data"] = data
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _invalid(errors: dict[str, str]) -> JsonResponse:
    return _answer(400, _("Dữ liệu không hợp lệ."), errors=errors)


def failing() -> bool:
    """Return whether the stand-in is told to fail (setting or the admin's switch)."""
    if getattr(settings, "NATIONAL_SYNC_STANDIN_FAIL", False):
        return True
    return StandinSwitch.objects.filter(failing=True).exists()


def endpoint(*, authorised: bool = True) -> Callable[[View], View]:
    """Wrap a stand-in endpoint: POST only, on only when enabled, token, failure mode."""

    def wrap(view: View) -> View:
        @csrf_exempt
        def wrapped(request: HttpRequest) -> HttpResponse:
            if not getattr(settings, "NATIONAL_SYNC_STANDIN_ENABLED", False):
                raise Http404
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            if failing():
                return _answer(503, _("Hệ thống đang bảo trì, vui lòng thử lại sau."))
            if authorised and not _token_valid(request):
                return _answer(401, _("Mã truy cập (token) không hợp lệ hoặc đã hết hạn."))
            return view(request)

        return wrapped

    return wrap


def _token_valid(request: HttpRequest) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme != "Bearer" or not token:
        return False
    try:
        client_id = signing.TimestampSigner(salt=TOKEN_SALT).unsign(token, max_age=TOKEN_SECONDS)
    except signing.BadSignature:
        return False
    return hmac.compare_digest(client_id, str(settings.NATIONAL_SYNC_STANDIN_CLIENT_ID))


def _json(request: HttpRequest) -> dict[str, Any] | None:
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _date_error(value: Any, pattern: str, shown: str) -> str | None:
    if not isinstance(value, str) or not value:
        return _("Bắt buộc, dạng %(format)s.") % {"format": shown}
    try:
        datetime.strptime(value, pattern)  # noqa: DTZ007 (a format check only)
    except ValueError:
        return _("Sai định dạng, cần %(format)s.") % {"format": shown}
    return None


def _status_error(value: Any, *, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10:
        return _("Phải là số nguyên từ 1 đến 10.")
    return None


def _sync_id(body: dict[str, Any], errors: dict[str, str]) -> str:
    value = body.get("IdDongBo")
    if not isinstance(value, str) or not 1 <= len(value) <= 64:
        errors["IdDongBo"] = _("Bắt buộc, tối đa 64 ký tự.")
        return ""
    return value


@endpoint(authorised=False)
def token(request: HttpRequest) -> HttpResponse:
    """Give a token for the configured client id and secret."""
    body = _json(request) or {}
    client_id = str(body.get("client_id") or "")
    secret = str(body.get("client_secret") or "")
    known = hmac.compare_digest(client_id, str(settings.NATIONAL_SYNC_STANDIN_CLIENT_ID))
    known = hmac.compare_digest(secret, str(settings.NATIONAL_SYNC_STANDIN_CLIENT_SECRET)) and known
    if not (client_id and secret and known):
        return _answer(401, _("Sai client_id hoặc client_secret."))
    value = signing.TimestampSigner(salt=TOKEN_SALT).sign(client_id)
    return JsonResponse(
        {"access_token": value, "token_type": "Bearer", "expires_in": TOKEN_SECONDS}
    )


@endpoint()
def next_code(request: HttpRequest) -> HttpResponse:
    """Issue a new national dossier code for a receiving agency."""
    body = _json(request)
    if body is None:
        return _invalid({"body": _("Cần một đối tượng JSON.")})
    agency = body.get("MaDonVi")
    if not isinstance(agency, str) or not agency:
        return _invalid({"MaDonVi": _("Bắt buộc.")})
    with transaction.atomic():
        row = StandinDossier.objects.create(code=f"tmp-{uuid.uuid4().hex}", agency_code=agency)
        row.code = f"QG.{timezone.localtime():%y%m%d}.{row.pk:06d}"
        row.save(update_fields=["code"])
    return _answer(200, _("Thành công."), data={"MaHoSo": row.code})


@endpoint()
def upload(request: HttpRequest) -> HttpResponse:
    """Receive one file; answer its IdGiayTo and hash (the same file twice, one row)."""
    upload = request.FILES.get("file")
    claimed = request.POST.get("HashTepTin", "")
    if upload is None:
        return _invalid({"file": _("Bắt buộc.")})
    if upload.size is None or upload.size > MAX_FILE_BYTES:
        return _invalid({"file": _("Tệp vượt quá 20 MB.")})
    digest = hashlib.sha256(upload.read()).hexdigest()
    if claimed != digest:
        return _invalid({"HashTepTin": _("Không khớp với nội dung tệp (SHA-256).")})
    try:
        with transaction.atomic():
            row, _created = StandinFile.objects.get_or_create(
                sha256=digest, defaults={"name": upload.name or "", "size": upload.size}
            )
    except IntegrityError:
        row = StandinFile.objects.get(sha256=digest)
    return _answer(200, _("Thành công."), data={"IdGiayTo": str(row.file_id), "HashTepTin": digest})


def _dossier_errors(body: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in ("MaHoSo", "MaTTHC", "ChuHoSo", "MaDonViTiepNhan"):
        if not isinstance(body.get(name), str) or not body.get(name):
            errors[name] = _("Bắt buộc.")
    if (problem := _date_error(body.get("NgayNop"), COMPACT, "yyyyMMddHHmmss")) is not None:
        errors["NgayNop"] = problem
    accepted = body.get("NgayTiepNhan")
    if accepted and (problem := _date_error(accepted, COMPACT, "yyyyMMddHHmmss")) is not None:
        errors["NgayTiepNhan"] = problem
    if body.get("LoaiDoiTuong") not in (1, 2, 3):
        errors["LoaiDoiTuong"] = _("Phải là 1 (công dân), 2 (doanh nghiệp) hoặc 3 (tổ chức).")
    if (problem := _status_error(body.get("TrangThai"))) is not None:
        errors["TrangThai"] = problem
    components = body.get("ThanhPhanHoSo", [])
    if not isinstance(components, list):
        errors["ThanhPhanHoSo"] = _("Phải là một danh sách.")
        components = []
    refs: list[tuple[str, str, str]] = []
    for index, component in enumerate(components):
        files = component.get("GiayToDinhKem", []) if isinstance(component, dict) else None
        if not isinstance(files, list):
            errors[f"ThanhPhanHoSo[{index}]"] = _("Thiếu GiayToDinhKem.")
            continue
        for number, item in enumerate(files):
            key = f"ThanhPhanHoSo[{index}].GiayToDinhKem[{number}]"
            if not isinstance(item, dict) or not item.get("IdGiayTo"):
                errors[key] = _("Thiếu IdGiayTo.")
                continue
            refs.append((key, str(item["IdGiayTo"]), str(item.get("HashTepTin", ""))))
    ids = [file_id for _key, file_id, _sha in refs if _is_uuid(file_id)]
    known = {
        str(file_id): sha
        for file_id, sha in StandinFile.objects.filter(file_id__in=ids).values_list(
            "file_id", "sha256"
        )
    }
    for key, file_id, sha in refs:
        if known.get(file_id) != sha:
            errors[key] = _("Không có tệp với IdGiayTo và HashTepTin này.")
    person = body.get("ThongTinNguoiNop")
    if not isinstance(person, dict) or not person.get("TenNguoiNop"):
        errors["ThongTinNguoiNop.TenNguoiNop"] = _("Bắt buộc.")
    return errors


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@endpoint()
def create(request: HttpRequest) -> HttpResponse:
    """Create the dossier under a code issued before (once per IdDongBo)."""
    body = _json(request)
    if body is None:
        return _invalid({"body": _("Cần một đối tượng JSON.")})
    errors: dict[str, str] = {}
    sync_id = _sync_id(body, errors)
    if sync_id and (seen := StandinDossier.objects.filter(sync_id=sync_id).first()):
        return _answer(200, _("Đã nhận trước đó."), data={"MaHoSo": seen.code, "duplicate": True})
    errors.update(_dossier_errors(body))
    if errors:
        return _invalid(errors)
    try:
        return _create(body, sync_id)
    except IntegrityError:
        # The same message twice at once: the other request recorded it.
        seen = StandinDossier.objects.get(sync_id=sync_id)
        return _answer(200, _("Đã nhận trước đó."), data={"MaHoSo": seen.code, "duplicate": True})


def _create(body: dict[str, Any], sync_id: str) -> HttpResponse:
    with transaction.atomic():
        row = StandinDossier.objects.select_for_update().filter(code=body["MaHoSo"]).first()
        if row is None:
            return _answer(404, _("Mã hồ sơ chưa được cấp."), errors={"MaHoSo": body["MaHoSo"]})
        if row.received_at is not None:
            return _invalid({"MaHoSo": _("Hồ sơ đã được tạo với một IdDongBo khác.")})
        now = timezone.now()
        row.sync_id = sync_id
        row.procedure_code = body["MaTTHC"]
        row.agency_code = body["MaDonViTiepNhan"]
        row.local_code = str(body.get("MaHoSoTaiDonVi") or "")
        row.status = body["TrangThai"]
        row.data = body
        row.received_at = now
        row.updated_at = now
        row.save()
    return _answer(200, _("Thành công."), data={"MaHoSo": row.code, "duplicate": False})


def _entry(request: HttpRequest, kind: str) -> HttpResponse:
    body = _json(request)
    if body is None:
        return _invalid({"body": _("Cần một đối tượng JSON.")})
    errors: dict[str, str] = {}
    sync_id = _sync_id(body, errors)
    if sync_id and (seen := StandinEntry.objects.filter(sync_id=sync_id).first()):
        return _answer(200, _("Đã nhận trước đó."), data={"id": seen.pk, "duplicate": True})
    if not isinstance(body.get("MaHoSo"), str) or not body.get("MaHoSo"):
        errors["MaHoSo"] = _("Bắt buộc.")
    if kind == StandinEntry.Kind.PROGRESS:
        problem = _date_error(body.get("ThoiDiemXuLy"), LONG, "yyyy-MM-dd HH:mm:ss")
        if problem is not None:
            errors["ThoiDiemXuLy"] = problem
        if not body.get("NoiDungXuLy"):
            errors["NoiDungXuLy"] = _("Bắt buộc.")
        problem = _status_error(body.get("TrangThai"), required=False)
    else:
        problem = _status_error(body.get("TrangThai"))
    if problem is not None:
        errors["TrangThai"] = problem
    if errors:
        return _invalid(errors)
    try:
        return _entry_record(body, kind, sync_id)
    except IntegrityError:
        seen = StandinEntry.objects.get(sync_id=sync_id)
        return _answer(200, _("Đã nhận trước đó."), data={"id": seen.pk, "duplicate": True})


def _entry_record(body: dict[str, Any], kind: str, sync_id: str) -> HttpResponse:
    with transaction.atomic():
        dossier = (
            StandinDossier.objects.select_for_update()
            .filter(code=body["MaHoSo"], received_at__isnull=False)
            .first()
        )
        if dossier is None:
            return _answer(404, _("Không tìm thấy hồ sơ."), errors={"MaHoSo": body["MaHoSo"]})
        entry = StandinEntry.objects.create(
            dossier=dossier, kind=kind, sync_id=sync_id, status=body.get("TrangThai"), data=body
        )
        dossier.updated_at = timezone.now()
        if kind == StandinEntry.Kind.STATUS:
            dossier.status = body["TrangThai"]
        dossier.save(update_fields=["status", "updated_at"])
    return _answer(200, _("Thành công."), data={"id": entry.pk, "duplicate": False})


@endpoint()
def progress(request: HttpRequest) -> HttpResponse:
    """Add a progress entry to a dossier (once per IdDongBo)."""
    return _entry(request, StandinEntry.Kind.PROGRESS)


@endpoint()
def status(request: HttpRequest) -> HttpResponse:
    """Change a dossier's status (once per IdDongBo)."""
    return _entry(request, StandinEntry.Kind.STATUS)
