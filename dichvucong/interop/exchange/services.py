"""Services of the exchange API: the outbox, the inbound endpoint's checks, and the
three dossier messages (send, status, result) on both sides.

Sending: a service queues an `OutboundMessage` in the caller's transaction (the outbox
pattern: the message exists iff the change that caused it committed); a Celery task
delivers it after the commit, signed by the sending agency with a fresh timestamp at
every attempt; a partner that is down or answers 5xx gets it again later, with
exponential backoff, until it acknowledges with a signed acknowledgement. A message
unacknowledged for longer than EXCHANGE_ALERT_AFTER_MINUTES raises an alert once.

Receiving: `inbound_message_receive` verifies the JWS (the signer's certificate chains
to a certificate registered for an enabled partner and was issued to the sending agency,
which the partner hosts), the partner's right to the message type, the timestamp window
and the message id (a replay of an applied message answers the same acknowledgement
without applying it again; the same id with another content is refused), then applies
the message in one transaction and answers an acknowledgement signed by the recipient
agency. Every message, applied or refused, is logged with its signature.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.mail import mail_admins
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from dichvucong.accounts.models import User
from dichvucong.accounts.selectors import officer_agency_ids
from dichvucong.catalogue.models import Channel, Procedure, ProcedureCase
from dichvucong.core.background import queue_after_commit
from dichvucong.dossiers import selectors as dossier_selectors
from dichvucong.dossiers.actions import dossier_enter_workflow
from dichvucong.dossiers.events import event_attachments_create, event_record
from dichvucong.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStatus,
    EventAttachment,
    attachment_upload_to,
    document_upload_to,
)
from dichvucong.dossiers.services import _local_day, dossier_code_allocate
from dichvucong.dossiers.uploads import CheckedFile, check_upload, delete_files, store_files
from dichvucong.interop import services as interop_services
from dichvucong.interop.models import Leg, LegOutcome
from dichvucong.organizations.models import Agency

from . import jws
from .models import (
    ExchangeDirection,
    ExchangeDossier,
    ExchangeDossierState,
    InboundMessage,
    InboundState,
    MessageType,
    OutboundMessage,
    OutboundState,
    Partner,
    PartnerAgency,
)

logger = logging.getLogger(__name__)

KEY_PREFIX = "exchange:"
MESSAGES_PATH = "/exchange/v1/messages/"
LAST_ERROR_MAX = 2000
REFUSED_TOKEN_MAX = 20000
FINISHED = frozenset(
    {DossierStatus.DONE, DossierStatus.DENIED, DossierStatus.UNRESOLVED, DossierStatus.CANCELLED}
)
# Refusals a later attempt cannot cure: the message is marked failed and the sender told.
PERMANENT = frozenset(
    {"invalid", "unknown_partner", "not_allowed", "replay_mismatch", "unknown_procedure"}
)
HTTP_STATUS = {
    "invalid": 400,
    "stale": 400,
    "bad_signature": 401,
    "unknown_partner": 403,
    "not_allowed": 403,
    "replay_mismatch": 409,
    "unknown_procedure": 422,
    "unavailable": 503,
}

_session = requests.Session()


class Refused(Exception):
    """An inbound message is refused: `code` (see HTTP_STATUS) and a readable detail."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.code]


@dataclass
class Reply:
    """The endpoint's answer: HTTP status and JSON body."""

    status: int
    body: dict[str, Any]


@dataclass
class _Envelope:
    message_id: uuid.UUID
    type: str
    sender_installation: str
    sender_agency: str
    recipient_installation: str
    recipient_agency: str
    timestamp: datetime
    body: dict[str, Any]
    fingerprint: str
    raw: dict[str, Any] = field(repr=False)


def installation_id() -> str:
    return str(settings.EXCHANGE_INSTALLATION_ID)


def _now_iso(now: datetime) -> str:
    return now.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _fingerprint(*, type: str, sender: dict[str, str], recipient: dict[str, str], body: Any) -> str:
    """The content that must not change under one message id (not the timestamp, which
    a retry renews)."""
    return jws.fingerprint({"type": type, "sender": sender, "recipient": recipient, "body": body})


# --- Outbound -------------------------------------------------------------------------


def outbound_message_queue(
    *,
    partner: Partner,
    type: str,
    sender_agency: Agency,
    recipient_agency_code: str,
    body: dict[str, Any],
    dossier: Dossier | None = None,
) -> OutboundMessage:
    """Put a message in the outbox; it is delivered after the caller's transaction commits."""
    if type not in MessageType.values:
        raise ValidationError({"type": [_("Loại thông điệp không hợp lệ.")]})
    with transaction.atomic():
        message = OutboundMessage(
            partner=partner,
            type=type,
            sender_agency=sender_agency,
            recipient_agency_code=recipient_agency_code,
            dossier=dossier,
            body=body,
            next_attempt_at=timezone.now(),
        )
        message.fingerprint = _fingerprint(
            type=type,
            sender=_sender(message),
            recipient=_recipient(message),
            body=jws_roundtrip(body),
        )
        message.full_clean(exclude=["dossier", "partner", "sender_agency"])
        message.save(force_insert=True)
        _queue_delivery(message.pk)
    return message


def jws_roundtrip(body: Any) -> Any:
    """Return `body` as the recipient will read it (JSON types only)."""
    return json.loads(jws.canonical(body))


def _queue_delivery(message_pk: int) -> None:
    from .tasks import outbound_message_deliver_task

    # The outbox is swept (`outbox_process`, Celery beat): a message the broker did not
    # take is delivered then, not from the request.
    queue_after_commit(outbound_message_deliver_task, message_pk, swept=True)


def _sender(message: OutboundMessage) -> dict[str, str]:
    return {"installation": installation_id(), "agency": message.sender_agency.code}


def _recipient(message: OutboundMessage) -> dict[str, str]:
    return {"installation": message.partner.code, "agency": message.recipient_agency_code}


def envelope_build(message: OutboundMessage, *, now: datetime) -> dict[str, Any]:
    """Return the envelope of `message` as signed at `now`."""
    return {
        "message_id": str(message.message_id),
        "type": message.type,
        "sender": _sender(message),
        "recipient": _recipient(message),
        "timestamp": _now_iso(now),
        "idempotency": str(message.message_id),
        "body": message.body,
    }


def backoff_seconds(attempts: int) -> int:
    """Return the wait before the next attempt after `attempts` failed ones."""
    base = int(settings.EXCHANGE_RETRY_BASE_SECONDS)
    return int(min(base * 2 ** max(0, attempts - 1), int(settings.EXCHANGE_RETRY_MAX_SECONDS)))


def _stuck_before(now: datetime) -> datetime:
    """Return when a message still `sending` must have started to count as abandoned
    (its worker died): longer ago than two timeouts and a margin."""
    return now - timedelta(seconds=2 * int(settings.EXCHANGE_TIMEOUT_SECONDS) + 5)


def _locked(pk: int) -> OutboundMessage:
    """Return the outbox row locked for update, with its partner and sender agency."""
    return (
        OutboundMessage.objects.select_for_update(of=("self",))
        .select_related("partner", "sender_agency")
        .get(pk=pk)
    )


def _partner_url(partner: Partner) -> str:
    return partner.base_url.rstrip("/") + MESSAGES_PATH


def outbound_message_deliver(*, message_pk: int, force: bool = False) -> OutboundMessage:
    """Try to deliver one outbox message now (when due, or at once with `force`).

    The row is claimed (state `sending`) in a short transaction, the HTTP call runs
    outside any transaction, and the answer is recorded in another: a partner that
    hangs holds no lock. Acknowledged and failed messages are left alone.
    """
    now = timezone.now()
    with transaction.atomic():
        message = _locked(message_pk)
        if message.state not in (OutboundState.PENDING, OutboundState.SENDING):
            return message
        stuck = message.sending_since is not None and message.sending_since < _stuck_before(now)
        if message.state == OutboundState.SENDING and not stuck:
            return message
        if not force and message.next_attempt_at is not None and message.next_attempt_at > now:
            return message
        if not message.partner.enabled:
            return message
        try:
            token = jws.sign(
                payload=envelope_build(message, now=now), agency_code=message.sender_agency.code
            )
        except jws.KeyUnavailable as exc:
            return _attempt_failed(message, error=f"signing: {exc}", now=now)
        message.state = OutboundState.SENDING
        message.sending_since = now
        message.attempts += 1
        message.token = token
        message.signature = jws.signature_of(token)
        message.sent_at = now
        message.save(
            update_fields=["state", "sending_since", "attempts", "token", "signature", "sent_at"]
        )
    try:
        response = _session.post(
            _partner_url(message.partner),
            data=token.encode(),
            headers={"Content-Type": jws.CONTENT_TYPE, "Accept": "application/json"},
            timeout=int(settings.EXCHANGE_TIMEOUT_SECONDS),
        )
    except requests.RequestException as exc:
        return _attempt_failed(message, error=f"{type(exc).__name__}: {exc}", now=timezone.now())
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if not isinstance(answer, dict):
        answer = {}
    if response.status_code == 200 and isinstance(answer.get("acknowledgement"), str):
        return _acknowledged(message, ack=answer["acknowledgement"])
    code = str(answer.get("error", ""))
    detail = str(answer.get("detail", "")) or response.text[:500]
    if 400 <= response.status_code < 500 and code in PERMANENT:
        return _refused(message, code=code, detail=detail)
    return _attempt_failed(
        message, error=f"HTTP {response.status_code} {code}: {detail}", now=timezone.now()
    )


def _attempt_failed(message: OutboundMessage, *, error: str, now: datetime) -> OutboundMessage:
    with transaction.atomic():
        locked = _locked(message.pk)
        if locked.state in (OutboundState.ACKNOWLEDGED, OutboundState.FAILED):
            return locked
        locked.state = OutboundState.PENDING
        locked.sending_since = None
        locked.last_error = error[:LAST_ERROR_MAX]
        locked.next_attempt_at = now + timedelta(seconds=backoff_seconds(max(1, locked.attempts)))
        locked.save(update_fields=["state", "sending_since", "last_error", "next_attempt_at"])
    logger.warning(
        "exchange: message %s to %s not delivered (attempt %d): %s",
        locked.message_id,
        message.partner.code,
        locked.attempts,
        error,
    )
    return locked


def _acknowledged(message: OutboundMessage, *, ack: str) -> OutboundMessage:
    """Verify the partner's acknowledgement; record it and apply what it says."""
    partner = message.partner
    try:
        verified = jws.verify(token=ack, anchors=jws.anchors_from_pem(partner.certificates))
        payload = verified.payload
        if payload.get("message_id") != str(message.message_id) or payload.get("type") != "ack":
            raise jws.VerificationFailed("the acknowledgement is for another message")
        if payload.get("fingerprint") != message.fingerprint:
            raise jws.VerificationFailed("the acknowledgement is for another content")
        if verified.agency_code != message.recipient_agency_code:
            raise jws.VerificationFailed(
                f"the acknowledgement is signed by {verified.agency_code}, "
                f"not by the recipient {message.recipient_agency_code}"
            )
    except jws.VerificationFailed as exc:
        return _attempt_failed(message, error=f"acknowledgement: {exc}", now=timezone.now())
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(message.pk)
        if locked.state == OutboundState.ACKNOWLEDGED:
            return locked
        locked.state = OutboundState.ACKNOWLEDGED
        locked.sending_since = None
        locked.acknowledged_at = now
        locked.ack_token = ack
        locked.ack_signature = verified.signature
        locked.ack_data = payload
        locked.last_error = ""
        locked.next_attempt_at = None
        locked.save(
            update_fields=[
                "state",
                "sending_since",
                "acknowledged_at",
                "ack_token",
                "ack_signature",
                "ack_data",
                "last_error",
                "next_attempt_at",
            ]
        )
        result = payload.get("result")
        _on_acknowledged(locked, result=result if isinstance(result, dict) else {})
    return locked


def _refused(message: OutboundMessage, *, code: str, detail: str) -> OutboundMessage:
    with transaction.atomic():
        locked = _locked(message.pk)
        if locked.state in (OutboundState.ACKNOWLEDGED, OutboundState.FAILED):
            return locked
        now = timezone.now()
        locked.state = OutboundState.FAILED
        locked.sending_since = None
        locked.refusal_code = code
        locked.last_error = detail[:LAST_ERROR_MAX]
        locked.next_attempt_at = None
        locked.alerted_at = now
        locked.save(
            update_fields=[
                "state",
                "sending_since",
                "refusal_code",
                "last_error",
                "next_attempt_at",
                "alerted_at",
            ]
        )
        _on_refused(locked, code=code, detail=detail)
    logger.error(
        "exchange: message %s (%s) refused by %s: %s %s",
        locked.message_id,
        locked.type,
        locked.partner.code,
        code,
        detail,
    )
    return locked


def outbound_message_resend(*, message: OutboundMessage) -> OutboundMessage:
    """Deliver a pending message now, or send a refused one again (the administrator's
    resend): it gets a new attempt at once, with the same message id."""
    with transaction.atomic():
        locked = _locked(message.pk)
        if locked.state == OutboundState.ACKNOWLEDGED:
            return locked
        locked.state = OutboundState.PENDING
        locked.next_attempt_at = timezone.now()
        locked.refusal_code = ""
        locked.sending_since = None
        locked.save(update_fields=["state", "next_attempt_at", "refusal_code", "sending_since"])
        _queue_delivery(locked.pk)
    return locked


def outbound_due_ids(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Return the ids of messages whose next attempt is due (or whose sender died)."""
    now = now or timezone.now()
    return list(
        OutboundMessage.objects.filter(
            Q(state=OutboundState.PENDING, next_attempt_at__lte=now)
            | Q(state=OutboundState.SENDING, sending_since__lt=_stuck_before(now)),
            partner__enabled=True,
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def outbound_alerts_raise(*, now: datetime | None = None) -> list[OutboundMessage]:
    """Flag, log and mail the administrators about every message still unacknowledged
    EXCHANGE_ALERT_AFTER_MINUTES after it was queued (once per message)."""
    now = now or timezone.now()
    limit = now - timedelta(minutes=int(settings.EXCHANGE_ALERT_AFTER_MINUTES))
    with transaction.atomic():
        late = list(
            OutboundMessage.objects.select_for_update(of=("self",))
            .select_related("partner")
            .filter(
                state__in=(OutboundState.PENDING, OutboundState.SENDING),
                created_at__lt=limit,
                alerted_at__isnull=True,
            )
            .order_by("pk")[:200]
        )
        if not late:
            return []
        OutboundMessage.objects.filter(pk__in=[m.pk for m in late]).update(alerted_at=now)
    lines = [
        f"{m.message_id} {m.type} → {m.partner.code}: {m.attempts} lần gửi, lỗi: {m.last_error}"
        for m in late
    ]
    for line in lines:
        logger.error("exchange: message undelivered for too long: %s", line)
    mail_admins(
        _("Liên thông: %(n)d thông điệp chưa gửi được") % {"n": len(late)},
        "\n".join(lines),
        fail_silently=True,
    )
    for message in late:
        message.alerted_at = now
    return late


def outbox_process(*, now: datetime | None = None) -> dict[str, int]:
    """Deliver every due message, then raise the alerts (the periodic task's work)."""
    now = now or timezone.now()
    ids = outbound_due_ids(now=now)
    acknowledged = 0
    for pk in ids:
        if outbound_message_deliver(message_pk=pk).state == OutboundState.ACKNOWLEDGED:
            acknowledged += 1
    alerts = outbound_alerts_raise(now=timezone.now())
    return {"due": len(ids), "acknowledged": acknowledged, "alerts": len(alerts)}


# --- Inbound --------------------------------------------------------------------------


def _text(value: Any, name: str, *, max_length: int = 100) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise Refused("invalid", f"{name}: a non-empty string is required")
    return value


def _party(value: Any, name: str) -> tuple[str, str]:
    if not isinstance(value, dict):
        raise Refused("invalid", f"{name}: an object with installation and agency is required")
    return (
        _text(value.get("installation"), f"{name}.installation"),
        _text(value.get("agency"), f"{name}.agency", max_length=30),
    )


def _envelope(payload: dict[str, Any]) -> _Envelope:
    try:
        message_id = uuid.UUID(str(payload.get("message_id", "")))
    except ValueError:
        raise Refused("invalid", "message_id: a UUID is required") from None
    type_ = _text(payload.get("type"), "type", max_length=30)
    sender = _party(payload.get("sender"), "sender")
    recipient = _party(payload.get("recipient"), "recipient")
    stamp = payload.get("timestamp")
    timestamp = parse_datetime(stamp) if isinstance(stamp, str) else None
    if timestamp is None or timestamp.tzinfo is None:
        raise Refused("invalid", "timestamp: an ISO 8601 time with its offset is required")
    if payload.get("idempotency") != str(message_id):
        raise Refused("invalid", "idempotency: must equal message_id")
    body = payload.get("body")
    if not isinstance(body, dict):
        raise Refused("invalid", "body: an object is required")
    return _Envelope(
        message_id=message_id,
        type=type_,
        sender_installation=sender[0],
        sender_agency=sender[1],
        recipient_installation=recipient[0],
        recipient_agency=recipient[1],
        timestamp=timestamp,
        body=body,
        fingerprint=_fingerprint(
            type=type_,
            sender=payload["sender"],
            recipient=payload["recipient"],
            body=body,
        ),
        raw=payload,
    )


@dataclass
class _Context:
    token: str
    remote_addr: str | None
    envelope: _Envelope | None = None
    partner: Partner | None = None
    signer: str = ""


def inbound_message_receive(*, token: str, remote_addr: str | None = None) -> Reply:
    """Verify, log and apply one inbound message; return the endpoint's answer."""
    context = _Context(token=token.strip(), remote_addr=remote_addr)
    try:
        return _receive(context)
    except Refused as exc:
        _refusal_log(context, exc)
        body: dict[str, Any] = {"error": exc.code, "detail": exc.detail}
        if context.envelope is not None:
            body["message_id"] = str(context.envelope.message_id)
        return Reply(status=exc.http_status, body=body)


def _refusal_log(context: _Context, exc: Refused) -> None:
    envelope = context.envelope
    logger.warning(
        "exchange: refused %s from %s: %s %s",
        envelope.message_id if envelope else "?",
        context.partner.code
        if context.partner
        else (envelope.sender_installation if envelope else "?"),
        exc.code,
        exc.detail,
    )
    InboundMessage.objects.create(
        message_id=envelope.message_id if envelope else None,
        partner=context.partner,
        type=envelope.type[:30] if envelope else "",
        sender_agency_code=envelope.sender_agency if envelope else "",
        recipient_agency_code=envelope.recipient_agency if envelope else "",
        fingerprint=envelope.fingerprint if envelope else "",
        state=InboundState.REFUSED,
        error_code=exc.code,
        error_detail=exc.detail[:LAST_ERROR_MAX],
        token=context.token[:REFUSED_TOKEN_MAX],
        signature=jws.signature_of(context.token)[:2000],
        signer=context.signer[:300],
        remote_addr=context.remote_addr,
    )


def _receive(context: _Context) -> Reply:
    if not context.token:
        raise Refused("invalid", "empty message")
    try:
        _header, claimed = jws.unverified(context.token)
    except jws.VerificationFailed as exc:
        raise Refused("invalid", str(exc)) from exc
    envelope = _envelope(claimed)
    context.envelope = envelope
    # One query finds the partner and checks that it hosts the sender agency; a second
    # one, only on failure, tells which of the two is wrong.
    hosted = (
        PartnerAgency.objects.select_related("partner")
        .filter(
            partner__code=envelope.sender_installation,
            partner__enabled=True,
            agency__code=envelope.sender_agency,
        )
        .first()
    )
    if hosted is None:
        partner_or_none = Partner.objects.filter(
            code=envelope.sender_installation, enabled=True
        ).first()
        if partner_or_none is None:
            raise Refused("unknown_partner", f"no enabled partner {envelope.sender_installation!r}")
        context.partner = partner_or_none
        raise Refused(
            "unknown_partner",
            f"agency {envelope.sender_agency} is not registered for partner {partner_or_none.code}",
        )
    partner = hosted.partner
    context.partner = partner
    try:
        verified = jws.verify(
            token=context.token, anchors=jws.anchors_from_pem(partner.certificates)
        )
    except jws.VerificationFailed as exc:
        raise Refused("bad_signature", str(exc)) from exc
    context.signer = verified.signer
    if verified.agency_code != envelope.sender_agency:
        raise Refused(
            "bad_signature",
            f"signed with the certificate of {verified.agency_code!r}, "
            f"not of the sender {envelope.sender_agency}",
        )
    if envelope.recipient_installation != installation_id():
        raise Refused("invalid", f"recipient.installation is not {installation_id()!r}")
    recipient = Agency.objects.filter(
        code=envelope.recipient_agency, exchange_partner__isnull=True
    ).first()
    if recipient is None:
        raise Refused("invalid", f"recipient.agency {envelope.recipient_agency} is not here")
    if envelope.type not in _HANDLERS:
        raise Refused("invalid", f"unknown message type {envelope.type!r}")
    if envelope.type not in (partner.message_types or []):
        raise Refused("not_allowed", f"partner {partner.code} may not send {envelope.type}")
    now = timezone.now()
    skew = timedelta(seconds=int(settings.EXCHANGE_CLOCK_SKEW_SECONDS))
    if abs(now - envelope.timestamp) > skew:
        raise Refused(
            "stale",
            f"timestamp {envelope.raw['timestamp']} is outside ±{skew.seconds}s of {_now_iso(now)}",
        )
    replay = _replayed(envelope)
    if replay is not None:
        return replay
    try:
        with transaction.atomic():
            dossier, result = _HANDLERS[envelope.type](partner, recipient, envelope)
            ack = _ack_sign(envelope, partner=partner, recipient=recipient, result=result, now=now)
            InboundMessage.objects.create(
                message_id=envelope.message_id,
                partner=partner,
                type=envelope.type,
                sender_agency_code=envelope.sender_agency,
                recipient_agency_code=envelope.recipient_agency,
                fingerprint=envelope.fingerprint,
                state=InboundState.APPLIED,
                token=context.token,
                signature=verified.signature,
                signer=verified.signer[:300],
                ack_token=ack,
                dossier=dossier,
                remote_addr=context.remote_addr,
            )
    except IntegrityError:
        # The same message applied concurrently by another request: answer as a replay.
        replay = _replayed(envelope)
        if replay is None:
            raise
        return replay
    return _acknowledgement_reply(envelope, ack=ack)


def _acknowledgement_reply(envelope: _Envelope, *, ack: str, replay: bool = False) -> Reply:
    body: dict[str, Any] = {"status": "acknowledged", "message_id": str(envelope.message_id)}
    if replay:
        body["replay"] = True
    body["acknowledgement"] = ack
    return Reply(status=200, body=body)


def _replayed(envelope: _Envelope) -> Reply | None:
    existing = (
        InboundMessage.objects.filter(message_id=envelope.message_id, state=InboundState.APPLIED)
        .only("fingerprint", "ack_token")
        .first()
    )
    if existing is None:
        return None
    if existing.fingerprint != envelope.fingerprint:
        raise Refused(
            "replay_mismatch",
            f"message id {envelope.message_id} was already used for another content",
        )
    return _acknowledgement_reply(envelope, ack=existing.ack_token, replay=True)


def _ack_sign(
    envelope: _Envelope,
    *,
    partner: Partner,
    recipient: Agency,
    result: dict[str, Any],
    now: datetime,
) -> str:
    payload = {
        "message_id": str(envelope.message_id),
        "type": "ack",
        "status": "applied",
        "sender": {"installation": installation_id(), "agency": recipient.code},
        "recipient": {"installation": partner.code, "agency": envelope.sender_agency},
        "timestamp": _now_iso(now),
        "fingerprint": envelope.fingerprint,
        "result": result,
    }
    try:
        return jws.sign(payload=payload, agency_code=recipient.code)
    except jws.KeyUnavailable as exc:
        logger.error("exchange: cannot sign acknowledgements as %s: %s", recipient.code, exc)
        raise Refused("unavailable", "the recipient cannot sign its acknowledgement now") from exc


# --- Dossier messages -----------------------------------------------------------------

Handler = Callable[[Partner, Agency, _Envelope], tuple[Dossier | None, dict[str, Any]]]


def _document_payloads(dossier: Dossier) -> list[dict[str, Any]]:
    documents: list[dict[str, Any]] = []
    total = 0
    limit = int(settings.EXCHANGE_MAX_DOCUMENT_BYTES)
    for document in dossier.documents.select_related("required_document").order_by("pk"):
        with default_storage.open(document.file.name or "", "rb") as fh:
            content = fh.read()
        total += len(content)
        if total > limit:
            raise ValidationError(
                {
                    "documents": [
                        _("Giấy tờ của hồ sơ vượt quá %(mb)d MB, không gửi liên thông được.")
                        % {"mb": limit // (1024 * 1024)}
                    ]
                }
            )
        documents.append(
            _file_payload(
                content,
                name=document.original_name,
                kind=document.kind,
                requirement=document.required_document.name,
            )
        )
    return documents


def exchange_dossier_send(
    *,
    dossier: Dossier,
    partner_agency: PartnerAgency,
    actor: User | None,
    sender_agency: Agency | None = None,
    note: str = "",
    leg_id: int | None = None,
    due_at: datetime | None = None,
) -> ExchangeDossier:
    """Send `dossier` (with its applicant, form data and documents) to an agency hosted
    by a partner installation; return the link that follows it.

    The message is queued in the outbox within this transaction. A second call for a
    dossier already on its way to the same partner agency returns the first link.
    """
    sender = sender_agency or dossier.agency
    if actor is not None and sender.pk not in officer_agency_ids(user=actor):
        raise PermissionError(_("Bạn không thuộc cơ quan đang giữ hồ sơ này."))
    partner = partner_agency.partner
    if not partner.enabled:
        raise ValidationError({"agency": [_("Hệ thống đối tác đang tạm ngừng liên thông.")]})
    remote_code = partner_agency.agency.code
    note = note.strip()[:4000]
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        existing = ExchangeDossier.objects.filter(
            direction=ExchangeDirection.OUTGOING,
            dossier=locked,
            partner=partner,
            remote_agency_code=remote_code,
            state__in=(ExchangeDossierState.SENT, ExchangeDossierState.RECEIVED),
        ).first()
        if existing is not None:
            return existing
        case = dossier.case
        body = {
            "origin": {"dossier_code": locked.code, "agency": sender.code},
            "procedure": {"code": dossier.procedure.code, "name": dossier.version.name},
            "case": {"position": case.position, "name": case.name} if case else None,
            "applicant": {
                "name": locked.applicant_name,
                "id_number": locked.applicant_id_number,
                "phone": locked.applicant_phone,
                "email": locked.applicant_email,
                "address": locked.applicant_address,
            },
            "form_data": locked.form_data or {},
            "submitted_at": locked.submitted_at.isoformat() if locked.submitted_at else None,
            "due_at": due_at.isoformat() if due_at else None,
            "note": note,
            "documents": _document_payloads(locked),
        }
        message = outbound_message_queue(
            partner=partner,
            type=MessageType.DOSSIER_SEND,
            sender_agency=sender,
            recipient_agency_code=remote_code,
            body=body,
            dossier=locked,
        )
        link = ExchangeDossier(
            direction=ExchangeDirection.OUTGOING,
            dossier=locked,
            partner=partner,
            local_agency=sender,
            remote_agency_code=remote_code,
            origin_message_id=message.message_id,
            leg_id=leg_id,
        )
        link.full_clean(exclude=["dossier", "partner", "local_agency"])
        link.save(force_insert=True)
        if leg_id is None:
            _timeline_note(
                locked,
                action="exchange_sent",
                action_name=_("Gửi hồ sơ liên thông đến %(agency)s (%(partner)s)")
                % {"agency": partner_agency.agency.name, "partner": partner.name},
                actor=actor,
                comment=note,
                data={"partner": partner.code, "message_id": str(message.message_id)},
            )
    return link


def _on_acknowledged(message: OutboundMessage, *, result: dict[str, Any]) -> None:
    if message.type != MessageType.DOSSIER_SEND:
        return
    ExchangeDossier.objects.filter(
        direction=ExchangeDirection.OUTGOING,
        origin_message_id=message.message_id,
        state=ExchangeDossierState.SENT,
    ).update(
        state=ExchangeDossierState.RECEIVED,
        remote_dossier_code=str(result.get("dossier_code", ""))[:40],
    )


def _on_refused(message: OutboundMessage, *, code: str, detail: str) -> None:
    """Record on the origin dossier that the partner refused it, with its reason."""
    if message.type != MessageType.DOSSIER_SEND:
        return
    link = (
        ExchangeDossier.objects.select_for_update(of=("self",))
        .select_related("dossier__state")
        .filter(direction=ExchangeDirection.OUTGOING, origin_message_id=message.message_id)
        .first()
    )
    if link is None or link.state == ExchangeDossierState.REFUSED:
        return
    link.state = ExchangeDossierState.REFUSED
    link.refusal_code = code
    link.refusal_reason = detail[:LAST_ERROR_MAX]
    link.save(update_fields=["state", "refusal_code", "refusal_reason"])
    leg = _leg(link)
    if leg is not None:
        interop_services.leg_return(
            leg=leg,
            outcome=LegOutcome.REJECTED,
            comment=_("Hệ thống đối tác từ chối: %(reason)s") % {"reason": detail},
            files=[],
            actor=None,
        )
        return
    _timeline_note(
        link.dossier,
        action="exchange_refused",
        action_name=_("Hệ thống đối tác từ chối hồ sơ liên thông"),
        comment=detail[:4000],
        data={"partner": message.partner.code, "code": code, "message_id": str(message.message_id)},
    )


def _timeline_note(
    dossier: Dossier,
    *,
    action: str,
    action_name: str,
    comment: str,
    data: dict[str, Any],
    actor: User | None = None,
) -> DossierEvent:
    """Write an event on the dossier's timeline that leaves its status and step as they are."""
    state = dossier.state.code if dossier.state else ""
    return event_record(
        dossier=dossier,
        action=action,
        action_name=action_name,
        from_status=dossier.status,
        to_status=dossier.status,
        from_state=state,
        to_state=state,
        actor=actor,
        comment=comment,
        data=data,
    )


def _link_returned(link: ExchangeDossier, *, outcome: str) -> None:
    link.state = ExchangeDossierState.RETURNED
    link.outcome = outcome
    link.returned_at = timezone.now()
    link.save(update_fields=["state", "outcome", "returned_at"])


def _file_payload(content: bytes, **meta: Any) -> dict[str, Any]:
    """Return one inline document of a message: `meta` (name, kind...) and the content
    with its size and sha256."""
    return {
        **meta,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "content": base64.b64encode(content).decode(),
    }


def _leg(link: ExchangeDossier) -> Leg | None:
    """Return the inter-agency leg the link stands for, if it stands for one."""
    if link.leg_id is None:
        return None
    return Leg.objects.filter(pk=link.leg_id).first()


def _decode_files(items: Any) -> list[tuple[dict[str, Any], UploadedFile]]:
    """Return the inline documents as uploads, checked against their sha256."""
    if items is None:
        items = []
    if not isinstance(items, list):
        raise Refused("invalid", "documents: a list is required")
    files: list[tuple[dict[str, Any], UploadedFile]] = []
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            raise Refused("invalid", f"documents[{position}]: an object is required")
        name = _text(item.get("name"), f"documents[{position}].name", max_length=255)
        try:
            content = base64.b64decode(str(item.get("content", "")), validate=True)
        except (binascii.Error, ValueError):
            raise Refused("invalid", f"documents[{position}].content: base64 required") from None
        if hashlib.sha256(content).hexdigest() != item.get("sha256"):
            raise Refused("invalid", f"documents[{position}]: the sha256 does not match")
        files.append((item, SimpleUploadedFile(name, content)))
    return files


def _check(
    files: Sequence[tuple[dict[str, Any], UploadedFile]],
) -> list[tuple[dict[str, Any], CheckedFile]]:
    checked: list[tuple[dict[str, Any], CheckedFile]] = []
    for item, upload in files:
        try:
            checked.append((item, check_upload(upload)))
        except ValidationError as exc:
            raise Refused("invalid", "; ".join(exc.messages)) from exc
    return checked


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dossier_receive(
    partner: Partner, agency: Agency, envelope: _Envelope
) -> tuple[Dossier | None, dict[str, Any]]:
    """Create the local dossier for a `dossier.send`: it enters this installation's
    workflow at the recipient agency like any other dossier."""
    body = envelope.body
    procedure_code = _obj(body.get("procedure")).get("code")
    if not isinstance(procedure_code, str) or not procedure_code:
        raise Refused("invalid", "body.procedure.code is required")
    procedure = (
        Procedure.objects.select_related("current_version").filter(code=procedure_code).first()
    )
    if procedure is None or procedure.current_version is None:
        raise Refused(
            "unknown_procedure",
            f"procedure {procedure_code} is not in the catalogue of {installation_id()}",
        )
    version = procedure.current_version
    case_info = body.get("case")
    position = case_info.get("position") if isinstance(case_info, dict) else None
    try:
        case = dossier_selectors.case_for_version(
            version=version, position=position if isinstance(position, int) else None
        )
    except ProcedureCase.DoesNotExist:
        try:
            case = dossier_selectors.case_for_version(version=version)
        except ProcedureCase.DoesNotExist:
            raise Refused("unknown_procedure", f"procedure {procedure_code} has no case") from None
    applicant = _obj(body.get("applicant"))
    form_data = _obj(body.get("form_data"))
    origin = _obj(body.get("origin"))
    checked = _check(_decode_files(body.get("documents")))
    requirements = {r.name: r for r in case.documents.all()}
    as_documents = [(i, c) for i, c in checked if i.get("requirement") in requirements]
    as_attachments = [(i, c) for i, c in checked if i.get("requirement") not in requirements]
    names: list[str] = []
    attachment_names: list[str] = []
    try:
        names = store_files((c for _i, c in as_documents), document_upload_to)
        attachment_names = store_files((c for _i, c in as_attachments), attachment_upload_to)
        now = timezone.now()
        dossier = Dossier(
            applicant=None,
            procedure=procedure,
            version=version,
            case=case,
            agency=agency,
            form_data=form_data,
            channel=Channel.ONLINE,
            applicant_name=str(applicant.get("name", ""))[:300],
            applicant_id_number=str(applicant.get("id_number", ""))[:20],
            applicant_phone=str(applicant.get("phone", ""))[:20],
            applicant_email=str(applicant.get("email", ""))[:254],
            applicant_address=str(applicant.get("address", ""))[:500],
            idempotency_key=f"{KEY_PREFIX}{envelope.message_id}",
            request_fingerprint=envelope.fingerprint,
            created_at=now,
            submitted_at=now,
        )
        dossier_enter_workflow(dossier=dossier, now=now)
        dossier.code = dossier_code_allocate(agency=agency, day=_local_day())
        try:
            dossier.full_clean(exclude=["applicant", "code", "idempotency_key", "eform"])
        except ValidationError as exc:
            raise Refused(
                "invalid", "; ".join(f"{k}: {v}" for k, v in exc.message_dict.items())
            ) from exc
        dossier.save(force_insert=True)
        DossierDocument.objects.bulk_create(
            DossierDocument(
                dossier=dossier,
                required_document=requirements[str(item["requirement"])],
                file=name,
                original_name=checked_file.original_name,
                kind=checked_file.kind,
                size=checked_file.size,
                sha256=checked_file.sha256,
                uploaded_at=now,
            )
            for (item, checked_file), name in zip(as_documents, names, strict=True)
        )
        event = event_record(
            dossier=dossier,
            action="exchange_received",
            action_name=_("Tiếp nhận hồ sơ liên thông từ %(partner)s") % {"partner": partner.name},
            to_status=dossier.status,
            to_state=dossier.state.code if dossier.state else "",
            actor=None,
            comment=str(body.get("note", ""))[:4000],
            data={
                "partner": partner.code,
                "origin_dossier": str(origin.get("dossier_code", ""))[:40],
                "origin_agency": envelope.sender_agency,
                "message_id": str(envelope.message_id),
            },
            created_at=now,
        )
        event_attachments_create(
            event,
            (
                (checked_file, name)
                for (_item, checked_file), name in zip(
                    as_attachments, attachment_names, strict=True
                )
            ),
        )
        link = ExchangeDossier(
            direction=ExchangeDirection.INCOMING,
            dossier=dossier,
            partner=partner,
            local_agency=agency,
            remote_agency_code=envelope.sender_agency,
            origin_message_id=envelope.message_id,
            remote_dossier_code=str(origin.get("dossier_code", ""))[:40],
            state=ExchangeDossierState.RECEIVED,
        )
        link.save(force_insert=True)
    except BaseException:
        delete_files([*names, *attachment_names])
        raise
    return dossier, {"dossier_code": dossier.code}


def _outgoing_link(partner: Partner, envelope: _Envelope) -> ExchangeDossier:
    origin_id = envelope.body.get("origin_message_id")
    try:
        origin_uuid = uuid.UUID(str(origin_id))
    except ValueError:
        raise Refused("invalid", "body.origin_message_id: a UUID is required") from None
    link = (
        ExchangeDossier.objects.select_for_update(of=("self",))
        .select_related("dossier__state", "partner")
        .filter(
            direction=ExchangeDirection.OUTGOING, origin_message_id=origin_uuid, partner=partner
        )
        .first()
    )
    if link is None:
        raise Refused("invalid", f"no dossier was sent to {partner.code} as {origin_uuid}")
    return link


def _dossier_status_apply(
    partner: Partner, agency: Agency, envelope: _Envelope
) -> tuple[Dossier | None, dict[str, Any]]:
    """A status update from the partner on a dossier sent there: shown on the timeline."""
    body = envelope.body
    link = _outgoing_link(partner, envelope)
    status = _text(body.get("status"), "body.status", max_length=30)
    action_name = str(body.get("action_name", ""))[:200]
    at = parse_datetime(str(body.get("at", ""))) or envelope.timestamp
    link.remote_status = status
    if not link.remote_dossier_code and isinstance(body.get("dossier_code"), str):
        link.remote_dossier_code = body["dossier_code"][:40]
    if link.state == ExchangeDossierState.SENT:
        link.state = ExchangeDossierState.RECEIVED
    link.save(update_fields=["remote_status", "remote_dossier_code", "state"])
    leg = _leg(link)
    note = _("%(partner)s: %(action)s (mã hồ sơ %(code)s)") % {
        "partner": partner.name,
        "action": action_name or status,
        "code": link.remote_dossier_code,
    }
    if leg is not None:
        interop_services.leg_progress_record(leg=leg, status=status, note=note, at=at)
    else:
        _timeline_note(
            link.dossier,
            action="exchange_status",
            action_name=_("Cập nhật từ hệ thống đối tác"),
            comment=note,
            data={
                "partner": partner.code,
                "remote_status": status,
                "remote_action": str(body.get("action", ""))[:60],
                "at": at.isoformat(),
                "message_id": str(envelope.message_id),
            },
        )
    return link.dossier, {"dossier_code": link.dossier.code}


def _dossier_result_apply(
    partner: Partner, agency: Agency, envelope: _Envelope
) -> tuple[Dossier | None, dict[str, Any]]:
    """The partner's result on a dossier sent there: applied once (files and outcome)."""
    body = envelope.body
    link = _outgoing_link(partner, envelope)
    dossier = link.dossier
    if link.state == ExchangeDossierState.RETURNED:
        return dossier, {"dossier_code": dossier.code, "already_returned": True}
    outcome = _text(body.get("outcome"), "body.outcome", max_length=30)
    comment = str(body.get("comment", ""))[:4000]
    checked = _check(_decode_files(body.get("documents")))
    leg = _leg(link)
    if leg is not None:
        interop_services.leg_return(
            leg=leg,
            outcome=LegOutcome.APPROVED if outcome == DossierStatus.DONE else LegOutcome.REJECTED,
            comment=comment,
            files=[c.upload for _i, c in checked],
            actor=None,
        )
    else:
        names: list[str] = []
        try:
            names = store_files((c for _i, c in checked), attachment_upload_to)
            event = _timeline_note(
                dossier,
                action="exchange_result",
                action_name=_("Nhận kết quả liên thông từ %(partner)s") % {"partner": partner.name},
                comment=comment,
                data={
                    "partner": partner.code,
                    "outcome": outcome,
                    "remote_dossier": link.remote_dossier_code,
                    "message_id": str(envelope.message_id),
                },
            )
            event_attachments_create(
                event, ((c, name) for (_i, c), name in zip(checked, names, strict=True))
            )
        except BaseException:
            delete_files(names)
            raise
    _link_returned(link, outcome=outcome)
    return dossier, {"dossier_code": dossier.code}


def _ping(
    partner: Partner, agency: Agency, envelope: _Envelope
) -> tuple[Dossier | None, dict[str, Any]]:
    return None, {"pong": True}


_HANDLERS: dict[str, Handler] = {
    MessageType.DOSSIER_SEND: _dossier_receive,
    MessageType.DOSSIER_STATUS: _dossier_status_apply,
    MessageType.DOSSIER_RESULT: _dossier_result_apply,
    MessageType.PING: _ping,
}


# --- The receiving side tells the origin --------------------------------------------


def _result_files(dossier: Dossier, event: DossierEvent) -> list[dict[str, Any]]:
    """The issued electronic result (when there is one) and the final event's files."""
    from dichvucong.results.models import IssuedResult, ResultStatus

    files: list[tuple[str, str, str]] = []
    issued = (
        IssuedResult.objects.filter(dossier=dossier, status=ResultStatus.ISSUED)
        .only("file", "number")
        .first()
    )
    if issued is not None and issued.file:
        files.append((issued.file.name or "", f"ket-qua-{dossier.code}.pdf", "signed_pdf"))
    for attachment in EventAttachment.objects.filter(event=event).order_by("pk"):
        files.append((attachment.file.name or "", attachment.original_name, attachment.kind))
    payloads: list[dict[str, Any]] = []
    for name, original, kind in files:
        with default_storage.open(name, "rb") as fh:
            payloads.append(_file_payload(fh.read(), name=original, kind=kind))
    return payloads


def exchange_event_forward(event: DossierEvent) -> None:
    """The dossier-event listener: on a dossier received from a partner, queue a
    `dossier.status` for every change, and the `dossier.result` once it is finished."""
    dossier = event.dossier
    if not (dossier.idempotency_key or "").startswith(KEY_PREFIX):
        return
    link = (
        ExchangeDossier.objects.select_related("partner", "local_agency")
        .filter(direction=ExchangeDirection.INCOMING, dossier_id=dossier.pk)
        .first()
    )
    if link is None or link.state != ExchangeDossierState.RECEIVED:
        return
    common = {
        "origin_message_id": str(link.origin_message_id),
        "origin_dossier_code": link.remote_dossier_code,
        "dossier_code": dossier.code,
    }
    outbound_message_queue(
        partner=link.partner,
        type=MessageType.DOSSIER_STATUS,
        sender_agency=link.local_agency,
        recipient_agency_code=link.remote_agency_code,
        dossier=dossier,
        body={
            **common,
            "event_id": event.pk,
            "status": event.to_status,
            "state": event.to_state,
            "action": event.action,
            "action_name": event.action_name,
            "at": event.created_at.isoformat(),
        },
    )
    if event.to_status in FINISHED and event.from_status != event.to_status:
        outbound_message_queue(
            partner=link.partner,
            type=MessageType.DOSSIER_RESULT,
            sender_agency=link.local_agency,
            recipient_agency_code=link.remote_agency_code,
            dossier=dossier,
            body={
                **common,
                "outcome": event.to_status,
                "comment": event.comment,
                "documents": _result_files(dossier, event),
            },
        )
        _link_returned(link, outcome=event.to_status)


# --- Partners -------------------------------------------------------------------------


def partner_register(
    *,
    code: str,
    name: str,
    base_url: str,
    certificates: str,
    message_types: Sequence[str],
    agency_codes: Sequence[str],
    enabled: bool = True,
) -> Partner:
    """Create or update a partner with its certificates, allowed types and the local
    agency rows standing for its agencies (which must exist)."""
    try:
        jws.anchors_from_pem(certificates)
    except ValueError as exc:
        raise ValidationError({"certificates": [_("Chứng thư số không đọc được (PEM).")]}) from exc
    unknown_types = set(message_types) - set(MessageType.values)
    if unknown_types:
        raise ValidationError({"message_types": [_("Loại thông điệp không hợp lệ.")]})
    agencies = list(Agency.objects.filter(code__in=agency_codes))
    if len(agencies) != len(set(agency_codes)):
        raise ValidationError({"agency_codes": [_("Có mã cơ quan không tồn tại.")]})
    with transaction.atomic():
        partner = Partner.objects.filter(code=code).first() or Partner(code=code)
        partner.name = name
        partner.base_url = base_url
        partner.certificates = certificates
        partner.message_types = sorted(set(message_types))
        partner.enabled = enabled
        partner.full_clean()
        partner.save()
        for agency in agencies:
            PartnerAgency.objects.update_or_create(agency=agency, defaults={"partner": partner})
    jws.anchors_from_pem.cache_clear()
    return partner
