"""The WSGI entry point gunicorn loads: the application, with its startup work done."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

CHECK = """
import gc, sys
import config.wsgi
from django.urls import get_resolver
resolver = get_resolver()
loaded = int("url_patterns" in resolver.__dict__)
print(gc.get_freeze_count(), loaded, callable(config.wsgi.application))
"""


def test_the_workers_load_their_urls_and_freeze_what_they_loaded() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(  # noqa: S603 - this interpreter, a constant script
        [sys.executable, "-c", CHECK], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    frozen, urls_loaded, callable_app = result.stdout.split()
    # Django and the apps alone are well over 100,000 objects; nothing frozen means the
    # startup freeze is gone and every full collection walks them again.
    assert int(frozen) > 100_000
    assert urls_loaded == "1"
    assert callable_app == "True"
