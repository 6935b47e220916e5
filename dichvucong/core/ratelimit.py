"""A fixed-window rate limit per client address, kept in the shared cache."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """Return the client's address: the connection's, or behind NUM_PROXIES proxies the
    one they recorded in X-Forwarded-For (the same rule as the API's throttles)."""
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


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
