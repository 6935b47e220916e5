"""Changes to payments: requests for fees, attempts, and what the gateway reports.

The gateway's server-to-server call (IPN, `payment_ipn_handle`) and reconciliation
(`payments_reconcile`) are the only ways a payment becomes paid, and both go through
`_report_apply` on the locked payment row, so a report applied twice, or two at once,
credits once.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dichvucong.accounts.models import User
from dichvucong.catalogue.models import Procedure
from dichvucong.catalogue.services import procedure_refresh_level
from dichvucong.core.background import queue_after_commit
from dichvucong.core.cache import public_data_changed
from dichvucong.core.queries import CompiledQuery
from dichvucong.core.writes import row_insert, row_update
from dichvucong.dossiers.actions import ActionRequest, EffectContext, dossier_action_execute
from dichvucong.dossiers.events import event_record
from dichvucong.dossiers.models import Dossier, DossierStatus
from dichvucong.workflows.models import SYSTEM, Effect, WorkflowAction

from . import fees as fee_rules
from .models import (
    OPEN_STATUSES,
    EventKind,
    Payment,
    PaymentEvent,
    PaymentFlag,
    PaymentRequest,
    PaymentStatus,
    RequestStage,
)
from .providers import provider_get
from .providers.base import GatewayError, GatewayReport, Outcome, PaymentOrder

logger = logging.getLogger(__name__)

# Dossiers whose fees can be paid at submission: submitted and not finished.
PAYABLE_AT_SUBMISSION = frozenset(
    {DossierStatus.RECEIVING, DossierStatus.NEW, DossierStatus.PROCESSING}
)
REASON_MAX = 500
# The action the system takes in a `paying` state once the fees are paid.
PAYMENT_RECEIVED_ACTION = "payment_received"
# The timeline's line for fees paid outside the `paying` step (at submission).
PAID_EVENT = "payment_received"


class IdempotencyConflict(Exception):
    """The idempotency key was used before for another dossier's payment."""


# --- Payment requests -----------------------------------------------------------------


def _request_create(
    *,
    dossier: Dossier,
    stage: str,
    computation: fee_rules.FeeComputation,
    copies: int,
    pages: int,
    exemption_reason: str,
    requested_by: User | None,
    now: datetime,
) -> PaymentRequest:
    PaymentRequest.objects.filter(
        dossier=dossier, paid_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=now)
    request = PaymentRequest(
        dossier=dossier,
        stage=stage,
        lines=[line.as_json() for line in computation.lines],
        total=computation.total,
        copies=copies,
        pages=pages,
        exemption_reason=exemption_reason,
        discount_percent=computation.discount_percent,
        requested_by=requested_by,
        created_at=now,
    )
    request.full_clean(exclude=["dossier", "requested_by"])
    request.save(force_insert=True)
    return request


def submission_fees(*, dossier: Dossier) -> fee_rules.FeeComputation | None:
    """Return what the applicant may pay online right after submission, or None.

    Only for a procedure with fees and online payment on, a dossier still open, no
    request made yet, and no exemption claimed in the e-form (the officer checks a claim
    and asks for the fees, if any, during processing).
    """
    if not dossier.procedure.online_payment_enabled:
        return None
    if dossier.status not in PAYABLE_AT_SUBMISSION:
        return None
    data = dossier.form_data if isinstance(dossier.form_data, dict) else {}
    if str(data.get(fee_rules.EXEMPTION_FIELD) or "").strip():
        return None
    fees = fee_rules.case_fees(case=dossier.case, channel=dossier.channel)
    if not fees:
        return None
    try:
        computation = fee_rules.fee_compute(
            fees=fees,
            channel=dossier.channel,
            copies=data.get(fee_rules.COPIES_FIELD) or 1,
            pages=data.get(fee_rules.PAGES_FIELD) or 0,
        )
    except ValidationError:
        return None  # counts the officer will ask for
    return computation if computation.total > 0 else None


def payable_check(*, dossier: Dossier, request: PaymentRequest) -> None:
    """Raise ValidationError when the dossier's state does not let `request` be paid now."""
    if request.stage == RequestStage.PROCESSING and dossier.status != DossierStatus.PAYING:
        raise ValidationError(
            {"dossier": [_("Hồ sơ hiện không ở bước thực hiện nghĩa vụ tài chính.")]}
        )
    if request.stage == RequestStage.SUBMISSION and dossier.status not in PAYABLE_AT_SUBMISSION:
        raise ValidationError({"dossier": [_("Hồ sơ không còn nhận thanh toán trực tuyến.")]})


def _payable_request(dossier: Dossier, *, now: datetime) -> PaymentRequest:
    """Return the request the applicant pays now, made from the fees at submission if
    none exists yet; raise ValidationError when nothing is due."""
    open_request = (
        PaymentRequest.objects.filter(
            dossier=dossier, paid_at__isnull=True, cancelled_at__isnull=True, total__gt=0
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if open_request is not None:
        payable_check(dossier=dossier, request=open_request)
        return open_request
    if dossier.payment_requests.exists():
        raise ValidationError({"dossier": [_("Hồ sơ không có khoản phí, lệ phí nào cần nộp.")]})
    computation = submission_fees(dossier=dossier)
    if computation is None:
        raise ValidationError({"dossier": [_("Hồ sơ không có khoản phí, lệ phí nào cần nộp.")]})
    data = dossier.form_data if isinstance(dossier.form_data, dict) else {}
    return _request_create(
        dossier=dossier,
        stage=RequestStage.SUBMISSION,
        computation=computation,
        copies=int(data.get(fee_rules.COPIES_FIELD) or 1),
        pages=int(data.get(fee_rules.PAGES_FIELD) or 0),
        exemption_reason="",
        requested_by=None,
        now=now,
    )


# --- Effects of the workflow ----------------------------------------------------------


def _bool(value: Any) -> bool:
    return value is True or str(value).lower() in {"1", "true", "on", "yes"}


def request_payment_effect(context: EffectContext) -> None:
    """The specialist asks for the fees: compute the request and stop the clock.

    `request.extra` may carry `copies`, `pages`, `exempt` and `exemption_reason` (the
    officer's decision on an exemption the applicant claimed). Refused when the
    procedure takes no online payment or nothing is due.
    """
    dossier = context.dossier
    extra = context.request.extra
    if not dossier.procedure.online_payment_enabled:
        raise ValidationError(
            {"fees": [_("Thủ tục này chưa bật thanh toán trực tuyến; không thể yêu cầu nộp phí.")]}
        )
    exempt = _bool(extra.get("exempt"))
    reason = str(extra.get("exemption_reason") or "").strip()
    if exempt and not reason:
        raise ValidationError({"exemption_reason": [_("Vui lòng ghi lý do được miễn.")]})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"exemption_reason": [_("Lý do miễn tối đa %(n)d ký tự.") % {"n": REASON_MAX}]}
        )
    fees = fee_rules.case_fees(case=dossier.case, channel=dossier.channel)
    copies = extra.get("copies")
    pages = extra.get("pages")
    computation = fee_rules.fee_compute(
        fees=fees,
        channel=dossier.channel,
        copies=1 if copies is None else copies,
        pages=0 if pages is None else pages,
        exempt=exempt,
    )
    if computation.total <= 0:
        raise ValidationError(
            {
                "fees": [
                    _(
                        "Hồ sơ không có khoản phí, lệ phí nào phải nộp; "
                        "không cần yêu cầu thanh toán."
                    )
                ]
            }
        )
    request = _request_create(
        dossier=dossier,
        stage=RequestStage.PROCESSING,
        computation=computation,
        copies=1 if copies is None else int(copies),
        pages=0 if pages is None else int(pages),
        exemption_reason=reason if exempt else "",
        requested_by=context.actor,
        now=context.now,
    )
    # Decree 61/2018: the time for financial obligations is not counted.
    dossier.paused_at = context.now
    context.data["payment_request"] = {"id": request.pk, "total": request.total}


def payment_received_effect(context: EffectContext) -> None:
    """The fees are paid: the clock runs again, the due date later by the pause."""
    from dichvucong.core import workdays

    dossier = context.dossier
    if dossier.paused_at is not None and dossier.due_at is not None:
        context.data["previous_due_at"] = dossier.due_at.isoformat()
        dossier.due_at = workdays.due_at_extend(
            due_at=dossier.due_at, paused_at=dossier.paused_at, resumed_at=context.now
        )
        context.data["due_at"] = dossier.due_at.isoformat()
    dossier.paused_at = None
    if "payment" in context.request.extra:
        context.data["payment"] = context.request.extra["payment"]


# --- Attempts -------------------------------------------------------------------------


def _txn_ref(dossier: Dossier) -> str:
    return f"{dossier.pk}T{secrets.token_hex(6).upper()}"


def payment_create(
    *,
    dossier: Dossier,
    payer: User,
    ip_address: str,
    language: str,
    idempotency_key: str = "",
) -> Payment:
    """Start an attempt to pay what the dossier owes; return it with its gateway URL.

    Only the dossier's applicant pays (anyone else gets Dossier.DoesNotExist). With an
    idempotency key, a retry returns the attempt already created; the same key for
    another dossier raises IdempotencyConflict. Raise ValidationError when nothing is due.
    """
    key = idempotency_key.strip()
    if len(key) > 100:
        raise ValidationError({"idempotency_key": [_("Khóa Idempotency-Key tối đa 100 ký tự.")]})
    if key:
        existing = Payment.objects.filter(payer=payer, idempotency_key=key).first()
        if existing is not None:
            if existing.dossier_id != dossier.pk:
                raise IdempotencyConflict(existing)
            return existing
    now = timezone.now()
    try:
        with transaction.atomic():
            locked = (
                Dossier.objects.select_for_update(of=("self",))
                .select_related("procedure", "case")
                .get(pk=dossier.pk, applicant=payer)
            )
            request = _payable_request(locked, now=now)
            payment = Payment(
                request=request,
                dossier=locked,
                payer=payer,
                txn_ref=_txn_ref(locked),
                amount=request.total,
                order_info=_("Nộp phí, lệ phí hồ sơ %(code)s") % {"code": locked.code},
                idempotency_key=key,
                created_at=now,
                expires_at=now + timedelta(minutes=settings.PAYMENT_EXPIRE_MINUTES),
            )
            provider = provider_get(payment.provider)
            payment.payment_url = provider.payment_url(
                PaymentOrder(
                    txn_ref=payment.txn_ref,
                    amount=payment.amount,
                    order_info=payment.order_info,
                    created_at=now,
                    expires_at=payment.expires_at,
                    ip_address=ip_address or "127.0.0.1",
                    language=language,
                    return_url=settings.SITE_URL + reverse("payments:vnpay-return"),
                )
            )
            payment.full_clean(exclude=["request", "dossier", "payer"], validate_constraints=False)
            payment.save(force_insert=True)
            PaymentEvent.objects.create(
                payment=payment,
                kind=EventKind.CREATED,
                to_status=payment.status,
                params={"amount": payment.amount, "request": request.pk},
                created_at=now,
            )
    except IntegrityError:
        existing = Payment.objects.filter(payer=payer, idempotency_key=key).first() if key else None
        if existing is None:
            raise
        if existing.dossier_id != dossier.pk:
            raise IdempotencyConflict(existing) from None
        return existing
    return payment


# --- What the gateway reports ---------------------------------------------------------


@dataclass(frozen=True)
class IpnAnswer:
    code: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"RspCode": self.code, "Message": self.message}


CONFIRMED = IpnAnswer("00", "Confirm Success")
NOT_FOUND = IpnAnswer("01", "Order not found")
ALREADY_CONFIRMED = IpnAnswer("02", "Order already confirmed")
INVALID_AMOUNT = IpnAnswer("04", "Invalid amount")
INVALID_SIGNATURE = IpnAnswer("97", "Invalid signature")
UNKNOWN_ERROR = IpnAnswer("99", "Unknown error")


def payment_ipn_handle(*, params: Mapping[str, str]) -> IpnAnswer:
    """Apply the gateway's server-to-server report (IPN) and return the answer it expects.

    97: bad signature (nothing is written; the attempt is logged); 01: unknown reference;
    04: the amount differs; 02: the payment was already settled; 00: applied; 99:
    anything unexpected (rolled back). A success reported after the payment expired or
    closed is still recorded as paid and flagged for review.
    """
    params = {str(k): str(v) for k, v in params.items()}
    try:
        provider = provider_get()
        if not provider.callback_verified(params):
            logger.warning("IPN with an invalid signature for %r", params.get("vnp_TxnRef"))
            return INVALID_SIGNATURE
        try:
            report = provider.callback_report(params)
        except (KeyError, ValueError):
            logger.warning("Malformed IPN for %r", params.get("vnp_TxnRef"))
            return UNKNOWN_ERROR
        with transaction.atomic():
            payment = _REPORTED_PAYMENT.first(txn_ref=report.txn_ref)
            if payment is None:
                return NOT_FOUND
            return _report_apply(payment, report=report, kind=EventKind.IPN, params=params)
    except Exception:
        logger.exception("IPN failed for %r", params.get("vnp_TxnRef"))
        return UNKNOWN_ERROR


def payment_return_log(*, payment: Payment, params: Mapping[str, str], outcome: str) -> None:
    """Log the payer's return from the gateway (verified parameters); change nothing else.

    The return URL only shows the outcome: the IPN (or reconciliation) decides.
    """
    PaymentEvent.objects.create(
        payment=payment,
        kind=EventKind.RETURN,
        params=dict(params),
        outcome=outcome[:10],
        from_status=payment.status,
        to_status=payment.status,
    )


def _log(
    payment: Payment,
    *,
    kind: str,
    params: Mapping[str, Any],
    answer: IpnAnswer,
    before: str,
    note: str = "",
) -> None:
    row_insert(
        PaymentEvent(
            payment=payment,
            kind=kind,
            params=dict(params),
            outcome=answer.code,
            from_status=before,
            to_status=payment.status,
            note=note[:500],
        )
    )


# What applying a report reads and writes, so that the locked rows are read narrow: not
# the payment's URL and order text, nor the request's fee lines. The dossier is read whole
# (a credit writes its timeline and may move it; the event's listeners read its columns).
_REPORT_FIELDS = (
    "request_id",
    "dossier_id",
    "txn_ref",
    "amount",
    "status",
    "flag",
    "expires_at",
    "paid_at",
    "closed_at",
    "transaction_no",
    "bank_code",
    "response_code",
    "gateway_paid_at",
    "last_query_at",
    "request__paid_at",
    "request__cancelled_at",
)


def _locked_for_report() -> QuerySet[Payment]:
    """Payments to lock, with their request and dossier, and apply a report to.

    The request is locked too, so that two successes for two payments of one request
    are applied one after the other and the second sees the first (a duplicate); the
    dossier too, since a credit writes its timeline and may move it (an officer's action
    may have just moved it: it is read under the lock). One statement locks all three.
    """
    dossier_fields = [f"dossier__{f.name}" for f in Dossier._meta.concrete_fields]
    return (
        Payment.objects.select_for_update(of=("self", "request", "dossier"))
        .select_related("request", "dossier")
        .only(*_REPORT_FIELDS, *dossier_fields)
    )


# The IPN's read, compiled once per process: its SQL names some 70 columns, and
# compiling them cost Django more than PostgreSQL took to run it (core.queries).
_REPORTED_PAYMENT: CompiledQuery[Payment] = CompiledQuery(
    lambda txn_ref: _locked_for_report().filter(txn_ref=txn_ref).order_by()
)


def _report_apply(
    payment: Payment, *, report: GatewayReport, kind: str, params: Mapping[str, Any]
) -> IpnAnswer:
    """Apply a gateway report to a payment locked by the caller; log it; return the answer."""
    before = payment.status
    now = timezone.now()
    if report.outcome == Outcome.NOT_FOUND:
        _log(payment, kind=kind, params=params, answer=NOT_FOUND, before=before)
        return NOT_FOUND
    if report.amount != payment.amount:
        _log(payment, kind=kind, params=params, answer=INVALID_AMOUNT, before=before)
        return INVALID_AMOUNT
    fields = ["status", "response_code", "transaction_no", "bank_code", "gateway_paid_at"]
    if report.outcome == Outcome.SUCCESS:
        if payment.status in (PaymentStatus.PAID, PaymentStatus.REFUNDED):
            _log(payment, kind=kind, params=params, answer=ALREADY_CONFIRMED, before=before)
            return ALREADY_CONFIRMED
        _record(payment, report)
        payment.status = PaymentStatus.PAID
        payment.paid_at = now
        payment.closed_at = now
        # Only a credited payment settles the request (`_credit`): while it is unsettled,
        # no other payment of it was credited.
        paid_elsewhere = (
            payment.request.paid_at is not None
            and Payment.objects.filter(request_id=payment.request_id, status=PaymentStatus.PAID)
            .exclude(flag=PaymentFlag.DUPLICATE)
            .exclude(pk=payment.pk)
            .exists()
        )
        reported_at = report.paid_at or now
        note = ""
        if paid_elsewhere:
            payment.flag = PaymentFlag.DUPLICATE
            note = "The request was already paid by another transaction: refund this one."
        elif before not in OPEN_STATUSES or reported_at > payment.expires_at:
            payment.flag = PaymentFlag.LATE
            note = f"Success reported after the payment was {before} or past its expiry."
        elif payment.request.cancelled_at is not None:
            payment.flag = PaymentFlag.LATE
            note = "Success for a payment request the agency had replaced by another."
        row_update(payment, [*fields, "paid_at", "closed_at", "flag"])
        _log(payment, kind=kind, params=params, answer=CONFIRMED, before=before, note=note)
        if not paid_elsewhere:
            _credit(payment, now=now)
        return CONFIRMED
    if report.outcome == Outcome.PENDING:
        if payment.status == PaymentStatus.CREATED:
            payment.status = PaymentStatus.PENDING
            row_update(payment, ["status"])
        _log(payment, kind=kind, params=params, answer=CONFIRMED, before=before)
        return CONFIRMED
    # Failed or cancelled by the payer.
    if payment.status not in OPEN_STATUSES:
        _log(payment, kind=kind, params=params, answer=ALREADY_CONFIRMED, before=before)
        return ALREADY_CONFIRMED
    _record(payment, report)
    payment.status = (
        PaymentStatus.CANCELLED if report.outcome == Outcome.CANCELLED else PaymentStatus.FAILED
    )
    payment.closed_at = now
    row_update(payment, [*fields, "closed_at"])
    _log(payment, kind=kind, params=params, answer=CONFIRMED, before=before)
    return CONFIRMED


def _record(payment: Payment, report: GatewayReport) -> None:
    payment.response_code = report.response_code
    payment.transaction_no = report.transaction_no or payment.transaction_no
    payment.bank_code = report.bank_code or payment.bank_code
    payment.gateway_paid_at = report.paid_at or payment.gateway_paid_at


def _credit(payment: Payment, *, now: datetime) -> None:
    """Settle the payment's request and move the dossier on (inside the IPN's transaction)."""
    request = payment.request
    if request.paid_at is None:
        request.paid_at = now
        row_update(request, ["paid_at"])
    dossier = payment.dossier  # locked and read with the payment (`_locked_for_report`)
    payment_data = {"id": payment.pk, "txn_ref": payment.txn_ref, "amount": payment.amount}
    action = _payment_received_action(dossier)
    if action is not None and not _fees_still_due(dossier):
        dossier_action_execute(
            dossier=dossier,
            actor=None,
            request=ActionRequest(action=action.code, extra={"payment": payment_data}),
        )
    else:
        event_record(
            dossier=dossier,
            action=PAID_EVENT,
            action_name=_("Đã thanh toán phí, lệ phí trực tuyến"),
            from_status=dossier.status,
            to_status=dossier.status,
            actor_role=SYSTEM,
            data={"payment": payment_data},
            created_at=now,
        )
    from .tasks import payment_paid_notify  # the task module imports this one

    queue_after_commit(payment_paid_notify, payment.pk)


def _fees_still_due(dossier: Dossier) -> bool:
    return PaymentRequest.objects.filter(
        dossier=dossier, paid_at__isnull=True, cancelled_at__isnull=True, total__gt=0
    ).exists()


def _payment_received_action(dossier: Dossier) -> WorkflowAction | None:
    """Return the system's `payment_received` action from the dossier's state, if any."""
    if dossier.status != DossierStatus.PAYING or dossier.state_id is None:
        return None
    return (
        WorkflowAction.objects.filter(
            from_state_id=dossier.state_id, effect=Effect.PAYMENT_RECEIVED
        )
        .order_by("pk")
        .first()
    )


def payment_paid_notify(*, payment_id: int) -> None:
    """Tell the payer their payment was received (once per payment)."""
    from dichvucong.notifications.services import notify

    payment = Payment.objects.select_related("dossier__agency", "payer").get(pk=payment_id)
    dossier = payment.dossier
    url = settings.SITE_URL + reverse("portal:dossier-detail", args=[dossier.code])
    try:
        notify(
            user=payment.payer,
            event="payment_paid",
            url=url,
            key=f"payment-paid:{payment.pk}",
            context={
                "code": dossier.code or "",
                "amount": f"{payment.amount:,}".replace(",", "."),
                "txn_ref": payment.txn_ref,
                "agency_name": dossier.agency.name,
                "url": url,
            },
        )
    except IntegrityError:
        logger.info("Payment %s was already notified", payment.pk)


# --- Reconciliation -------------------------------------------------------------------


@dataclass
class ReconcileReport:
    queried: int = 0
    applied: dict[str, int] = field(default_factory=dict)
    expired: int = 0
    errors: int = 0


def payments_reconcile(
    *, now: datetime | None = None, ip_address: str = "127.0.0.1"
) -> ReconcileReport:
    """Ask the gateway (querydr) about unconfirmed and flagged payments; expire stale ones.

    Open payments (created, pending) older than PAYMENT_RECONCILE_MINUTES are queried,
    and flagged paid ones not queried yet; each answer goes through the IPN's service,
    so it is applied once however often this runs. An open payment past its expiry (and
    the reconciliation delay) that the gateway has not seen paid is marked expired.
    """
    now = now or timezone.now()
    report = ReconcileReport()
    cutoff = now - timedelta(minutes=settings.PAYMENT_RECONCILE_MINUTES)
    candidates = list(
        Payment.objects.filter(status__in=OPEN_STATUSES, created_at__lte=cutoff).values_list(
            "pk", flat=True
        )
    ) + list(
        Payment.objects.exclude(flag="")
        .filter(status=PaymentStatus.PAID, last_query_at__isnull=True)
        .values_list("pk", flat=True)
    )
    provider = provider_get()
    for pk in candidates:
        payment = Payment.objects.get(pk=pk)
        try:
            gateway = provider.query(
                txn_ref=payment.txn_ref, created_at=payment.created_at, ip_address=ip_address
            )
        except GatewayError:
            logger.warning("Reconciliation could not query %s", payment.txn_ref, exc_info=True)
            report.errors += 1
            continue
        report.queried += 1
        with transaction.atomic():
            locked = _locked_for_report().get(pk=pk)
            answer = _report_apply(locked, report=gateway, kind=EventKind.QUERY, params=gateway.raw)
            report.applied[answer.code] = report.applied.get(answer.code, 0) + 1
            locked.last_query_at = now
            fields = ["last_query_at"]
            if locked.status in OPEN_STATUSES and locked.expires_at < cutoff:
                before = locked.status
                locked.status = PaymentStatus.EXPIRED
                locked.closed_at = now
                fields += ["status", "closed_at"]
                PaymentEvent.objects.create(
                    payment=locked,
                    kind=EventKind.EXPIRED,
                    from_status=before,
                    to_status=locked.status,
                )
                report.expired += 1
            locked.save(update_fields=fields)
    return report


@transaction.atomic
def procedure_online_payment_set(*, procedure: Procedure, enabled: bool) -> Procedure:
    """Turn online payment of a procedure's fees on or off; refresh its level."""
    if procedure.online_payment_enabled != enabled:
        procedure.online_payment_enabled = enabled
        procedure.save(update_fields=["online_payment_enabled"])
        public_data_changed()
    procedure_refresh_level(procedure=procedure)
    return procedure
