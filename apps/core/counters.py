"""Counters kept in the cache (sequence numbers, versions, presence, rate limits)."""

from __future__ import annotations

from django.core.cache import cache


def increment(key: str, delta: int = 1, *, timeout: int | None = None, start: int = 0) -> int:
    """Add `delta` to the counter at `key`, creating it at `start`; return the new value.

    A key evicted or expired between creating and adding starts again from `start + delta`.
    """
    cache.add(key, start, timeout=timeout)
    try:
        value = cache.incr(key, delta)
    except ValueError:
        cache.set(key, start + delta, timeout=timeout)
        return start + delta
    # None: Redis was unreachable and the cache let it pass (apps.core.cache), as if the
    # counter had just been made.
    return start + delta if value is None else value
