from __future__ import annotations

from typing import Any

from django.test import RequestFactory

from dichvucong.core.ratelimit import client_address, rate_limited


def test_client_address_without_proxies_is_the_connection(settings: Any) -> None:
    settings.NUM_PROXIES = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "10.0.0.1"


def test_client_address_behind_one_proxy(settings: Any) -> None:
    settings.NUM_PROXIES = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    # The client cannot forge its way out: only the proxy's own entry is trusted.
    assert client_address(request) == "203.0.113.9"


def test_rate_limit_counts_per_address(settings: Any, rate_limit_clock: float) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"},
    }
    one = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1")
    two = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")
    assert [rate_limited(one, scope="s", limit=2, window=60) for _ in range(3)] == [
        False,
        False,
        True,
    ]
    assert rate_limited(two, scope="s", limit=2, window=60) is False


def test_parse_rate() -> None:
    from dichvucong.core.ratelimit import parse_rate

    assert parse_rate("60/min") == (60, 60)
    assert parse_rate("5/s") == (5, 1)
    assert parse_rate("1000/hour") == (1000, 3600)


def test_rate_limit_on_redis(settings: Any, rate_limit_clock: float) -> None:
    import pytest
    import redis

    url = "redis://127.0.0.1:6379/12"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    redis.Redis.from_url(url).flushdb()
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url},
    }
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.7")
    assert [rate_limited(request, scope="r", limit=2, window=60) for _ in range(3)] == [
        False,
        False,
        True,
    ]
    ttl = redis.Redis.from_url(url).ttl(redis.Redis.from_url(url).keys("*ratelimit:r:*")[0])
    assert 0 < ttl <= 61
