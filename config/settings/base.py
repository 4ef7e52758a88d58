"""Settings shared by every environment: the infrastructure.

Environment variables are read through ``env`` (apps.core.env; strict: a bad value stops
start-up with the variable named). The product's own rules and numbers (limits, weights,
fees, timings) live with the app that owns them, in ``apps/<app>/conf.py``, and are pulled
in below. With no variables set at all the site runs on the embedded default: SQLite,
local-memory cache, in-memory channel layer, local files and background work run inline.
"""

import ipaddress
import logging
import os
from pathlib import Path

import structlog
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from apps.core.env import env

# Product settings, documented in each app's conf.py. Star-imported here, lowest layer first,
# so code reads them as settings.X and tests override them like any other setting.
# isort: off
from apps.core.conf import *  # noqa: F403
from apps.places.conf import *  # noqa: F403
from apps.accounts.conf import *  # noqa: F403
from apps.performances.conf import *  # noqa: F403
from apps.media.conf import *  # noqa: F403
from apps.venues.conf import *  # noqa: F403
from apps.tips.conf import *  # noqa: F403
from apps.curation.conf import *  # noqa: F403
# isort: on

BASE_DIR = Path(__file__).resolve().parents[2]

# --- core -------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The fallback key only ever serves the embedded default; production.py refuses it.
INSECURE_DEFAULT_SECRET_KEY = "django-insecure-encore-embedded-default-do-not-use-in-production"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=INSECURE_DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.url_with_scheme("SITE_URL", ("http", "https"), default="http://127.0.0.1:8000")
SITE_ID = 1

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_htmx",
    "template_partials",
    "csp",
    "django_structlog",
    "allauth",
    "allauth.account",
    "allauth.headless",
    "djstripe",
    "django_prometheus",
    "apps.core",
    "apps.places",
    "apps.accounts",
    "apps.performances",
    "apps.media",
    "apps.moderation",
    "apps.venues",
    "apps.tips",
    "apps.curation",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "apps.core.privacy_headers.PrivacyHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.core.middleware.RequestIdMiddleware",
    # Before sessions and auth: an unreachable Redis or database answers 503 (apps.core.outage).
    "apps.core.outage.OutageMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "apps.core.json_depth.JsonDepthMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apps.core.middleware.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "apps.accounts.middleware.sign_in_wait_middleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "apps.core.context_processors.site",
                "apps.accounts.context_processors.notifications",
                "apps.venues.context_processors.staff_events",
            ],
        },
    }
]

# --- database -----------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Statements run through a server-side binding cursor (nearby's) are prepared once
    # they have run this often on a connection, and planned once, not per run (their
    # plan does not depend on the values); Django's own cursors are never prepared.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["prepare_threshold"] = 5
    # An unreachable server fails the request with a 503 (apps.core.outage) instead of hanging it.
    _options.setdefault("connect_timeout", env.positive_int("DATABASE_CONNECT_TIMEOUT", 5))
    _options["options"] = (_options.get("options", "") + " -c plan_cache_mode=force_generic_plan").strip()
    if env.bool("DATABASE_POOL", default=False):
        # The ASGI process opens a connection per request without a pool.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": 1,
            "max_size": env.positive_int("DATABASE_POOL_MAX_SIZE", 10),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the page server and a worker read while one of them writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL or SQLite")
# django-prometheus's subclasses of the same backends count connections, queries and errors
# for /metrics; code asks connection.vendor which database it is on, never the ENGINE.
# PostgreSQL's adds a health check without a round trip (apps.core.databases.postgresql).
DATABASES["default"]["ENGINE"] = {
    "django.db.backends.postgresql": "apps.core.databases.postgresql",
    "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
}[DATABASES["default"]["ENGINE"]]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# dj-stripe's own migrations rebuild hundreds of fields one by one (over a minute of
# CPU on every fresh database); ours replace them with one equivalent migration.
MIGRATION_MODULES = {"djstripe": "apps.core.djstripe_migrations"}

# --- Redis: cache, channel layer, Celery broker, rate limits --------------------------
REDIS_URL = env.url_with_scheme("REDIS_URL", ("redis", "rediss", "unix"))
CHANNEL_LAYER_MAX_CONNECTIONS = env.positive_int("CHANNEL_LAYER_MAX_CONNECTIONS", 1000)

if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis's cache, answering as a miss while Redis is unreachable (apps.core.outage).
            "BACKEND": "apps.core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="encore"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # An unreachable host (not just a refused port) must fail fast, not hang requests.
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=1.0),
                "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=2.0),
            },
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            # channels_redis's pub/sub layer, reconnecting after Redis restarts (apps.core.channel_layer).
            "BACKEND": "apps.core.channel_layer.RedisPubSubChannelLayer",
            # redis-py caps its async pool at 100 connections; more concurrent
            # handshakes would fail with HTTP 500.
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "max_connections": CHANNEL_LAYER_MAX_CONNECTIONS,
                        "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=1.0),
                    }
                ],
                "prefix": env.str("CHANNEL_LAYER_PREFIX", default="encore"),
            },
        }
    }
    # Every signed-in request reads its session: from the shared cache, the database behind
    # it. Only with a cache all processes share, or a sign-out in one process would leave
    # the session alive in another's memory.
    # cached_db, still served from the database while Redis is down (apps.core.sessions).
    SESSION_ENGINE = "apps.core.sessions"
else:
    # Django's local-memory cache, counting gets, hits and misses for /metrics.
    CACHES = {"default": {"BACKEND": "django_prometheus.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Celery -----------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
# Without a broker, background work runs inline so the embedded default needs no worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
# With tasks eager, slow ones (media processing) run on a thread so requests don't wait.
BACKGROUND_THREAD = env.bool("BACKGROUND_THREAD", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With late acks, Redis hands a task taken by a worker that died to another only after this
# long (kombu's default is an hour), and hands out again any task still running then. Longer
# than the slowest task (media processing, a few minutes; the five-minute sweep requeues one
# stuck past MEDIA_STUCK_AFTER_MINUTES, 15, itself), so a healthy task never runs twice, and
# short enough that what a killed worker held (follower notifications, payouts) comes back
# within half an hour. No task is scheduled further ahead (no countdown or ETA).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 30 * 60}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {
    # Expired stories already stopped being served; this frees their rows and files.
    "delete-expired-stories": {"task": "apps.media.tasks.delete_expired_stories", "schedule": 10 * 60},
    # Processing a killed worker left half-done starts again (or fails with a reason).
    "requeue-stuck-media": {"task": "apps.media.tasks.requeue_stuck_media", "schedule": 5 * 60},
    # Direct uploads never confirmed, and local copies of uploads a killed process left, go
    # once older than their six-hour window.
    "remove-abandoned-uploads": {"task": "apps.media.tasks.remove_abandoned_uploads", "schedule": 60 * 60},
    # A performance left live after its route (a dead phone, End never pressed) ends by itself.
    "end-stale-performances": {"task": "apps.performances.tasks.end_stale_performances", "schedule": 5 * 60},
    # Jukebox nights open (when set to) and close at their hours, within a minute.
    "open-and-close-events": {"task": "apps.venues.tasks.open_and_close_events", "schedule": 60},
    # Each supporter's month is split once, so a daily check is safe and catches a missed night.
    "split-supporter-money": {
        "task": "apps.tips.tasks.split_last_month",
        "schedule": crontab(hour=3, minute=15),
    },
    # After the split, so new shares are paid out the same morning.
    "pay-out-balances": {"task": "apps.tips.tasks.pay_out_balances", "schedule": crontab(hour=4, minute=0)},
    "retry-pending-payouts": {"task": "apps.tips.tasks.retry_pending_payouts", "schedule": 60 * 60},
    # The lists live TRENDING_CACHE_SECONDS in the cache: a missed run does not empty them.
    "compute-trending": {
        "task": "apps.curation.tasks.compute_trending",
        "schedule": 10 * 60,
        "options": {"expires": 9 * 60},
    },
    # Recomputes whole days from the raw events, so a repeated or missed run is harmless.
    "aggregate-daily-stats": {
        "task": "apps.curation.tasks.aggregate_recent_days",
        "schedule": crontab(minute=5),
    },
}

# --- auth and accounts -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
if ACCOUNT_EMAIL_VERIFICATION not in {"mandatory", "optional", "none"}:
    raise ImproperlyConfigured("ACCOUNT_EMAIL_VERIFICATION must be mandatory, optional or none")
# A short code works the same in a browser and in a mobile app.
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "apps.accounts.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "apps.accounts.adapters.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins are slowed per account and address by the adapter
    # (apps.accounts.services.record_failed_sign_in); allauth's limit locked the account.
    "login_failed": "",
    "signup": "20/m/ip",
}
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_TOKEN_STRATEGY = "apps.core.api.authentication.SessionTokens"
HEADLESS_SERVE_SPECIFICATION = True
HEADLESS_FRONTEND_URLS = {
    "account_confirm_email": f"{SITE_URL}/accounts/confirm-email/{{key}}/",
    "account_reset_password_from_key": f"{SITE_URL}/accounts/password/reset/key/{{key}}/",
    "account_signup": f"{SITE_URL}/accounts/signup/",
}

# --- email ------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
globals().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Encore <hello@encore.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- i18n ---------------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Lisbon")
USE_I18N = True
USE_TZ = True

# --- files --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.url_with_scheme("AWS_S3_ENDPOINT_URL", ("http", "https"), default="") or None
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="us-east-1")
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="") or None
AWS_QUERYSTRING_EXPIRE = env.positive_int("AWS_QUERYSTRING_EXPIRE", 300)
# Signature version 4 everywhere: every region accepts it, and some accept nothing else.
AWS_S3_SIGNATURE_VERSION = "s3v4"
AWS_DEFAULT_ACL = None
AWS_S3_FILE_OVERWRITE = False
STORAGES = {
    "default": {
        "BACKEND": (
            "storages.backends.s3.S3Storage"
            if AWS_STORAGE_BUCKET_NAME
            else "django.core.files.storage.FileSystemStorage"
        )
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads bigger than this are spooled to a temporary file rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- client addresses ---------------------------------------------------------------------
# Load balancers in front of the web processes, by address or network. Rate limits key on
# the client's address: X-Forwarded-For names it only when the socket's peer is one of
# these, since anyone reaching the server directly can write that header.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(
            f"Environment variable TRUSTED_PROXIES must list IP addresses or networks; got {_proxy!r}"
        ) from _exc
if "TRUSTED_PROXY_COUNT" in os.environ:
    # Counting hops trusted whatever a direct client wrote; fail rather than trust nobody.
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT is gone: list the load balancers' addresses in TRUSTED_PROXIES"
    )

# --- metrics ---------------------------------------------------------------------------
# /metrics answers only these client addresses (or networks), or a bearer METRICS_TOKEN;
# anyone else gets 404.
METRICS_ALLOWED_ADDRESSES = env.list("METRICS_ALLOWED_ADDRESSES", default=["127.0.0.1", "::1"])
for _allowed in METRICS_ALLOWED_ADDRESSES:
    try:
        ipaddress.ip_network(_allowed, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(
            "Environment variable METRICS_ALLOWED_ADDRESSES must list IP addresses or networks; "
            f"got {_allowed!r}"
        ) from _exc
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# The Procfile's processes keep their values in files (prometheus_client's multiprocess mode),
# each type in a folder of its own, PROMETHEUS_MULTIPROC_DIR, under one parent: /metrics adds
# up every file under that parent. Unset: one process, values in its memory.
_multiproc_dir = env.str("PROMETHEUS_MULTIPROC_DIR", default="")
METRICS_DIR = str(Path(_multiproc_dir).parent) if _multiproc_dir else ""

# --- REST API -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.core.api.authentication.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.CursorPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["apps.core.api.throttling.ApiRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.rate("API_THROTTLE_ANON", "120/min"),
        "user": env.rate("API_THROTTLE_USER", "600/min"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only; views that take files (an avatar) add multipart themselves.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Encore API",
    "DESCRIPTION": (
        "The API behind Encore's apps. Sign in through `/_allauth/app/v1/` and send the "
        "session token as `X-Session-Token`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status" or a "kind": each set of choices gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "PerformanceStatusEnum": "apps.performances.models.PerformanceStatus",
        "MediaStatusEnum": "apps.media.models.MediaStatus",
        "MediaKindEnum": "apps.media.models.MediaKind",
        "UploadKindEnum": "apps.media.api.serializers.UPLOAD_KINDS",
        "EventStatusEnum": "apps.venues.models.EventStatus",
        "QueueEntryStatusEnum": "apps.venues.models.EntryStatus",
        "TipStatusEnum": "apps.tips.models.TipStatus",
        "TrendingKindEnum": "apps.curation.trending.KINDS",
    },
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api.schema.add_error_responses",
    ],
}

# --- security headers ----------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The map's tile server (MAP_TILE_URL, from apps.performances.conf) serves its images.
_tile_origin = "/".join(MAP_TILE_URL.split("/")[:3]) if "://" in MAP_TILE_URL else ""
# Media on S3 is loaded from presigned URLs on the bucket's own origin.
if AWS_S3_ENDPOINT_URL:
    _media_origins = ["/".join(AWS_S3_ENDPOINT_URL.split("/")[:3])]
elif AWS_STORAGE_BUCKET_NAME:
    _media_origins = [
        f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com",
        f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{AWS_S3_REGION_NAME}.amazonaws.com",
    ]
else:
    _media_origins = []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # Leaflet and the admin position elements with style attributes; scripts stay strict.
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:", *([_tile_origin] if _tile_origin else []), *_media_origins],
        "media-src": [SELF, "blob:", *_media_origins],
        "connect-src": [SELF, "ws:", "wss:"],
        "font-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- logging ------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOG_FORMAT = env.str("LOG_FORMAT", default="console")
if LOG_FORMAT not in {"json", "console"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or console")
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# One line per request (request_finished, with the status); request_started only at DEBUG.
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False  # apps.core.request_logging binds the client address
# Lines from libraries that log through the standard library get the same fields.
_FOREIGN_PRE_CHAIN = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.ExtraAdder(),
    structlog.processors.TimeStamper(fmt="iso"),
]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processor": structlog.processors.JSONRenderer(),
            # A library's logger.exception() hands over its exc_info tuple: render it as the
            # same "exception" text Encore's own lines carry, not the traceback object's repr.
            "foreign_pre_chain": [*_FOREIGN_PRE_CHAIN, structlog.processors.format_exc_info],
        },
        "console": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processor": structlog.dev.ConsoleRenderer(colors=False),
            "foreign_pre_chain": _FOREIGN_PRE_CHAIN,
        },
    },
    "handlers": {"default": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["default"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
    },
}

structlog.configure(
    # Events below their logger's level are dropped first: merging the request's context
    # walks every context variable of the thread (about a hundred), twice a request.
    processors=[
        structlog.stdlib.filter_by_level,
        structlog.contextvars.merge_contextvars,
        structlog.processors.TimeStamper(fmt="iso"),
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
        structlog.processors.UnicodeDecoder(),
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    cache_logger_on_first_use=True,
)
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True  # RequestIdMiddleware has vetted it

# --- Stripe -------------------------------------------------------------------------
STRIPE_LIVE_MODE = env.bool("STRIPE_LIVE_MODE", default=False)
STRIPE_TEST_SECRET_KEY = env.str("STRIPE_TEST_SECRET_KEY", default="")
STRIPE_LIVE_SECRET_KEY = env.str("STRIPE_LIVE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
DJSTRIPE_WEBHOOK_SECRET = env.str("DJSTRIPE_WEBHOOK_SECRET", default="")
# Stripe.js must be loaded from Stripe's own host (it cannot be bundled with the site).
STRIPE_JS_URL = env.str("STRIPE_JS_URL", default="https://js.stripe.com/v3/")
DJSTRIPE_FOREIGN_KEY_TO_FIELD = "id"
DJSTRIPE_USE_NATIVE_JSONFIELD = True

# --- demo data ------------------------------------------------------------------------
# `manage.py load_demo` calls each app's loader in this order (lower layers first, since the
# later ones build on their rows); a loader returns the (role, email) of accounts it made.
DEMO_LOADERS = [
    "apps.places.demo.load",
    "apps.accounts.demo.load",
    "apps.performances.demo.load",
    "apps.media.demo.load",
    "apps.tips.demo.load",
    "apps.venues.demo.load",
    "apps.curation.demo.load",
]
DEMO_PASSWORD = "encore-demo-2026"  # noqa: S105 - printed for everyone by `make run`
