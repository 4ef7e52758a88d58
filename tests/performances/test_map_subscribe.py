"""A panned map re-subscribes: its socket then hears the new area's shows, not the old one's."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from apps.performances import services
from tests.factories import ArtistProfileFactory
from tests.performances.helpers import stop
from tests.realtime import open_socket, receive

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

ROSSIO = (38.7139, -9.1394)
BELEM = (38.6916, -9.2160)  # about 7 km west: other map cells


@database_sync_to_async
def planned_at(lat: float, lng: float):  # noqa: ANN201
    artist = ArtistProfileFactory()
    start = timezone.now() - timedelta(minutes=5)
    return services.create_performance(
        artist, actor=artist.user, title=f"At {lat}", stops=[stop(start, lat=lat, lng=lng)]
    )


@database_sync_to_async
def go_live(performance):  # noqa: ANN001, ANN201
    return services.go_live(performance, actor=performance.artist.user)


async def test_after_subscribing_to_the_panned_area_the_map_hears_it_and_not_the_old_one():
    at_rossio, at_belem = await planned_at(*ROSSIO), await planned_at(*BELEM)
    socket, connected, _ = await open_socket(f"/ws/map/?lat={ROSSIO[0]}&lng={ROSSIO[1]}&radius_km=1")
    assert connected
    assert (await receive(socket))["type"] == "snapshot"

    # What map.js sends after the visitor pans: the new search's centre and radius.
    await socket.send_json_to(
        {"type": "subscribe", "lat": f"{BELEM[0]:.5f}", "lng": f"{BELEM[1]:.5f}", "radius_km": "1"}
    )
    snapshot = await receive(socket)
    assert snapshot["type"] == "snapshot"
    assert [p["id"] for p in snapshot["performances"]] == [at_belem.pk]

    await go_live(at_rossio)
    await go_live(at_belem)
    started = await receive(socket)
    assert (started["type"], started["performance"]["id"]) == ("performance.started", at_belem.pk)
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()
