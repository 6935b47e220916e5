"""A fixed-window rate limit per client address, kept in the shared cache."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """Return the client's address as the server saw it (a proxy must set REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limited(request: HttpRequest, *, scope: str, limit: int, window: int) -> bool:
    """Count this request; return True when the client went over `limit` in the window."""
    slot = int(time.time() // window)
    key = f"ratelimit:{scope}:{client_address(request)}:{slot}"
    if cache.add(key, 1, timeout=window + 1):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        return False
    return count > limit
