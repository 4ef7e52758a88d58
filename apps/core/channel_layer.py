"""channels_redis's pub/sub layer, whose connection starts over after Redis restarts.

The stock layer keeps one subscriber connection per process. After Redis restarts that
connection is dead, and the next subscribe or publish on it fails (a ConnectionError, or an
AttributeError from redis-py's half-reconnected connection) while its receive loop reconnects
beside it: the first socket handshake in each process answered HTTP 500. Here a failed command
closes the connection, opens a new one, subscribes again to everything this process listens
to, and runs once more. If Redis is still down the error is raised (apps.core.outage closes
the socket with "try again later").

What this process listens to is ``_subscribed_to``; the receive loop subscribes again to
whatever of it the pub/sub connection does not hold, until Redis accepts. redis-py replays on
reconnect only the subscriptions Redis once confirmed on that PubSub object, so a fresh
connection whose SUBSCRIBE failed during an outage would otherwise hold none, and sockets that
stayed open through the outage would never hear of another update.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from channels_redis import pubsub
from channels_redis.utils import _close_redis, _wrap_close, decode_hosts

logger = structlog.get_logger(__name__)


class _Shard(pubsub.RedisSingleShardConnection):
    async def publish(self, channel: str, message: bytes) -> None:
        async with self._lock:
            await self._once_more(lambda: self._redis.publish(channel, message))

    async def publish_many(self, channels: list[str], message: bytes) -> None:
        async def publish_all() -> None:
            async with self._redis.pipeline(transaction=False) as pipe:
                for channel in channels:
                    pipe.publish(channel, message)
                await pipe.execute()

        async with self._lock:
            await self._once_more(publish_all)

    async def subscribe(self, channel: str) -> None:
        async with self._lock:
            if channel not in self._subscribed_to:
                await self._once_more(lambda: self._pubsub.subscribe(channel))
                self._subscribed_to.add(channel)

    async def _once_more(self, command: Callable[[], Awaitable[Any]]) -> Any:
        self._ensure_redis()
        self._ensure_receiver()
        try:
            return await command()
        except Exception as exc:  # noqa: BLE001 - redis-py fails in more ways than ConnectionError
            logger.warning("channel_layer_reconnecting", error=f"{type(exc).__name__}: {exc}"[:200])
            await self._start_over()
            return await command()

    async def _start_over(self) -> None:
        # The receive loop goes first, so it cannot reconnect the old connection meanwhile.
        if self._receive_task is not None:
            self._receive_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._receive_task
            self._receive_task = None
        if self._redis is not None:
            with contextlib.suppress(Exception):
                await _close_redis(self._redis)
        self._redis = self._pubsub = None
        self._ensure_redis()
        self._ensure_receiver()
        if self._subscribed_to:
            # If this fails, Redis is still down: the receive loop subscribes once it is back.
            await self._pubsub.subscribe(*self._subscribed_to)

    async def _do_receiving(self) -> None:
        # The stock loop, plus subscribing again to what the connection lost.
        failing = False
        while True:
            try:
                await self._subscribe_to_the_missing()
                if self._pubsub is not None and self._pubsub.subscribed:
                    message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
                    self._receive_message(message)
                else:
                    await asyncio.sleep(0.1)
                failing = False
            except (asyncio.CancelledError, TimeoutError, GeneratorExit):
                raise
            except Exception as exc:  # noqa: BLE001 - keep receiving whatever redis-py raises
                # Once per outage: Redis refuses every second until it is back.
                if not failing:
                    logger.warning("channel_layer_receive_failed", error=f"{type(exc).__name__}: {exc}"[:200])
                failing = True
                await asyncio.sleep(1)

    async def _subscribe_to_the_missing(self) -> None:
        pubsub = self._pubsub
        # Counting first spares building sets every tenth of a second. Channels go missing
        # when a fresh connection's SUBSCRIBE failed, and then the connection holds none.
        if pubsub is None or len(pubsub.channels) >= len(self._subscribed_to):
            return
        async with self._lock:
            held = {name.decode() if isinstance(name, bytes) else name for name in pubsub.channels}
            missing = self._subscribed_to - held
            if missing:
                await pubsub.subscribe(*missing)
                logger.info("channel_layer_resubscribed", channels=len(missing))


class RedisPubSubLoopLayer(pubsub.RedisPubSubLoopLayer):
    def __init__(self, hosts: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(hosts, *args, **kwargs)
        self._shards = [_Shard(host, self) for host in decode_hosts(hosts)]

    async def group_send_many(self, groups: list[str], message: dict[str, Any]) -> None:
        """group_send to several groups: serialized once, one round trip per Redis server."""
        data = self.channel_layer.serialize(message)
        by_shard: dict[_Shard, list[str]] = {}
        for group in groups:
            name = self._get_group_channel_name(group)
            by_shard.setdefault(self._get_shard(name), []).append(name)
        for shard, names in by_shard.items():
            await shard.publish_many(names, data)


class RedisPubSubChannelLayer(pubsub.RedisPubSubChannelLayer):
    async def group_send_many(self, groups: list[str], message: dict[str, Any]) -> None:
        await self._get_layer().group_send_many(groups, message)

    def _get_layer(self) -> RedisPubSubLoopLayer:
        # As the stock layer does (one layer per event loop), with the shards above.
        loop = asyncio.get_running_loop()
        try:
            return self._layers[loop]
        except KeyError:
            layer = RedisPubSubLoopLayer(*self._args, **self._kwargs, channel_layer=self)
            self._layers[loop] = layer
            _wrap_close(self, loop)
            return layer
