"""Settings for the test suite: SQLite by default, PostgreSQL when DATABASE_URL says so."""

from .base import *  # noqa: F403

DEBUG = False
# Tests that exercise the cache switch it on themselves.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    "public": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tests open connections from the live server's thread: close them after each request so
# the test database can be dropped at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# No PKI unless a test sets one up (documents/tests/conftest.py): a developer's var/pki
# from `make run` must not sign the PDFs other tests read.
SIGNING_DIR = VAR_DIR / "test-no-pki"  # noqa: F405

# No push to the national portal unless a test switches it on (interop/national/tests).
NATIONAL_SYNC_ENABLED = False

# load_demo generates no past dossiers in tests unless asked (--size; docs/demo-history.md).
DEMO_HISTORY_SIZE = 0
