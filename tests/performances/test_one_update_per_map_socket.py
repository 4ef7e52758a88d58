"""A map socket gets each update once, however many of the update's cells it watches, with the
update's number in each of them; a gap in any watched cell still asks for a fresh snapshot."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from apps.core.realtime import next_seq
from apps.performances import services
from apps.performances.cells import FINE, cell_of, map_group
from tests.factories import ArtistProfileFactory
from tests.performances.helpers import route
from tests.realtime import open_socket, receive

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

# Two neighbouring fine cells (0.01 degrees apart), both inside a 2 km map around the first.
WEST = (38.7139, -9.1394)
EAST = (38.7139, -9.1294)
MAP = "/ws/map/?lat=38.7139&lng=-9.1344&radius_km=2"


@database_sync_to_async
def live_at(lat: float, lng: float):
    artist = ArtistProfileFactory()
    performance = services.create_performance(artist, actor=artist.user, title="Corner set", stops=route(-5))
    performance = services.go_live(performance, actor=artist.user)
    return services.update_position(performance, actor=artist.user, lat=lat, lng=lng)


@database_sync_to_async
def move(performance, lat: float, lng: float, after_seconds: int):  # noqa: ANN001
    now = timezone.now() + timedelta(seconds=after_seconds)
    return services.update_position(performance, actor=performance.artist.user, lat=lat, lng=lng, now=now)


async def everything(socket) -> list[dict]:  # noqa: ANN001
    messages = []
    while not await socket.receive_nothing(timeout=0.3):
        messages.append(await receive(socket))
    return messages


async def test_a_move_between_two_watched_cells_arrives_once_numbered_in_both():
    performance = await live_at(*WEST)
    socket, connected, _ = await open_socket(MAP)
    assert connected
    snapshot = await receive(socket)
    west, east = (map_group(cell_of(*point, FINE)) for point in (WEST, EAST))
    assert {west, east} <= set(snapshot["seqs"])

    await move(performance, *EAST, after_seconds=10)

    received = await everything(socket)
    assert [m["type"] for m in received] == ["performance.moved"]
    moved = received[0]
    assert "seq" not in moved and "group" not in moved
    watched = {group: seq for group, seq in moved["seqs"].items() if group in snapshot["seqs"]}
    assert {west, east} <= set(watched)
    assert all(seq == snapshot["seqs"][group] + 1 for group, seq in watched.items())
    await socket.disconnect()


async def test_a_gap_in_one_watched_cell_shows_and_a_resync_closes_it():
    performance = await live_at(*WEST)
    socket, connected, _ = await open_socket(MAP)
    assert connected
    snapshot = await receive(socket)
    east = map_group(cell_of(*EAST, FINE))

    # An update to the east cell that this socket never got (lost with a restart, say).
    await database_sync_to_async(next_seq)(east)
    await move(performance, *EAST, after_seconds=10)

    (moved,) = await everything(socket)
    assert moved["seqs"][east] == snapshot["seqs"][east] + 2, "the east cell shows the gap"

    await socket.send_json_to({"type": "resync"})
    fresh = await receive(socket)
    assert fresh["type"] == "snapshot"
    assert fresh["seqs"][east] == moved["seqs"][east]

    await move(performance, *WEST, after_seconds=20)
    (back,) = await everything(socket)
    assert back["seqs"][east] == fresh["seqs"][east] + 1
    await socket.disconnect()


async def test_a_performance_socket_snapshot_names_the_group_its_seq_counts_in():
    performance = await live_at(*WEST)
    socket, connected, _ = await open_socket(f"/ws/performances/{performance.pk}/")
    assert connected
    snapshot = await receive(socket)
    assert snapshot["group"] == f"performance.{performance.pk}"

    await move(performance, *EAST, after_seconds=10)
    (viewers_or_moved, *rest) = await everything(socket)
    moved = next(m for m in [viewers_or_moved, *rest] if m["type"] == "performance.moved")
    assert moved["seqs"][snapshot["group"]] == snapshot["seq"] + 1
    await socket.disconnect()
