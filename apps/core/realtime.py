"""Sending live updates: after commit, numbered per group, serialized once.

Every update counts in each group it is sent to: its ``seq`` there is one more than the
group's last. A socket gets an update once, with every group's number for it (``seqs``, or
``group`` and ``seq`` when it went to one group). A client that sees a gap in a group it
watches, or reconnects, asks for a fresh snapshot (which carries the current numbers).

The numbers live in the cache, which can lose them (Redis restarted empty, flushed, failed
over, or the key evicted). A group's counter therefore starts at the moment it is created,
in microseconds, not at 0: a counter made again starts above every number the lost one gave,
so clients see a gap and take a fresh snapshot, rather than dropping each new message as one
they already have. The numbers stay below 2**53, exact as JavaScript numbers, until 2255.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import orjson
import structlog
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.core.cache import cache
from django.db import transaction

from .counters import increment, increment_many
from .hub import deliver_in_process
from .metrics import LIVE_UPDATES_NOT_SENT, LIVE_UPDATES_SENT
from .outage import REDIS_ERRORS

logger = structlog.get_logger(__name__)
# Sends that failed, by message type: per process, so they survive losing Redis.
_failures: Counter[str] = Counter()
_failures_lock = threading.Lock()


def seq_key(group: str) -> str:
    return f"realtime:seq:{group}"


def _now_start() -> int:
    return time.time_ns() // 1000


def current_seq(group: str) -> int:
    return current_seqs([group])[group]


def current_seqs(groups: Iterable[str]) -> dict[str, int]:
    """current_seq of each group, in one cache read when every counter exists.

    A missing counter is made here, at its start: a snapshot then carries the number the next
    message follows, so a group's first message is no gap for the sockets that watch it.
    """
    groups = list(groups)
    keys = {group: seq_key(group) for group in groups}
    found = cache.get_many(list(keys.values()))
    missing = [key for key in keys.values() if key not in found]
    if missing:
        start = _now_start()
        for key in missing:
            cache.add(key, start, timeout=None)
        found.update(cache.get_many(missing))
    return {group: int(found.get(key) or 0) for group, key in keys.items()}


def next_seq(group: str) -> int:
    return increment(seq_key(group), start=_now_start())


def layer_in_process() -> bool:
    """Whether live updates stay in this process (the embedded default, tests: the in-memory
    layer), where a sender hands them to the sockets' hubs directly, rather than through Redis
    to other processes."""
    return isinstance(get_channel_layer(), InMemoryChannelLayer)


def send_now(
    groups: str | Iterable[str],
    event_type: str,
    payload: dict[str, Any],
    *,
    also_increment: Iterable[str] = (),
) -> None:
    """Send one update to one or more groups at once; use ``broadcast`` from inside a write.

    Each socket gets the update once, however many of its groups it watches (apps.core.hub).
    An update to one group carries that ``group`` and its ``seq``; an update to several carries
    ``seqs``, each group's number for it, as the snapshot of a socket watching several groups
    does. The numbers, and the counters in ``also_increment`` (such as the versions of cached
    answers the change retires), are incremented in one round trip to Redis.
    """
    groups = list(dict.fromkeys([groups] if isinstance(groups, str) else groups))
    start = _now_start()
    starts = {seq_key(group): start for group in groups}
    counted = increment_many({**starts, **dict.fromkeys(also_increment, 0)})
    if len(groups) == 1:
        numbers: dict[str, Any] = {"group": groups[0], "seq": counted[seq_key(groups[0])]}
    else:
        numbers = {"seqs": {group: counted[seq_key(group)] for group in groups}}
    # Serialized here, once, rather than once by each socket that gets it.
    text = orjson.dumps({"type": event_type, **numbers, **payload}).decode()
    _publish(groups, {"type": "relay", "id": secrets.token_hex(8), "groups": groups, "text": text})
    LIVE_UPDATES_SENT.labels(type=event_type).inc()


def _publish(groups: list[str], message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if isinstance(layer, InMemoryChannelLayer):
        # One process (tests, the embedded default): straight to its hubs.
        deliver_in_process(message)
        return
    try:
        layer.publish(groups, message)
    except REDIS_ERRORS:
        # After Redis restarts, the first use of a pooled connection finds it dead (and
        # drops it): once more on a fresh one. Still down, and it is raised.
        layer.publish(groups, message)


def send_failed(groups: str | Iterable[str], event_type: str, **context: Any) -> None:
    """Log the exception being handled as a live update that did not go out, and count it."""
    groups = [groups] if isinstance(groups, str) else list(groups)
    with _failures_lock:
        _failures[event_type] += 1
    LIVE_UPDATES_NOT_SENT.labels(type=event_type).inc()
    logger.exception("live_update_not_sent", groups=groups, event_type=event_type, **context)


def failed_sends() -> dict[str, int]:
    """Live updates this process could not send, by type, since it started."""
    with _failures_lock:
        return dict(_failures)


def after_commit(send: Callable[[], None], groups: str | Iterable[str], event_type: str) -> None:
    """Call ``send`` once the current transaction commits, so a rolled-back write sends nothing.

    By then the write is stored: a failure to send is logged and counted, never raised into
    the request or task, and the callbacks registered after this one still run.
    """
    groups = [groups] if isinstance(groups, str) else list(groups)

    def send_or_log() -> None:
        try:
            send()
        except Exception:  # noqa: BLE001 - the channel layer (Redis) can fail in many ways
            send_failed(groups, event_type)

    transaction.on_commit(send_or_log)


def ask_to_recheck(groups: Iterable[str]) -> None:
    """After commit, have every socket watching these groups check again that it may (say, a
    performance was hidden); one that may not is closed."""
    groups = list(groups)
    if groups:
        message = {"type": "recheck", "id": secrets.token_hex(8), "groups": groups}
        after_commit(lambda: _publish(groups, message), groups, "recheck")


def broadcast(
    groups: str | Iterable[str],
    event_type: str,
    payload: dict[str, Any],
    *,
    also_increment: Iterable[str] = (),
) -> None:
    """Send after the current transaction commits (see ``after_commit`` and ``send_now``)."""
    groups = [groups] if isinstance(groups, str) else list(groups)
    also_increment = list(also_increment)
    after_commit(
        lambda: send_now(groups, event_type, payload, also_increment=also_increment), groups, event_type
    )
