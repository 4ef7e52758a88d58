"""Sending live updates: after commit, numbered per group, serialized once.

Every message a group receives carries ``seq``, one more than the last. A client that
sees a gap, or reconnects, asks for a fresh snapshot (which carries the current seq).
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import transaction


def _seq_key(group: str) -> str:
    return f"realtime:seq:{group}"


def current_seq(group: str) -> int:
    return int(cache.get(_seq_key(group)) or 0)


def next_seq(group: str) -> int:
    key = _seq_key(group)
    cache.add(key, 0, timeout=None)
    try:
        return cache.incr(key)
    except ValueError:
        # The key was evicted between add and incr; start again from one.
        cache.set(key, 1, timeout=None)
        return 1


def send_now(group: str, event_type: str, payload: dict[str, Any]) -> None:
    """Send to a group at once; use ``broadcast`` from inside a write."""
    # A socket may watch several groups (map cells): each message says which one it counts in.
    message = {"type": event_type, "group": group, "seq": next_seq(group), **payload}
    # Channels routes to the handler named after the type: "notification.created"
    # calls ``notification_created``; the message itself is what the client gets.
    async_to_sync(get_channel_layer().group_send)(group, {"type": "relay", "message": message})


def broadcast(group: str, event_type: str, payload: dict[str, Any]) -> None:
    """Send after the current transaction commits, so a rolled-back write sends nothing."""
    transaction.on_commit(lambda: send_now(group, event_type, payload))
