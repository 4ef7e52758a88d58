"""The Redis cache, which answers as a miss while Redis is unreachable.

Most of what the cache holds is a speed-up (nearby answers, trending lists, sessions,
counts): losing Redis must slow those requests, not fail them. Code that needs Redis to be
correct runs under ``apps.core.outage.requires_redis()``, where the same cache raises and the
request answers 503 (see apps.core.outage for the rule).
"""

from __future__ import annotations

import logging
import time

# django-prometheus's django-redis cache: the same class, counting gets, hits and misses.
from django_prometheus.cache.backends.redis import RedisCache as BaseRedisCache

from . import outage

# One line with the traceback per this many seconds, not one per cache call of every request.
LOG_EVERY_SECONDS = 10
_logger = logging.getLogger(__name__)


class RedisCache(BaseRedisCache):
    _last_logged = 0.0

    @property
    def _ignore_exceptions(self) -> bool:
        return not outage.redis_required()

    @_ignore_exceptions.setter
    def _ignore_exceptions(self, value: bool) -> None:
        # Set from IGNORE_EXCEPTIONS by django-redis; the rule above decides instead.
        pass

    @property
    def _log_ignored_exceptions(self) -> bool:
        now = time.monotonic()
        if now - RedisCache._last_logged < LOG_EVERY_SECONDS:
            return False
        RedisCache._last_logged = now
        return True

    @_log_ignored_exceptions.setter
    def _log_ignored_exceptions(self, value: bool) -> None:
        pass

    @property
    def logger(self) -> logging.Logger:
        return _logger

    @logger.setter
    def logger(self, value: logging.Logger | None) -> None:
        pass
