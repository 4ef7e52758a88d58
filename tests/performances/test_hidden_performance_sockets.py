"""Hiding a performance (or its artist) closes the sockets that may no longer see it: a fan who
had its page open stops getting its updates, while its artist's own page keeps them."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from apps.performances import services
from tests.factories import ArtistProfileFactory, UserFactory
from tests.performances.helpers import route
from tests.realtime import open_socket, receive

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

NOT_FOUND = 4404


@database_sync_to_async
def live_show():
    artist = ArtistProfileFactory()
    performance = services.create_performance(artist, actor=artist.user, title="Corner set", stops=route(-5))
    return services.go_live(performance, actor=artist.user), artist.user


@database_sync_to_async
def move(performance, user):  # noqa: ANN001, ANN201
    later = timezone.now() + timedelta(seconds=10)
    return services.update_position(performance, actor=user, lat=38.7145, lng=-9.139, now=later)


async def watch(performance, user=None):  # noqa: ANN001, ANN201
    socket, connected, code = await open_socket(f"/ws/performances/{performance.pk}/", user)
    assert connected, f"refused with {code}"
    assert (await receive(socket))["type"] == "snapshot"
    return socket


async def closed_with(socket) -> int | None:  # noqa: ANN001
    """Read until the socket closes; its close code, or None if it stays open."""
    while not await socket.receive_nothing(timeout=1):
        output = await socket.receive_output()
        if output["type"] == "websocket.close":
            return output.get("code")
    return None


async def test_hiding_a_performance_closes_a_fans_socket_and_keeps_its_artists():
    performance, artist = await live_show()
    fan = await watch(performance, await database_sync_to_async(UserFactory)())
    stranger = await watch(performance)
    own = await watch(performance, artist)

    await database_sync_to_async(services.set_hidden)(performance, True)

    assert await closed_with(fan) == NOT_FOUND
    assert await closed_with(stranger) == NOT_FOUND
    assert await closed_with(own) is None
    await move(performance, artist)
    moved = await receive(own)
    while moved["type"] != "performance.moved":
        moved = await receive(own)
    await own.disconnect()


async def test_hiding_an_artist_closes_the_sockets_of_their_performances():
    performance, _ = await live_show()
    fan = await watch(performance, await database_sync_to_async(UserFactory)())

    await database_sync_to_async(lambda: services.set_artist_hidden(performance.artist, True))()

    assert await closed_with(fan) == NOT_FOUND
