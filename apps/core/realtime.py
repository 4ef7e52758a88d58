"""Sending live updates: after commit, numbered per group, serialized once.

Every message a group receives carries ``seq``, one more than the last. A client that
sees a gap, or reconnects, asks for a fresh snapshot (which carries the current seq).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import transaction

from .counters import increment


def _seq_key(group: str) -> str:
    return f"realtime:seq:{group}"


def current_seq(group: str) -> int:
    return int(cache.get(_seq_key(group)) or 0)


def current_seqs(groups: Iterable[str]) -> dict[str, int]:
    """current_seq of each group, in one cache read."""
    groups = list(groups)
    found = cache.get_many([_seq_key(group) for group in groups])
    return {group: int(found.get(_seq_key(group)) or 0) for group in groups}


def next_seq(group: str) -> int:
    return increment(_seq_key(group))


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

    async def send_all() -> None:
        layer = get_channel_layer()
        for group, text in texts:
            await layer.group_send(group, {"type": "relay", "text": text})

    # One event loop for all of them: from sync code each async_to_sync call starts a loop
    # and the channel layer a connection with it.
    async_to_sync(send_all)()


def broadcast(groups: str | Iterable[str], event_type: str, payload: dict[str, Any]) -> None:
    """Send after the current transaction commits, so a rolled-back write sends nothing."""
    groups = [groups] if isinstance(groups, str) else list(groups)
    transaction.on_commit(lambda: send_now(groups, event_type, payload))
