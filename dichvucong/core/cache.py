"""Cached reads of public data (the catalogue, agencies).

Public data changes only when something is published (an import, a form file, an
agency edited), while the same searches are asked over and over. Rendered answers are
kept in each process (the "public" cache) under keys that carry a *generation* number;
the generation lives in the shared cache (Redis in production) and every change
increments it after its transaction commits. A process reads it at most once a second,
so a change shows at once in the process that made it and within a second everywhere
else. Entries also expire after PUBLIC_CACHE_SECONDS.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template.response import SimpleTemplateResponse
from django.utils.translation import get_language

ViewFunc = Callable[..., HttpResponseBase]

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
        # Start from the clock, not from 1: should the shared cache lose the key (a
        # restart), no process can mistake its old entries for current ones.
        start = time.time_ns() // 1_000_000
        cache.add(GENERATION_KEY, start, timeout=None)
        generation = cache.get(GENERATION_KEY, start)
    _local.update(generation=int(generation), read_at=now)
    return int(generation)


def _bump() -> None:
    try:
        generation = cache.incr(GENERATION_KEY)
    except ValueError:
        generation = time.time_ns() // 1_000_000
        cache.set(GENERATION_KEY, generation, timeout=None)
    _local.update(generation=int(generation), read_at=time.monotonic())


def public_data_changed() -> None:
    """Invalidate every cached public read: in this process at once, elsewhere on commit.

    This process moves to a generation of its own (a value the shared counter never
    takes), so it never serves what it cached before the change, even inside the
    changing transaction; should that transaction roll back, the process simply returns
    to the shared generation a second later.
    """
    _local.update(generation=-time.time_ns(), read_at=time.monotonic())
    transaction.on_commit(_bump)


_memo: dict[tuple[int, str, Any], Any] = {}
_memo_lock = threading.Lock()
MEMO_ENTRIES = 4096


def memoize_public(namespace: str, key: Any, load: Callable[[], Any]) -> Any:
    """Return `load()` for `key`, kept in this process until the public data changes.

    For small reads that every request repeats (an e-form definition, the commune
    codes): no cache round trip at all, and a change shows as soon as the generation
    moves.
    """
    generation = public_data_generation()
    full_key = (generation, namespace, key)
    with _memo_lock:
        if full_key in _memo:
            return _memo[full_key]
    value = load()
    with _memo_lock:
        if len(_memo) >= MEMO_ENTRIES or any(k[0] != generation for k in _memo):
            _memo.clear()
        _memo[full_key] = value
    return value


def cache_key(namespace: str, *parts: str) -> str:
    """Return a key for `parts` in the current generation."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"public:{public_data_generation()}:{namespace}:{digest}"


def cache_public_json(namespace: str) -> Callable[[ViewFunc], ViewFunc]:
    """Cache a public API view's successful JSON answers, keyed by URL and language.

    A hit costs one cache read and skips the view (and Django REST framework) entirely.
    Browsers asking for HTML (the browsable API) always reach the view.
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method != "GET" or "text/html" in request.headers.get("Accept", ""):
                return view(request, *args, **kwargs)
            key = cache_key(
                namespace,
                get_language() or "",
                request.build_absolute_uri(request.path),
                urlencode(sorted(request.GET.lists()), doseq=True),
            )
            public = caches["public"]
            content = public.get(key)
            if content is not None:
                return HttpResponse(content, content_type="application/json")
            response = view(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse):
                response.render()  # DRF sets the content type when it renders
            is_json = response.get("Content-Type", "").startswith("application/json")
            if response.status_code == 200 and is_json and isinstance(response, HttpResponse):
                public.set(key, response.content, timeout=settings.PUBLIC_CACHE_SECONDS)
            return response

        return wrapper

    return decorator
