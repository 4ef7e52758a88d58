"""Live updates of an event, on the group ``event.<id>``: ``queue.updated`` and ``track.started``.

Votes can arrive many per second; every socket of an event needs the same queue. So a
change does not send a message of its own: it asks for a queue snapshot, and snapshots
go out at most once per ``EVENT_QUEUE_COALESCE_SECONDS`` per event (across processes,
through the cache), each serialized once for all sockets.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, transaction

from apps.core.realtime import current_seq, send_now

QUEUE_LENGTH = 50
HISTORY_LENGTH = 5


def event_group(event_id: int) -> str:
    return f"event.{event_id}"


def _entry(entry, *, with_stream: bool = False) -> dict[str, Any]:  # noqa: ANN001
    track = entry.track
    data = {
        "id": entry.pk,
        "track": {
            "id": track.pk,
            "title": track.title,
            "artist": {"slug": track.artist.slug, "stage_name": track.artist.stage_name},
            "duration": track.duration,
            "artwork_url": track.thumbnail.url if track.thumbnail else None,
        },
        "votes": entry.votes,
        "status": entry.status,
    }
    if with_stream:
        data["track"]["stream_url"] = track.web_file.url if track.web_file else None
        data["started_at"] = entry.started_at.isoformat() if entry.started_at else None
    return data


def queue_state(event_id: int) -> dict[str, Any]:
    """Now playing, the queue in order and the last few played: what every client shows."""
    from .models import Event, QueueEntry

    status = Event.objects.filter(pk=event_id).values_list("status", flat=True).first()
    entries = QueueEntry.objects.filter(event_id=event_id).select_related("track__artist")
    playing = entries.playing().first()
    return {
        "event": {"id": event_id, "status": status},
        "now_playing": _entry(playing, with_stream=True) if playing else None,
        "queue": [_entry(e) for e in entries.queued()[:QUEUE_LENGTH]],
        "history": [_entry(e) for e in entries.history()[:HISTORY_LENGTH]],
    }


def snapshot(event_id: int) -> dict[str, Any]:
    return {"type": "snapshot", "seq": current_seq(event_group(event_id)), **queue_state(event_id)}


def send_queue(event_id: int) -> None:
    send_now(event_group(event_id), "queue.updated", queue_state(event_id))


def _pending_key(event_id: int) -> str:
    return f"venues:queue-pending:{event_id}"


def _send_pending(event_id: int) -> None:
    try:
        # Released before reading: a change after this read asks for the next snapshot.
        cache.delete(_pending_key(event_id))
        send_queue(event_id)
    finally:
        close_old_connections()


def _request_snapshot(event_id: int) -> None:
    delay = settings.EVENT_QUEUE_COALESCE_SECONDS
    if delay <= 0:
        send_queue(event_id)
        return
    # The first change in a window schedules the send; later ones ride along with it.
    if cache.add(_pending_key(event_id), 1, timeout=max(5, int(delay * 10))):
        timer = threading.Timer(delay, _send_pending, args=(event_id,))
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
