"""The WSGI entry point gunicorn loads: the application, with its startup work done."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import redis_or_skip

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = "redis://127.0.0.1:6379/10"  # its own database: benches use 12-15

CHECK = """
import gc, sys
import config.wsgi
from django.urls import get_resolver
resolver = get_resolver()
loaded = int("url_patterns" in resolver.__dict__)
print(gc.get_freeze_count(), loaded, callable(config.wsgi.application))
print("holidays.countries.vietnam" in sys.modules)
"""

# Queue a task through the broker after the start-up: it must import nothing more.
QUEUE = """
import sys
import config.wsgi
loaded = set(sys.modules)
from dichvucong.payments.tasks import payment_paid_notify
payment_paid_notify.delay(0)
print(" ".join(sorted(set(sys.modules) - loaded)) or "-")
"""


def _run(script: str, **env: str) -> str:
    result = subprocess.run(  # noqa: S603 - this interpreter, a constant script
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_the_workers_load_their_urls_and_freeze_what_they_loaded() -> None:
    frozen, urls_loaded, callable_app, holidays_loaded = _run(CHECK).split()
    # Django and the apps alone are well over 100,000 objects; nothing frozen means the
    # startup freeze is gone and every full collection walks them again.
    assert int(frozen) > 100_000
    assert urls_loaded == "1"
    assert callable_app == "True"
    assert holidays_loaded == "True"  # the deadlines' calendar, computed before the fork


def test_a_worker_queues_its_first_task_without_importing_anything() -> None:
    client = redis_or_skip(REDIS_URL)
    try:
        imported = _run(QUEUE, CELERY_BROKER_URL=REDIS_URL).split()
        assert client.llen("celery") == 1  # it went through the broker
    finally:
        client.delete("celery")
    # Before: redis-py, kombu's Redis transport, celery's protocol, the tasks (~110).
    assert imported == ["-"]
