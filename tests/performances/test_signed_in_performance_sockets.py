"""A signed-in fan's performance socket: counted among the viewers, and every live update
of that performance arrives on it, and on no socket of another performance."""

import pytest
from channels.db import database_sync_to_async
from django.db import transaction

from apps.performances import services
from apps.tips.events import performance_tipped
from apps.tips.models import Tip
from tests.factories import ArtistProfileFactory, UserFactory
from tests.performances.helpers import route
from tests.realtime import open_socket, receive, seq_in

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def live_show(title: str):
    artist = ArtistProfileFactory()
    performance = services.create_performance(artist, actor=artist.user, title=title, stops=route(-5))
    return services.go_live(performance, actor=artist.user)


@database_sync_to_async
def fans(n: int) -> list:
    return UserFactory.create_batch(n)


@database_sync_to_async
def like(performance, user):  # noqa: ANN001, ANN201
    return services.like_performance(performance, user=user)


@database_sync_to_async
def move(performance, lat: float, lng: float):  # noqa: ANN001, ANN201
    return services.update_position(performance, actor=performance.artist.user, lat=lat, lng=lng)


@database_sync_to_async
def tip(performance) -> None:  # noqa: ANN001
    with transaction.atomic():
        performance_tipped(Tip(performance_id=performance.pk, amount=500, currency="eur"))


async def watch(performance, user) -> tuple:  # noqa: ANN001
    socket, connected, code = await open_socket(f"/ws/performances/{performance.pk}/", user)
    assert connected, f"refused with {code}"
    snapshot = await receive(socket)
    assert snapshot["type"] == "snapshot"
    return socket, snapshot


async def updates(socket, snapshot: dict, quiet: float = 0.3) -> list[dict]:  # noqa: ANN001
    """What arrives until the socket has been quiet for a while, less what its snapshot had."""
    messages = []
    while not await socket.receive_nothing(timeout=quiet):
        message = await receive(socket)
        if (seq_in(message, snapshot["group"]) or 0) > snapshot["seq"]:
            messages.append(message)
    return messages


async def test_a_signed_in_fan_is_counted_among_the_viewers():
    performance = await live_show("Corner set")
    first_fan, second_fan = await fans(2)
    first, snapshot = await watch(performance, first_fan)
    assert snapshot["viewers"] == 1
    second, _ = await watch(performance, second_fan)
    joined = [m for m in await updates(first, snapshot) if m["type"] == "performance.viewers"]
    assert [m["viewers"] for m in joined] == [2]
    await second.disconnect()
    await first.disconnect()


async def test_likes_moves_and_tips_reach_the_signed_in_fan_of_that_performance_only():
    performance = await live_show("Corner set")
    elsewhere = await live_show("Another corner")
    fan, other_fan, liker = await fans(3)
    socket, snapshot = await watch(performance, fan)
    other, other_snapshot = await watch(elsewhere, other_fan)

    await like(performance, liker)
    await move(performance, 38.7145, -9.1390)
    await tip(performance)

    received = await updates(socket, snapshot)
    assert [m["type"] for m in received] == ["performance.liked", "performance.moved", "performance.tipped"]
    group, seq = snapshot["group"], snapshot["seq"]
    assert [seq_in(m, group) for m in received] == [seq + 1, seq + 2, seq + 3]
    liked, moved, tipped = received
    assert liked["performance"] == {"id": performance.pk, "like_count": 1}
    assert moved["performance"]["position"] == {"lat": 38.7145, "lng": -9.139}
    assert tipped["tip"] == {"amount": 500, "currency": "eur"}
    assert await updates(other, other_snapshot) == []
    await socket.disconnect()
    await other.disconnect()
