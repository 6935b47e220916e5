"""The workflow engine: one service executes any action of any workflow on a dossier.

`dossier_action_execute` locks the dossier, checks that the action leaves the state the
dossier is in (409 otherwise) and that the actor holds one of its roles at the dossier's
agency, or is its applicant (403 otherwise), applies the action's effect on deadlines
and the register, moves the dossier, writes the event row (with the step's timeliness,
for the control sheet, Form 05) and queues notifications after commit. Two concurrent
actions on one dossier queue on the row lock: the second finds the state changed and
is refused.
"""

from __future__ import annotations

import functools
import json
import logging
import zoneinfo
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dichvucong.accounts.models import Membership, Role, User
from dichvucong.accounts.selectors import officer_display_name
from dichvucong.catalogue.models import ProcessingTime
from dichvucong.core import workdays
from dichvucong.core.cache import memoize_public
from dichvucong.core.queries import CompiledQuery, Condition
from dichvucong.core.sequences import counter_next
from dichvucong.core.writes import row_insert, row_update
from dichvucong.workflows.models import (
    APPLICANT,
    SYSTEM,
    Effect,
    WorkflowAction,
    WorkflowState,
)

from .events import event_attachments_create, events_announce
from .models import (
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStatus,
    RegisterSequence,
    attachment_upload_to,
    document_upload_to,
)
from .uploads import CheckedFile, check_total, check_upload, delete_files, store_files

logger = logging.getLogger(__name__)

COMMENT_MAX = 4000
ITEMS_MAX = 30


class ActionNotAllowed(Exception):
    """The action cannot be taken from the dossier's current state (HTTP 409)."""


class ActionForbidden(Exception):
    """The actor holds none of the roles the action needs here (HTTP 403)."""


@dataclass(frozen=True)
class MissingItem:
    """One entry of a request for more documents (Form 02): what, and why."""

    document: str
    reason: str = ""


@dataclass
class ActionRequest:
    """What an actor asks: the action's code and what that action needs."""

    action: str
    comment: str = ""
    assignee: User | None = None
    new_due_at: datetime | None = None
    items: Sequence[MissingItem] = ()
    attachments: Sequence[UploadedFile] = ()
    # The applicant's new documents when answering a request: upload field -> files.
    documents: Mapping[str, Sequence[UploadedFile]] = field(default_factory=dict)
    # What an effect registered by another app needs (a payment reference, say).
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class EffectContext:
    """What an effect handler gets: the locked dossier, which it may change (the engine
    saves it), and `data`, which it may fill for the event row."""

    dossier: Dossier
    action: WorkflowAction
    request: ActionRequest
    actor: User | None
    now: datetime
    data: dict[str, Any]


EffectHandler = Callable[[EffectContext], None]

_effect_handlers: dict[str, EffectHandler] = {}


def effect_handler_register(effect: str, handler: EffectHandler) -> None:
    """Let an app implement one of the effects (payments, results) from its ready().

    The handler runs inside the action's transaction, after the permission checks and
    before the move; raising ValidationError or ActionNotAllowed undoes the action. Work
    that must wait for the commit (a Celery task) goes through transaction.on_commit.
    """
    _effect_handlers[effect] = handler


RoleProvider = Callable[[Dossier, User], set[str]]

_role_providers: dict[str, RoleProvider] = {}


def actor_role_provider_register(name: str, provider: RoleProvider) -> None:
    """Let an app grant roles on a dossier beyond memberships of its agency.

    The interop app gives another agency's officers a role on a dossier sent to them on
    an inter-agency leg. `provider(dossier, user)` returns the extra roles (or none).
    """
    _role_providers[name] = provider


AgencyRoles = Mapping[int, Collection[str]]


def actor_roles(
    *, dossier: Dossier, user: User | None, agency_roles: AgencyRoles | None = None
) -> set[str]:
    """Return the roles `user` acts in on `dossier`: officer roles there, or applicant.

    No user means the system itself (a gateway's confirmation, say). `agency_roles` is
    the user's memberships (roles by agency id) as the caller read them in this request
    (`OfficerScope.roles_by_agency`); without it they are read here.
    """
    if user is None:
        return {SYSTEM}
    roles: set[str] = set()
    if user.is_authenticated and dossier.applicant_id == user.pk:
        roles.add(APPLICANT)
    if user.is_authenticated:
        if agency_roles is not None:
            roles.update(agency_roles.get(dossier.agency_id, ()))
            roles.discard(Role.SUPERVISOR)  # supervision reads, it never acts
        else:
            roles.update(
                Membership.objects.filter(user=user, agency_id=dossier.agency_id)
                .exclude(role=Role.SUPERVISOR)
                .order_by()  # no join for the default order (by agency code)
                .values_list("role", flat=True)
            )
        for provider in _role_providers.values():
            roles |= provider(dossier, user)
    return roles


def _may_take(
    action: WorkflowAction, *, roles: set[str], dossier: Dossier, user: User | None
) -> bool:
    allowed = roles & set(action.roles)
    if not allowed:
        return False
    state = action.from_state
    # In a state reserved to the assignee, a specialist acts only on their own dossiers.
    only_as_specialist = allowed <= {Role.SPECIALIST}
    return not (
        state.assignee_only
        and only_as_specialist
        and (user is None or dossier.assignee_id != user.pk)
    )


def available_actions(*, dossier: Dossier, user: User) -> list[WorkflowAction]:
    """Return the actions `user` may take on `dossier` now, in the workflow's order."""
    if dossier.state_id is None:
        return []
    roles = actor_roles(dossier=dossier, user=user)
    if not roles:
        return []
    actions = (
        WorkflowAction.objects.filter(from_state_id=dossier.state_id)
        .select_related("from_state", "to_state")
        .order_by("position", "pk")
    )
    return [a for a in actions if _may_take(a, roles=roles, dossier=dossier, user=user)]


def _role_used(action: WorkflowAction, roles: set[str]) -> str:
    for role in action.roles:
        if role in roles:
            return role
    return ""


def dossier_time_limit(*, dossier: Dossier) -> ProcessingTime | None:
    """Return the case's time limit for the dossier's channel (or any channel).

    A case's limits are kept per process until the catalogue changes (publishing moves
    the generation), for every channel at once.
    """
    limits: list[ProcessingTime] = memoize_public(
        "case-time-limits",
        dossier.case_id,
        lambda: [
            limit
            for limit in ProcessingTime.objects.filter(case_id=dossier.case_id).order_by("position")
            if limit.duration is not None and limit.duration > 0
        ],
    )
    for limit in limits:
        if limit.channel == dossier.channel:
            return limit
    return limits[0] if limits else None


def _due_from(*, dossier: Dossier, start: datetime) -> datetime | None:
    limit = dossier_time_limit(dossier=dossier)
    if limit is None or limit.duration is None:
        return None
    return workdays.due_at_compute(start=start, amount=limit.duration, unit=limit.unit)


def _state_due(*, state: WorkflowState, dossier: Dossier, now: datetime) -> datetime | None:
    if state.status == DossierStatus.WAITING:
        return None  # the clock is stopped while the applicant completes the dossier
    if state.time_limit is not None:
        return workdays.due_at_compute(
            start=now, amount=Decimal(state.time_limit), unit=state.time_limit_unit
        )
    return dossier.due_at


def register_number_allocate(*, agency_id: int, year: int) -> int:
    """Take the agency's next number in the year's register (gap-free, like the code)."""
    return counter_next(
        model=RegisterSequence, agency_id=agency_id, period_field="year", period=year
    )


def _clean_comment(request: ActionRequest, action: WorkflowAction) -> str:
    comment = request.comment.strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError({"comment": [_("Ý kiến tối đa %(n)d ký tự.") % {"n": COMMENT_MAX}]})
    if action.comment_required and not comment:
        raise ValidationError(
            {"comment": [_("Thao tác “%(action)s” cần ghi ý kiến.") % {"action": action.name}]}
        )
    return comment


def _check_attachments(request: ActionRequest, action: WorkflowAction) -> list[CheckedFile]:
    errors: list[str] = []
    checked: list[CheckedFile] = []
    for upload in request.attachments:
        try:
            checked.append(check_upload(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"attachments": errors})
    if action.document_required and not checked:
        raise ValidationError(
            {
                "attachments": [
                    _("Thao tác “%(action)s” cần đính kèm văn bản.") % {"action": action.name}
                ]
            }
        )
    check_total(c.size for c in checked)
    return checked


def _lock(dossier: Dossier, within: Q | Condition | None) -> Dossier:
    """Lock and read the dossier's row (by id, or by code if it has none), without its
    relations; raise Dossier.DoesNotExist if it is not `within`.

    The state comes from the action (`_find_action`); the agency, procedure, case and
    applicant load when an effect or a listener reads them, which most actions never do.
    """
    by, value = ("code", dossier.code) if dossier.pk is None else ("pk", dossier.pk)
    if isinstance(within, Q) or value is None:
        rows = Dossier.objects.select_for_update(of=("self",))
        if within is not None:
            rows = rows.filter(within.q() if isinstance(within, Condition) else within)
        return rows.get(**{by: value})
    build = within.build if within is not None else None
    locking_read = _LOCKING_READS.get((build, by))
    if locking_read is None:
        locking_read = _LOCKING_READS[(build, by)] = CompiledQuery(
            functools.partial(_locking_read, build, by)
        )
    found = locking_read.list(key=value, **(within.values if within is not None else {}))
    if not found:
        raise Dossier.DoesNotExist("No such dossier within reach.")
    if len(found) > 1:
        raise Dossier.MultipleObjectsReturned("The dossier's key matched more than one row.")
    return found[0]


# Every action begins with this read, whose SQL names the dossier's 50 columns: compiled
# once per process for each kind of reach and key (core.queries).
_LOCKING_READS: dict[tuple[Callable[..., Q] | None, str], CompiledQuery[Dossier]] = {}


def _locking_read(
    build: Callable[..., Q] | None, by: str, key: Any, **values: Any
) -> QuerySet[Dossier]:
    rows = Dossier.objects.select_for_update(of=("self",)).filter(**{by: key})
    return rows.filter(build(**values)) if build is not None else rows


def _find_action(locked: Dossier, code: str) -> WorkflowAction:
    if locked.state_id is None:
        raise ActionNotAllowed(_("Hồ sơ chưa được nộp nên chưa thể xử lý."))
    state_id = locked.state_id
    # Workflows change only through workflows.services, which marks the public data
    # changed: the actions are kept in each process until then (read-only).
    action: WorkflowAction | None = memoize_public(
        "workflow-action",
        (state_id, code),
        lambda: (
            WorkflowAction.objects.select_related("from_state", "to_state")
            .filter(from_state_id=state_id, code=code)
            .first()
        ),
    )
    if action is None:
        raise ActionNotAllowed(
            _("Không thể thực hiện thao tác “%(action)s” khi hồ sơ đang ở bước “%(state)s”.")
            % {"action": code, "state": locked.state.name if locked.state else ""}
        )
    locked.state = action.from_state  # the state it leaves, without a query
    return action


def dossier_action_execute(
    *,
    dossier: Dossier,
    actor: User | None,
    request: ActionRequest,
    agency_roles: AgencyRoles | None = None,
    within: Q | Condition | None = None,
) -> DossierEvent:
    """Take `request.action` on `dossier` as `actor`; return the event written.

    `actor=None` is the system: it may take only the actions whose roles name `system`.
    `agency_roles`: the actor's memberships as read in this request (see `actor_roles`).
    `within`: what the actor may reach (a Q, or a Condition, whose locking read is
    compiled once); a dossier outside it is Dossier.DoesNotExist, as is one that does
    not exist. `dossier` may be `Dossier(code=...)`: the engine
    reads the row under its lock and copies it into that instance.

    Raise ActionNotAllowed (the state does not allow it), ActionForbidden (the actor may
    not) or ValidationError (what the action needs is missing or wrong). On any error
    nothing changes and no file stays stored.
    """
    checked: list[CheckedFile] = []
    names: list[str] = []
    document_names: list[str] = []
    try:
        with transaction.atomic():
            locked = _lock(dossier, within)
            as_locked = _column_values(locked)
            action = _find_action(locked, request.action)
            roles = actor_roles(dossier=locked, user=actor, agency_roles=agency_roles)
            if not _may_take(action, roles=roles, dossier=locked, user=actor):
                raise ActionForbidden(
                    _("Bạn không có quyền thực hiện thao tác “%(action)s” với hồ sơ này.")
                    % {"action": action.name}
                )
            comment = _clean_comment(request, action)
            checked = _check_attachments(request, action)
            now = timezone.now()
            data: dict[str, Any] = {"effect": action.effect} if action.effect != "none" else {}
            effect_documents = _apply_effect(
                locked, action=action, request=request, now=now, data=data, actor=actor
            )
            names = store_files(checked, attachment_upload_to)
            event = _move(
                locked,
                as_locked=as_locked,
                action=action,
                actor=actor,
                role=_role_used(action, roles),
                comment=comment,
                data=data,
                now=now,
            )
            if effect_documents:
                document_names = store_files(
                    (c for _f, _r, c in effect_documents), document_upload_to
                )
                DossierDocument.objects.bulk_create(
                    DossierDocument(
                        dossier=locked,
                        required_document=requirement,
                        file=name,
                        original_name=item.original_name,
                        kind=item.kind,
                        size=item.size,
                        sha256=item.sha256,
                        uploaded_at=now,
                    )
                    for (_field, requirement, item), name in zip(
                        effect_documents, document_names, strict=True
                    )
                )
            attachments = event_attachments_create(event, zip(checked, names, strict=True))
            # Whoever reads event.attachments next gets these without a query.
            event._prefetched_objects_cache = {"attachments": attachments}  # type: ignore[attr-defined]
            events_announce(event)
            _after_commit(event)
    except BaseException:
        delete_files([*names, *document_names])
        raise
    _copy_state(locked, into=dossier)
    return event


def _copy_state(source: Dossier, *, into: Dossier) -> None:
    """Give the caller's instance the dossier as the action left it, without a query.

    Setting a foreign key's id drops the caller's related object if the id changed, so
    the relations the caller had loaded stay where they still hold.
    """
    if into is source:
        return
    for model_field in Dossier._meta.concrete_fields:
        setattr(into, model_field.attname, getattr(source, model_field.attname))
    into._state.adding = False
    into._state.db = source._state.db
    into._state.fields_cache.update(source._state.fields_cache)


def _apply_effect(
    dossier: Dossier,
    *,
    action: WorkflowAction,
    request: ActionRequest,
    now: datetime,
    data: dict[str, Any],
    actor: User | None,
) -> list[tuple[str, Any, CheckedFile]]:
    """Apply what the action does besides moving; return new dossier documents to store."""
    effect = action.effect
    new_documents: list[tuple[str, Any, CheckedFile]] = []
    if effect == Effect.ACCEPT:
        dossier.accepted_at = now
        dossier.due_at = _due_from(dossier=dossier, start=now)
        dossier.paused_at = None
        year = timezone.localtime(now).year
        if dossier.register_number is None:
            dossier.register_year = year
            dossier.register_number = register_number_allocate(
                agency_id=dossier.agency_id, year=year
            )
        data["due_at"] = dossier.due_at.isoformat() if dossier.due_at else None
        data["register"] = {"year": dossier.register_year, "number": dossier.register_number}
    elif effect == Effect.REQUEST_DOCUMENTS:
        items = [
            MissingItem(document=i.document.strip(), reason=i.reason.strip())
            for i in request.items
            if i.document.strip()
        ]
        if len(items) > ITEMS_MAX:
            raise ValidationError(
                {"items": [_("Tối đa %(n)d mục cần bổ sung.") % {"n": ITEMS_MAX}]}
            )
        if any(len(i.document) > 500 or len(i.reason) > 1000 for i in items):
            raise ValidationError(
                {"items": [_("Mỗi mục cần bổ sung tối đa 500 ký tự, lý do tối đa 1000 ký tự.")]}
            )
        data["items"] = [{"document": i.document, "reason": i.reason} for i in items]
        dossier.paused_at = now
    elif effect == Effect.SUPPLEMENT:
        new_documents = _supplement_documents(dossier, request)
        if not new_documents and not request.comment.strip():
            raise ValidationError(
                {"documents": [_("Vui lòng đính kèm giấy tờ bổ sung hoặc ghi nội dung bổ sung.")]}
            )
        if dossier.accepted_at is not None:
            # Decree 61/2018 Art. 19(4): the time limit starts again once complete.
            data["previous_due_at"] = dossier.due_at.isoformat() if dossier.due_at else None
            dossier.due_at = _due_from(dossier=dossier, start=now)
            data["due_at"] = dossier.due_at.isoformat() if dossier.due_at else None
        dossier.paused_at = None
        data["documents"] = [item.original_name for _f, _r, item in new_documents]
    elif effect == Effect.REFUSE:
        dossier.result_at = now
    elif effect == Effect.ASSIGN:
        assignee = request.assignee
        if assignee is None:
            raise ValidationError({"assignee": [_("Vui lòng chọn chuyên viên xử lý.")]})
        is_specialist = Membership.objects.filter(
            user=assignee, agency_id=dossier.agency_id, role=Role.SPECIALIST, user__is_active=True
        ).exists()
        if not is_specialist:
            raise ValidationError(
                {"assignee": [_("Người được phân công phải là chuyên viên của cơ quan.")]}
            )
        dossier.assignee = assignee
        data["assignee"] = {
            "id": assignee.pk,
            "username": assignee.username,
            "name": officer_display_name(user=assignee),
        }
    elif effect == Effect.APOLOGIZE:
        _apologize(dossier, request=request, now=now, data=data)
    elif effect == Effect.HAND_BACK:
        dossier.handed_back_at = now
        finished = dossier.result_at or now
        if dossier.due_at is not None:
            dossier.timeliness = workdays.timeliness(due_at=dossier.due_at, done_at=finished)
    elif effect == Effect.WITHDRAW:
        dossier.withdrawn_at = now
    elif effect != Effect.NONE:
        handler = _effect_handlers.get(effect)
        if handler is None:
            raise ActionNotAllowed(
                _("Thao tác “%(action)s” cần một chức năng chưa được cài đặt.")
                % {"action": action.name}
            )
        handler(
            EffectContext(
                dossier=dossier, action=action, request=request, actor=actor, now=now, data=data
            )
        )
    if action.to_state.status == DossierStatus.RELEASING and dossier.result_at is None:
        dossier.result_at = now
    return new_documents


def _apologize(
    dossier: Dossier, *, request: ActionRequest, now: datetime, data: dict[str, Any]
) -> None:
    if dossier.due_at is None:
        raise ActionNotAllowed(_("Hồ sơ không có ngày hẹn trả nên không cần hẹn lại."))
    if dossier.original_due_at is not None:
        raise ActionNotAllowed(
            _("Hồ sơ đã được hẹn lại một lần; việc hẹn lại chỉ được thực hiện một lần.")
        )
    # Decree 61/2018 Art. 19(9): at the latest one working day before the due date.
    if workdays.working_days_remaining(due_at=dossier.due_at, now=now) < 1:
        raise ActionNotAllowed(
            _(
                "Phải xin lỗi và hẹn lại chậm nhất 01 ngày làm việc trước ngày hẹn trả "
                "(%(due)s); đã quá thời điểm đó."
            )
            % {"due": f"{timezone.localtime(dossier.due_at):%H:%M %d/%m/%Y}"}
        )
    new_due_at = request.new_due_at
    if new_due_at is None:
        raise ValidationError({"new_due_date": [_("Vui lòng nhập ngày hẹn trả mới.")]})
    if new_due_at <= dossier.due_at:
        raise ValidationError(
            {"new_due_date": [_("Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại.")]}
        )
    dossier.original_due_at = dossier.due_at
    dossier.due_at = new_due_at
    data["original_due_at"] = dossier.original_due_at.isoformat()
    data["new_due_at"] = new_due_at.isoformat()


def due_at_for_day(day: date) -> datetime:
    """Return the close of office on `day`: a new appointment (Form 04) names a day."""
    if not workdays.is_working_day(day):
        raise ValidationError(
            {
                "new_due_date": [
                    _("Ngày %(day)s không phải ngày làm việc.") % {"day": f"{day:%d/%m/%Y}"}
                ]
            }
        )
    midnight = datetime.combine(day, time.min, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return workdays.due_at_compute(start=midnight, amount=Decimal(1), unit="working_days")


def _supplement_documents(
    dossier: Dossier, request: ActionRequest
) -> list[tuple[str, Any, CheckedFile]]:
    from . import selectors

    if not request.documents:
        return []
    requirements = {
        r.field: r for r in selectors.document_requirements(case=dossier.case, eform=dossier.eform)
    }
    errors: dict[str, list[str]] = {}
    result: list[tuple[str, Any, CheckedFile]] = []
    for field_name, uploads in request.documents.items():
        requirement = requirements.get(field_name)
        if requirement is None:
            errors[field_name] = [_("Thủ tục không có thành phần hồ sơ này.")]
            continue
        for upload in uploads:
            try:
                result.append((field_name, requirement.document, check_upload(upload)))
            except ValidationError as exc:
                errors.setdefault(field_name, []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    existing = list(dossier.documents.values_list("size", flat=True))
    check_total([*existing, *(item.size for _f, _r, item in result)])
    return result


def _comparable(value: Any) -> Any:
    """Return `value`, or for JSON its text: an effect may edit a dict or list in place."""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, cls=DjangoJSONEncoder)
    return value


def _column_values(dossier: Dossier) -> dict[str, Any]:
    """Return the dossier's columns as read, comparable with what they become."""
    return {
        column.attname: _comparable(getattr(dossier, column.attname))
        for column in Dossier._meta.concrete_fields
    }


def _changed_columns(dossier: Dossier, as_locked: dict[str, Any]) -> list[str]:
    """Return the columns the action changed, and `updated_at` (the save stamps it)."""
    changed = [
        name for name, value in as_locked.items() if _comparable(getattr(dossier, name)) != value
    ]
    return changed if "updated_at" in changed else [*changed, "updated_at"]


def _move(
    dossier: Dossier,
    *,
    as_locked: dict[str, Any],
    action: WorkflowAction,
    actor: User | None,
    role: str,
    comment: str,
    data: dict[str, Any],
    now: datetime,
) -> DossierEvent:
    source = action.from_state
    target = action.to_state
    step_timeliness = ""
    if dossier.state_due_at is not None and source.pk != target.pk:
        step_timeliness = workdays.timeliness(due_at=dossier.state_due_at, done_at=now)
    event = DossierEvent(
        dossier=dossier,
        action=action.code,
        action_name=action.name,
        from_status=dossier.status,
        to_status=target.status,
        from_state=source.code,
        to_state=target.code,
        actor=actor,
        actor_role=role,
        comment=comment,
        step_started_at=dossier.state_entered_at,
        step_due_at=dossier.state_due_at,
        step_timeliness=step_timeliness,
        data=data,
        created_at=now,
    )
    row_insert(event)
    if source.pk != target.pk:
        dossier.state = target
        dossier.state_entered_at = now
        dossier.state_due_at = _state_due(state=target, dossier=dossier, now=now)
    elif action.effect == Effect.APOLOGIZE and source.time_limit is None:
        dossier.state_due_at = dossier.due_at
    dossier.status = target.status
    if dossier.overdue_at is not None and (
        dossier.due_at is None or dossier.due_at > now or target.status in FINISHED
    ):
        dossier.overdue_at = None
    # Only what changed: the row also holds the e-form's content (tens of kilobytes of
    # JSON), which every action would otherwise write again, with its TOAST chunks.
    row_update(dossier, _changed_columns(dossier, as_locked))
    return event


FINISHED = frozenset(
    {DossierStatus.DONE, DossierStatus.DENIED, DossierStatus.CANCELLED, DossierStatus.UNRESOLVED}
)


def _after_commit(event: DossierEvent) -> None:
    from .services import _notify_after_commit

    _notify_after_commit(event)


def dossier_enter_workflow(*, dossier: Dossier, now: datetime) -> None:
    """Put a dossier being submitted at the start of its workflow (no save)."""
    from dichvucong.workflows.selectors import workflow_entry

    entry = workflow_entry(procedure_id=dossier.procedure_id, agency_id=dossier.agency_id)
    dossier.workflow_id = entry.workflow_id
    dossier.state = entry.state
    dossier.status = entry.state.status
    dossier.state_entered_at = now
    dossier.state_due_at = _state_due(state=entry.state, dossier=dossier, now=now)
