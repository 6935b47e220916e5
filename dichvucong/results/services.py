"""Writes of electronic results: templates, issuing and signing, delivery by post."""

from __future__ import annotations

import hashlib
import logging
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint.urls import FatalURLFetchingError

from dichvucong.accounts.models import Membership, Role, User
from dichvucong.catalogue.models import Procedure, ProcedureResult
from dichvucong.catalogue.services import procedure_refresh_level
from dichvucong.core.background import queue_after_commit
from dichvucong.core.cache import public_data_changed
from dichvucong.core.sequences import counter_next
from dichvucong.dossiers.actions import EffectContext
from dichvucong.dossiers.models import Dossier, DossierStatus
from dichvucong.notifications.services import notify

from . import selectors
from .models import (
    BODY_MAX_LENGTH,
    DeliveryStatus,
    IssuedResult,
    PostalDelivery,
    PostalDeliveryEvent,
    ResultSequence,
    ResultStatus,
    ResultTemplate,
    result_upload_to,
)
from .rendering import body_render, document_html, document_pdf

logger = logging.getLogger(__name__)

SIGNING_REASON = "Phát hành kết quả giải quyết TTHC"
SIGNATURE_FIELD = "KetQuaGiaiQuyet"
LAST_ERROR_LENGTH = 2000
TRACKING_NUMBER = re.compile(r"[A-Z0-9]{8,20}")
PHONE = re.compile(r"(\+84|0)[0-9]{9,10}")
# The applicant may ask for the paper result by post until it is handed back.
POSTAL_OPEN_STATUSES = frozenset(
    {
        DossierStatus.RECEIVING,
        DossierStatus.NEW,
        DossierStatus.PROCESSING,
        DossierStatus.WAITING,
        DossierStatus.PAYING,
        DossierStatus.RELEASING,
        DossierStatus.INTEROPERATING,
    }
)
# What an officer may record next, from each status of a delivery.
POSTAL_TRANSITIONS: dict[str, frozenset[str]] = {
    DeliveryStatus.REQUESTED: frozenset({DeliveryStatus.SENT}),
    DeliveryStatus.SENT: frozenset(
        {DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.RETURNED}
    ),
    DeliveryStatus.RETURNED: frozenset({DeliveryStatus.SENT}),
}


# --- Templates -------------------------------------------------------------------------


def result_template_check(
    *,
    procedure: Procedure,
    title: str,
    body: str,
    signer_title: str = "",
    result: ProcedureResult | None = None,
) -> str:
    """Check a template: it compiles in the sandbox and renders against a sample.

    Return the sample page's HTML (the admin's preview); raise ValidationError with
    Vietnamese messages otherwise.
    """
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Vui lòng nhập tên văn bản.")]
    if not body.strip():
        errors["body"] = [_("Vui lòng nhập nội dung mẫu.")]
    elif len(body) > BODY_MAX_LENGTH:
        errors["body"] = [_("Nội dung mẫu tối đa %(n)d ký tự.") % {"n": BODY_MAX_LENGTH}]
    if result is not None and result.version.procedure_id != procedure.pk:
        errors["result"] = [_("Kết quả được chọn không thuộc thủ tục này.")]
    if errors:
        raise ValidationError(errors)
    document = selectors.sample_document(
        procedure=procedure, title=title, body=body, signer_title=signer_title, result=result
    )
    body_render(body, document.context(), strict=True)
    html = document_html(document, strict=True)
    try:
        document_pdf(document)
    except (Exception, FatalURLFetchingError) as exc:  # what the renderer may not fetch
        raise ValidationError(
            {
                "body": [
                    _(
                        "Không tạo được bản PDF từ mẫu (mẫu chỉ dùng được ảnh nhúng dạng data:, "
                        "không tải tài nguyên bên ngoài): %(error)s"
                    )
                    % {"error": exc}
                ]
            }
        ) from None
    return html


@transaction.atomic
def result_template_save(
    *,
    procedure: Procedure,
    title: str,
    body: str,
    signer_title: str = "",
    result: ProcedureResult | None = None,
    postal_fee: int | None = None,
    by: User | None = None,
) -> ResultTemplate:
    """Create or replace the result template of a procedure, once it passes the checks."""
    result_template_check(
        procedure=procedure, title=title, body=body, signer_title=signer_title, result=result
    )
    template = ResultTemplate.objects.filter(procedure=procedure).first() or ResultTemplate(
        procedure=procedure
    )
    template.title = title.strip()
    template.body = body
    template.signer_title = signer_title.strip()
    template.result = result
    template.postal_fee = postal_fee
    template.updated_by = by
    template.full_clean()
    template.save()
    procedure_refresh_level(procedure=procedure)
    return template


@transaction.atomic
def procedure_online_result_set(*, procedure: Procedure, enabled: bool) -> Procedure:
    """Turn the issue of signed electronic results on or off; recompute the level."""
    if procedure.online_result_enabled != enabled:
        procedure.online_result_enabled = enabled
        procedure.full_clean()
        procedure.save(update_fields=["online_result_enabled"])
        public_data_changed()
    procedure_refresh_level(procedure=procedure)
    return procedure


# --- Issuing ---------------------------------------------------------------------------


def result_number_allocate(*, agency_id: int, year: int) -> int:
    """Take the agency's next result number in the year (gap-free)."""
    return counter_next(model=ResultSequence, agency_id=agency_id, period_field="year", period=year)


def _queue_sign(result_id: int) -> None:
    from .tasks import issued_result_sign_task

    queue_after_commit(issued_result_sign_task, result_id)


def result_issue_on_approve(context: EffectContext) -> None:
    """The `approve` effect: when the procedure issues online results, number the result
    and queue its rendering and signing after the commit. Otherwise do nothing."""
    dossier = context.dossier
    enabled = (
        Procedure.objects.filter(pk=dossier.procedure_id)
        .values_list("online_result_enabled", flat=True)
        .first()
    )
    if not enabled:
        return
    result = IssuedResult.objects.filter(dossier=dossier).first()
    if result is None:
        year = timezone.localtime(context.now).year
        sequence = result_number_allocate(agency_id=dossier.agency_id, year=year)
        result = IssuedResult(
            dossier=dossier,
            agency_id=dossier.agency_id,
            template=ResultTemplate.objects.filter(procedure_id=dossier.procedure_id).first(),
            year=year,
            sequence=sequence,
            number=f"{sequence:02d}/{year}/KQ",
            approved_by=context.actor,
            approved_at=context.now,
        )
        result.full_clean(exclude=["dossier", "agency", "file"])
        result.save(force_insert=True)
    elif result.status != ResultStatus.ISSUED:
        result.status = ResultStatus.PENDING
        result.approved_by = context.actor
        result.approved_at = context.now
        result.save(update_fields=["status", "approved_by", "approved_at"])
    context.data["result"] = {
        "uuid": str(result.uuid),
        "number": result.number,
        "status": result.status,
    }
    if result.status != ResultStatus.ISSUED:
        _queue_sign(result.pk)


def issued_result_sign(*, result_id: int) -> IssuedResult:
    """Render, sign and store the result `result_id`; return it.

    Idempotent: a result already issued is returned untouched, and the row lock makes
    two workers holding the same id sign once. A failure (no signing key, a broken
    template) is recorded on the row, status `failed`, for officers to see and retry.
    """
    from dichvucong.documents.signing import pdf_sign

    name = ""
    with transaction.atomic():
        result = IssuedResult.objects.select_for_update(of=("self",)).get(pk=result_id)
        if result.status == ResultStatus.ISSUED:
            return result
        result = selectors.issued_result_load(result_id=result_id)
        result.attempts += 1
        now = timezone.now()
        try:
            document = selectors.result_document_for(result)
            signed = pdf_sign(
                pdf=document_pdf(document),
                agency=result.agency,
                reason=SIGNING_REASON,
                location=document.place,
                field_name=SIGNATURE_FIELD,
                stamp=True,
            )
        except (Exception, FatalURLFetchingError) as exc:
            result.status = ResultStatus.FAILED
            result.last_error = f"{type(exc).__name__}: {exc}"[:LAST_ERROR_LENGTH]
            logger.error("Result %s of dossier %s failed: %s", result.pk, result.dossier_id, exc)
            result.save(update_fields=["status", "attempts", "last_error"])
            return result
        try:
            name = default_storage.save(
                result_upload_to(result, f"{result.uuid}.pdf"), ContentFile(signed)
            )
            result.file.name = name
            result.sha256 = hashlib.sha256(signed).hexdigest()
            result.size = len(signed)
            result.status = ResultStatus.ISSUED
            result.issued_at = now
            result.last_error = ""
            result.full_clean(exclude=["dossier", "agency", "template", "approved_by"])
            result.save(
                update_fields=[
                    "file",
                    "sha256",
                    "size",
                    "status",
                    "issued_at",
                    "attempts",
                    "last_error",
                ]
            )
            _notify_issued(result)
        except BaseException:
            if name:
                default_storage.delete(name)
            raise
    return result


def _notify_issued(result: IssuedResult) -> None:
    dossier = result.dossier
    applicant = dossier.applicant
    if applicant is None:
        return
    url = settings.SITE_URL.rstrip("/") + reverse("portal:dossier-detail", args=[dossier.code])
    notify(
        user=applicant,
        event="result_issued",
        context={
            "code": dossier.code or "",
            "procedure_name": dossier.version.name,
            "agency_name": result.agency.name,
            "number": result.number,
            "url": url,
        },
        key=f"result-issued:{result.uuid}",
    )


def _acting_officer(*, user: User, agency_id: int) -> bool:
    return (
        Membership.objects.filter(user=user, agency_id=agency_id, user__is_active=True)
        .exclude(role=Role.SUPERVISOR)
        .exists()
    )


def issued_result_requeue(*, result: IssuedResult) -> IssuedResult:
    """Queue the signing of a result that failed (or is stuck pending) again."""
    with transaction.atomic():
        locked = IssuedResult.objects.select_for_update().get(pk=result.pk)
        if locked.status == ResultStatus.ISSUED:
            raise ValidationError(_("Kết quả đã được phát hành; không cần phát hành lại."))
        locked.status = ResultStatus.PENDING
        locked.save(update_fields=["status"])
        _queue_sign(locked.pk)
    return locked


def issued_result_retry(*, result: IssuedResult, officer: User) -> IssuedResult:
    """Let an officer acting at the result's agency queue a failed result again."""
    if not _acting_officer(user=officer, agency_id=result.agency_id):
        raise ValidationError(_("Bạn không có quyền phát hành lại kết quả của hồ sơ này."))
    return issued_result_requeue(result=result)


# --- Delivery by post ------------------------------------------------------------------


def _clean_delivery_input(*, recipient_name: str, phone: str, address: str) -> tuple[str, str, str]:
    recipient_name = " ".join(recipient_name.split())
    phone = re.sub(r"[\s.\-]", "", phone)
    address = " ".join(address.split())
    errors: dict[str, list[str]] = {}
    if not recipient_name:
        errors["recipient_name"] = [_("Vui lòng nhập tên người nhận.")]
    elif len(recipient_name) > 200:
        errors["recipient_name"] = [_("Tên người nhận tối đa 200 ký tự.")]
    if not PHONE.fullmatch(phone):
        errors["phone"] = [_("Số điện thoại không hợp lệ (ví dụ 0912345678).")]
    if len(address) < 10:
        errors["address"] = [
            _("Vui lòng nhập địa chỉ nhận đầy đủ (số nhà, đường, phường/xã, huyện, tỉnh).")
        ]
    elif len(address) > 500:
        errors["address"] = [_("Địa chỉ tối đa 500 ký tự.")]
    if errors:
        raise ValidationError(errors)
    return recipient_name, phone, address


def postal_delivery_request(
    *, dossier: Dossier, applicant: User, recipient_name: str, phone: str, address: str
) -> PostalDelivery:
    """Ask for the paper result by post, or change the address while it is not sent.

    Only the dossier's applicant, and only until the result is handed back.
    """
    recipient_name, phone, address = _clean_delivery_input(
        recipient_name=recipient_name, phone=phone, address=address
    )
    with transaction.atomic():
        locked = Dossier.objects.select_for_update(of=("self",)).get(
            pk=dossier.pk, applicant=applicant
        )
        if locked.status not in POSTAL_OPEN_STATUSES:
            raise ValidationError(
                {
                    "status": [
                        _(
                            "Chỉ đăng ký nhận kết quả qua bưu chính trước khi trả kết quả; hồ sơ "
                            "đang ở trạng thái “%(status)s”."
                        )
                        % {"status": locked.get_status_display()}
                    ]
                }
            )
        now = timezone.now()
        delivery = PostalDelivery.objects.filter(dossier=locked).first()
        if delivery is None:
            delivery = PostalDelivery(dossier=locked, requested_at=now)
        elif delivery.status not in (DeliveryStatus.REQUESTED, DeliveryStatus.CANCELLED):
            raise ValidationError(
                {
                    "status": [
                        _("Kết quả đã được gửi qua bưu chính (%(status)s); không thể đổi địa chỉ.")
                        % {"status": delivery.get_status_display()}
                    ]
                }
            )
        delivery.recipient_name = recipient_name
        delivery.phone = phone
        delivery.address = address
        delivery.fee = selectors.postal_fee(procedure_id=locked.procedure_id)
        delivery.status = DeliveryStatus.REQUESTED
        delivery.updated_at = now
        delivery.full_clean(exclude=["dossier"])
        delivery.save()
        PostalDeliveryEvent.objects.create(
            delivery=delivery,
            status=DeliveryStatus.REQUESTED,
            address=address,
            actor=applicant,
            created_at=now,
        )
    return delivery


def postal_delivery_cancel(*, dossier: Dossier, applicant: User) -> PostalDelivery:
    """Withdraw a request for delivery by post that has not been sent yet."""
    with transaction.atomic():
        delivery = PostalDelivery.objects.select_for_update().get(
            dossier_id=dossier.pk, dossier__applicant=applicant
        )
        if delivery.status != DeliveryStatus.REQUESTED:
            raise ValidationError(
                {
                    "status": [
                        _("Chỉ hủy được đăng ký chưa gửi; hiện tại: %(status)s.")
                        % {"status": delivery.get_status_display()}
                    ]
                }
            )
        now = timezone.now()
        delivery.status = DeliveryStatus.CANCELLED
        delivery.updated_at = now
        delivery.save(update_fields=["status", "updated_at"])
        PostalDeliveryEvent.objects.create(
            delivery=delivery, status=DeliveryStatus.CANCELLED, actor=applicant, created_at=now
        )
    return delivery


def postal_delivery_update(
    *,
    delivery: PostalDelivery,
    officer: User,
    status: str,
    tracking_number: str = "",
    note: str = "",
) -> PostalDeliveryEvent:
    """Record the post's progress (sent with its tracking number, delivered, returned).

    Only an officer acting at the dossier's agency; the applicant is notified.
    """
    tracking_number = tracking_number.strip().upper().replace(" ", "")
    note = " ".join(note.split())
    errors: dict[str, list[str]] = {}
    if status not in DeliveryStatus.values:
        errors["status"] = [_("Trạng thái không hợp lệ.")]
    if tracking_number and not TRACKING_NUMBER.fullmatch(tracking_number):
        errors["tracking_number"] = [
            _("Số hiệu bưu gửi gồm 8-20 chữ cái không dấu và chữ số, ví dụ EB123456789VN.")
        ]
    if len(note) > 500:
        errors["note"] = [_("Ghi chú tối đa 500 ký tự.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = (
            PostalDelivery.objects.select_for_update(of=("self",))
            .select_related("dossier__applicant", "dossier__version")
            .get(pk=delivery.pk)
        )
        if not _acting_officer(user=officer, agency_id=locked.dossier.agency_id):
            raise ValidationError(_("Bạn không có quyền cập nhật việc gửi kết quả của hồ sơ này."))
        allowed = POSTAL_TRANSITIONS.get(locked.status, frozenset())
        if status not in allowed:
            raise ValidationError(
                {
                    "status": [
                        _("Không thể chuyển từ “%(current)s” sang “%(new)s”.")
                        % {
                            "current": locked.get_status_display(),
                            "new": DeliveryStatus(status).label,
                        }
                    ]
                }
            )
        if status == DeliveryStatus.SENT and not tracking_number:
            raise ValidationError(
                {"tracking_number": [_("Vui lòng nhập số hiệu bưu gửi khi gửi kết quả.")]}
            )
        now = timezone.now()
        locked.status = status
        if tracking_number:
            locked.tracking_number = tracking_number
        locked.updated_at = now
        locked.full_clean(exclude=["dossier"])
        locked.save(update_fields=["status", "tracking_number", "updated_at"])
        event = PostalDeliveryEvent.objects.create(
            delivery=locked,
            status=status,
            tracking_number=locked.tracking_number,
            note=note,
            actor=officer,
            created_at=now,
        )
        dossier = locked.dossier
        if dossier.applicant is not None:
            notify(
                user=dossier.applicant,
                event="postal_delivery_updated",
                context={
                    "code": dossier.code or "",
                    "procedure_name": dossier.version.name,
                    "status_display": str(locked.get_status_display()),
                    "tracking_number": locked.tracking_number,
                    "url": settings.SITE_URL.rstrip("/")
                    + reverse("portal:dossier-detail", args=[dossier.code]),
                },
                key=f"postal-delivery:{event.pk}",
            )
    return event
