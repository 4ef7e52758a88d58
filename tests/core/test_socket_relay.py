"""A relayed live update goes straight out: no hop to the database thread per message."""

import pytest
from asgiref.sync import sync_to_async

from apps.core.realtime import send_now
from apps.performances.cells import cell_of, map_group
from tests.realtime import open_socket, receive

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_a_relayed_message_reaches_the_socket_without_closing_database_connections(monkeypatch):
    hops = []

    async def counted_close():
        hops.append(1)

    monkeypatch.setattr("channels.consumer.aclose_old_connections", counted_close)
    socket, connected, _ = await open_socket("/ws/map/?lat=38.7139&lng=-9.1394&radius_km=1")
    assert connected
    assert (await receive(socket))["type"] == "snapshot"
    hops_on_connect = len(hops)
    assert hops_on_connect > 0, "the connect handler still gets fresh connections"

    group = map_group(cell_of(38.7139, -9.1394))
    await sync_to_async(send_now)(group, "ping", {})

    message = await receive(socket)
    assert (message["type"], message["group"]) == ("ping", group)
    assert len(hops) == hops_on_connect
    await socket.disconnect()
