"""Production settings: secure by default, every switch overridable from the environment.

`DJANGO_SETTINGS_MODULE=config.settings.production manage.py check --deploy` passes.
"""

from .base import *  # noqa: F403
from .env import env_bool, env_int

DEBUG = env_bool("DJANGO_DEBUG", False)

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", True)
X_FRAME_OPTIONS = "DENY"

# The bundled sandbox gateway is for the demo and the tests, never for real payments.
PAYMENT_SANDBOX_ENABLED = env_bool("DICHVUCONG_PAYMENT_SANDBOX", False)

# The national portal synchronisation is switched on by the province with its endpoint
# and credentials; the bundled stand-in is for the demo and the tests only.
NATIONAL_SYNC_ENABLED = env_bool("NATIONAL_SYNC_ENABLED", False)
NATIONAL_SYNC_STANDIN_ENABLED = env_bool("NATIONAL_SYNC_STANDIN", False)
