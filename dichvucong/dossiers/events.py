"""Tell other apps about every dossier event, inside the transaction that wrote it.

Every place that writes a `DossierEvent` calls `event_record`, once the dossier row
itself holds its new status. Apps that keep figures or copies in step with dossiers
(the statistics, the national portal synchronisation) register a listener at start-up,
from their `AppConfig.ready`. A listener runs inside the writer's transaction: what it
writes commits or rolls back with the event, and an error in it fails the action. Work
that talks to the outside world belongs in a task queued with `transaction.on_commit`.

Rows written in bulk (the demo history) bypass the listeners; the apps that listen can
rebuild what they keep from the event log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from dichvucong.core.writes import row_insert

from .models import DossierEvent, EventAttachment

if TYPE_CHECKING:
    from .uploads import CheckedFile

EventListener = Callable[[DossierEvent], None]

_listeners: dict[str, EventListener] = {}


def event_listener_register(name: str, listener: EventListener) -> None:
    """Call `listener(event)` for every event written from now on; `name` keeps it single."""
    _listeners[name] = listener


def event_record(**fields: Any) -> DossierEvent:
    """Write one event with `fields`, then announce it to the listeners.

    `fields["dossier"]` must be the dossier instance as saved, so that listeners read
    its new status, agency and dates without another query.
    """
    event = DossierEvent(**fields)
    row_insert(event)  # as objects.create(), with its SQL written once (core/writes.py)
    events_announce(event)
    return event


def event_attachments_create(
    event: DossierEvent, files: Iterable[tuple[CheckedFile, str]]
) -> list[EventAttachment]:
    """Attach stored files to `event`: each a checked upload and its storage name."""
    files = list(files)
    if not files:
        return []
    return EventAttachment.objects.bulk_create(
        EventAttachment(
            event=event,
            file=name,
            original_name=item.original_name,
            kind=item.kind,
            size=item.size,
            sha256=item.sha256,
        )
        for item, name in files
    )


def events_announce(event: DossierEvent) -> None:
    """Call each registered listener with `event`, in registration order."""
    for listener in list(_listeners.values()):
        listener(event)
