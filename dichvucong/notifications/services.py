"""Every change to notifications and their deliveries goes through these functions."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dichvucong.accounts.models import Profile, User
from dichvucong.core.background import queue_after_commit

from .models import Channel, Delivery, DeliveryStatus, Notification
from .rendering import RenderedEvent, render_event
from .sms import get_sms_provider

logger = logging.getLogger(__name__)

# A delivery is tried this many times in all before it is marked failed.
MAX_ATTEMPTS = 5
LAST_ERROR_LENGTH = 2000


def _queue_send(delivery: Delivery) -> None:
    """Queue the sending of `delivery` once the current transaction commits.

    A broker that is down at commit time has it sent from this process instead
    (`queue_after_commit`), once, with no retry: a failure is final and an
    administrator can send it again from the admin.
    """
    from .tasks import delivery_send  # the task module imports this one

    queue_after_commit(delivery_send, delivery.pk)


def _user_phone(user: User) -> str:
    try:
        return user.profile.phone
    except ObjectDoesNotExist:
        return ""


def notify(
    *, user: User, event: str, context: Mapping[str, str], url: str = "", key: str = ""
) -> Notification:
    """Notify `user` of `event`: in the portal, by email and by SMS where possible.

    Render the event's templates with `context`, create the in-app notification and one
    delivery per channel the user can be reached on (email when the account has an
    address, SMS when the profile has a phone number and the event has a text message),
    and queue each delivery for sending after the transaction commits, so nothing is
    sent for a change that is rolled back. `url` is the notification's link in the
    portal (the context's "url" when not given). Raise UnknownEventError for an event
    without templates. With a `key` (the notification's source), a second call for the
    same key returns the first notification and sends nothing: safe for retried tasks.
    """
    if key:
        existing = Notification.objects.filter(key=key).first()
        if existing is not None:
            return existing
    rendered = render_event(event, context)
    # No savepoint: a failure here fails the caller's whole change anyway.
    with transaction.atomic(savepoint=False):
        notification = Notification(
            user=user,
            event=event,
            title=rendered.title,
            body=rendered.body,
            url=url or context.get("url", ""),
            key=key,
        )
        notification.full_clean(exclude=["user"])  # the caller holds the user: no query
        notification.save()

        deliveries: list[Delivery] = []
        if user.email:
            deliveries.append(
                Delivery(
                    notification=notification,
                    channel=Channel.EMAIL,
                    recipient=user.email,
                    subject=rendered.email_subject,
                    body=rendered.email_body,
                    html_body=rendered.email_html,
                )
            )
        phone = _user_phone(user)
        if phone and rendered.sms:
            deliveries.append(
                Delivery(
                    notification=notification,
                    channel=Channel.SMS,
                    recipient=phone,
                    body=rendered.sms,
                )
            )
        for delivery in deliveries:
            delivery.full_clean(exclude=["notification"])
        for delivery in Delivery.objects.bulk_create(deliveries):
            _queue_send(delivery)
    return notification


@dataclass(frozen=True)
class Message:
    """One notification for `notify_many`: the arguments of one `notify` call."""

    user: User
    event: str
    context: Mapping[str, str]
    url: str = ""
    key: str = ""


def notify_many(*, messages: Sequence[Message]) -> list[Notification]:
    """Notify many users at once, as `notify` does each, in a fixed number of queries.

    For the periodic jobs that notify hundreds of officers: one query finds the keys
    already used, one reads the phone numbers, and one insert each writes the
    notifications and their deliveries, whatever the number of messages. A message
    whose key was used before (or twice in `messages`) is skipped. Return the
    notifications created. Run it in the caller's transaction: a concurrent call
    with the same keys fails on the unique key and the caller's change rolls back.
    """
    keys = [m.key for m in messages if m.key]
    used = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    fresh: list[tuple[Message, RenderedEvent]] = []
    for message in messages:
        if message.key:
            if message.key in used:
                continue
            used.add(message.key)
        fresh.append((message, render_event(message.event, message.context)))
    if not fresh:
        return []
    texted = {m.user.pk for m, rendered in fresh if rendered.sms}
    phones: dict[int, str] = dict(
        Profile.objects.filter(user_id__in=texted).exclude(phone="").values_list("user_id", "phone")
        if texted
        else []
    )
    with transaction.atomic(savepoint=False):
        notifications = [
            Notification(
                user=message.user,
                event=message.event,
                title=rendered.title,
                body=rendered.body,
                url=message.url or message.context.get("url", ""),
                key=message.key,
            )
            for message, rendered in fresh
        ]
        for notification in notifications:
            # The keys were checked above: no query per row.
            notification.full_clean(
                exclude=["user"], validate_unique=False, validate_constraints=False
            )
        notifications = Notification.objects.bulk_create(notifications)
        deliveries: list[Delivery] = []
        for notification, (message, rendered) in zip(notifications, fresh, strict=True):
            if message.user.email:
                deliveries.append(
                    Delivery(
                        notification=notification,
                        channel=Channel.EMAIL,
                        recipient=message.user.email,
                        subject=rendered.email_subject,
                        body=rendered.email_body,
                        html_body=rendered.email_html,
                    )
                )
            phone = phones.get(message.user.pk, "")
            if phone and rendered.sms:
                deliveries.append(
                    Delivery(
                        notification=notification,
                        channel=Channel.SMS,
                        recipient=phone,
                        body=rendered.sms,
                    )
                )
        for delivery in deliveries:
            delivery.full_clean(exclude=["notification"])
        for delivery in Delivery.objects.bulk_create(deliveries):
            _queue_send(delivery)
    return notifications


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one of `user`'s notifications read, or all of them when no id is given.

    Return how many changed. Raise Notification.DoesNotExist when `notification_id` is
    not one of the user's notifications (nothing changes then).
    """
    now = timezone.now()
    with transaction.atomic():
        if notification_id is None:
            return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=now)
        notification = Notification.objects.select_for_update().get(pk=notification_id, user=user)
        if notification.read_at is not None:
            return 0
        notification.read_at = now
        notification.full_clean()
        notification.save(update_fields=["read_at"])
        return 1


def delivery_retry(*, delivery: Delivery) -> Delivery:
    """Queue a failed delivery again, with a fresh count of attempts (an administrator's
    "Gửi lại"). Raise ValidationError unless it has failed."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status != DeliveryStatus.FAILED:
            raise ValidationError(
                _("Chỉ gửi lại được thư, tin nhắn đã gửi không thành công."),
                code="not_failed",
            )
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts = 0
        delivery.full_clean()
        delivery.save(update_fields=["status", "attempts"])
        _queue_send(delivery)
    return delivery


def _send(delivery: Delivery) -> None:
    if delivery.channel == Channel.EMAIL:
        message = EmailMultiAlternatives(
            subject=delivery.subject,
            body=delivery.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[delivery.recipient],
        )
        if delivery.html_body:
            message.attach_alternative(delivery.html_body, "text/html")
        message.send(fail_silently=False)
    elif delivery.channel == Channel.SMS:
        get_sms_provider().send(phone=delivery.recipient, text=delivery.body)
    else:
        raise ValueError(f"Unknown delivery channel {delivery.channel!r}")


def delivery_attempt(*, delivery_id: int, final: bool = False) -> Delivery:
    """Try once to send a pending delivery, and record the outcome.

    A delivery that is no longer pending is returned untouched, so a task that runs
    twice sends once. The row stays locked while sending: a second worker holding the
    same id waits, then finds it sent. On failure the attempt and its error are
    recorded; the delivery is marked failed after MAX_ATTEMPTS attempts, or at once
    when `final` (no later retry will come). Raise Delivery.DoesNotExist for an unknown
    id.
    """
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.status != DeliveryStatus.PENDING:
            return delivery
        now = timezone.now()
        delivery.attempts += 1
        delivery.last_attempt_at = now
        try:
            # A savepoint, so a provider's database error leaves this transaction usable.
            with transaction.atomic():
                _send(delivery)
        except Exception as exc:
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:LAST_ERROR_LENGTH]
            if final or delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.FAILED
                logger.error(
                    "Delivery %s (%s to %s) failed after %s attempt(s): %s",
                    delivery.pk,
                    delivery.channel,
                    delivery.recipient,
                    delivery.attempts,
                    delivery.last_error,
                )
            else:
                logger.warning(
                    "Delivery %s (%s) attempt %s failed: %s",
                    delivery.pk,
                    delivery.channel,
                    delivery.attempts,
                    delivery.last_error,
                )
        else:
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = now
        delivery.full_clean()
        delivery.save(
            update_fields=["status", "attempts", "last_attempt_at", "last_error", "sent_at"]
        )
    return delivery
