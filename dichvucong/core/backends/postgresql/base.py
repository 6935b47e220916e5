"""Django's PostgreSQL backend, checking a kept connection only when it has sat idle.

With CONN_HEALTH_CHECKS, Django sends `SELECT 1` before the first query of every
request, to find a connection the server closed while it was kept between requests (a
restarted server, a fail-over). That is a round trip per request, and on the busiest
requests the eighth of eight (an IPN: the lock, four writes, the figures, the commit).

A connection that ran a statement less than `HEALTH_CHECK_IDLE` seconds ago is taken
as alive without asking: under load the check is skipped, after a pause it is made as
before. What this gives up is narrow: a server lost in that last second fails the next
request's first query, as it would have failed the query it interrupted, and Django
then closes the connection at the end of the request (`errors_occurred`).
"""

from __future__ import annotations

import time
from typing import Any

from django.db.backends.postgresql import base

# Seconds since a connection's last statement within which it is not checked.
HEALTH_CHECK_IDLE = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    _used_at = float("-inf")  # time.monotonic() of the last cursor created
    health_check_done: bool  # (set by Django's connect(); declared for the type checker)

    def create_cursor(self, name: Any = None) -> Any:
        self._used_at = time.monotonic()
        return super().create_cursor(name)

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and not self.health_check_done
            and time.monotonic() - self._used_at < HEALTH_CHECK_IDLE
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
