"""Settings come from the environment, strictly; none at all gives the embedded default."""

import importlib
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", tempfile.gettempdir()), **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def production_env(**extra: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "encore.example.com",
        "SITE_URL": "https://encore.example.com",
        "REDIS_URL": "redis://127.0.0.1:6390/0",
        "AWS_STORAGE_BUCKET_NAME": "encore-media",
        **extra,
    }


# The database and cache by what they are, not by class path: django-prometheus wraps both.
PRINT_DEFAULTS = (
    "from django.conf import settings as s; from django.db import connection; "
    "from django.core.cache import caches; from django.core.cache.backends.locmem import LocMemCache; "
    "print(connection.vendor, s.CHANNEL_LAYERS['default']['BACKEND'], "
    "'locmem' if isinstance(caches['default'], LocMemCache) else 'other', s.STORAGES['default']['BACKEND'], "
    "s.CELERY_TASK_ALWAYS_EAGER, s.SESSION_ENGINE)"
)


@pytest.mark.slow
def test_no_environment_at_all_gives_the_embedded_default():
    result = run_manage("shell", "-v", "0", "-c", PRINT_DEFAULTS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "sqlite",
        "channels.layers.InMemoryChannelLayer",
        "locmem",
        "django.core.files.storage.FileSystemStorage",
        "True",
        "django.contrib.sessions.backends.db",
    ]


@pytest.mark.slow
def test_redis_url_switches_cache_channel_layer_broker_and_sessions_to_the_shared_cache():
    code = (
        "from django.conf import settings as s; "
        "print(s.CHANNEL_LAYERS['default']['BACKEND'], s.CACHES['default']['BACKEND'], "
        "s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER, "
        "s.CHANNEL_LAYERS['default']['CONFIG']['hosts'][0]['max_connections'], s.SESSION_ENGINE)"
    )
    result = run_manage("shell", "-v", "0", "-c", code, REDIS_URL="redis://127.0.0.1:6390/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        # channels_redis's and django-redis's, which reconnect and answer as a miss while Redis
        # is down, and cached_db sessions that fall back to the database (apps.core.outage).
        "apps.core.channel_layer.RedisPubSubChannelLayer",
        "apps.core.cache.RedisCache",
        "redis://127.0.0.1:6390/0",
        "False",
        "1000",
        "apps.core.sessions",
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DJANGO_DEBUG", "maybe"),
        ("REDIS_URL", "localhost:6379"),
        ("DATABASE_URL", "mysql://root@localhost/encore"),
        ("CHANNEL_LAYER_MAX_CONNECTIONS", "-5"),
        ("API_THROTTLE_ANON", ""),
        # Product settings, read in the apps' conf.py.
        ("TIP_MIN_AMOUNT", "0"),
        ("EVENT_QUEUE_COALESCE_SECONDS", "2"),
        ("TRENDING_HALF_LIFE_HOURS", "soon"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(variable: str, value: str):
    result = run_manage("check", **{variable: value})
    assert result.returncode != 0
    assert variable in result.stderr or "DATABASE_URL" in result.stderr


@pytest.mark.slow
def test_production_refuses_the_embedded_secret_key():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="config.settings.production")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.slow
def test_production_settings_pass_check_deploy_with_warnings_as_failures():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_apps_product_settings_are_read_into_the_settings():
    # An app's conf.py that base.py does not import would leave its names unset.
    confs = sorted((ROOT / "apps").glob("*/conf.py"))
    assert confs, "no apps/<app>/conf.py found; has the settings layout changed?"
    missing = [
        f"{path.parent.name}.{name}"
        for path in confs
        for name in dir(importlib.import_module(f"apps.{path.parent.name}.conf"))
        if name.isupper() and not hasattr(settings, name)
    ]
    assert not missing, f"Import these apps' conf.py in config/settings/base.py: {missing}"


def test_product_settings_import_no_app_but_core():
    # base.py imports them while Django is not set up yet, and apps must not import config.
    for path in (ROOT / "apps").glob("*/conf.py"):
        for line in path.read_text().splitlines():
            if line.startswith(("from apps.", "import apps.")):
                assert line == "from apps.core.env import env", f"{path}: {line}"
