from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import Any

import orjson
from channels.generic.websocket import AsyncWebsocketConsumer

from .hub import SERVER_SEND, LocalSocket, hub
from .metrics import OPEN_SOCKETS
from .outage import requires_redis

# Sockets hear live updates through their process's hub (apps.core.hub), not through a channel
# of their own: an alias no layer is configured under gives them none.
NO_CHANNEL_LAYER = "sockets-listen-through-the-hub"


class SnapshotConsumer(AsyncWebsocketConsumer, metaclass=ABCMeta):
    """A socket that watches groups, sends a snapshot first, then relays numbered deltas.

    A client asks for a fresh snapshot by sending ``{"type": "resync"}``; the server sends
    ``{"type": "resync"}`` when the client fell so far behind that updates were dropped.
    """

    channel_layer_alias = NO_CHANNEL_LAYER
    # The close code for a socket that may not (or no longer) watch what it asked for.
    refusal_code = 4403

    @abstractmethod
    async def get_groups(self) -> list[str]:
        """The groups this socket may join; none refuses the connection."""

    @abstractmethod
    async def snapshot(self) -> dict[str, Any]:
        """The current state, with the ``seq`` it is valid at."""

    async def connect(self) -> None:
        groups = await self.get_groups()
        if not groups:
            await self.close(code=self.refusal_code)
            return
        await self.accept()
        await self.start(groups)

    async def start(self, groups: list[str]) -> None:
        """Count the open socket, watch its groups, then send the snapshot."""
        self.counted = True
        OPEN_SOCKETS.labels(kind=type(self).__name__).inc()
        await self.watch(groups)
        await self.started()
        await self.send_snapshot()
        self.local.release()

    async def started(self) -> None:
        """Called once the socket watches its groups, just before its snapshot."""

    async def watch(self, groups: list[str]) -> None:
        """Watch these groups (only these) from now on. Called after the socket is accepted,
        so nothing is written before it, and before the snapshot is read, so no change falls
        between the two."""
        if getattr(self, "local", None) is None:
            # Updates go straight to the server (keeping_server_send); held until released
            # after the snapshot.
            self.local = LocalSocket(self.scope.get(SERVER_SEND, self.base_send))
            self.local.on_recheck = self.recheck
        self.joined = groups
        await hub().watch(self.local, groups)

    async def recheck(self) -> None:
        """Close the socket if it may no longer watch its groups (say, its performance was hidden)."""
        if set(self.joined) - set(await self.get_groups()):
            await self.close(code=self.refusal_code)

    async def disconnect(self, code: int) -> None:
        if getattr(self, "counted", False):
            self.counted = False
            OPEN_SOCKETS.labels(kind=type(self).__name__).dec()
        if getattr(self, "local", None) is not None:
            await hub().forget(self.local)

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
        # Its numbers must be the real ones: with Redis away the cache would answer as if
        # every counter were new, and the socket is closed with "try again later" instead.
        with requires_redis():
            snapshot = await self.snapshot()
        if "seq" in snapshot and len(self.joined) == 1:
            # Which group its seq counts in: an update sent to several groups (a performance's
            # own and the map cells it is in) carries each group's number in seqs.
            snapshot = {"group": self.joined[0], **snapshot}
        await self.send_json({"type": "snapshot", **snapshot})

    async def send_json(self, data: dict[str, Any]) -> None:
        await self.send(text_data=orjson.dumps(data).decode())
