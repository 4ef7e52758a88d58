"""Test settings: the real components, made fast by configuration."""

import os
import tempfile
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import CACHES, CHANNEL_LAYERS, DATABASES, LOGGING, REDIS_URL, REST_FRAMEWORK

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Socket and live-server threads must not hold connections past a test, or the test
# database cannot be dropped at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"].endswith(".sqlite3"):
    # In memory, as Django makes it for SQLite: pytest-django knows SQLite only by the stock
    # ENGINE, and would give each xdist worker a file named after the development database.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="encore-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = True
BACKGROUND_THREAD = False
# Queue snapshots go out at once; the coalescing has its own tests.
EVENT_QUEUE_COALESCE_SECONDS = 0
LOG_LEVEL = "WARNING"
LOGGING = {**LOGGING, "root": {"handlers": ["default"], "level": LOG_LEVEL}}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"

# Each xdist worker gets a Redis database of its own and a prefix for this run, so
# parallel workers never see each other's keys and nothing needs flushing.
if REDIS_URL:
    _worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    _db = 1 + int(_worker or 0) % 15
    TEST_REDIS_URL = urlunsplit(urlsplit(REDIS_URL)._replace(path=f"/{_db}"))
    # A server process a test starts shares the test's prefix (TEST_KEY_PREFIX).
    _prefix = os.environ.get("TEST_KEY_PREFIX") or f"encore-test-{os.getpid()}"
    CACHES["default"]["LOCATION"] = TEST_REDIS_URL
    CACHES["default"]["KEY_PREFIX"] = _prefix
    CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] = [{"address": TEST_REDIS_URL, "max_connections": 200}]
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = _prefix
    CELERY_BROKER_URL = TEST_REDIS_URL
else:
    CELERY_BROKER_URL = "memory://"

# Throttling has its own tests; elsewhere it would make the suite order-dependent.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min"},
}

# Static files come from the finders in tests; there is no collected folder.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
