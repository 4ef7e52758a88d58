"""A socket handshake after Redis restarts is served; while Redis is down the socket is told to
try again later.

Each process keeps its channel layer's and cache's connections to Redis. A restart leaves them
dead: the first handshake that uses one must not fail (HTTP 500, or a socket closed without its
snapshot), and while Redis is away the socket closes with 1013 "Try Again Later", which the
live client answers by reconnecting with back-off.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import orjson
import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from apps.core.outage import SOCKET_TRY_AGAIN
from config.asgi import application
from tests.factories import PerformanceFactory
from tests.outage import site_on_private_redis
from tests.private_servers import PrivateRedis

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio, pytest.mark.slow]


@pytest.fixture
def redis_server() -> Iterator[PrivateRedis]:
    with site_on_private_redis() as server:
        yield server


async def _first_event(path: str) -> dict:
    """What a client sees first: the snapshot, or the close with its code."""
    socket = WebsocketCommunicator(application, path, headers=[(b"origin", b"http://testserver")])
    started = time.monotonic()
    connected, code = await socket.connect(timeout=10)
    if not connected:
        return {"type": "refused", "code": code}
    output = await socket.receive_output(timeout=10)
    print("first event after", round(time.monotonic() - started, 2), "s")
    if output["type"] == "websocket.close":
        return {"type": "closed", "code": output.get("code")}
    await socket.disconnect()
    return orjson.loads(output["text"])


async def _performance_path() -> str:
    performance = await database_sync_to_async(PerformanceFactory)()
    return f"/ws/performances/{performance.pk}/"


async def test_the_first_handshake_after_redis_restarts_gets_its_snapshot(redis_server):
    path = await _performance_path()
    assert (await _first_event(path))["type"] == "snapshot"

    redis_server.stop()
    redis_server.start()

    assert (await _first_event(path))["type"] == "snapshot"


async def test_a_map_socket_after_redis_restarts_gets_its_snapshot(redis_server):
    path = "/ws/map/?lat=38.7139&lng=-9.1394&radius_km=1"
    assert (await _first_event(path))["type"] == "snapshot"

    redis_server.stop()
    redis_server.start()

    assert (await _first_event(path))["type"] == "snapshot"


async def test_while_redis_is_down_a_socket_is_closed_with_try_again_later(redis_server):
    path = await _performance_path()
    assert (await _first_event(path))["type"] == "snapshot"

    redis_server.stop()

    assert await _first_event(path) == {"type": "closed", "code": SOCKET_TRY_AGAIN}


async def test_once_redis_is_back_the_socket_that_was_told_to_wait_is_served(redis_server):
    path = await _performance_path()
    redis_server.stop()
    assert await _first_event(path) == {"type": "closed", "code": SOCKET_TRY_AGAIN}

    redis_server.start()

    assert (await _first_event(path))["type"] == "snapshot"
