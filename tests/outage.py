"""Settings that put the cache, channel layer and sessions on a test's own Redis, as in production."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import caches
from django.test import override_settings

from tests.private_servers import PrivateRedis, private_redis


def redis_settings(url: str) -> dict:
    return {
        "CACHES": {
            "default": {
                "BACKEND": "apps.core.cache.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "outage",
                "OPTIONS": {
                    "CLIENT_CLASS": "django_redis.client.DefaultClient",
                    "SOCKET_CONNECT_TIMEOUT": 1,
                    "SOCKET_TIMEOUT": 2,
                },
            }
        },
        "CHANNEL_LAYERS": {
            "default": {
                "BACKEND": "apps.core.channel_layer.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [{"address": url, "socket_connect_timeout": 1}], "prefix": "outage"},
            }
        },
        "SESSION_ENGINE": "apps.core.sessions",
    }


@contextmanager
def site_on_private_redis() -> Iterator[PrivateRedis]:
    """A started private Redis that the site uses for everything until the block ends."""
    with private_redis() as server, override_settings(**redis_settings(server.url)):
        try:
            yield server
        finally:
            # django-redis keeps connection pools per process, by address: drop this one's.
            caches.close_all()
