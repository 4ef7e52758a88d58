"""A live update is written to the server's own send, past the middleware that wraps send.

Channels' session middleware looks at the session on every message (it saves it only on an HTTP
response) and the outage middleware notes that something was sent (it matters only before the
handshake is answered): once per socket per update, they cost about as much as the write.
The handshake and the snapshot still go through them.
"""

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.sessions import InstanceSessionWrapper
from channels.testing import WebsocketCommunicator

from apps.core import outage
from apps.core.realtime import send_now
from apps.core.tickets import issue_ticket
from apps.performances.cells import cell_of, map_group
from config.asgi import application
from tests.factories import UserFactory
from tests.realtime import open_socket, receive

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

LISBON = "lat=38.7139&lng=-9.1394&radius_km=1"
UPDATES = 3


async def _updates_arrive(socket: WebsocketCommunicator) -> None:
    group = map_group(cell_of(38.7139, -9.1394))
    for number in range(UPDATES):
        await sync_to_async(send_now)(group, "ping", {"number": number})
    for number in range(UPDATES):
        message = await receive(socket)
        assert (message["type"], message["number"]) == ("ping", number)


async def test_a_signed_in_fans_updates_skip_the_session_middleware_and_the_handshake_does_not(monkeypatch):
    passed = []
    wrapped = InstanceSessionWrapper.send

    async def counted(self, message):  # noqa: ANN001, ANN202
        passed.append(message["type"])
        return await wrapped(self, message)

    monkeypatch.setattr(InstanceSessionWrapper, "send", counted)
    fan = await database_sync_to_async(UserFactory)()
    socket, connected, _ = await open_socket(f"/ws/map/?{LISBON}", user=fan)
    assert connected
    assert (await receive(socket))["type"] == "snapshot"
    assert passed == ["websocket.accept", "websocket.send"]

    await _updates_arrive(socket)

    assert passed == ["websocket.accept", "websocket.send"]
    await socket.disconnect()


async def test_an_apps_updates_skip_the_outage_middleware(monkeypatch):
    wrapped_calls = []
    middleware = outage.SocketOutageMiddleware.__call__

    async def counting(self, scope, receive, send):  # noqa: ANN001, ANN202
        async def counted_send(message):  # noqa: ANN001, ANN202
            wrapped_calls.append(message["type"])
            await send(message)

        return await middleware(self, scope, receive, counted_send)

    monkeypatch.setattr(outage.SocketOutageMiddleware, "__call__", counting)
    ticket = await database_sync_to_async(issue_ticket)(None)
    socket = WebsocketCommunicator(application, f"/ws/app/map/?{LISBON}&ticket={ticket}")
    connected, _ = await socket.connect()
    assert connected
    assert (await receive(socket))["type"] == "snapshot"
    handshake_and_snapshot = list(wrapped_calls)

    await _updates_arrive(socket)

    assert wrapped_calls == handshake_and_snapshot
    await socket.disconnect()
