import pytest
from channels.db import database_sync_to_async
from django.db import transaction

from apps.accounts import services
from tests.factories import ArtistProfileFactory, UserFactory
from tests.realtime import open_socket, receive

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@database_sync_to_async
def make_artist_and_fans():
    return ArtistProfileFactory(), UserFactory(display_name="Rita"), UserFactory()


@database_sync_to_async
def follow(artist, fan):
    services.follow_artist(artist, fan=fan)


async def test_artist_sees_a_new_follower_arrive_live():
    artist, fan, _ = await make_artist_and_fans()
    socket, connected, _ = await open_socket("/ws/me/", artist.user)
    assert connected
    snapshot = await receive(socket)
    assert snapshot["type"] == "snapshot"
    assert snapshot["unread_count"] == 0
    await follow(artist, fan)
    message = await receive(socket)
    assert message["type"] == "notification.created"
    assert message["seq"] == snapshot["seq"] + 1
    assert message["notification"]["text"] == "Rita started following you."
    assert message["unread_count"] == 1
    await socket.disconnect()


async def test_other_users_sockets_receive_nothing():
    artist, fan, bystander = await make_artist_and_fans()
    socket, connected, _ = await open_socket("/ws/me/", bystander)
    assert connected
    await receive(socket)
    await follow(artist, fan)
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_anonymous_socket_is_refused():
    _, connected, code = await open_socket("/ws/me/")
    assert not connected
    assert code == 4403


async def test_foreign_origin_is_refused():
    artist, _, _ = await make_artist_and_fans()
    _, connected, _ = await open_socket("/ws/me/", artist.user, origin="https://evil.example.com")
    assert not connected


async def test_a_rolled_back_follow_sends_nothing():
    artist, fan, _ = await make_artist_and_fans()
    socket, _, _ = await open_socket("/ws/me/", artist.user)
    await receive(socket)

    @database_sync_to_async
    def follow_then_fail():
        with pytest.raises(RuntimeError), transaction.atomic():
            services.follow_artist(artist, fan=fan)
            raise RuntimeError("payment declined")

    await follow_then_fail()
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_resync_sends_a_fresh_snapshot_with_the_current_seq():
    artist, fan, _ = await make_artist_and_fans()
    await follow(artist, fan)
    socket, _, _ = await open_socket("/ws/me/", artist.user)
    first = await receive(socket)
    assert first["unread_count"] == 1
    assert first["notifications"][0]["kind"] == "new_follower"
    await socket.send_json_to({"type": "resync"})
    again = await receive(socket)
    assert again["type"] == "snapshot"
    assert again["seq"] == first["seq"]
    await socket.send_to(text_data="not json")
    assert (await receive(socket))["type"] == "error"
    await socket.disconnect()
