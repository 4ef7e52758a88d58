"""Production: PostgreSQL, Redis, S3-compatible storage, HTTPS behind a load balancer."""

from django.core.exceptions import ImproperlyConfigured

from apps.core.env import env

from .base import *  # noqa: F403
from .base import AWS_STORAGE_BUCKET_NAME, INSECURE_DEFAULT_SECRET_KEY, REDIS_URL, SECRET_KEY, STORAGES

DEBUG = False
if SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random value of 50+ characters")

# The Procfile's processes (web, ws, worker, beat) share live updates and tasks through
# Redis and files through the bucket. Without them each process would quietly fall back to
# its own memory and disk: updates that never reach the sockets, uploads the worker cannot
# read. A site served by one process alone says so, and keeps those fallbacks.
ENCORE_SINGLE_PROCESS = env.bool("ENCORE_SINGLE_PROCESS", default=False)
_missing = []
if not env.str("SITE_URL", default=""):
    _missing.append("SITE_URL (the public address, for links in emails and QR codes)")
if not ENCORE_SINGLE_PROCESS:
    if not REDIS_URL:
        _missing.append("REDIS_URL (live updates, tasks, cache and sessions shared by the processes)")
    if not AWS_STORAGE_BUCKET_NAME:
        _missing.append("AWS_STORAGE_BUCKET_NAME (uploads every process can read)")
if _missing:
    raise ImproperlyConfigured(
        "Production needs " + "; ".join(_missing) + ". A site served by one process alone may set "
        "ENCORE_SINGLE_PROCESS=true instead of REDIS_URL and AWS_STORAGE_BUCKET_NAME."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
LOG_FORMAT = "json"
LOGGING = {**LOGGING}  # noqa: F405
LOGGING["handlers"] = {"default": {"class": "logging.StreamHandler", "formatter": "json"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Errors go to Sentry, or any service that takes its envelopes, only when SENTRY_DSN is set.
# The worker loads these settings too, so its tasks report the same way.
SENTRY_DSN = env.url_with_scheme("SENTRY_DSN", ("http", "https"), default="")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if not 0 <= SENTRY_TRACES_SAMPLE_RATE <= 1:
    raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE must be between 0 and 1")
if SENTRY_DSN:
    from apps.core.error_reporting import init_error_reporting

    init_error_reporting(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default=""),
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    )
