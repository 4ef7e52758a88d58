import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from apps.core.tickets import issue_ticket
from apps.performances import services
from config.asgi import application
from tests.factories import ArtistProfileFactory, FollowFactory
from tests.performances.helpers import route
from tests.realtime import open_socket, receive

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

LISBON = "lat=38.7139&lng=-9.1394&radius_km=2"
PORTO = "lat=41.1496&lng=-8.6109&radius_km=2"


@database_sync_to_async
def planned():
    artist = ArtistProfileFactory()
    return services.create_performance(artist, actor=artist.user, title="Corner set", stops=route(-5))


@database_sync_to_async
def go_live(performance):
    return services.go_live(performance, actor=performance.artist.user)


@database_sync_to_async
def move(performance, lat, lng):
    return services.update_position(performance, actor=performance.artist.user, lat=lat, lng=lng)


async def receive_type(socket, wanted: str, after_seq: int = -1) -> dict:
    """The next message of a type, skipping what a client skips: anything its snapshot had."""
    while True:
        message = await receive(socket)
        if message["type"] == wanted and message.get("seq", 0) > after_seq:
            return message


async def test_a_map_socket_inside_the_area_sees_the_start_and_the_moves():
    performance = await planned()
    socket, connected, _ = await open_socket(f"/ws/map/?{LISBON}")
    assert connected
    snapshot = await receive(socket)
    assert [p["id"] for p in snapshot["performances"]] == [performance.pk]
    performance = await go_live(performance)
    started = await receive(socket)
    assert started["type"] == "performance.started"
    assert started["performance"]["status"] == "live"
    watched = {group: seq for group, seq in started["seqs"].items() if group in snapshot["seqs"]}
    assert watched, "the start was sent to a cell this socket watches"
    assert all(seq == snapshot["seqs"][group] + 1 for group, seq in watched.items())
    await move(performance, 38.7145, -9.1390)
    moved = await receive_type(socket, "performance.moved")
    assert moved["performance"]["position"] == {"lat": 38.7145, "lng": -9.139}
    await socket.disconnect()


async def test_a_map_socket_elsewhere_receives_nothing():
    performance = await planned()
    socket, _, _ = await open_socket(f"/ws/map/?{PORTO}")
    assert (await receive(socket))["performances"] == []
    performance = await go_live(performance)
    await move(performance, 38.7145, -9.1390)
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_a_rolled_back_go_live_sends_nothing():
    performance = await planned()
    socket, _, _ = await open_socket(f"/ws/map/?{LISBON}")
    await receive(socket)

    @database_sync_to_async
    def go_live_then_fail():
        with pytest.raises(RuntimeError), transaction.atomic():
            services.go_live(performance, actor=performance.artist.user)
            raise RuntimeError("database went away")

    await go_live_then_fail()
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_reconnecting_gets_a_snapshot_with_the_current_state():
    performance = await planned()
    performance = await go_live(performance)
    socket, _, _ = await open_socket(f"/ws/map/?{LISBON}")
    snapshot = await receive(socket)
    assert snapshot["performances"][0]["status"] == "live"
    await socket.send_json_to({"type": "subscribe", "lat": 41.1496, "lng": -8.6109, "radius_km": 1})
    assert (await receive(socket))["performances"] == []
    await socket.disconnect()


async def test_a_bad_map_area_is_refused_with_the_reason():
    socket, connected, _ = await open_socket("/ws/map/?lat=38.7&lng=-9.1&radius_km=80")
    assert connected
    error = await receive(socket)
    assert error["type"] == "error"
    assert "radius_km" in error["detail"]
    assert (await socket.receive_output())["type"] == "websocket.close"


async def test_the_performance_socket_counts_viewers_as_they_come_and_go():
    performance = await planned()
    first, _, _ = await open_socket(f"/ws/performances/{performance.pk}/")
    snapshot = await receive(first)
    assert snapshot["viewers"] == 1
    second, _, _ = await open_socket(f"/ws/performances/{performance.pk}/")
    joined = await receive_type(first, "performance.viewers", after_seq=snapshot["seq"])
    assert joined["viewers"] == 2
    await second.disconnect()
    left = await receive_type(first, "performance.viewers", after_seq=joined["seq"])
    assert left["viewers"] == 1
    await first.disconnect()


async def test_an_unknown_performance_socket_is_refused():
    _, connected, _ = await open_socket("/ws/performances/999999/")
    assert not connected


async def test_apps_open_sockets_with_a_one_time_ticket_and_no_origin():
    ticket = await database_sync_to_async(issue_ticket)(None)
    path = f"/ws/app/map/?{LISBON}&ticket={ticket}"
    socket = WebsocketCommunicator(application, path)
    connected, _ = await socket.connect()
    assert connected
    assert (await receive(socket))["type"] == "snapshot"
    await socket.disconnect()
    again = WebsocketCommunicator(application, path)
    connected, _ = await again.connect()
    assert not connected


async def test_followers_are_notified_when_the_artist_goes_live():
    performance = await planned()
    follow = await database_sync_to_async(FollowFactory)(artist=performance.artist)
    socket, _, _ = await open_socket("/ws/me/", follow.fan)
    await receive(socket)
    performance = await go_live(performance)
    message = await receive(socket)
    assert message["type"] == "notification.created"
    assert message["notification"]["kind"] == "artist_live"
    assert "is live now: Corner set" in message["notification"]["text"]
    await socket.disconnect()
