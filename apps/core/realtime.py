"""Sending live updates: after commit, numbered per group, serialized once.

Every message a group receives carries ``seq``, one more than the last. A client that
sees a gap, or reconnects, asks for a fresh snapshot (which carries the current seq).

The numbers live in the cache, which can lose them (Redis restarted empty, flushed, failed
over, or the key evicted). A group's counter therefore starts at the moment it is created,
in microseconds, not at 0: a counter made again starts above every number the lost one gave,
so clients see a gap and take a fresh snapshot, rather than dropping each new message as one
they already have. The numbers stay below 2**53, exact as JavaScript numbers, until 2255.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

import orjson
import structlog
from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.core.cache import cache
from django.db import transaction

from .counters import increment
from .metrics import LIVE_UPDATES_NOT_SENT, LIVE_UPDATES_SENT
from .outage import REDIS_ERRORS
from .threads import PerProcess

SEND_TIMEOUT_SECONDS = 5

logger = structlog.get_logger(__name__)
# Sends that failed, by message type: per process, so they survive losing Redis.
_failures: Counter[str] = Counter()
_failures_lock = threading.Lock()


class _Sender:
    """One event loop per process, on its own thread, that sends to the channel layer.

    From sync code (a web request, a task) async_to_sync would start a new loop for every
    send, and the layer a new Redis connection with it: several milliseconds per message.
    This loop lives as long as the process, and so does its connection.
    """

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="encore-realtime", daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(SEND_TIMEOUT_SECONDS)


_sender = PerProcess(_Sender)


def _seq_key(group: str) -> str:
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
    keys = {group: _seq_key(group) for group in groups}
    found = cache.get_many(list(keys.values()))
    missing = [key for key in keys.values() if key not in found]
    if missing:
        start = _now_start()
        for key in missing:
            cache.add(key, start, timeout=None)
        found.update(cache.get_many(missing))
    return {group: int(found.get(key) or 0) for group, key in keys.items()}


def next_seq(group: str) -> int:
    return increment(_seq_key(group), start=_now_start())


def layer_in_process() -> bool:
    """Whether the channel layer lives in this process (the embedded default, tests): its
    queues belong to the sockets' event loop, which a request reaches and a thread of its
    own does not."""
    return isinstance(get_channel_layer(), InMemoryChannelLayer)


def send_now(groups: str | Iterable[str], event_type: str, payload: dict[str, Any]) -> None:
    """Send to one or more groups at once; use ``broadcast`` from inside a write."""
    groups = [groups] if isinstance(groups, str) else list(groups)
    # A socket may watch several groups (map cells): each message says which one it counts
    # in. Each is serialized here, once, rather than once by each socket of its group.
    texts = [
        (
            group,
            orjson.dumps({"type": event_type, "group": group, "seq": next_seq(group), **payload}).decode(),
        )
        for group in groups
    ]

    layer = get_channel_layer()

    async def send_all() -> None:
        for group, text in texts:
            try:
                await layer.group_send(group, {"type": "relay", "text": text})
            except REDIS_ERRORS:
                # After Redis restarts, the first use of a pooled connection finds it dead
                # (and drops it): once more on a fresh one. Still down, and it is raised.
                await layer.group_send(group, {"type": "relay", "text": text})

    if isinstance(layer, InMemoryChannelLayer):
        # Its queues belong to the event loop the sockets run on (tests, the embedded
        # default): send from there, as async_to_sync does.
        async_to_sync(send_all)()
    else:
        _sender.get().run(send_all())
    LIVE_UPDATES_SENT.labels(type=event_type).inc()


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


def broadcast(groups: str | Iterable[str], event_type: str, payload: dict[str, Any]) -> None:
    """Send after the current transaction commits (see ``after_commit``)."""
    groups = [groups] if isinstance(groups, str) else list(groups)
    after_commit(lambda: send_now(groups, event_type, payload), groups, event_type)
