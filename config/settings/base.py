"""Settings shared by every environment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import BASE_DIR, env_bool, env_int, env_list, env_str, secret_key, var_dir

VAR_DIR = var_dir()
(VAR_DIR / "static").mkdir(exist_ok=True)

SECRET_KEY = secret_key()
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # The admin, open only to staff who passed the second factor (backoffice/admin_site.py).
    "dichvucong.backoffice.admin_apps.OfficerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "dichvucong.core",
    "dichvucong.accounts",
    "dichvucong.organizations",
    "dichvucong.catalogue",
    "dichvucong.notifications",
    "dichvucong.eforms",
    "dichvucong.workflows",
    "dichvucong.dossiers",
    "dichvucong.documents",
    "dichvucong.feedback",
    "dichvucong.payments",
    "dichvucong.payments.sandbox",
    "dichvucong.results",
    "dichvucong.interop",
    "dichvucong.interop.exchange",
    "dichvucong.interop.national",
    "dichvucong.reporting",
    "dichvucong.reporting.roadmap",
    "dichvucong.reporting.periodic",
    "dichvucong.reporting.quality",
    "dichvucong.portal",
    "dichvucong.backoffice",
    "dichvucong.demo",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dichvucong.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user verified once the officer has passed the second factor (TOTP).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dichvucong" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dichvucong.core.context_processors.site",
                "dichvucong.notifications.context_processors.unread",
            ],
        },
    },
]

# The embedded default is a SQLite file under var/; DATABASE_URL selects another server.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# On PostgreSQL the parameters travel apart from the query text (server-side binding), so
# a query the connection has run twice is prepared: PostgreSQL plans it once, not on every
# request. Planning the portal's hot queries cost more than running them (the public
# lookup: 0.5 ms of planning for 0.1 ms of execution). A connection pooler in transaction
# mode cannot keep prepared statements: set DATABASE_PREPARE_THRESHOLD=0 behind one.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, checking a kept connection's health only after a second idle:
    # not one more round trip on every request (core/backends/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "dichvucong.core.backends.postgresql"
    _prepare_threshold = env_int("DATABASE_PREPARE_THRESHOLD", 2)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=_prepare_threshold if _prepare_threshold > 0 else None,
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The shared cache: locmem:// (one process, the default) or redis://host:6379/0 (shared
# by every worker). The "public" cache keeps rendered public answers in each process;
# its keys carry the public data generation, read from the shared cache (core/cache.py).
_cache_url = env_str("CACHE_URL", "locmem://")
if _cache_url.startswith(("redis://", "rediss://")):
    _shared_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _cache_url,
        "KEY_PREFIX": "dichvucong",
    }
elif _cache_url.startswith("locmem://"):
    _shared_cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
else:
    raise ValueError(f"CACHE_URL must be locmem:// or redis://…, not {_cache_url!r}")
CACHES = {
    "default": _shared_cache,
    "public": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "public",
        "OPTIONS": {"MAX_ENTRIES": env_int("PUBLIC_CACHE_ENTRIES", 2000)},
    },
}
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 600)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username or address is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Brute-force protection (django-axes): after AXES_FAILURE_LIMIT failed logins for the
# same username from the same address, that pair is locked for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Reverse proxies in front of the application (nginx, a load balancer). With N > 0 the
# client's address is the N-th from the right of X-Forwarded-For, for the rate limits and
# the login lockout; with 0 (no proxy) it is the connection's address.
NUM_PROXIES = env_int("DICHVUCONG_NUM_PROXIES", 0)
if NUM_PROXIES:
    AXES_IPWARE_PROXY_COUNT = NUM_PROXIES
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
# A locked-out login gets the Vietnamese page (429) of accounts.views.lockout.
AXES_LOCKOUT_CALLABLE = "dichvucong.accounts.views.lockout"

# Sign-in with the national identity provider (VNeID, or the national portal's single
# sign-on) over OpenID Connect, through mozilla-django-oidc and accounts/oidc.py. Off
# unless OIDC_ENABLED; the variables are described in docs/configuration.md.
OIDC_ENABLED = env_bool("OIDC_ENABLED", False)
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_TOKEN_USE_BASIC_AUTH = env_bool("OIDC_TOKEN_USE_BASIC_AUTH", False)
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", True)
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
OIDC_LOGIN_LABEL = env_str("OIDC_LOGIN_LABEL", "")
# Which claim carries each profile field: OIDC_CLAIMS="citizen_id=so_dinh_danh,full_name=ho_ten".
OIDC_CLAIMS = {
    "citizen_id": "citizen_id",
    "full_name": "name",
    "date_of_birth": "birthdate",
    "phone": "phone_number",
    "email": "email",
    "email_verified": "email_verified",
}
for _pair in env_list("OIDC_CLAIMS", ""):
    _field, _equals, _claim = (part.strip() for part in _pair.partition("="))
    if _field not in OIDC_CLAIMS or not _claim:
        raise ValueError(f"OIDC_CLAIMS: {_pair!r} is not field=claim, field among {[*OIDC_CLAIMS]}")
    OIDC_CLAIMS[_field] = _claim
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("dichvucong.accounts.oidc.OIDCBackend")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        # Django's check with a Vietnamese message (its catalogue lacks the 5.2 msgid).
        "NAME": "dichvucong.accounts.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first, English second. Times are stored in UTC and shown in Vietnam time.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "dichvucong" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "dichvucong.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "dichvucong.core.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # The token first: a request with no credentials (or a bad token) is then answered
    # 401 with `WWW-Authenticate: Token`, as the API's schema says, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "dichvucong.accounts.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [],
    "NUM_PROXIES": NUM_PROXIES or None,
    "DEFAULT_THROTTLE_RATES": {
        "lookup": env_str("LOOKUP_RATE", "60/min"),
        "token": env_str("TOKEN_RATE", "20/min"),
        "verify": env_str("VERIFY_RATE", "20/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "dichvucong API",
    "DESCRIPTION": (
        "API of the provincial public service portal: procedures (the national procedure "
        "database's content), agencies, fields and administrative units; e-forms, online "
        "submission of dossiers (token authentication, Idempotency-Key), the caller's "
        "dossiers and the public status lookup. "
        "Lists are paginated as {count, next, previous, results}; errors are "
        "{detail, errors}."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The documentation page's scripts are served from here, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "DossierStatusEnum": "dichvucong.dossiers.models.DossierStatus",
        "TimelinessEnum": "dichvucong.core.workdays.Timeliness",
        "DocumentKindEnum": "dichvucong.dossiers.models.DocumentKind",
        "TierEnum": "dichvucong.organizations.models.Tier",
        "PlanTierEnum": "dichvucong.reporting.roadmap.models.PlanTier",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "dichvucong.core.api.schema.add_error_responses",
    ],
}

# The province this installation serves. The demo is Bình Phước (H10, illustrative).
PROVINCE_CODE = env_str("DICHVUCONG_PROVINCE_CODE", "H10")
PROVINCE_NAME = env_str("DICHVUCONG_PROVINCE_NAME", "Bình Phước")
# The portal's public address, for links in emails and notifications.
SITE_URL = env_str("DICHVUCONG_SITE_URL", "http://127.0.0.1:8000")
PORTAL_NAME = env_str("DICHVUCONG_PORTAL_NAME", "Cổng Dịch vụ công tỉnh Bình Phước")

# Background work (Celery). With no broker (the `make run` default) tasks run in-process,
# right after the transaction that queued them commits; production sets a Redis broker.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A task is sent after its transaction commits, from the request (core.background): a
# broker that is unreachable or hung must cost the request a bounded wait, after which
# the task runs in the web process instead. Without timeouts a publish waits forever on
# a Redis gone without closing the connection, and the OS's two minutes for a connect.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
REDIS_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1.0,
    # Above the worker's BRPOP wait (1 s), which this must not cut.
    "socket_timeout": 3.0,
}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_TRANSPORT_OPTIONS
# Periodic work, run by `celery -A config beat` next to the worker. The deadline check
# marks overdue dossiers and reminds officers of those due within one working day.
DOSSIER_REMINDER_MINUTES = env_int("DICHVUCONG_REMINDER_MINUTES", 15)
if DOSSIER_REMINDER_MINUTES < 1:
    raise ValueError("DICHVUCONG_REMINDER_MINUTES must be at least 1")
CELERY_BEAT_SCHEDULE = {
    "dossier-deadlines-check": {
        "task": "dichvucong.dossiers.tasks.dossier_deadlines_check",
        "schedule": DOSSIER_REMINDER_MINUTES * 60,
        # A run still queued when the next is due is dropped rather than piled up.
        "options": {"expires": DOSSIER_REMINDER_MINUTES * 60},
    },
}

# Email: the console in `make run` unless EMAIL_URL says otherwise (see docs/configuration.md).
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Cổng Dịch vụ công <no-reply@localhost>")
_email_url = env_str("EMAIL_URL", "console://")
if _email_url.startswith("console://"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
elif _email_url.startswith("file://"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = _email_url.removeprefix("file://") or str(VAR_DIR / "mail")
elif _email_url.startswith(("smtp://", "smtps://", "smtp+tls://")):
    from urllib.parse import unquote, urlsplit

    _parts = urlsplit(_email_url)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _parts.hostname or "localhost"
    EMAIL_PORT = _parts.port or (465 if _parts.scheme == "smtps" else 587)
    EMAIL_HOST_USER = unquote(_parts.username or "")
    EMAIL_HOST_PASSWORD = unquote(_parts.password or "")
    EMAIL_USE_SSL = _parts.scheme == "smtps"
    EMAIL_USE_TLS = _parts.scheme == "smtp+tls"
    EMAIL_TIMEOUT = 20
else:
    raise ValueError("EMAIL_URL must be console://, file:///path, smtp://, smtps:// or smtp+tls://")

# Text messages: "logging" writes them to the log (the default); a province plugs its
# SMS gateway in by naming a class that implements notifications.sms.SmsProvider.
SMS_PROVIDER = env_str("SMS_PROVIDER", "dichvucong.notifications.sms.LoggingSmsProvider")

# Uploaded dossier documents.
DOSSIER_MAX_FILE_BYTES = env_int("DOSSIER_MAX_FILE_MB", 10) * 1024 * 1024
DOSSIER_MAX_TOTAL_BYTES = env_int("DOSSIER_MAX_TOTAL_MB", 50) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Where uploads and generated files live: local disk (the default) or an S3-compatible
# object store when AWS_STORAGE_BUCKET_NAME is set (django-storages; see the docs).
if env_str("AWS_STORAGE_BUCKET_NAME", ""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# The one-stop office's working time (Asia/Ho_Chi_Minh): sessions of the working day, and
# the hour after which a dossier received is transferred the next working day (Decree
# 61/2018 Art. 19). Deadlines are counted in this time (dichvucong.core.workdays).
OFFICE_HOURS = env_str("DICHVUCONG_OFFICE_HOURS", "07:00-11:30,13:30-17:00")
RECEPTION_CUTOFF = env_str("DICHVUCONG_RECEPTION_CUTOFF", "15:00")

# Officers' second factor (TOTP, django-otp): the issuer name authenticator apps show.
OTP_TOTP_ISSUER = env_str("DICHVUCONG_OTP_ISSUER", "Một cửa điện tử")

# Online payment (VNPay protocol 2.1.0; see docs/payments.md). The defaults are the demo
# merchant at the sandbox gateway bundled with the project (served by this site under
# /sandbox/vnpay/), so `make run` and the tests pay offline; real VNPay is a matter of
# these settings. The terminal code and secret below are demo data only.
VNPAY_TMN_CODE = env_str("VNPAY_TMN_CODE", "DVCDEMO1")
VNPAY_HASH_SECRET = env_str("VNPAY_HASH_SECRET", "DICHVUCONGSANDBOXSECRET2015")
VNPAY_PAYMENT_URL = env_str("VNPAY_PAYMENT_URL", f"{SITE_URL}/sandbox/vnpay/paymentv2/vpcpay.html")
VNPAY_API_URL = env_str(
    "VNPAY_API_URL", f"{SITE_URL}/sandbox/vnpay/merchant_webapi/api/transaction"
)
# Minutes a payment link stays valid (vnp_ExpireDate).
PAYMENT_EXPIRE_MINUTES = env_int("DICHVUCONG_PAYMENT_EXPIRE_MINUTES", 15)
# The sandbox gateway is part of the demo: off in production unless asked for.
PAYMENT_SANDBOX_ENABLED = env_bool("DICHVUCONG_PAYMENT_SANDBOX", True)
# Where the sandbox gateway sends its IPN calls for the demo merchant (a merchant added
# in the sandbox's admin may name its own), and how long it waits for each answer.
PAYMENT_SANDBOX_IPN_URL = env_str(
    "DICHVUCONG_PAYMENT_SANDBOX_IPN_URL", f"{SITE_URL}/payments/vnpay/ipn/"
)
PAYMENT_SANDBOX_IPN_TIMEOUT = env_int("DICHVUCONG_PAYMENT_SANDBOX_IPN_TIMEOUT", 10)
# The province's reduction of fees paid for an online dossier, in percent (0-100; e.g. 50
# while a Circular halves fees for online submission). 0: no reduction.
PAYMENT_ONLINE_DISCOUNT_PERCENT = env_int("DICHVUCONG_ONLINE_FEE_DISCOUNT", 0)
if not 0 <= PAYMENT_ONLINE_DISCOUNT_PERCENT <= 100:
    raise ValueError("DICHVUCONG_ONLINE_FEE_DISCOUNT must be between 0 and 100")
# Reconciliation (`manage.py payments_reconcile`, also run by Celery beat every this many
# minutes) asks the gateway about payments left unconfirmed this long.
PAYMENT_RECONCILE_MINUTES = env_int("DICHVUCONG_PAYMENT_RECONCILE_MINUTES", 5)
CELERY_BEAT_SCHEDULE["payments-reconcile"] = {
    "task": "dichvucong.payments.tasks.payments_reconcile",
    "schedule": PAYMENT_RECONCILE_MINUTES * 60,
    "options": {"expires": PAYMENT_RECONCILE_MINUTES * 60},
}
# Periodic reports (docs/periodic-reports.md): once a day, open the year's report periods
# and remind agencies this many days before a report is due (and once when overdue).
PERIODIC_REPORTS_REMINDER_DAYS = env_int("DICHVUCONG_PERIODIC_REPORTS_REMINDER_DAYS", 7)
CELERY_BEAT_SCHEDULE["periodic-reports-daily"] = {
    "task": "dichvucong.reporting.periodic.tasks.periodic_reports_daily",
    "schedule": 24 * 60 * 60,
    "options": {"expires": 12 * 60 * 60},
}
# Statistics (docs/statistics.md): once a day, rebuild yesterday's daily figures from the
# event log and roll its month up, so that whole months are read from the monthly rows.
CELERY_BEAT_SCHEDULE["reporting-daily-figures-refresh"] = {
    "task": "dichvucong.reporting.tasks.daily_figures_refresh",
    "schedule": 24 * 60 * 60,
    "options": {"expires": 12 * 60 * 60},
}
# The roadmap (docs/roadmap.md): once a day, record the procedures whose computed level
# changed, so that past years are counted with the level they had.
CELERY_BEAT_SCHEDULE["roadmap-levels-record"] = {
    "task": "dichvucong.reporting.roadmap.tasks.roadmap_levels_record",
    "schedule": 24 * 60 * 60,
    "options": {"expires": 12 * 60 * 60},
}

# Digital signatures (see docs/signing.md). The development PKI (`manage.py pki_init`)
# keeps its keys encrypted under SIGNING_DIR with this passphrase; production points these
# at its own keys, or replaces the signer (SIGNING_SIGNER) by a token or remote service.
SIGNING_DIR = Path(env_str("DICHVUCONG_SIGNING_DIR", str(VAR_DIR / "pki")))
SIGNING_KEY_PASSPHRASE = env_str("DICHVUCONG_SIGNING_PASSPHRASE", "dichvucong-demo-pki")
SIGNING_SIGNER = env_str("DICHVUCONG_SIGNER", "dichvucong.documents.signing.FileKeySigner")
# A RFC 3161 timestamp server: with one, signatures are PAdES B-T; without, B-B.
SIGNING_TIMESTAMP_URL = env_str("DICHVUCONG_TIMESTAMP_URL", "")
# Extra trust roots (PEM files) that verification accepts besides the province's root.
SIGNING_EXTRA_TRUST_ROOTS = env_list("DICHVUCONG_TRUST_ROOTS", "")
# The largest PDF the public verification page and API accept.
SIGNING_VERIFY_MAX_BYTES = env_int("DICHVUCONG_VERIFY_MAX_BYTES", 20 * 1024 * 1024)

# Electronic results (see docs/results.md): the postage the applicant pays to receive the
# paper result by post, in đồng, when the procedure's result template sets none.
RESULTS_POSTAL_FEE = env_int("DICHVUCONG_RESULTS_POSTAL_FEE", 30000)

# Synchronisation with the national public service portal (docs/national-sync.md): every
# status change of a dossier is pushed to NATIONAL_SYNC_URL. The default is the stand-in
# this site serves under /national-sync/standin/ for the demo (off in production).
NATIONAL_SYNC_ENABLED = env_bool("NATIONAL_SYNC_ENABLED", True)
NATIONAL_SYNC_URL = env_str("NATIONAL_SYNC_URL", f"{SITE_URL}/national-sync/standin/")
NATIONAL_SYNC_CLIENT_ID = env_str("NATIONAL_SYNC_CLIENT_ID", "dichvucong-demo")
NATIONAL_SYNC_CLIENT_SECRET = env_str("NATIONAL_SYNC_CLIENT_SECRET", "dong-bo-demo-2015")
NATIONAL_SYNC_TIMEOUT = env_int("NATIONAL_SYNC_TIMEOUT", 10)
# Retries: the first after this many seconds, then doubling up to the maximum.
NATIONAL_SYNC_RETRY_SECONDS = env_int("NATIONAL_SYNC_RETRY_SECONDS", 60)
NATIONAL_SYNC_RETRY_MAX_SECONDS = env_int("NATIONAL_SYNC_RETRY_MAX_SECONDS", 6 * 3600)
# The national numbering of statuses and the operations' paths, when they differ from the
# adapter's (national/mapping.py, national/client.py): "new=2,done=10", "create=hoso".
NATIONAL_SYNC_STATUS_CODES: dict[str, int] = {}
for _pair in env_list("NATIONAL_SYNC_STATUS_CODES", ""):
    _name, _equals, _number = (part.strip() for part in _pair.partition("="))
    if not (_name and _number.isdigit()):
        raise ValueError(f"NATIONAL_SYNC_STATUS_CODES: {_pair!r} is not status=number")
    NATIONAL_SYNC_STATUS_CODES[_name] = int(_number)
NATIONAL_SYNC_PATHS: dict[str, str] = {}
for _pair in env_list("NATIONAL_SYNC_PATHS", ""):
    _name, _equals, _path = (part.strip() for part in _pair.partition("="))
    if not (_name and _path):
        raise ValueError(f"NATIONAL_SYNC_PATHS: {_pair!r} is not operation=path")
    NATIONAL_SYNC_PATHS[_name] = _path
# The stand-in for the national endpoint, the client it accepts (by default the one
# above), and whether it answers every call with 503.
NATIONAL_SYNC_STANDIN_ENABLED = env_bool("NATIONAL_SYNC_STANDIN", True)
NATIONAL_SYNC_STANDIN_CLIENT_ID = env_str(
    "NATIONAL_SYNC_STANDIN_CLIENT_ID", NATIONAL_SYNC_CLIENT_ID
)
NATIONAL_SYNC_STANDIN_CLIENT_SECRET = env_str(
    "NATIONAL_SYNC_STANDIN_CLIENT_SECRET", NATIONAL_SYNC_CLIENT_SECRET
)
NATIONAL_SYNC_STANDIN_FAIL = env_bool("NATIONAL_SYNC_STANDIN_FAIL", False)
NATIONAL_SYNC_RETRY_MINUTES = env_int("NATIONAL_SYNC_RETRY_MINUTES", 1)
CELERY_BEAT_SCHEDULE["national-sync-due"] = {
    "task": "dichvucong.interop.national.tasks.national_sync_due",
    "schedule": NATIONAL_SYNC_RETRY_MINUTES * 60,
    "options": {"expires": NATIONAL_SYNC_RETRY_MINUTES * 60},
}

# The exchange API between installations (see docs/exchange.md): this installation's id
# in the envelopes, the clock skew accepted on inbound timestamps, the outbox's retries
# (exponential backoff from the base, capped), the alert on messages unacknowledged too
# long, and the sizes of inline documents and of one message.
EXCHANGE_INSTALLATION_ID = env_str("DICHVUCONG_EXCHANGE_ID", f"dichvucong-{PROVINCE_CODE.lower()}")
EXCHANGE_CLOCK_SKEW_SECONDS = env_int("DICHVUCONG_EXCHANGE_CLOCK_SKEW", 300)
EXCHANGE_TIMEOUT_SECONDS = env_int("DICHVUCONG_EXCHANGE_TIMEOUT", 15)
EXCHANGE_RETRY_BASE_SECONDS = env_int("DICHVUCONG_EXCHANGE_RETRY_SECONDS", 30)
EXCHANGE_RETRY_MAX_SECONDS = env_int("DICHVUCONG_EXCHANGE_RETRY_MAX_SECONDS", 3600)
EXCHANGE_ALERT_AFTER_MINUTES = env_int("DICHVUCONG_EXCHANGE_ALERT_MINUTES", 60)
# Who gets that alert by email (and Django's error reports): comma-separated addresses.
ADMINS = [(address, address) for address in env_list("DJANGO_ADMINS", "")]
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EXCHANGE_MAX_DOCUMENT_BYTES = env_int("DICHVUCONG_EXCHANGE_MAX_DOCUMENTS_MB", 10) * 1024 * 1024
EXCHANGE_MAX_MESSAGE_BYTES = env_int("DICHVUCONG_EXCHANGE_MAX_MESSAGE_MB", 20) * 1024 * 1024
EXCHANGE_OUTBOX_MINUTES = env_int("DICHVUCONG_EXCHANGE_OUTBOX_MINUTES", 1)
CELERY_BEAT_SCHEDULE["exchange-outbox"] = {
    "task": "dichvucong.interop.exchange.tasks.exchange_outbox_process",
    "schedule": EXCHANGE_OUTBOX_MINUTES * 60,
    "options": {"expires": EXCHANGE_OUTBOX_MINUTES * 60},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every PDF they render at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
