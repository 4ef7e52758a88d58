"""Live updates of an event, on the group ``event.<id>``: ``queue.updated`` and ``track.started``.

Votes can arrive many per second; every socket of an event needs the same queue. So a
change does not send a message of its own: it asks for a queue snapshot. The first change
after a quiet spell is sent at once; changes within ``EVENT_QUEUE_COALESCE_SECONDS`` of a
send are gathered into one more send at the end of that window (across processes,
through the cache). Each snapshot is serialized once for all sockets.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import structlog
from django.conf import settings
from django.core.cache import cache, caches
from django.core.files.storage import default_storage
from django.db import close_old_connections
from redis.commands.core import Script

from apps.core.counters import decoded, raw_keys, redis_client
from apps.core.realtime import after_commit, current_seq, layer_in_process, send_failed, send_now, seq_key
from apps.core.threads import PerProcess

from . import metrics

logger = structlog.get_logger(__name__)
QUEUE_LENGTH = 50
HISTORY_LENGTH = 5


def event_group(event_id: int) -> str:
    return f"event.{event_id}"


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


def now_playing_state(event_id: int) -> dict[str, Any] | None:
    """The playing entry, with the address the player loads it from, or None."""
    from .models import QueueEntry

    playing = QueueEntry.objects.entry_rows(event_id, "playing", 1)
    return _playing(event_id, playing[0]) if playing else None


def _playing(event_id: int, row: dict[str, Any]) -> dict[str, Any]:
    from apps.core.rows import loaded
    from apps.media.models import Track

    from .models import Event
    from .providers import provider_for

    # The player's address comes from the music provider, whoever serves the audio.
    track = loaded(Track, Track.objects.db, ("id", "web_file"), (row["track_id"], row["track__web_file"]))
    stream_url = provider_for(Event(pk=event_id)).stream_url(track) or None
    return _entry(row, with_stream=True, stream_url=stream_url)


def queue_state(event_id: int) -> dict[str, Any]:
    """Now playing, the queue in order and the last few played: what every client shows.

    Built for every change, from one statement written out by hand (QueueEntry.objects.whole_queue).
    """
    from .models import QueueEntry

    limits = {"playing": 1, "queued": QUEUE_LENGTH, "history": HISTORY_LENGTH}
    status, parts = QueueEntry.objects.whole_queue(event_id, limits)
    playing = parts["playing"]
    return {
        "event": {"id": event_id, "status": status},
        "now_playing": _playing(event_id, playing[0]) if playing else None,
        "queue": [_entry(row) for row in parts["queued"]],
        "history": [_entry(row) for row in parts["history"]],
    }


def snapshot(event_id: int) -> dict[str, Any]:
    with metrics.QUEUE_SNAPSHOT_SECONDS.time():
        return {"type": "snapshot", "seq": current_seq(event_group(event_id)), **queue_state(event_id)}


def send_queue(event_id: int) -> None:
    send_now(event_group(event_id), "queue.updated", queue_state(event_id))


def _keys(event_id: int) -> tuple[str, str]:
    return f"venues:queue-sent:{event_id}", f"venues:queue-pending:{event_id}"


def _send(event_id: int, *, trailing: bool, retry: bool) -> None:
    window = settings.EVENT_QUEUE_COALESCE_SECONDS
    sent, pending = _keys(event_id)
    try:
        if trailing:
            # Released before reading: a change after this read asks for the next snapshot.
            cache.delete(pending)
            cache.set(sent, time.time(), timeout=window)
        send_queue(event_id)
    except Exception:
        # This send carries the latest changes: try once more rather than lose them.
        send_failed(event_group(event_id), "queue.updated", event_id=event_id, retry=retry)
        if retry and cache.add(pending, 1, timeout=window * 4):
            _snapshots.get().request(event_id, delay=window, trailing=True, retry=False)


class _SnapshotSender:
    """One thread per process that builds and sends queue snapshots when they fall due.

    The vote's request only asks for a snapshot and answers; the thread keeps its database
    connection between sends, where a thread per send would open one each time.
    """

    def __init__(self) -> None:
        # (event id, trailing) -> (due on the monotonic clock, retry on failure)
        self.due: dict[tuple[int, bool], tuple[float, bool]] = {}
        self.wake = threading.Condition()
        self.thread = threading.Thread(target=self._run, name="encore-queue-snapshots", daemon=True)
        self.thread.start()

    def request(self, event_id: int, *, delay: float, trailing: bool, retry: bool = True) -> None:
        with self.wake:
            key = (event_id, trailing)
            due = time.monotonic() + delay
            if key not in self.due or due < self.due[key][0]:
                self.due[key] = (due, retry)
            self.wake.notify()

    def _take_due(self) -> list[tuple[tuple[int, bool], bool]]:
        with self.wake:
            while True:
                now = time.monotonic()
                ready = [(key, retry) for key, (due, retry) in self.due.items() if due <= now]
                if ready:
                    for key, _ in ready:
                        del self.due[key]
                    return ready
                self.wake.wait(min(due for due, _ in self.due.values()) - now if self.due else None)

    def _run(self) -> None:
        while True:
            due = self._take_due()
            try:
                for (event_id, trailing), retry in due:
                    _send(event_id, trailing=trailing, retry=retry)
                # Between sends, as between requests: drop a connection that is too old or broken.
                close_old_connections()
            except Exception:
                # The thread outlives any one failure: later snapshots are still owed.
                logger.exception("queue_snapshot_thread_failed")


_snapshots = PerProcess(_SnapshotSender)


# What a change asks for, decided in one round trip to Redis: a send now (nothing sent in the
# last window: 1), one when the window closes (the first change since the last send: 2, with
# the time of that send), or nothing more (one is already due: 0); and the event's last update
# number, which the snapshot asked for will follow.
_COALESCE = """
local seq = redis.call('GET', KEYS[3])
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {1, false, seq} end
if redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[4]) then
  return {2, redis.call('GET', KEYS[1]), seq}
end
return {0, false, seq}
"""
_coalesce_script = Script(None, _COALESCE.encode())  # loaded into Redis on first use
SEND_NOW, SEND_LATER, ALREADY_DUE = 1, 2, 0


def _coalesce(event_id: int, now: float, window: float) -> tuple[int, float | None, int | None]:
    """(SEND_NOW, None, seq), (SEND_LATER, time of the last send or None, seq) or
    (ALREADY_DUE, None, seq); seq is the event's last update number where it was read with
    them (None: read it on its own).

    Marks this send, or the pending one; the pending mark outlives a window a little, in
    case its process dies before sending."""
    sent, pending = _keys(event_id)
    redis = redis_client()
    if redis is None:
        if cache.add(sent, now, timeout=window):
            return SEND_NOW, None, None
        if cache.add(pending, 1, timeout=window * 4):
            return SEND_LATER, cache.get(sent), None
        return ALREADY_DUE, None, None
    encode = caches["default"].client.encode
    millis = max(int(window * 1000), 1)
    keys = raw_keys([sent, pending, seq_key(event_group(event_id))])
    asked, sent_at, seq = _coalesce_script(
        keys=keys, args=[encode(now), millis, encode(1), millis * 4], client=redis
    )
    sent_at, seq = decoded([sent_at, seq])
    return int(asked), sent_at, seq


def _request_snapshot(event_id: int) -> int | None:
    """Ask for a snapshot of the event's queue; return its last update number where it was
    read on the way (None: not read)."""
    window = settings.EVENT_QUEUE_COALESCE_SECONDS
    if window <= 0:
        send_queue(event_id)
        return None
    now = time.time()
    asked, sent_at, seq = _coalesce(event_id, now, window)
    # Nothing sent in the last window: send now, so a quiet queue updates at once.
    if asked == SEND_NOW:
        if layer_in_process():
            # Only the request can reach the sockets' event loop here: send from it.
            send_queue(event_id)
        else:
            _snapshots.get().request(event_id, delay=0, trailing=False)
    # Otherwise one send when the window closes carries every change made meanwhile.
    elif asked == SEND_LATER:
        sent_at = sent_at or now
        _snapshots.get().request(event_id, delay=max(0.0, sent_at + window - now), trailing=True)
    return seq


class QueueChange:
    """A change of an event's queue, whose snapshot is asked for once the transaction commits."""

    # The event's last update number, read as the snapshot was asked for (the snapshot will
    # follow it); None until then, or where it was not read on the way.
    seq: int | None = None


def queue_changed(event_id: int) -> QueueChange:
    """The queue of an event changed: a snapshot goes out soon, after the transaction commits."""
    change = QueueChange()

    def request() -> None:
        change.seq = _request_snapshot(event_id)

    after_commit(request, event_group(event_id), "queue.updated")
    return change


def track_started(event_id: int) -> None:
    """``track.started``: at once, so displays start the player without waiting."""

    def send() -> None:
        send_now(event_group(event_id), "track.started", {"now_playing": now_playing_state(event_id)})

    after_commit(send, event_group(event_id), "track.started")
