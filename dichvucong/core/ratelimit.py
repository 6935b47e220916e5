"""A fixed-window rate limit per client address, kept in the shared cache.

Used by public pages and, through `AddressRateThrottle`, by the API. On Redis one hit is
one round trip (INCR and EXPIRE in a pipeline); other caches use add/incr.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def client_address(request: HttpRequest | Request) -> str:
    """Return the client's address: the connection's, or behind NUM_PROXIES proxies the
    one they recorded in X-Forwarded-For (the same rule as the API's throttles)."""
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def _count(key: str, window: int) -> int:
    """Add one to the counter `key` (which lives `window` seconds); return its value."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # One client per cache connection (the cache builds a new one per call).
        client = getattr(backend, "_ratelimit_client", None)
        if client is None:
            client = backend._cache.get_client(write=True)
            backend._ratelimit_client = client  # type: ignore[attr-defined]
        full_key = backend.make_and_validate_key(key)
        pipe = client.pipeline(transaction=False)
        pipe.incr(full_key)
        pipe.expire(full_key, window + 1)
        count, _ = pipe.execute()
        return int(count)
    if backend.add(key, 1, timeout=window + 1):
        return 1
    try:
        return int(backend.incr(key))
    except ValueError:  # expired between add and incr, or a cache that keeps nothing
        backend.add(key, 1, timeout=window + 1)
        return 1


def rate_limited(request: HttpRequest | Request, *, scope: str, limit: int, window: int) -> bool:
    """Count this request; return True when the client went over `limit` in the window."""
    slot = int(time.time() // window)
    return _count(f"ratelimit:{scope}:{client_address(request)}:{slot}", window) > limit


def parse_rate(rate: str) -> tuple[int, int]:
    """Return (requests, seconds) of a rate written "60/min", "5/s", "1000/hour"."""
    number, _, period = rate.partition("/")
    return int(number), _PERIODS[period.strip()[:1]]


class AddressRateThrottle(BaseThrottle):
    """The API's per-address throttle: the view's `throttle_scope` names the rate in
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]."""

    def __init__(self) -> None:
        self._wait: float | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        scope = view.throttle_scope
        limit, window = parse_rate(str(api_settings.DEFAULT_THROTTLE_RATES[scope]))
        if rate_limited(request, scope=scope, limit=limit, window=window):
            self._wait = window - time.time() % window
            return False
        return True

    def wait(self) -> float | None:
        return self._wait
