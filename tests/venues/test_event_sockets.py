import asyncio
import contextlib
import threading
import time

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection, transaction

from apps.core.realtime import current_seq
from apps.core.tickets import issue_ticket
from apps.venues import events, services
from apps.venues.models import EventStatus
from config.asgi import application
from tests.factories import EventFactory, TrackFactory, UserFactory, VenueFactory
from tests.realtime import open_socket, receive

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@database_sync_to_async
def jukebox(tracks: int = 3, status: str = EventStatus.ACTIVE):
    """An event with a pool of tracks, run by its own staff member."""
    staff = UserFactory()
    pool = [TrackFactory() for _ in range(tracks)]
    event = EventFactory(venue=VenueFactory(staff=[staff]), tracks=pool, status=status)
    return event, pool, staff


@database_sync_to_async
def vote(event, track, guest=None):
    return services.cast_vote(event, track.pk, guest=guest or services.guest_for(event))


@database_sync_to_async
def play_next(event, staff):
    return services.play_next(event, actor=staff)


def order(message: dict) -> list[tuple[int, int]]:
    return [(entry["track"]["id"], entry["votes"]) for entry in message["queue"]]


async def watch(path: str, user=None) -> tuple[WebsocketCommunicator, dict]:
    socket, connected, _ = await open_socket(path, user)
    assert connected
    snapshot = await receive(socket)
    assert snapshot["type"] == "snapshot"
    return socket, snapshot


async def refusal(path: str, user=None) -> tuple[dict, int]:
    """The error a refused socket is told, and the code it is closed with."""
    socket, connected, _ = await open_socket(path, user)
    assert connected  # accepted only to say why
    error = await receive(socket)
    closed = await socket.receive_output()
    assert closed["type"] == "websocket.close"
    return error, closed["code"]


async def arrivals(socket: WebsocketCommunicator, quiet: float = 0.5) -> list[dict]:
    """Everything the socket receives until it has been quiet for a while.

    Polls rather than waiting on a timeout: a timeout on receive ends the socket.
    """
    messages = []
    while not await socket.receive_nothing(timeout=quiet):
        messages.append(await receive(socket))
    return messages


async def test_a_socket_gets_a_snapshot_first_with_the_queue_in_order_and_its_seq():
    event, (first, second, _), _ = await jukebox()
    start = await database_sync_to_async(current_seq)(events.event_group(event.pk))
    await vote(event, second)
    await vote(event, first)
    await vote(event, first)
    socket, snapshot = await watch(f"/ws/events/{event.pk}/")
    assert snapshot["seq"] == start + 3  # one queue.updated per vote went out before
    assert order(snapshot) == [(first.pk, 2), (second.pk, 1)]
    assert snapshot["now_playing"] is None
    assert snapshot["event"] == {"id": event.pk, "status": "active"}
    await socket.disconnect()


async def test_a_vote_reaches_every_socket_of_its_event_and_no_other():
    event, (track, *_), _ = await jukebox()
    other_event, _, other_staff = await jukebox()
    watching = [await watch(f"/ws/events/{event.pk}/") for _ in range(3)]
    # Another event's guests, and a staff member of another venue watching their own event.
    elsewhere = [
        await watch(f"/ws/events/{other_event.pk}/"),
        await watch(f"/ws/events/{other_event.pk}/", other_staff),
    ]
    await vote(event, track)
    for socket, snapshot in watching:
        message = await receive(socket)
        assert message["type"] == "queue.updated"
        assert message["seq"] == snapshot["seq"] + 1
        assert order(message) == [(track.pk, 1)]
    for socket, _ in elsewhere:
        assert await socket.receive_nothing(timeout=0.3)
    for socket, _ in watching + elsewhere:
        await socket.disconnect()


async def test_a_rolled_back_vote_sends_nothing():
    event, (track, *_), _ = await jukebox()
    socket, _ = await watch(f"/ws/events/{event.pk}/")

    @database_sync_to_async
    def vote_then_fail():
        guest = services.guest_for(event)
        with pytest.raises(RuntimeError), transaction.atomic():
            services.cast_vote(event, track.pk, guest=guest)
            raise RuntimeError("database went away")

    await vote_then_fail()
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_track_started_reaches_sockets_when_staff_press_next():
    event, (first, second, _), staff = await jukebox()
    await vote(event, first)
    await vote(event, first)
    await vote(event, second)
    socket, snapshot = await watch(f"/ws/events/{event.pk}/")
    await play_next(event, staff)
    started = await receive(socket)
    assert started["type"] == "track.started"
    assert started["seq"] == snapshot["seq"] + 1
    assert started["now_playing"]["track"]["id"] == first.pk
    assert started["now_playing"]["track"]["stream_url"]
    updated = await receive(socket)
    assert updated["type"] == "queue.updated"
    assert updated["seq"] == snapshot["seq"] + 2
    assert order(updated) == [(second.pk, 1)]
    await socket.disconnect()


async def test_a_resync_sends_a_fresh_snapshot():
    event, (track, *_), _ = await jukebox()
    socket, first = await watch(f"/ws/events/{event.pk}/")
    await vote(event, track)
    await receive(socket)
    await socket.send_json_to({"type": "resync"})
    snapshot = await receive(socket)
    assert snapshot["type"] == "snapshot"
    assert snapshot["seq"] == first["seq"] + 1
    assert order(snapshot) == [(track.pk, 1)]
    await socket.disconnect()


async def test_a_draft_event_refuses_strangers_and_other_venues_staff_and_admits_its_own_staff():
    event, _, staff = await jukebox(status=EventStatus.DRAFT)
    _, _, other_staff = await jukebox()
    stranger = await database_sync_to_async(UserFactory)()
    path = f"/ws/events/{event.pk}/"
    for user in (None, stranger, other_staff):
        error, code = await refusal(path, user)
        assert code == 4403
        assert error["type"] == "error"
    socket, snapshot = await watch(path, staff)
    assert snapshot["event"]["status"] == "draft"
    await socket.disconnect()


async def test_anyone_may_watch_an_event_that_has_ended():
    event, _, _ = await jukebox(status=EventStatus.ENDED)
    socket, snapshot = await watch(f"/ws/events/{event.pk}/")
    assert snapshot["event"]["status"] == "ended"
    await socket.disconnect()


async def test_an_unknown_event_is_refused_with_4404():
    error, code = await refusal("/ws/events/999999/")
    assert code == 4404
    assert error["type"] == "error"


async def test_apps_watch_an_event_with_a_one_time_ticket():
    event, _, _ = await jukebox()
    ticket = await database_sync_to_async(issue_ticket)(None)
    socket = WebsocketCommunicator(application, f"/ws/app/events/{event.pk}/?ticket={ticket}")
    connected, _ = await socket.connect()
    assert connected
    assert (await receive(socket))["type"] == "snapshot"
    await socket.disconnect()


async def test_a_slow_or_dead_socket_does_not_hold_back_the_others():
    event, pool, _ = await jukebox(tracks=5)
    path = f"/ws/events/{event.pk}/"
    slow, _ = await watch(path)  # never reads again
    dead, _ = await watch(path)
    # Gone without a goodbye, as when a phone drops off the network: still in the group.
    dead.future.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await dead.future
    live = [await watch(path) for _ in range(2)]
    for track in pool:
        await vote(event, track)
    for socket, snapshot in live:
        seqs = [(await receive(socket, timeout=0.5))["seq"] for _ in pool]
        assert seqs == [snapshot["seq"] + n for n in range(1, len(pool) + 1)]
    for socket, _ in [(slow, None), *live]:
        await socket.disconnect()


async def test_a_burst_of_votes_goes_out_as_two_queue_updates_at_most_the_last_with_the_final_counts(
    settings, monkeypatch
):
    # A burst within one window; ten votes take a few hundred ms on a busy 2-core box.
    settings.EVENT_QUEUE_COALESCE_SECONDS = window = 1.0
    event, pool, _ = await jukebox(tracks=3)
    guests = await database_sync_to_async(lambda: [services.guest_for(event) for _ in range(10)])()
    socket, snapshot = await watch(f"/ws/events/{event.pk}/")
    # SQLite's test database lives in shared memory, where a read during another thread's
    # write fails at once instead of waiting (a file in WAL mode or PostgreSQL lets it
    # read): there the timer's read and a vote take turns.
    turns = threading.RLock()
    if connection.vendor == "sqlite":
        send_queue = events.send_queue

        def send_in_turn(event_id: int) -> None:
            with turns:
                send_queue(event_id)

        monkeypatch.setattr(events, "send_queue", send_in_turn)

    @database_sync_to_async
    def ten_votes() -> float:
        start = time.monotonic()
        for n, guest in enumerate(guests):
            with turns:
                services.cast_vote(event, pool[n % 3].pk, guest=guest)
        return time.monotonic() - start

    elapsed = await ten_votes()
    messages = await arrivals(socket, quiet=window + 0.3)
    assert elapsed < window, f"the burst took {elapsed:.3f} s, longer than a window: too busy to tell"
    # The first vote goes out at once; the rest of the window goes out in one more update.
    assert 1 <= len(messages) <= 2
    assert {m["type"] for m in messages} == {"queue.updated"}
    assert [m["seq"] for m in messages] == [snapshot["seq"] + n for n in range(1, len(messages) + 1)]
    assert order(messages[-1]) == [(pool[0].pk, 4), (pool[1].pk, 3), (pool[2].pk, 3)]
    await socket.disconnect()
