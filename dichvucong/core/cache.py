"""Cached reads of public data (the catalogue, agencies).

Public data changes only when something is published (an import, a form file, an
agency edited), while the same searches are asked over and over. Cached entries are
keyed by a catalogue generation number that every such change increments after its
transaction commits, so a change is visible at once; entries also expire after
CATALOGUE_CACHE_SECONDS, which bounds staleness should the generation key be lost.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "public:generation"


# The generation as this process last read it, and when (monotonic seconds). Reading it
# at most once a second saves a cache round trip per request; another process's change
# is therefore seen up to a second late, this process's own at once.
_local: dict[str, float] = {"generation": 0, "read_at": float("-inf")}
LOCAL_SECONDS = 1.0


def public_data_generation() -> int:
    """Return the current generation of the public data."""
    now = time.monotonic()
    if now - _local["read_at"] < LOCAL_SECONDS:
        return int(_local["generation"])
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    _local.update(generation=int(generation), read_at=now)
    return int(generation)


def _bump() -> None:
    try:
        generation = cache.incr(GENERATION_KEY)
    except ValueError:
        generation = 2
        cache.set(GENERATION_KEY, generation, timeout=None)
    _local.update(generation=int(generation), read_at=time.monotonic())


def public_data_changed() -> None:
    """Invalidate every cached public read once the current transaction commits."""
    transaction.on_commit(_bump)


def cache_key(namespace: str, *parts: str) -> str:
    """Return a key for `parts` in the current generation."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"public:{public_data_generation()}:{namespace}:{digest}"


def cached(key: str, compute: Any) -> Any:
    """Return the cached value of `key`, computing and storing it when missing."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=settings.PUBLIC_CACHE_SECONDS)
    return value
