"""SMS providers for the tests."""

from __future__ import annotations


class FailingSmsProvider:
    """A gateway that is down."""

    def send(self, *, phone: str, text: str) -> None:
        raise ConnectionError("SMS gateway unreachable")
