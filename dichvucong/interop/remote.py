"""Legs whose target agency lives in another installation (a partner system).

The exchange app registers a dispatcher at start-up. When `send_to_agency` targets an
agency for which a dispatcher answers `handles`, the leg is marked remote and the
dispatcher's `dispatch(leg)` is called inside the transaction that created the leg (it
queues its own work with `transaction.on_commit`). The partner's answer comes back
through `dichvucong.interop.services.leg_return` (actor None) and its status updates
through `leg_progress_record`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from dichvucong.organizations.models import Agency

    from .models import Leg


class RemoteDispatcher(Protocol):
    def handles(self, agency: Agency) -> bool:
        """Return whether `agency` lives in a partner system this dispatcher reaches."""
        ...

    def dispatch(self, leg: Leg) -> None:
        """Send `leg` to the partner; called inside the transaction that created it."""
        ...


_dispatchers: list[RemoteDispatcher] = []


def remote_dispatcher_register(dispatcher: RemoteDispatcher) -> None:
    """Add `dispatcher` (once; registering the same object again does nothing)."""
    if not any(d is dispatcher for d in _dispatchers):
        _dispatchers.append(dispatcher)


def remote_dispatcher_unregister(dispatcher: RemoteDispatcher) -> None:
    """Remove `dispatcher` (tests)."""
    _dispatchers[:] = [d for d in _dispatchers if d is not dispatcher]


def remote_dispatcher_for(agency: Agency) -> RemoteDispatcher | None:
    """Return the first registered dispatcher that handles `agency`, or None (local)."""
    for dispatcher in _dispatchers:
        if dispatcher.handles(agency):
            return dispatcher
    return None
