"""A sliding-window rate limit kept in the cache, in one round trip to Redis.

The count of the current fixed window plus the previous window's count, weighted by how
much of it still overlaps the sliding window, estimates the requests in the last
`window` seconds (the approach most large rate limiters use). It costs two small
counters per client, where a log of timestamps grows with the rate.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache

from . import outage
from .counters import decoded, increment, raw_keys, redis_client, round_trip


def _counts(
    current_key: str, previous_key: str, window: int, names: Sequence[str] = ()
) -> tuple[int, int, list[Any]]:
    """Count one request in the current window; return (current, previous) counts, and the
    cache's values at `names` (None for a missing one), read in the same round trip."""
    redis = redis_client()
    if redis is not None:
        current_key, previous_key = raw_keys([current_key, previous_key])
        commands: list[tuple] = [
            ("INCR", current_key),
            ("EXPIRE", current_key, 2 * window),
            ("GET", previous_key),
        ]
        if names:
            commands.append(("MGET", *raw_keys(names)))
        current, _, previous, *found = round_trip(redis, *commands)
        values = decoded(found[0]) if names else []
        return int(current), int(previous or 0), values
    counted = increment(current_key, timeout=2 * window), int(cache.get(previous_key) or 0)
    found = cache.get_many(names) if names else {}
    return *counted, [found.get(name) for name in names]


def hit(name: str, limit: int, window: int, *, now: float | None = None) -> float | None:
    """Count a request against `limit` per `window` seconds for `name`.

    Returns None when it is allowed, or the seconds to wait; a refused request does not
    count against the client. Raises outage.Unavailable while Redis is unreachable: whether
    to refuse or let the request through then is each caller's choice.
    """
    with outage.requires_redis():
        return _hit(name, limit, window, now)[0]


def hit_reading(
    name: str, limit: int, window: int, names: Sequence[str], *, now: float | None = None
) -> tuple[float | None, list[Any]]:
    """hit(), and the cache's values at `names` (None for a missing one) read in the same
    round trip to Redis: a request whose answer is cached costs one round trip, not two."""
    with outage.requires_redis():
        return _hit(name, limit, window, now, names)


def waiting(name: str, limit: int, window: int, *, now: float | None = None) -> float | None:
    """The seconds to wait before `name` may count another request (None: it may now),
    without counting one. Raises outage.Unavailable while Redis is unreachable."""
    keys, into = _windows(name, window, now)
    with outage.requires_redis():
        found = cache.get_many(keys)
    current, previous = (int(found.get(key) or 0) for key in keys)
    return _wait(current + 1, previous, limit, window, into)


def _hit(
    name: str, limit: int, window: int, now: float | None, names: Sequence[str] = ()
) -> tuple[float | None, list[Any]]:
    (current_key, previous_key), into = _windows(name, window, now)
    current, previous, values = _counts(current_key, previous_key, window, names)
    wait = _wait(current, previous, limit, window, into)
    if wait is not None:
        with contextlib.suppress(ValueError):  # the key expired meanwhile
            cache.decr(current_key)
    return wait, values


def _windows(name: str, window: int, now: float | None) -> tuple[list[str], float]:
    """The keys of the current and the previous window's counts, and the seconds into the current."""
    now = time.time() if now is None else now
    number = int(now // window)
    return [f"ratelimit:{name}:{number}", f"ratelimit:{name}:{number - 1}"], now - number * window


def _wait(current: int, previous: int, limit: int, window: int, into: float) -> float | None:
    """With `current` requests in this window (the one asked about included), the wait."""
    overlap = (window - into) / window
    if previous * overlap + current <= limit:
        return None
    if current > limit:
        # Full in this window alone: it frees up as this window ends.
        return max(window - into, 1.0)
    # The previous window's share fades linearly; wait until it has faded enough.
    fade = window - into - (limit - current) * window / previous
    return max(math.ceil(fade), 1.0)
