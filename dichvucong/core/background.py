"""Background work queued by a change, sent to the workers once the change commits.

A service never sends a task from inside its transaction: the worker could run it before
the commit, or for a change that is then rolled back. It calls `queue_after_commit`,
which sends the task from `transaction.on_commit`.

The commit has happened by then, so a broker that cannot take the task (Redis down, a
network fault) must neither fail the request nor lose the work:

- by default the task runs here instead, in the process that queued it, as it runs
  without a broker (`make run`). The request is slower while the broker is away; the
  notification, the signature or the check is still made.
- `swept=True` is for work kept in an outbox of its own that a periodic task goes
  through (the exchange API's messages, the national synchronisation): the failure is
  only logged, and the sweep sends the work later. Running it here would put a call to
  a partner's server inside the citizen's request.

Any other error of the sending is logged (`robust`), never raised into a request whose
change is already saved.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def queue_after_commit(task: Task, *args: Any, swept: bool = False) -> None:
    """Send `task(*args)` to the workers once the current transaction commits.

    Outside a transaction it is sent at once. Nothing is sent for a change rolled back.
    """
    transaction.on_commit(partial(_send, task, args, swept), robust=True)


def _send(task: Task, args: tuple[Any, ...], swept: bool) -> None:
    try:
        task.apply_async(args)
    except OperationalError:
        then = "the periodic sweep will send it" if swept else "running it in this process instead"
        logger.warning("The broker did not take %s%r; %s.", task.name, args, then, exc_info=True)
        if not swept:
            task.apply(args)
