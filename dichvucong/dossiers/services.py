"""Changes of state of a dossier: drafts, submission (with its code) and withdrawal.

Every submission either writes a whole dossier (row, code, files, first event,
notification) or nothing: files are stored before the transaction that records them and
deleted again if that transaction does not commit.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dichvucong.accounts.models import Profile, User
from dichvucong.catalogue.models import Channel, Procedure, ProcedureCase, ProcedureVersion
from dichvucong.core.background import queue_after_commit
from dichvucong.core.sequences import counter_next
from dichvucong.eforms.models import EForm
from dichvucong.eforms.selectors import eform_for_case
from dichvucong.eforms.validation import eform_validate
from dichvucong.notifications.services import notify
from dichvucong.organizations.models import Agency
from dichvucong.organizations.selectors import administrative_unit_chain
from dichvucong.workflows.models import WorkflowState

from . import selectors
from .actions import (
    ActionForbidden,
    ActionNotAllowed,
    ActionRequest,
    dossier_action_execute,
    dossier_enter_workflow,
)
from .events import event_record
from .models import (
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierSequence,
    DossierStatus,
    document_upload_to,
)
from .uploads import CheckedFile, check_total, check_upload, delete_files, store_files

logger = logging.getLogger(__name__)

WITHDRAW_ACTION = "withdraw"

FORM_DATA_MAX_BYTES = 256 * 1024
Files = Mapping[str, Sequence[UploadedFile]]


class IdempotencyConflict(Exception):
    """The idempotency key was used before for a different request."""

    def __init__(self, dossier: Dossier) -> None:
        super().__init__(dossier.code)
        self.dossier = dossier


@dataclass(frozen=True)
class SubmissionResult:
    dossier: Dossier
    replayed: bool
    documents: list[DossierDocument]


@dataclass(frozen=True)
class _Target:
    version: ProcedureVersion
    case: ProcedureCase
    agency: Agency
    eform: EForm | None
    requirements: list[selectors.DocumentRequirement]


def _local_day() -> date:
    return timezone.localdate()


def dossier_code_allocate(*, agency: Agency, day: date) -> str:
    """Take the agency's next number of the day and return the dossier code.

    One statement takes the number and locks the day's counter row until the caller's
    transaction ends, so concurrent submissions queue here, none is duplicated, and a
    submission that rolls back gives its number back (the sequence stays gap-free).
    """
    number = counter_next(
        model=DossierSequence, agency_id=agency.pk, period_field="day", period=day
    )
    return dossier_code_format(agency_code=agency.code, day=day, number=number)


def dossier_code_format(*, agency_code: str, day: date, number: int) -> str:
    """Return the code of an agency's dossier `number` of `day` (Circular 01/2018 Art. 19)."""
    return f"{agency_code}-{day:%y%m%d}-{number:04d}"


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _dossier_url(dossier: Dossier) -> str:
    return _site_url(reverse("portal:dossier-detail", kwargs={"code": dossier.code}))


def dossier_backoffice_url(*, code: str) -> str:
    """Return the absolute address of a dossier's page in the back office."""
    return _site_url(reverse("backoffice:dossier", kwargs={"code": code}))


def local_display(value: datetime | None) -> str:
    """Return `value` as the one-stop office writes it: "16:30 05/03/2015", Vietnam time."""
    return f"{timezone.localtime(value):%H:%M %d/%m/%Y}" if value is not None else ""


def person_name(user: User | None) -> str:
    """Return a person's name in the Vietnamese order (family name first), or the username."""
    if user is None:
        return ""
    return " ".join(part for part in (user.last_name, user.first_name) if part) or user.username


def _data_datetime(value: Any) -> datetime | None:
    """Read back a datetime that an action wrote into its event's data (ISO 8601)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else None


# What each logged action tells the applicant, by the action's code in the workflow.
_NOTIFICATIONS: dict[str, str] = {
    DossierEvent.Action.SUBMITTED: "dossier_submitted",
    DossierEvent.Action.WITHDRAWN: "dossier_withdrawn",
    WITHDRAW_ACTION: "dossier_withdrawn",
    "accept": "dossier_accepted",
    "request_documents": "dossier_documents_requested",
    "refuse": "dossier_refused",
    # Decree 61/2018 Art. 19(9): the applicant is sent the apology and the new date
    # (Form 04), though the status stays the same.
    "apologize": "dossier_apologized",
    "hand_back": "dossier_done",
}
# What entering a status by another action tells the applicant; any other change of
# status uses the general message, and an action that keeps the status says nothing.
_STATUS_NOTIFICATIONS: dict[str, str] = {
    DossierStatus.DENIED: "dossier_refused",
    DossierStatus.RELEASING: "dossier_result_ready",
    DossierStatus.DONE: "dossier_done",
}


def _notify_after_commit(event: DossierEvent) -> None:
    """Queue the notifications of `event` once the transaction commits.

    Rendering and sending happen in the worker (`tasks.dossier_event_notify`), off the
    applicant's request; a broker that is down at commit time has them made here
    instead (`queue_after_commit`).
    """
    from .tasks import dossier_event_notify  # the task module imports this one

    queue_after_commit(dossier_event_notify, event.pk)


def _notification_name(event: DossierEvent) -> str | None:
    name = _NOTIFICATIONS.get(event.action)
    if name is not None:
        return name
    if not event.from_status or event.from_status == event.to_status:
        return None
    return _STATUS_NOTIFICATIONS.get(event.to_status, "dossier_status_changed")


def _items_text(items: Any) -> str:
    """Return the missing documents of a request (Form 02) as lines "- document: reason"."""
    lines = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not item.get("document"):
            continue
        reason = str(item.get("reason") or "").strip()
        document = str(item["document"]).strip()
        lines.append(f"- {document}: {reason}" if reason else f"- {document}")
    return "\n".join(lines)


def dossier_event_notify(*, event: DossierEvent) -> None:
    """Notify the applicant, and an officer the dossier is assigned to, of a logged event.

    A second call for one event does nothing (each notification has its key). A dossier
    without an applicant account (paper, at the counter) notifies no applicant.
    """
    _assignee_notify(event=event)
    name = _notification_name(event)
    dossier = event.dossier
    if name is None or dossier.applicant is None:
        return  # a paper dossier from someone without an account: the receipt is on paper
    submitted = timezone.localtime(dossier.submitted_at) if dossier.submitted_at else None
    url = _dossier_url(dossier)
    previous = event.from_status
    data = event.data if isinstance(event.data, dict) else {}
    due_at = _data_datetime(data.get("due_at")) or dossier.due_at
    try:
        notify(
            user=dossier.applicant,
            event=name,
            url=url,
            key=f"dossier-event:{event.pk}",
            context={
                "code": dossier.code or "",
                "procedure_name": dossier.version.name,
                "agency_name": dossier.agency.name,
                "status_display": str(DossierStatus(event.to_status).label),
                "previous_status_display": str(DossierStatus(previous).label) if previous else "",
                "submitted_at": f"{submitted:%H:%M %d/%m/%Y}" if submitted else "",
                "url": url,
                "applicant_name": dossier.applicant_name,
                "due_at": local_display(due_at),
                "comment": event.comment,
                "reason": event.comment,
                "items_text": _items_text(data.get("items")),
                "original_due_at": local_display(_data_datetime(data.get("original_due_at"))),
                "new_due_at": local_display(_data_datetime(data.get("new_due_at"))),
            },
        )
    except IntegrityError:  # another worker notified this event at the same moment
        logger.info("Event %s was already notified", event.pk)


def _assignee_notify(*, event: DossierEvent) -> None:
    """Tell the officer a dossier was just assigned to that they have it (not the others).

    Officers are not told of every dossier entering a step of theirs: their inbox
    lists those. Assigning a dossier to oneself tells nobody.
    """
    data = event.data if isinstance(event.data, dict) else {}
    assigned = data.get("assignee")
    username = assigned.get("username") if isinstance(assigned, dict) else None
    if not username:
        return
    assignee = User.objects.filter(username=username, is_active=True).first()
    if assignee is None or assignee.pk == event.actor_id:
        return
    dossier = event.dossier
    state_name = (
        WorkflowState.objects.filter(workflow_id=dossier.workflow_id, code=event.to_state)
        .values_list("name", flat=True)
        .first()
        if dossier.workflow_id is not None
        else None
    )
    url = dossier_backoffice_url(code=dossier.code or "")
    try:
        notify(
            user=assignee,
            event="dossier_assigned",
            url=url,
            key=f"dossier-assigned:{event.pk}",
            context={
                "code": dossier.code or "",
                "procedure_name": dossier.version.name,
                "agency_name": dossier.agency.name,
                "applicant_name": dossier.applicant_name,
                "state_name": state_name or "",
                "due_at": local_display(dossier.due_at),
                "actor_name": person_name(event.actor),
                "officer_name": person_name(assignee),
                "comment": event.comment,
                "url": url,
            },
        )
    except IntegrityError:
        logger.info("The assignment of event %s was already notified", event.pk)


def _resolve_target(
    *, applicant: User, procedure: Procedure, case_position: int | None, agency_code: str
) -> _Target:
    errors: dict[str, list[str]] = {}
    # The profile alone, and its unit's chain (which the default agency and the
    # applicant's snapshot, the full address, walk) from the process's cache of public
    # data: a four-table join here cost more than the rest of this function.
    profile = Profile.objects.filter(user=applicant).first()
    if profile is None:
        raise ValidationError(
            {"applicant": [_("Tài khoản chưa có thông tin người nộp (hồ sơ người dùng).")]}
        )
    if profile.administrative_unit_id is not None:
        profile.administrative_unit = administrative_unit_chain(pk=profile.administrative_unit_id)
    applicant.profile = profile
    version = procedure.current_version
    if version is None or not procedure.online_submission_enabled:
        raise ValidationError({"procedure": [_("Thủ tục này chưa tiếp nhận hồ sơ trực tuyến.")]})
    try:
        case = selectors.case_for_version(version=version, position=case_position)
    except ProcedureCase.DoesNotExist:
        raise ValidationError({"case": [_("Thủ tục không có trường hợp này.")]}) from None
    agencies = selectors.receiving_agencies(version=version)
    agency: Agency | None
    if agency_code:
        agency = next((a for a in agencies if a.code == agency_code), None)
        if agency is None:
            errors["agency"] = [_("Cơ quan này không tiếp nhận hồ sơ của thủ tục.")]
    else:
        agency = selectors.default_agency(agencies=agencies, applicant=applicant)
        if agency is None:
            errors["agency"] = [_("Vui lòng chọn cơ quan tiếp nhận hồ sơ.")]
    if errors or agency is None:
        raise ValidationError(errors)
    eform = eform_for_case(procedure=procedure, case_name=case.name)
    if eform is None:
        raise ValidationError({"procedure": [_("Thủ tục này chưa có biểu mẫu điện tử.")]})
    requirements = selectors.document_requirements(case=case, eform=eform)
    return _Target(
        version=version, case=case, agency=agency, eform=eform, requirements=requirements
    )


def _check_form_data(form_data: Any) -> None:
    if not isinstance(form_data, dict):
        raise ValidationError({"form_data": [_("Nội dung tờ khai phải là một đối tượng JSON.")]})
    if len(json.dumps(form_data, ensure_ascii=False).encode()) > FORM_DATA_MAX_BYTES:
        raise ValidationError({"form_data": [_("Nội dung tờ khai quá dài.")]})


def _check_files(
    *, target: _Target, files: Files, existing_sizes: Iterable[int] = ()
) -> list[tuple[selectors.DocumentRequirement, CheckedFile]]:
    """Check every uploaded file; raise one ValidationError listing every problem."""
    by_field = {r.field: r for r in target.requirements}
    errors: dict[str, list[str]] = {}
    checked: list[tuple[selectors.DocumentRequirement, CheckedFile]] = []
    for field, uploads in files.items():
        requirement = by_field.get(field)
        if requirement is None:
            errors[field] = [_("Thủ tục không có thành phần hồ sơ này.")]
            continue
        for upload in uploads:
            try:
                checked.append((requirement, check_upload(upload)))
            except ValidationError as exc:
                errors.setdefault(field, []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    check_total([*existing_sizes, *(c.size for _r, c in checked)])
    return checked


def _completeness_errors(
    *, target: _Target, form_data: dict[str, Any], present_fields: set[str]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if target.eform is not None:
        for path, messages in eform_validate(target.eform, form_data).items():
            errors[f"form_data.{path}" if path else "form_data"] = messages
    for requirement in target.requirements:
        if requirement.needs_upload and requirement.field not in present_fields:
            errors[requirement.field] = [
                _("Vui lòng đính kèm “%(name)s”.") % {"name": requirement.document.name}
            ]
    return errors


def _store(checked: Sequence[tuple[selectors.DocumentRequirement, CheckedFile]]) -> list[str]:
    """Write the files to storage; return their names (delete them if the caller fails)."""
    return store_files((item for _requirement, item in checked), document_upload_to)


def _documents(
    dossier: Dossier,
    checked: Sequence[tuple[selectors.DocumentRequirement, CheckedFile]],
    names: Sequence[str],
) -> list[DossierDocument]:
    now = timezone.now()
    return [
        DossierDocument(
            dossier=dossier,
            required_document=requirement.document,
            file=name,
            original_name=item.original_name,
            kind=item.kind,
            size=item.size,
            sha256=item.sha256,
            uploaded_at=now,
        )
        for (requirement, item), name in zip(checked, names, strict=True)
    ]


def _snapshot_applicant(dossier: Dossier, applicant: User) -> None:
    profile = applicant.profile
    dossier.applicant_name = profile.organization_name or profile.full_name
    dossier.applicant_id_number = profile.tax_code or profile.citizen_id
    dossier.applicant_phone = profile.phone
    dossier.applicant_email = applicant.email
    dossier.applicant_address = profile.address


def _fingerprint(
    *,
    procedure: Procedure,
    case_position: int | None,
    agency_code: str,
    form_data: Any,
    checked: Sequence[tuple[selectors.DocumentRequirement, CheckedFile]],
) -> str:
    payload = {
        "procedure": procedure.code,
        "case": case_position,
        "agency": agency_code,
        "form_data": form_data,
        "files": sorted((r.field, c.sha256) for r, c in checked),
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(*, applicant: User, key: str, fingerprint: str) -> SubmissionResult | None:
    existing = (
        Dossier.objects.select_related("procedure", "version", "agency")
        .filter(applicant=applicant, idempotency_key=key)
        .first()
    )
    if existing is None:
        return None
    if existing.request_fingerprint != fingerprint:
        raise IdempotencyConflict(existing)
    documents = list(existing.documents.select_related("required_document"))
    return SubmissionResult(dossier=existing, replayed=True, documents=documents)


def dossier_submit(
    *,
    applicant: User,
    procedure: Procedure,
    form_data: Any,
    files: Files,
    idempotency_key: str,
    case_position: int | None = None,
    agency_code: str = "",
) -> SubmissionResult:
    """Submit a complete dossier in one step (the API); return it with whether it is a replay.

    A second call with the same key and the same content returns the first dossier; the
    same key with different content raises IdempotencyConflict.
    """
    key = idempotency_key.strip()
    if not key or len(key) > 100:
        raise ValidationError(
            {"idempotency_key": [_("Cần khóa Idempotency-Key (tối đa 100 ký tự) cho mỗi lần nộp.")]}
        )
    _check_form_data(form_data)
    target = _resolve_target(
        applicant=applicant,
        procedure=procedure,
        case_position=case_position,
        agency_code=agency_code,
    )
    checked = _check_files(target=target, files=files)
    fingerprint = _fingerprint(
        procedure=procedure,
        case_position=case_position,
        agency_code=agency_code,
        form_data=form_data,
        checked=checked,
    )
    # No look-up of the key first: a retry is rare, and the unique constraint on
    # (applicant, key) finds it below, at no cost to every first submission.
    errors = _completeness_errors(
        target=target, form_data=form_data, present_fields={r.field for r, _c in checked}
    )
    if errors:
        raise ValidationError(errors)

    names = _store(checked)
    try:
        with transaction.atomic():
            now = timezone.now()
            dossier = Dossier(
                applicant=applicant,
                procedure=procedure,
                version=target.version,
                case=target.case,
                agency=target.agency,
                eform=target.eform,
                form_data=form_data,
                channel=Channel.ONLINE,
                status=DossierStatus.RECEIVING,
                idempotency_key=key,
                request_fingerprint=fingerprint,
                created_at=now,
                submitted_at=now,
            )
            _snapshot_applicant(dossier, applicant)
            dossier_enter_workflow(dossier=dossier, now=now)
            dossier.code = dossier_code_allocate(agency=target.agency, day=_local_day())
            dossier.save(force_insert=True)
            documents = DossierDocument.objects.bulk_create(_documents(dossier, checked, names))
            event = event_record(
                dossier=dossier,
                action=DossierEvent.Action.SUBMITTED,
                from_status="",
                to_status=dossier.status,
                to_state=dossier.state.code if dossier.state else "",
                actor=applicant,
                created_at=now,
            )
            _notify_after_commit(event)
    except IntegrityError:
        delete_files(names)
        # A concurrent retry with the same key won the race: answer with its dossier.
        replay = _replay(applicant=applicant, key=key, fingerprint=fingerprint)
        if replay is None:
            raise
        return replay
    except BaseException:
        delete_files(names)
        raise
    return SubmissionResult(dossier=dossier, replayed=False, documents=documents)


def dossier_draft_save(
    *,
    applicant: User,
    procedure: Procedure,
    form_data: Any,
    files: Files,
    dossier: Dossier | None = None,
    case_position: int | None = None,
    agency_code: str = "",
    remove_document_ids: Iterable[int] = (),
    idempotency_key: str = "",
) -> Dossier:
    """Create or update the applicant's draft: incomplete form data is kept as it is.

    A new draft may carry the key of the page it was filled on: a second post of that
    page (a double click, a reload) updates the same draft, and once it is submitted
    returns the submitted dossier unchanged, so one page never makes two dossiers.
    """
    if dossier is not None and (dossier.applicant_id != applicant.pk or not dossier.is_draft):
        raise Dossier.DoesNotExist
    key = idempotency_key.strip()[:100]
    if dossier is None and key:
        existing = Dossier.objects.filter(applicant=applicant, idempotency_key=key).first()
        if existing is not None and not existing.is_draft:
            return existing
        dossier = existing
    _check_form_data(form_data)
    target = _resolve_target(
        applicant=applicant,
        procedure=procedure,
        case_position=case_position,
        agency_code=agency_code,
    )
    remove = set(remove_document_ids)
    kept = [] if dossier is None else [d for d in dossier.documents.all() if d.pk not in remove]
    checked = _check_files(target=target, files=files, existing_sizes=[d.size for d in kept])
    names = _store(checked)
    removed_names: list[str] = []
    try:
        with transaction.atomic():
            created = dossier is None
            if dossier is None:
                dossier = Dossier(applicant=applicant, procedure=procedure, idempotency_key=key)
            dossier.version = target.version
            dossier.case = target.case
            dossier.agency = target.agency
            dossier.eform = target.eform
            dossier.form_data = form_data
            dossier.full_clean(exclude=["applicant", "procedure"])
            dossier.save()
            if not created:
                stale = dossier.documents.filter(pk__in=remove)
                removed_names = list(stale.values_list("file", flat=True))
                stale.delete()
            DossierDocument.objects.bulk_create(_documents(dossier, checked, names))
            if created:
                event_record(
                    dossier=dossier,
                    action=DossierEvent.Action.DRAFT_SAVED,
                    to_status=DossierStatus.DRAFT,
                    actor=applicant,
                )
            transaction.on_commit(lambda: delete_files(removed_names))
    except IntegrityError:
        delete_files(names)
        # The same page posted twice at once: the other request made the draft.
        existing = Dossier.objects.filter(applicant=applicant, idempotency_key=key).first()
        if not key or existing is None:
            raise
        return existing
    except BaseException:
        delete_files(names)
        raise
    return dossier


def dossier_draft_submit(*, dossier: Dossier, applicant: User) -> Dossier:
    """Submit a saved draft: check it is complete, give it its code, notify the applicant.

    Submitting a dossier that is no longer a draft (a double click) returns it unchanged.
    """
    with transaction.atomic():
        locked = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("procedure", "version", "case", "agency", "eform")
            .get(pk=dossier.pk, applicant=applicant)
        )
        if not locked.is_draft:
            return locked
        target = _resolve_target(
            applicant=applicant,
            procedure=locked.procedure,
            case_position=locked.case.position,
            agency_code=locked.agency.code,
        )
        if target.version.pk != locked.version_id:
            raise ValidationError(
                {
                    "procedure": [
                        _(
                            "Thủ tục đã được công bố lại; vui lòng mở lại bản nháp, kiểm tra "
                            "và lưu trước khi nộp."
                        )
                    ]
                }
            )
        documents = list(locked.documents.all())
        errors = _completeness_errors(
            target=target,
            form_data=locked.form_data,
            present_fields={selectors.document_field(d.required_document) for d in documents},
        )
        if errors:
            raise ValidationError(errors)
        check_total(d.size for d in documents)
        now = timezone.now()
        _snapshot_applicant(locked, applicant)
        locked.code = dossier_code_allocate(agency=locked.agency, day=_local_day())
        dossier_enter_workflow(dossier=locked, now=now)
        locked.submitted_at = now
        locked.save(
            update_fields=[
                "code",
                "status",
                "workflow",
                "state",
                "state_entered_at",
                "state_due_at",
                "submitted_at",
                "applicant_name",
                "applicant_id_number",
                "applicant_phone",
                "applicant_email",
                "applicant_address",
                "updated_at",
            ]
        )
        event = event_record(
            dossier=locked,
            action=DossierEvent.Action.SUBMITTED,
            from_status=DossierStatus.DRAFT,
            to_status=locked.status,
            to_state=locked.state.code if locked.state else "",
            actor=applicant,
            created_at=now,
        )
        _notify_after_commit(event)
    return locked


def dossier_draft_delete(*, dossier: Dossier, applicant: User) -> None:
    """Delete the applicant's draft and, once that commits, its files."""
    with transaction.atomic():
        draft = Dossier.objects.select_for_update().get(
            pk=dossier.pk, applicant=applicant, status=DossierStatus.DRAFT
        )
        names = list(draft.documents.values_list("file", flat=True))
        draft.delete()
        transaction.on_commit(lambda: delete_files(names))


def dossier_withdraw(*, dossier: Dossier, applicant: User, reason: str = "") -> Dossier:
    """Withdraw a dossier the agency has not accepted yet, through its workflow's action.

    Withdrawing a dossier already withdrawn returns it unchanged.
    """
    reason = reason.strip()
    if len(reason) > 1000:
        raise ValidationError({"reason": [_("Lý do rút hồ sơ tối đa 1000 ký tự.")]})
    with transaction.atomic():
        locked = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("state")
            .get(pk=dossier.pk, applicant=applicant)
        )
        if locked.status == DossierStatus.CANCELLED:
            return locked
        try:
            dossier_action_execute(
                dossier=locked,
                actor=applicant,
                request=ActionRequest(action=WITHDRAW_ACTION, comment=reason),
            )
        except (ActionNotAllowed, ActionForbidden):
            raise ValidationError(
                {
                    "status": [
                        _(
                            "Chỉ rút được hồ sơ chưa được tiếp nhận; hồ sơ này đang ở trạng "
                            "thái “%(status)s”."
                        )
                        % {"status": locked.get_status_display()}
                    ]
                }
            ) from None
    locked.refresh_from_db()
    return locked
