"""Writes of the national synchronisation: the outbox, its delivery and its retries.

`dossier_event_sync_record` is the dossier events' listener: inside the transaction that
wrote the event it adds the entries the national portal must receive and marks the
dossier not synchronised; the delivery is queued after the commit. `dossier_sync_deliver`
sends one dossier's pending entries in order (create first, then progress entries and
status changes), one sender at a time per dossier, and stops at the first failure so
that nothing arrives out of order; the national side deduplicates by the entry's uuid,
so sending again after a lost answer records nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dichvucong.core.background import queue_after_commit
from dichvucong.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierStatus

from . import mapping
from .client import NationalClient, NationalConfigError, NationalError
from .models import DossierSync, EntryKind, EntryState, SyncEntry

logger = logging.getLogger(__name__)

# The first event of a dossier received from another installation (interop.exchange):
# that installation reports the dossier to the national portal, not this one.
EXCHANGE_RECEIVED = "exchange_received"

# How long one sender keeps a dossier's queue to itself (longer than a run takes).
LEASE = timedelta(minutes=5)


def sync_enabled() -> bool:
    """Return whether the synchronisation is switched on (NATIONAL_SYNC_ENABLED)."""
    return bool(getattr(settings, "NATIONAL_SYNC_ENABLED", False))


def retry_delay(attempts: int) -> timedelta:
    """Return how long to wait after the `attempts`-th failure: doubling, capped."""
    base = int(getattr(settings, "NATIONAL_SYNC_RETRY_SECONDS", 60))
    cap = int(getattr(settings, "NATIONAL_SYNC_RETRY_MAX_SECONDS", 6 * 3600))
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def _entries_for(event: DossierEvent, *, first: bool) -> list[tuple[str, dict[str, Any]]]:
    """Return the (kind, payload) entries an event gives, in the order they go out."""
    if first:
        # The dossier as it is now, its status included: what came before is in it.
        return [(EntryKind.CREATE, mapping.dossier_payload(event.dossier))]
    entries: list[tuple[str, dict[str, Any]]] = []
    if event.action_name or event.from_state or event.to_state:
        entries.append((EntryKind.PROGRESS, mapping.progress_payload(event)))
    before = mapping.status_code(event.from_status) if event.from_status else None
    after = mapping.status_code(event.to_status)
    if after is not None and before != after:
        entries.append((EntryKind.STATUS, mapping.status_payload(event)))
    return entries


def dossier_event_sync_record(event: DossierEvent) -> None:
    """Add the national portal's entries for a dossier event (the events' listener).

    Runs inside the transaction that wrote the event. Drafts never leave the system.
    The first event seen for a dossier creates it nationally; the delivery is queued
    once the transaction commits.
    """
    if not sync_enabled():
        return
    dossier = event.dossier
    if dossier.status == DossierStatus.DRAFT or event.to_status == DossierStatus.DRAFT:
        return
    sync, first = _sync_start(dossier, elsewhere=event.action == EXCHANGE_RECEIVED)
    if sync.reported_elsewhere:
        return
    entries = _entries_for(event, first=first)
    if not entries:
        return
    now = timezone.now()
    SyncEntry.objects.bulk_create(
        SyncEntry(dossier=dossier, event=event, kind=kind, payload=payload, next_attempt_at=now)
        for kind, payload in entries
    )
    if sync.synchronised or first:
        DossierSync.objects.filter(pk=sync.pk).update(synchronised=False)
    from .tasks import national_sync_deliver  # the task module imports this one

    # The entries are swept (`national_sync_due`, Celery beat): a delivery the broker did
    # not take is made then, not from the request.
    queue_after_commit(national_sync_deliver, dossier.pk, swept=True)


def _sync_start(dossier: Dossier, *, elsewhere: bool) -> tuple[DossierSync, bool]:
    """Return the dossier's synchronisation row, created on first sight, and whether it was.

    A dossier another installation reports starts synchronised and is never sent.
    """
    return DossierSync.objects.get_or_create(
        dossier=dossier, defaults={"reported_elsewhere": elsewhere, "synchronised": elsewhere}
    )


@dataclass
class DeliveryReport:
    """What one delivery run did for one dossier."""

    sent: int = 0
    failed: int = 0
    held: bool = False
    error: str = ""


def _lease_take(dossier_id: int) -> bool:
    now = timezone.now()
    taken = (
        DossierSync.objects.filter(dossier_id=dossier_id)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + LEASE)
    )
    return taken == 1


def _send(entry: SyncEntry, sync: DossierSync, client: NationalClient) -> dict[str, Any]:
    """Send one entry; return the national portal's answer."""
    payload = dict(entry.payload)
    if entry.kind == EntryKind.CREATE:
        if not sync.national_code:
            code = client.next_code(agency_code=str(payload.get("MaDonViTiepNhan", "")))
            # Kept at once: a retry after a later failure reuses the code.
            DossierSync.objects.filter(pk=sync.pk).update(national_code=code)
            sync.national_code = code
        payload["ThanhPhanHoSo"] = [
            {**component, "GiayToDinhKem": [_upload(f, client) for f in component["GiayToDinhKem"]]}
            for component in payload.get("ThanhPhanHoSo", [])
        ]
        payload["MaHoSo"] = sync.national_code
        return client.create(sync_id=str(entry.uuid), dossier=payload)
    if not sync.national_code:
        raise NationalError(
            _("Hồ sơ chưa được tạo trên Cổng quốc gia (thiếu mã hồ sơ quốc gia)."),
            retryable=False,
        )
    payload["MaHoSo"] = sync.national_code
    if entry.kind == EntryKind.PROGRESS:
        return client.progress(sync_id=str(entry.uuid), entry=payload)
    return client.status(sync_id=str(entry.uuid), change=payload)


def _upload(item: dict[str, Any], client: NationalClient) -> dict[str, Any]:
    """Upload one attached file named by its local document id; return the national item."""
    result = {k: v for k, v in item.items() if k != "_document"}
    document = DossierDocument.objects.filter(pk=int(item.get("_document") or 0)).first()
    if document is None:
        raise NationalError(
            _("Tệp %(name)s không còn trong hệ thống.") % {"name": item.get("TenGiayTo", "")},
            retryable=False,
        )
    with document.file.open("rb") as handle:
        content = handle.read()
    uploaded = client.upload(name=document.original_name, content=content, sha256=document.sha256)
    result.update(uploaded)
    return result


def dossier_sync_deliver(
    *, dossier_id: int, client: NationalClient | None = None
) -> DeliveryReport:
    """Send the dossier's unsent entries in order, stopping at the first failure.

    Nothing is sent when another sender holds the dossier, when its first unsent entry
    failed for good (an administrator retries it) or waits for its next attempt.
    """
    report = DeliveryReport()
    if not _lease_take(dossier_id):
        report.held = True
        return report
    try:
        _deliver(dossier_id, client, report)
    finally:
        DossierSync.objects.filter(dossier_id=dossier_id).update(lease_until=None)
    return report


def _deliver(dossier_id: int, client: NationalClient | None, report: DeliveryReport) -> None:
    sync = DossierSync.objects.get(dossier_id=dossier_id)
    entries = list(
        SyncEntry.objects.filter(dossier_id=dossier_id)
        .exclude(state=EntryState.SENT)
        .order_by("pk")
    )
    now = timezone.now()
    if not entries or entries[0].state == EntryState.FAILED or entries[0].next_attempt_at > now:
        report.held = bool(entries)
        _flag_refresh(sync, now=None, error=None)
        return
    try:
        client = client or NationalClient()
    except NationalConfigError as error:
        _failure(entries[0], str(error), retryable=True, now=now)
        report.error = str(error)
        _flag_refresh(sync, now=now, error=str(error))
        return
    error_text = ""
    for entry in entries:
        if entry.state == EntryState.FAILED:
            report.held = True
            break
        try:
            response = _send(entry, sync, client)
        except NationalError as error:
            error_text = str(error)
            _failure(entry, error_text, retryable=error.retryable, now=timezone.now())
            report.failed += 1
            report.error = error_text
            logger.warning("national sync: dossier %s entry %s: %s", dossier_id, entry.pk, error)
            break
        SyncEntry.objects.filter(pk=entry.pk).update(
            state=EntryState.SENT,
            attempts=entry.attempts + 1,
            sent_at=timezone.now(),
            response=response,
            last_error="",
        )
        if entry.event_id is not None:
            DossierSync.objects.filter(pk=sync.pk).update(last_synced_event_id=entry.event_id)
        report.sent += 1
    _flag_refresh(sync, now=now, error=error_text, sent=report.sent > 0)


def _failure(entry: SyncEntry, message: str, *, retryable: bool, now: Any) -> None:
    attempts = entry.attempts + 1
    SyncEntry.objects.filter(pk=entry.pk).update(
        attempts=attempts,
        last_error=message[:2000],
        state=EntryState.PENDING if retryable else EntryState.FAILED,
        next_attempt_at=now + retry_delay(attempts),
    )


def _flag_refresh(sync: DossierSync, *, now: Any, error: str | None, sent: bool = False) -> None:
    """Set the dossier's flag from its entries, in one statement."""
    unsent = SyncEntry.objects.filter(dossier_id=OuterRef("dossier_id")).exclude(
        state=EntryState.SENT
    )
    changes: dict[str, Any] = {"synchronised": ~Exists(unsent)}
    if now is not None:
        changes["last_attempt_at"] = now
    if error is not None:
        changes["last_error"] = error[:2000]
    DossierSync.objects.filter(pk=sync.pk).update(**changes)
    if sent:
        DossierSync.objects.filter(pk=sync.pk, synchronised=True).update(synced_at=timezone.now())


@dataclass
class RetryReport:
    """What a run over due entries did."""

    dossiers: int = 0
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def sync_due_deliver(*, everything: bool = False, limit: int | None = None) -> RetryReport:
    """Deliver the dossiers whose next entry is due (the beat's and the command's run).

    With `everything`, failed entries go back to pending and nobody waits for the
    backoff: an administrator's "send again now".
    """
    if not sync_enabled():
        return RetryReport()
    now = timezone.now()
    if everything:
        _entries_release(SyncEntry.objects.all(), now=now)
    batch = limit or int(getattr(settings, "NATIONAL_SYNC_BATCH", 500))
    dossier_ids = list(
        SyncEntry.objects.filter(state=EntryState.PENDING, next_attempt_at__lte=now)
        .order_by("dossier_id")
        .values_list("dossier_id", flat=True)
        .distinct()[:batch]
    )
    return _dossiers_deliver(dossier_ids)


def _entries_release(entries: QuerySet[SyncEntry], *, now: datetime) -> None:
    """Put the unsent of `entries` back to pending, due `now` (an administrator's retry)."""
    entries.exclude(state=EntryState.SENT).update(state=EntryState.PENDING, next_attempt_at=now)


def _dossiers_deliver(dossier_ids: list[int]) -> RetryReport:
    """Deliver each dossier's queue in turn; return the sum of what the runs did."""
    report = RetryReport()
    for dossier_id in dossier_ids:
        result = dossier_sync_deliver(dossier_id=dossier_id)
        report.dossiers += 1
        report.sent += result.sent
        report.failed += result.failed
        if result.error:
            report.errors.append(result.error)
    return report


def dossiers_sync_backfill(*, since: datetime | None = None) -> int:
    """Start the synchronisation of submitted dossiers it has never seen; return how many.

    For dossiers written before the synchronisation was switched on, or in bulk (which
    bypasses the events' listeners), submitted at `since` or later if given: each gets
    its create entry, as it is now.
    """
    if not sync_enabled():
        return 0
    missing = Dossier.objects.exclude(status=DossierStatus.DRAFT).filter(national_sync__isnull=True)
    if since is not None:
        missing = missing.filter(submitted_at__gte=since)
    received = DossierEvent.objects.filter(dossier_id=OuterRef("pk"), action=EXCHANGE_RECEIVED)
    missing = (
        missing.select_related("procedure", "agency", "applicant__profile__administrative_unit")
        .annotate(elsewhere=Exists(received))
        .order_by("pk")
    )
    created = 0
    for dossier in missing.iterator(chunk_size=200):
        with transaction.atomic():
            _sync, first = _sync_start(dossier, elsewhere=dossier.elsewhere)
            if not first or dossier.elsewhere:
                continue
            last = dossier.events.order_by("-created_at", "-pk").first()
            SyncEntry.objects.create(
                dossier=dossier,
                event=last,
                kind=EntryKind.CREATE,
                payload=mapping.dossier_payload(dossier),
            )
        created += 1
    return created


def dossiers_sync_retry(*, dossier_ids: list[int]) -> RetryReport:
    """Send the named dossiers' unsent entries again now, failed ones included."""
    _entries_release(SyncEntry.objects.filter(dossier_id__in=dossier_ids), now=timezone.now())
    return _dossiers_deliver(dossier_ids)
