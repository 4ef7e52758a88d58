"""Counters kept in the cache (sequence numbers, versions, presence, rate limits)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.cache import cache, caches

from . import outage


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


def redis_client() -> Any:
    """The raw Redis client behind the default cache, or None for other backends."""
    client = getattr(cache, "client", None)
    get_client = getattr(client, "get_client", None)
    return get_client(write=True) if get_client is not None else None


def increment_many(starts: dict[str, int]) -> dict[str, int]:
    """Add 1 to each counter (never expiring), creating each at its start; return the new values.

    On Redis this is one round trip, and one transaction: a reader of several of these
    counters at once (``cache.get_many``) sees all of them incremented or none.
    """
    redis = redis_client()
    if redis is None:
        return {key: increment(key, start=start) for key, start in starts.items()}
    commands: list[tuple] = [("MULTI",)]
    for key, start in zip(raw_keys(list(starts)), starts.values(), strict=True):
        commands += [("SET", key, start, "NX"), ("INCR", key)]
    try:
        *_, replies = round_trip(redis, *commands, ("EXEC",))
        failed = next((reply for reply in replies if isinstance(reply, Exception)), None)
        if failed is not None:
            raise failed
        values = replies[1::2]
    except outage.REDIS_ERRORS:
        if outage.redis_required():
            raise
        # As increment does while Redis is away: as if each counter had just been made.
        return {key: start + 1 for key, start in starts.items()}
    return {key: int(value) for key, value in zip(starts, values, strict=True)}


def raw_keys(names: Sequence[str]) -> list[str]:
    """`names` as the default cache keys them in Redis, for commands sent to it directly. The
    cache's make_key also checks each key, which cost more than the read for a few dozen."""
    backend = caches["default"]  # `cache` would look it up again for every attribute
    make, prefix, version = backend.key_func, backend.key_prefix, backend.version
    return [make(name, prefix, version) for name in names]


def decoded(values: Sequence[Any]) -> list[Any]:
    """Redis's replies to a direct read as the default cache would answer (None: missing)."""
    decode = caches["default"].client.decode
    return [None if value is None else decode(value) for value in values]


def round_trip(redis: Any, *commands: Sequence[Any]) -> list[Any]:
    """Each command's reply, the commands written at once and their replies read in order:
    one round trip, as a pipeline makes it, without the pipeline's bookkeeping, which cost
    as much as the trip itself for the rate limit's few small commands. An error reply
    raises, as redis-py's own calls do."""
    pool = redis.connection_pool
    connection = pool.get_connection()
    try:
        connection.send_packed_command(connection.pack_commands(commands), check_health=False)
        return [connection.read_response() for _ in commands]
    except BaseException:
        # Replies may be left unread on it: it must not answer the next caller's commands.
        connection.disconnect()
        raise
    finally:
        pool.release(connection)
