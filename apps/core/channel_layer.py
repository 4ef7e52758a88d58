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

Live updates are sent from code without an event loop (requests, tasks, background threads):
``publish`` writes them on blocking connections of the process's own, named and serialized
as channels_redis names and serializes them, so the sockets' side reads them as it reads any
group_send.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import redis
import structlog
from channels_redis import pubsub
from channels_redis.pubsub import _consistent_hash
from channels_redis.utils import _close_redis, _wrap_close, decode_hosts

from .counters import round_trip

logger = structlog.get_logger(__name__)
PUBLISH_TIMEOUT_SECONDS = 5


class _Shard(pubsub.RedisSingleShardConnection):
    async def publish(self, channel: str, message: bytes) -> None:
        async with self._lock:
            await self._once_more(lambda: self._redis.publish(channel, message))

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


class RedisPubSubChannelLayer(pubsub.RedisPubSubChannelLayer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._publishers: tuple[int, list[redis.Redis]] | None = None
        self._publishers_lock = threading.Lock()

    def publish(self, groups: list[str], message: dict[str, Any]) -> None:
        """group_send to several groups from code without an event loop (a request, a task, a
        background thread): serialized once, one round trip per Redis server.

        Handing each message to an event loop on another thread cost about ten times the
        publish itself (240 against 27 µs of CPU), and it is the busiest writes' last step.
        """
        data = self.serialize(message)
        prefix = self._kwargs.get("prefix", "asgi")
        publishers = self._sync_publishers()
        by_shard: dict[int, list[str]] = {}
        for group in groups:
            name = f"{prefix}__group__{group}"  # as channels_redis names a group's channel
            by_shard.setdefault(_consistent_hash(name, len(publishers)), []).append(name)
        for shard, names in by_shard.items():
            round_trip(publishers[shard], *[("PUBLISH", name, data) for name in names])

    def _sync_publishers(self) -> list[redis.Redis]:
        """A blocking client per Redis server of the layer, for this process (not inherited
        across a fork)."""
        pid = os.getpid()
        with self._publishers_lock:
            if self._publishers is None or self._publishers[0] != pid:
                clients = []
                for host in decode_hosts(self._kwargs.get("hosts")):
                    options = {key: value for key, value in host.items() if key != "address"}
                    # A publish waits this long at most for Redis, as a request does for its cache.
                    options.setdefault("socket_timeout", PUBLISH_TIMEOUT_SECONDS)
                    clients.append(redis.Redis.from_url(host["address"], **options))
                self._publishers = (pid, clients)
            return self._publishers[1]

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
