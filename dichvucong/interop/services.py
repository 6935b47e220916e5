"""Inter-agency legs: the workflow effects that send, receive and return them.

The workflow engine (`dossier_action_execute`) locks the dossier, checks the actor's
roles (officers of another agency hold `leg_agency` or `opinion_agency` through an open
leg, see `selectors.leg_roles`), runs one of the effects below, moves the dossier and
writes the event. The effects create and close the legs inside that transaction.

Circular 01/2018 Art. 16-18: the receiving agency sends the dossier on with a control
sheet; each agency's share of the time limit is its own deadline; the dossier comes back
to the receiving one-stop unit, which returns the result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dichvucong.accounts.models import User
from dichvucong.core import workdays
from dichvucong.dossiers.actions import (
    ActionForbidden,
    ActionNotAllowed,
    ActionRequest,
    EffectContext,
    dossier_action_execute,
    dossier_time_limit,
)
from dichvucong.dossiers.events import event_attachments_create, event_record
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.organizations.models import Agency

from . import selectors
from .models import (
    OPEN_LEG_STATES,
    Leg,
    LegKind,
    LegOutcome,
    LegState,
    ProcedureParticipant,
    ShareUnit,
)
from .remote import remote_dispatcher_for

NOTE_MAX = 4000


# ---------------------------------------------------------------------------------------
# The catalogue's declaration


def participant_share_days(
    *, participant: ProcedureParticipant, total: Decimal | None
) -> Decimal | None:
    """Return the participant's share in working days (a percentage needs the total)."""
    if participant.share_unit == ShareUnit.WORKING_DAYS:
        return Decimal(participant.share)
    if total is None:
        return None
    return (Decimal(total) * Decimal(participant.share) / 100).quantize(Decimal("0.01"))


def participants_check(
    *, participants: Sequence[ProcedureParticipant], total_days: Decimal | None
) -> None:
    """Refuse shares that do not fit the procedure's total time limit (in working days).

    Percentages add up to at most 100; working days to at most the total.
    """
    percent = sum(
        (Decimal(p.share) for p in participants if p.share_unit == ShareUnit.PERCENT), Decimal(0)
    )
    if percent > 100:
        raise ValidationError(
            _("Tổng phần trăm thời hạn của các cơ quan là %(n)s%%, vượt quá 100%%.")
            % {"n": f"{percent.normalize():f}"}
        )
    if total_days is None:
        return
    days = sum(
        (
            participant_share_days(participant=p, total=total_days) or Decimal(0)
            for p in participants
        ),
        Decimal(0),
    )
    if days > total_days:
        raise ValidationError(
            _(
                "Tổng thời hạn của các cơ quan là %(days)s ngày làm việc, vượt quá thời hạn "
                "giải quyết của thủ tục (%(total)s ngày làm việc)."
            )
            % {"days": f"{days.normalize():f}", "total": f"{total_days.normalize():f}"}
        )


def _dossier_total_days(dossier: Dossier) -> Decimal | None:
    limit = dossier_time_limit(dossier=dossier)
    if limit is None or limit.duration is None or limit.unit != "working_days":
        return None
    return Decimal(limit.duration)


def leg_due_compute(
    *, participant: ProcedureParticipant, dossier: Dossier, start: dt.datetime
) -> dt.datetime | None:
    """Return a transfer leg's deadline: the participant's share, in working days."""
    days = participant_share_days(participant=participant, total=_dossier_total_days(dossier))
    if days is None or days <= 0:
        return None
    return workdays.due_at_compute(start=start, amount=days, unit="working_days")


# ---------------------------------------------------------------------------------------
# The workflow effects


def _agency_from(value: Any) -> int | None:
    if isinstance(value, Agency):
        return value.pk
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _lock_open_legs(dossier: Dossier) -> list[Leg]:
    return list(
        Leg.objects.select_for_update()
        .filter(dossier_id=dossier.pk, state__in=OPEN_LEG_STATES)
        .select_related("from_agency", "to_agency")
        .order_by("sent_at", "pk")
    )


def _leg_data(leg: Leg, link: str) -> dict[str, Any]:
    return {
        "id": leg.pk,
        "link": link,
        "kind": leg.kind,
        "from": {"code": leg.from_agency.code, "name": leg.from_agency.name},
        "to": {"code": leg.to_agency.code, "name": leg.to_agency.name},
        "due_at": leg.due_at.isoformat() if leg.due_at else None,
        "remote": leg.remote,
    }


def _dispatch_if_remote(leg: Leg) -> None:
    dispatcher = remote_dispatcher_for(leg.to_agency)
    if dispatcher is None:
        return
    leg.remote = True
    leg.save(update_fields=["remote"])
    dispatcher.dispatch(leg)


def send_to_agency_effect(context: EffectContext) -> None:
    """Create a transfer leg to a participant of the procedure, with its share as deadline."""
    dossier = context.dossier
    legs = _lock_open_legs(dossier)
    sender, parent = selectors.leg_sender(dossier=dossier, legs=legs)
    target_id = _agency_from(context.request.extra.get("agency"))
    if target_id is None:
        raise ValidationError({"agency": [_("Vui lòng chọn cơ quan nhận hồ sơ liên thông.")]})
    targets = selectors.participant_targets(procedure_id=dossier.procedure_id, sender=sender)
    target = next((t for t in targets if t.agency.pk == target_id), None)
    if target is None:
        raise ValidationError(
            {
                "agency": [
                    _(
                        "Cơ quan này không tham gia giải quyết thủ tục theo quy định liên "
                        "thông; chỉ chuyển đến các cơ quan đã khai báo cho thủ tục."
                    )
                ]
            }
        )
    if any(leg.to_agency_id == target_id and leg.kind == LegKind.TRANSFER for leg in legs):
        raise ActionNotAllowed(_("Hồ sơ đang được liên thông đến cơ quan này."))
    leg = Leg(
        dossier=dossier,
        kind=LegKind.TRANSFER,
        parent=parent,
        participant=target.participant,
        from_agency=sender,
        to_agency=target.agency,
        request_note=context.request.comment.strip()[:NOTE_MAX],
        sent_by=context.actor,
        sent_at=context.now,
        due_at=leg_due_compute(participant=target.participant, dossier=dossier, start=context.now),
    )
    leg.full_clean(exclude=["dossier", "from_agency", "to_agency", "participant", "parent"])
    leg.save()
    context.data["leg"] = _leg_data(leg, "sent")
    _dispatch_if_remote(leg)


def request_opinion_effect(context: EffectContext) -> None:
    """Create an opinion leg to another agency, with the deadline the sender sets."""
    dossier = context.dossier
    legs = _lock_open_legs(dossier)
    sender, parent = selectors.leg_sender(dossier=dossier, legs=legs)
    target_id = _agency_from(context.request.extra.get("agency"))
    target = (
        Agency.objects.valid_on().filter(pk=target_id).first() if target_id is not None else None
    )
    if target is None:
        raise ValidationError({"agency": [_("Vui lòng chọn cơ quan được xin ý kiến.")]})
    if target.pk == sender.pk:
        raise ValidationError({"agency": [_("Không thể xin ý kiến chính cơ quan mình.")]})
    due_at = context.request.extra.get("due_at")
    if not isinstance(due_at, dt.datetime):
        raise ValidationError({"due_date": [_("Vui lòng nhập thời hạn trả lời.")]})
    if due_at <= context.now:
        raise ValidationError({"due_date": [_("Thời hạn trả lời phải sau thời điểm hiện tại.")]})
    if not context.request.comment.strip():
        raise ValidationError({"comment": [_("Vui lòng ghi nội dung cần xin ý kiến.")]})
    leg = Leg.objects.create(
        dossier=dossier,
        kind=LegKind.OPINION,
        parent=parent,
        from_agency=sender,
        to_agency=target,
        request_note=context.request.comment.strip()[:NOTE_MAX],
        sent_by=context.actor,
        sent_at=context.now,
        due_at=due_at,
    )
    context.data["leg"] = _leg_data(leg, "sent")
    _dispatch_if_remote(leg)


def _leg_for_actor(context: EffectContext, candidates: list[Leg]) -> Leg:
    """Pick the leg the action closes: the one named (the system) or the actor's own."""
    wanted = context.request.extra.get("leg_id")
    if context.actor is None:
        leg = next((leg for leg in candidates if leg.pk == wanted), None)
        if leg is None:
            raise ActionNotAllowed(_("Chặng liên thông này không còn mở."))
        return leg
    mine = set(selectors.user_agency_ids(user=context.actor))
    own = [leg for leg in candidates if leg.to_agency_id in mine]
    if wanted is not None:
        own = [leg for leg in own if leg.pk == wanted]
    if not own:
        raise ActionForbidden(_("Chặng liên thông này không gửi đến cơ quan của bạn."))
    return own[0]


def _outcome(context: EffectContext) -> str:
    outcome = context.request.extra.get("outcome", "")
    if outcome not in LegOutcome.values:
        raise ValidationError({"outcome": [_("Vui lòng chọn kết quả xử lý.")]})
    return str(outcome)


def _close(leg: Leg, context: EffectContext, outcome: str) -> None:
    leg.state = LegState.RETURNED
    leg.returned_at = context.now
    leg.returned_by = context.actor
    leg.outcome = outcome
    leg.answer = context.request.comment.strip()
    leg.timeliness = (
        workdays.timeliness(due_at=leg.due_at, done_at=context.now) if leg.due_at else ""
    )
    leg.save(
        update_fields=[
            "state",
            "returned_at",
            "returned_by",
            "outcome",
            "answer",
            "timeliness",
        ]
    )
    context.data["leg"] = {
        **_leg_data(leg, "returned"),
        "outcome": outcome,
        "timeliness": leg.timeliness,
    }


def receive_leg_effect(context: EffectContext) -> None:
    """Mark the holding agency's transfer leg received (the target took it in)."""
    legs = _lock_open_legs(context.dossier)
    holder = selectors.holder_leg(legs)
    if holder is None:
        raise ActionNotAllowed(_("Hồ sơ không có chặng liên thông đang mở."))
    leg = _leg_for_actor(context, [holder])
    if leg.state != LegState.SENT:
        raise ActionNotAllowed(_("Cơ quan đã tiếp nhận hồ sơ liên thông này."))
    leg.state = LegState.RECEIVED
    leg.received_at = context.now
    leg.received_by = context.actor
    leg.save(update_fields=["state", "received_at", "received_by"])
    context.data["leg"] = _leg_data(leg, "received")


def return_to_sender_effect(context: EffectContext) -> None:
    """Close the holding agency's transfer leg with its outcome; the sender gets it back."""
    legs = _lock_open_legs(context.dossier)
    holder = selectors.holder_leg(legs)
    if holder is None:
        raise ActionNotAllowed(_("Hồ sơ không có chặng liên thông đang mở."))
    leg = _leg_for_actor(context, [holder])
    outcome = _outcome(context)
    if not context.request.comment.strip():
        raise ValidationError({"comment": [_("Vui lòng ghi kết quả xử lý của cơ quan.")]})
    _close(leg, context, outcome)


def answer_opinion_effect(context: EffectContext) -> None:
    """Close an opinion leg sent to the actor's agency with its answer."""
    legs = _lock_open_legs(context.dossier)
    opinions = [leg for leg in legs if leg.kind == LegKind.OPINION]
    if not opinions:
        raise ActionNotAllowed(_("Hồ sơ không có yêu cầu xin ý kiến đang chờ trả lời."))
    leg = _leg_for_actor(context, opinions)
    outcome = _outcome(context)
    if not context.request.comment.strip():
        raise ValidationError({"comment": [_("Vui lòng ghi ý kiến trả lời.")]})
    _close(leg, context, outcome)


def leg_event_link(event: DossierEvent) -> None:
    """Keep on the leg the events that sent and returned it (an event listener)."""
    data = event.data if isinstance(event.data, dict) else {}
    leg = data.get("leg")
    if not isinstance(leg, dict) or not isinstance(leg.get("id"), int):
        return
    if leg.get("link") == "sent":
        Leg.objects.filter(pk=leg["id"], send_event__isnull=True).update(send_event=event)
    elif leg.get("link") == "returned":
        Leg.objects.filter(pk=leg["id"], return_event__isnull=True).update(return_event=event)


# ---------------------------------------------------------------------------------------
# What the exchange app calls when a partner system answers


def leg_return(
    *,
    leg: Leg,
    outcome: str,
    comment: str,
    files: Sequence[UploadedFile],
    actor: User | None,
) -> Leg:
    """Close `leg` with the target's outcome and result files; return the leg.

    Idempotent: a leg already returned is returned as it is. A transfer leg goes back to
    its sender (the dossier leaves `interoperating` when the sender is the receiving
    agency); an opinion leg gets its answer.
    """
    leg.refresh_from_db()
    if leg.state == LegState.RETURNED:
        return leg
    if leg.state == LegState.CANCELLED:
        raise ActionNotAllowed(_("Chặng liên thông đã bị hủy."))
    code = "return_to_sender" if leg.kind == LegKind.TRANSFER else "answer_opinion"
    request = ActionRequest(
        action=code,
        comment=comment,
        attachments=list(files),
        extra={"leg_id": leg.pk, "outcome": outcome},
    )
    try:
        dossier_action_execute(dossier=leg.dossier, actor=actor, request=request)
    except ActionNotAllowed:
        leg.refresh_from_db()
        if leg.state == LegState.RETURNED:
            return leg
        if leg.kind != LegKind.OPINION:
            raise
        # The dossier moved on to a step without the answer action (released, done):
        # the answer is still recorded on the leg and the timeline, never lost.
        _opinion_answer_record(leg=leg, outcome=outcome, comment=comment, files=files)
    leg.refresh_from_db()
    return leg


def _opinion_answer_record(
    *, leg: Leg, outcome: str, comment: str, files: Sequence[UploadedFile]
) -> None:
    """Close an opinion leg outside the workflow, with an event that keeps the step."""
    from dichvucong.dossiers.models import attachment_upload_to
    from dichvucong.dossiers.uploads import check_total, check_upload, delete_files, store_files

    if outcome not in LegOutcome.values:
        raise ValidationError({"outcome": [_("Vui lòng chọn kết quả xử lý.")]})
    checked = [check_upload(upload) for upload in files]
    check_total(c.size for c in checked)
    names: list[str] = []
    try:
        with transaction.atomic():
            dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=leg.dossier_id)
            locked = (
                Leg.objects.select_for_update()
                .select_related("from_agency", "to_agency")
                .get(pk=leg.pk)
            )
            if locked.state == LegState.RETURNED:
                return
            now = timezone.now()
            locked.state = LegState.RETURNED
            locked.returned_at = now
            locked.outcome = outcome
            locked.answer = comment.strip()
            locked.timeliness = (
                workdays.timeliness(due_at=locked.due_at, done_at=now) if locked.due_at else ""
            )
            locked.save(update_fields=["state", "returned_at", "outcome", "answer", "timeliness"])
            names = store_files(checked, attachment_upload_to)
            state = dossier.state.code if dossier.state else ""
            event = event_record(
                dossier=dossier,
                action="answer_opinion",
                action_name=_("Trả lời xin ý kiến"),
                from_status=dossier.status,
                to_status=dossier.status,
                from_state=state,
                to_state=state,
                actor=None,
                actor_role="system",
                comment=locked.answer,
                data={
                    "leg": {
                        **_leg_data(locked, "returned"),
                        "outcome": outcome,
                        "timeliness": locked.timeliness,
                    }
                },
                created_at=now,
            )
            event_attachments_create(event, zip(checked, names, strict=True))
    except BaseException:
        delete_files(names)
        raise


def leg_progress_record(*, leg: Leg, status: str, note: str, at: dt.datetime) -> None:
    """Write a partner's status update on a remote leg into the dossier's timeline."""
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=leg.dossier_id)
        event_record(
            dossier=dossier,
            action="leg_progress",
            action_name=_("Cơ quan liên thông cập nhật tiến độ: %(status)s")
            % {"status": status[:100]},
            from_status=dossier.status,
            to_status=dossier.status,
            from_state=dossier.state.code if dossier.state else "",
            to_state=dossier.state.code if dossier.state else "",
            actor=None,
            comment=note[:NOTE_MAX],
            data={"leg": {"id": leg.pk, "link": "progress", "status": status[:100]}},
            created_at=at if timezone.is_aware(at) else timezone.now(),
        )
