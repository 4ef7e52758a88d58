from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import Any

import orjson
from channels.generic.websocket import AsyncWebsocketConsumer

from .metrics import OPEN_SOCKETS


class SnapshotConsumer(AsyncWebsocketConsumer, metaclass=ABCMeta):
    """A socket that joins groups, sends a snapshot first, then relays numbered deltas.

    A client asks for a fresh snapshot by sending ``{"type": "resync"}``.
    """

    @abstractmethod
    async def get_groups(self) -> list[str]:
        """The groups this socket may join; none refuses the connection."""

    @abstractmethod
    async def snapshot(self) -> dict[str, Any]:
        """The current state, with the ``seq`` it is valid at."""

    async def connect(self) -> None:
        groups = await self.get_groups()
        if not groups:
            await self.close(code=4403)
            return
        self.joined = groups
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        self.counted = True
        OPEN_SOCKETS.labels(kind=type(self).__name__).inc()
        await self.send_snapshot()

    async def disconnect(self, code: int) -> None:
        if getattr(self, "counted", False):
            self.counted = False
            OPEN_SOCKETS.labels(kind=type(self).__name__).dec()
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            data = orjson.loads(text_data or bytes_data or b"")
        except orjson.JSONDecodeError:
            await self.send_json({"type": "error", "detail": "Messages must be JSON."})
            return
        if isinstance(data, dict) and data.get("type") == "resync":
            await self.send_snapshot()
        else:
            await self.send_json({"type": "error", "detail": "Unknown message type."})

    async def send_snapshot(self) -> None:
        await self.send_json({"type": "snapshot", **(await self.snapshot())})

    async def send_json(self, data: dict[str, Any]) -> None:
        await self.send(text_data=orjson.dumps(data).decode())

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels hops to its one database thread before every handler to close stale
        # connections. A relayed message touches no database, and under load that hop,
        # shared by every socket of the process, was most of what a message cost.
        if message["type"] == "relay":
            await self.relay(message)
        else:
            await super().dispatch(message)

    async def relay(self, event: dict[str, Any]) -> None:
        # The message arrives as the JSON text every socket of the group gets.
        await self.send(text_data=event["text"])
