"""The channel layer listens again to every channel and group its process holds after Redis returns.

A socket that stayed open through a Redis outage keeps its channel and groups; whatever the
process did during the outage (another socket's handshake subscribing, and failing, on a
fresh connection), the next group_send after Redis is back must reach it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import pytest

from apps.core.channel_layer import RedisPubSubChannelLayer
from tests.private_servers import PrivateRedis, private_redis

pytestmark = [pytest.mark.asyncio, pytest.mark.slow, pytest.mark.redis]

ARRIVES_WITHIN = 5  # seconds: the receive loop retries about once a second


@pytest.fixture
def redis_server() -> Iterator[PrivateRedis]:
    with private_redis() as server:
        yield server


@pytest.fixture
async def layer(redis_server: PrivateRedis) -> AsyncIterator[RedisPubSubChannelLayer]:
    layer = RedisPubSubChannelLayer(hosts=[{"address": redis_server.url, "socket_connect_timeout": 1}])
    try:
        yield layer
    finally:
        with contextlib.suppress(Exception):
            await layer.flush()


async def _listening(layer: RedisPubSubChannelLayer, group: str) -> str:
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    return channel


async def _group_send_arrives(layer: RedisPubSubChannelLayer, group: str, channel: str) -> bool:
    """Publishes until the message arrives: the resubscribe may land just after Redis answers."""
    deadline = asyncio.get_running_loop().time() + ARRIVES_WITHIN
    while asyncio.get_running_loop().time() < deadline:
        with contextlib.suppress(Exception):
            await layer.group_send(group, {"type": "update", "n": 1})
        try:
            message = await asyncio.wait_for(layer.receive(channel), 0.5)
        except TimeoutError:
            continue
        return message == {"type": "update", "n": 1}
    return False


async def _while_redis_is_down(layer: RedisPubSubChannelLayer) -> None:
    # Another socket's handshake: it subscribes on a fresh connection, which fails.
    with contextlib.suppress(Exception):
        await layer.new_channel()
    with contextlib.suppress(Exception):
        await layer.group_add("other", await layer.new_channel())


@pytest.mark.parametrize("keep_data", [False, True], ids=["returns-empty", "returns-with-data"])
async def test_a_group_receives_after_redis_returns_though_a_subscribe_failed_during_the_outage(
    layer, redis_server, keep_data
):
    channel = await _listening(layer, "show")
    assert await _group_send_arrives(layer, "show", channel)

    redis_server.stop(keep_data=keep_data)
    await _while_redis_is_down(layer)
    redis_server.start()

    assert await _group_send_arrives(layer, "show", channel)


async def test_a_group_receives_after_redis_returns_with_nothing_done_during_the_outage(layer, redis_server):
    channel = await _listening(layer, "show")
    assert await _group_send_arrives(layer, "show", channel)

    redis_server.restart()

    assert await _group_send_arrives(layer, "show", channel)


async def test_a_group_receives_after_each_of_several_outages(layer, redis_server):
    channel = await _listening(layer, "show")

    for outage in range(3):
        redis_server.stop(keep_data=outage % 2 == 1)
        await _while_redis_is_down(layer)
        redis_server.start()
        assert await _group_send_arrives(layer, "show", channel), f"outage {outage + 1}"
