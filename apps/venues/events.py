"""Live updates of an event, on the group ``event.<id>``: ``queue.updated`` and ``track.started``.

Votes can arrive many per second; every socket of an event needs the same queue. So a
change does not send a message of its own: it asks for a queue snapshot. The first change
after a quiet spell is sent at once; changes within ``EVENT_QUEUE_COALESCE_SECONDS`` of a
send are gathered into one more send at the end of that window (across processes,
through the cache). Each snapshot is serialized once for all sockets.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connections, transaction

from apps.core.realtime import current_seq, send_now

QUEUE_LENGTH = 50
HISTORY_LENGTH = 5


def event_group(event_id: int) -> str:
    return f"event.{event_id}"


ENTRY_FIELDS = (
    "id",
    "votes",
    "status",
    "started_at",
    "track_id",
    "track__title",
    "track__duration",
    "track__thumbnail",
    "track__artist__slug",
    "track__artist__stage_name",
)


def _url(name: str) -> str | None:
    return default_storage.url(name) if name else None


def _entry(
    row: dict[str, Any], *, with_stream: bool = False, stream_url: str | None = None
) -> dict[str, Any]:
    data = {
        "id": row["id"],
        "track": {
            "id": row["track_id"],
            "title": row["track__title"],
            "artist": {"slug": row["track__artist__slug"], "stage_name": row["track__artist__stage_name"]},
            "duration": row["track__duration"],
            "thumbnail_url": _url(row["track__thumbnail"]),
        },
        "votes": row["votes"],
        "status": row["status"],
    }
    if with_stream:
        data["track"]["stream_url"] = stream_url
        data["started_at"] = row["started_at"].isoformat() if row["started_at"] else None
    return data


def queue_state(event_id: int) -> dict[str, Any]:
    """Now playing, the queue in order and the last few played: what every client shows.

    Read as plain rows (``values()``), not model instances: it is built for every change.
    """
    from apps.media.models import Track

    from .models import Event, QueueEntry
    from .providers import provider_for

    status = Event.objects.filter(pk=event_id).values_list("status", flat=True).first()
    entries = QueueEntry.objects.filter(event_id=event_id)
    playing = entries.playing().values(*ENTRY_FIELDS).first()
    now_playing = None
    if playing:
        # The player's address comes from the music provider, whoever serves the audio.
        event = Event(pk=event_id)
        track = Track.objects.get(pk=playing["track_id"])
        now_playing = _entry(
            playing, with_stream=True, stream_url=provider_for(event).stream_url(track) or None
        )
    return {
        "event": {"id": event_id, "status": status},
        "now_playing": now_playing,
        "queue": [_entry(row) for row in entries.queued().values(*ENTRY_FIELDS)[:QUEUE_LENGTH]],
        "history": [_entry(row) for row in entries.history().values(*ENTRY_FIELDS)[:HISTORY_LENGTH]],
    }


def snapshot(event_id: int) -> dict[str, Any]:
    return {"type": "snapshot", "seq": current_seq(event_group(event_id)), **queue_state(event_id)}


def send_queue(event_id: int) -> None:
    send_now(event_group(event_id), "queue.updated", queue_state(event_id))


def _keys(event_id: int) -> tuple[str, str]:
    return f"venues:queue-sent:{event_id}", f"venues:queue-pending:{event_id}"


def _send_trailing(event_id: int) -> None:
    sent, pending = _keys(event_id)
    try:
        # Released before reading: a change after this read asks for the next snapshot.
        cache.delete(pending)
        cache.set(sent, 1, timeout=settings.EVENT_QUEUE_COALESCE_SECONDS)
        send_queue(event_id)
    finally:
        # A timer's thread ends here: its database connection must not outlive it.
        connections.close_all()


def _request_snapshot(event_id: int) -> None:
    window = settings.EVENT_QUEUE_COALESCE_SECONDS
    if window <= 0:
        send_queue(event_id)
        return
    sent, pending = _keys(event_id)
    # Nothing sent in the last window: send now, so a quiet queue updates at once.
    if cache.add(sent, 1, timeout=window):
        send_queue(event_id)
        return
    # Otherwise one send at the end of the window carries every change made meanwhile.
    # The pending mark outlives a window a little, in case its process dies first.
    if cache.add(pending, 1, timeout=window * 4):
        timer = threading.Timer(window, _send_trailing, args=(event_id,))
        timer.daemon = True
        timer.start()


def queue_changed(event_id: int) -> None:
    """The queue of an event changed: a snapshot goes out soon, after the transaction commits."""
    transaction.on_commit(lambda: _request_snapshot(event_id))


def track_started(event_id: int) -> None:
    """``track.started``: at once, so displays start the player without waiting."""

    def send() -> None:
        state = queue_state(event_id)
        send_now(event_group(event_id), "track.started", {"now_playing": state["now_playing"]})

    transaction.on_commit(send)
