"""Dossiers that reach the agency at its counter (Decree 61/2018 Art. 15-17).

A procedure offered online at level 3 or 4 takes no paper: the reception officer submits online
on the citizen's behalf, into the citizen's account, so that the citizen follows it
there (the seed asks one-stop staff to help people file online). A procedure below level
3 takes a paper dossier: the officer records who brought it, which documents were
handed over (scans optional) and how many sets, and may accept it on the spot, which
prints the receipt (Form 01).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dichvucong.accounts.models import Membership, Profile, Role, User
from dichvucong.catalogue.models import Channel, Procedure, RequiredDocument, ServiceLevel
from dichvucong.core.validators import validate_citizen_id
from dichvucong.organizations.models import Agency

from . import selectors
from .actions import ActionRequest, dossier_action_execute, dossier_enter_workflow
from .events import event_record
from .models import Dossier, DossierDocument, document_upload_to
from .services import (
    SubmissionResult,
    _local_day,
    dossier_code_allocate,
    dossier_submit,
)
from .uploads import CheckedFile, check_total, check_upload, delete_files, store_files

ONLINE_LEVELS = (ServiceLevel.LEVEL_3, ServiceLevel.LEVEL_4)
COUNTER_EVENT = "counter_intake"


@dataclass(frozen=True)
class WalkIn:
    """The person who brings a paper dossier to the counter."""

    name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


def procedure_online_only(procedure: Procedure) -> bool:
    """Return whether the counter files this procedure online rather than taking paper.

    A procedure offered at level 3 or 4 whose online submission is on takes no paper; one
    whose online submission is off (not ready, or suspended) still takes paper.
    """
    return procedure.level in ONLINE_LEVELS and procedure.online_submission_enabled


def reception_agency(*, officer: User, agency_code: str = "") -> Agency:
    """Return the agency where `officer` receives dossiers (the one named, if several)."""
    memberships = Membership.objects.filter(user=officer, role=Role.RECEPTION).select_related(
        "agency"
    )
    agencies = {m.agency.code: m.agency for m in memberships}
    if agency_code:
        if agency_code not in agencies:
            raise ValidationError({"agency": [_("Bạn không tiếp nhận hồ sơ cho cơ quan này.")]})
        return agencies[agency_code]
    if len(agencies) != 1:
        raise ValidationError(
            {"agency": [_("Bạn không có vai trò tiếp nhận, hoặc cần chọn cơ quan tiếp nhận.")]}
        )
    return next(iter(agencies.values()))


def citizen_find(*, id_number: str) -> User:
    """Return the active account whose profile has this citizen ID or tax code."""
    id_number = id_number.strip()
    if not id_number:  # blank IDs are many (businesses have none): never match on them
        raise User.DoesNotExist
    profile = (
        Profile.objects.select_related("user")
        .filter(user__is_active=True)
        .filter(citizen_id=id_number)
        .first()
    ) or (
        Profile.objects.select_related("user")
        .filter(user__is_active=True, tax_code=id_number)
        .first()
    )
    if profile is None:
        raise User.DoesNotExist
    return profile.user


def dossier_submit_on_behalf(
    *,
    officer: User,
    applicant: User,
    procedure: Procedure,
    form_data: Any,
    files: Mapping[str, Sequence[UploadedFile]],
    idempotency_key: str,
    case_position: int | None = None,
    agency_code: str = "",
) -> SubmissionResult:
    """Submit online for a citizen at the counter; the dossier is theirs, as if they had.

    The officer must receive dossiers at the agency it goes to, and the procedure must
    be offered online; the dossier records who entered it.
    """
    agency = reception_agency(officer=officer, agency_code=agency_code)
    if procedure.level not in ONLINE_LEVELS or not procedure.online_submission_enabled:
        raise ValidationError(
            {"procedure": [_("Thủ tục này chưa nộp trực tuyến được: hãy tiếp nhận hồ sơ giấy.")]}
        )
    with transaction.atomic():
        result = dossier_submit(
            applicant=applicant,
            procedure=procedure,
            form_data=form_data,
            files=files,
            idempotency_key=f"counter:{officer.pk}:{idempotency_key}",
            case_position=case_position,
            agency_code=agency.code,
        )
        if not result.replayed:
            Dossier.objects.filter(pk=result.dossier.pk).update(entered_by=officer)
            result.dossier.entered_by = officer
    return result


def dossier_counter_intake(
    *,
    officer: User,
    procedure: Procedure,
    walk_in: WalkIn,
    received_document_ids: Sequence[int],
    scans: Mapping[int, Sequence[UploadedFile]] | None = None,
    copies: int = 1,
    case_position: int | None = None,
    agency_code: str = "",
    accept: bool = False,
    note: str = "",
    idempotency_key: str = "",
) -> Dossier:
    """Record a paper dossier handed over at the counter; accept it at once if asked.

    `received_document_ids` are the required documents handed over on paper; `scans`
    may add their scanned files (by required document id). A second call with the same
    idempotency key (a double click) returns the dossier already recorded.
    """
    agency = reception_agency(officer=officer, agency_code=agency_code)
    if procedure_online_only(procedure):
        raise ValidationError(
            {
                "procedure": [
                    _(
                        "Thủ tục mức độ %(level)d không nhận hồ sơ giấy: hãy nộp trực tuyến "
                        "giúp công dân."
                    )
                    % {"level": procedure.level}
                ]
            }
        )
    version = procedure.current_version
    if version is None:
        raise ValidationError({"procedure": [_("Thủ tục chưa được công bố.")]})
    if agency not in selectors.receiving_agencies(version=version):
        raise ValidationError({"agency": [_("Cơ quan này không tiếp nhận hồ sơ của thủ tục.")]})
    case = selectors.case_for_version(version=version, position=case_position)
    errors: dict[str, list[str]] = {}
    if not walk_in.name.strip():
        errors["name"] = [_("Vui lòng nhập họ tên người nộp.")]
    if walk_in.id_number.strip():
        try:
            validate_citizen_id(walk_in.id_number.strip())
        except ValidationError as exc:
            errors["id_number"] = exc.messages
    if not 1 <= copies <= 20:
        errors["copies"] = [_("Số bộ hồ sơ từ 1 đến 20.")]
    documents = {
        d.pk: d
        for d in RequiredDocument.objects.filter(
            case__version=version, pk__in=received_document_ids
        )
    }
    if set(received_document_ids) - set(documents):
        errors["documents"] = [_("Có giấy tờ không thuộc thủ tục này.")]
    if not documents:
        errors.setdefault("documents", []).append(_("Đánh dấu các giấy tờ công dân đã nộp."))
    checked: list[tuple[RequiredDocument, CheckedFile]] = []
    for document_id, uploads in (scans or {}).items():
        if document_id not in documents:
            errors.setdefault("scans", []).append(_("Bản quét phải thuộc giấy tờ đã nộp."))
            continue
        for upload in uploads:
            try:
                checked.append((documents[document_id], check_upload(upload)))
            except ValidationError as exc:
                errors.setdefault("scans", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    check_total(c.size for _d, c in checked)
    key = idempotency_key.strip()[:80]
    if key:
        existing = Dossier.objects.filter(
            entered_by=officer, idempotency_key=f"counter:{key}"
        ).first()
        if existing is not None:
            return existing
    names: list[str] = []
    try:
        names = store_files((item for _d, item in checked), document_upload_to)
        with transaction.atomic():
            now = timezone.now()
            dossier = Dossier(
                applicant=_account_for(walk_in),
                entered_by=officer,
                procedure=procedure,
                version=version,
                case=case,
                agency=agency,
                channel=Channel.DIRECT,
                copies=copies,
                applicant_name=walk_in.name.strip(),
                applicant_id_number=walk_in.id_number.strip(),
                applicant_phone=walk_in.phone.strip(),
                applicant_email=walk_in.email.strip(),
                applicant_address=walk_in.address.strip(),
                idempotency_key=f"counter:{key}" if key else "",
                request_fingerprint=hashlib.sha256(repr(sorted(documents)).encode()).hexdigest(),
                created_at=now,
                submitted_at=now,
            )
            dossier_enter_workflow(dossier=dossier, now=now)
            dossier.code = dossier_code_allocate(agency=agency, day=_local_day())
            dossier.full_clean(exclude=["applicant", "code", "idempotency_key"])
            dossier.save(force_insert=True)
            DossierDocument.objects.bulk_create(
                DossierDocument(
                    dossier=dossier,
                    required_document=document,
                    file=name,
                    original_name=item.original_name,
                    kind=item.kind,
                    size=item.size,
                    sha256=item.sha256,
                    uploaded_at=now,
                )
                for (document, item), name in zip(checked, names, strict=True)
            )
            event_record(
                dossier=dossier,
                action=COUNTER_EVENT,
                action_name=_("Tiếp nhận hồ sơ giấy tại quầy"),
                to_status=dossier.status,
                to_state=dossier.state.code if dossier.state else "",
                actor=officer,
                actor_role=Role.RECEPTION,
                comment=note.strip()[:4000],
                data={
                    "received_documents": [
                        {"id": d.pk, "name": d.name} for d in documents.values()
                    ],
                    "copies": copies,
                },
                created_at=now,
            )
            if accept:
                dossier_action_execute(
                    dossier=dossier, actor=officer, request=ActionRequest(action="accept")
                )
    except BaseException:
        delete_files(names)
        raise
    dossier.refresh_from_db()
    return dossier


def _account_for(walk_in: WalkIn) -> User | None:
    """Return the walk-in's account when their ID number has one, so they see the dossier."""
    if not walk_in.id_number.strip():
        return None
    try:
        return citizen_find(id_number=walk_in.id_number)
    except User.DoesNotExist:
        return None
