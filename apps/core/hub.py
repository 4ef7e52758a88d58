"""The socket hub: one subscription per group per process, and one delivery per socket.

A process's sockets do not each hold a channel of the channel layer. The hub of the process
(one per event loop) subscribes once to each group that any of its sockets watches, and when an
update arrives it writes the update's text, serialized once by the sender, to each local socket
that watches any of the update's groups: once per socket, however many of those groups the
socket watches (a map socket watches several cells, and a move between two of them is sent to
both).

An update is sent to each of its groups, so a process watching several of them hears it once per
group; the hub delivers the first copy and drops the others by the update's id.

Each socket has a bounded buffer, written out by a task of its own while the socket takes it. A
socket that stops reading (a phone in a tunnel) fills its buffer instead of holding up the
others; when it is full, what it holds is dropped for one ``{"type": "resync"}`` message, which
tells the client that it missed updates and should ask for a fresh snapshot.

With Redis, the hub listens through the channel layer (one Redis subscription per group per
process). On the embedded default (one process, the in-memory layer) a sender hands the update
to every hub of the process directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
import types
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterable
from typing import Any

import orjson
import structlog
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings

from .metrics import SOCKETS_TOLD_TO_RESYNC

logger = structlog.get_logger(__name__)

# Copies of one update reach a process within moments of each other; this many recent ids
# is far more than can arrive in between.
REMEMBERED_UPDATES = 4096
RESYNC_TEXT = orjson.dumps(
    {"type": "resync", "detail": "Updates arrived faster than this connection took them; ask for a snapshot."}
).decode()

Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[dict[str, Any], Callable[[], Awaitable[dict[str, Any]]], Send], Awaitable[None]]
# Where a socket's scope keeps the server's own send (keeping_server_send).
SERVER_SEND = "server_send"


def keeping_server_send(app: ASGIApp) -> ASGIApp:
    """`app` with the server's own send kept in each socket's scope, for the hub to write to.

    Middleware between the server and a consumer wraps send: Channels' session middleware looks
    at the session on every message (to save it on an HTTP response), the outage middleware
    notes that something was sent (which matters only until the handshake is answered). For an
    update to an accepted socket none of them acts, and once per socket per update they cost
    about as much as the write itself. The handshake and snapshots still go through them.
    """

    async def keeping(scope: dict[str, Any], receive: Callable, send: Send) -> None:
        return await app({**scope, SERVER_SEND: send}, receive, send)

    return keeping


@types.coroutine
def _resume(sending: Coroutine[Any, Any, None], waiting: Any) -> Generator[Any, None, None]:
    """Finish a coroutine that was started by hand and is waiting on ``waiting``: what a task
    would have done had it run the coroutine from the start."""
    while True:
        try:
            yield waiting
        except BaseException as exc:  # noqa: BLE001 - cancellation included, passed on inside
            try:
                waiting = sending.throw(exc)
            except StopIteration:
                return
            continue
        try:
            waiting = sending.send(None)
        except StopIteration:
            return


class LocalSocket:
    """One socket's side of the hub: the groups it watches and its bounded outgoing buffer."""

    def __init__(self, send: Send, limit: int | None = None) -> None:
        self.send = send
        self.limit = limit or settings.LIVE_SOCKET_BUFFER
        self.groups: set[str] = set()
        self.buffer: deque[str] = deque()
        self.writer: asyncio.Task[None] | None = None
        self.closed = False
        # Asks the socket whether it may still watch its groups (apps.core.realtime.ask_to_recheck).
        self.on_recheck: Callable[[], Awaitable[None]] | None = None
        self.rechecking: asyncio.Task[None] | None = None
        # Held while its snapshot is being read and sent: what arrives meanwhile waits, so the
        # snapshot is the first thing the client gets.
        self.held = True

    def push(self, text: str) -> None:
        if self.closed:
            return
        if self.writer is None and not self.held and not self.buffer:
            self._write_now(text)
            return
        if len(self.buffer) >= self.limit:
            # What it holds is already stale: the client gets one message saying so.
            self.buffer.clear()
            self.buffer.append(RESYNC_TEXT)
            SOCKETS_TOLD_TO_RESYNC.inc()
        else:
            self.buffer.append(text)
        self._start_writing()

    def recheck(self) -> None:
        if self.on_recheck is not None and self.rechecking is None and not self.closed:
            self.rechecking = asyncio.get_running_loop().create_task(self._recheck(self.on_recheck))

    async def _recheck(self, check: Callable[[], Awaitable[None]]) -> None:
        try:
            await check()
        except Exception:  # noqa: BLE001 - a failed check leaves the socket as it was
            logger.exception("socket_recheck_failed")
        finally:
            self.rechecking = None

    def hold(self) -> None:
        self.held = True

    def release(self) -> None:
        self.held = False
        self._start_writing()

    def _write_now(self, text: str) -> None:
        # The server's send only waits when the connection is paused (the client reads slower
        # than it is written to), so it is driven here, in the fan-out, with no task of its
        # own: almost every write completes at once. One that waits is finished by a task, and
        # what arrives meanwhile queues behind it.
        sending = self.send({"type": "websocket.send", "text": text})
        try:
            waiting = sending.send(None)
        except StopIteration:
            return
        except Exception:  # noqa: BLE001 - the client went away: its disconnect follows
            self._gone()
            return
        self.writer = asyncio.get_running_loop().create_task(self._write(_resume(sending, waiting)))

    def _start_writing(self) -> None:
        # A writer exists only while there is a backlog: idle sockets cost no task.
        if self.writer is None and self.buffer and not self.held and not self.closed:
            self.writer = asyncio.get_running_loop().create_task(self._write())

    async def _write(self, unfinished: Awaitable[None] | None = None) -> None:
        try:
            if unfinished is not None:
                await unfinished
            while self.buffer and not self.closed:
                await self.send({"type": "websocket.send", "text": self.buffer.popleft()})
        except Exception:  # noqa: BLE001 - the client went away mid-write: its disconnect follows
            self._gone()
        finally:
            self.writer = None

    def _gone(self) -> None:
        self.closed = True
        self.buffer.clear()

    def close(self) -> None:
        self.closed = True
        self.buffer.clear()
        if self.writer is not None:
            self.writer.cancel()
            self.writer = None


class Hub:
    """The sockets of one event loop (one process), by the groups they watch."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.members: dict[str, set[LocalSocket]] = {}
        self.subscribed: set[str] = set()
        self.lock = asyncio.Lock()
        self.recent: dict[str, None] = {}
        self.channel: str | None = None
        self.reader: asyncio.Task[None] | None = None

    # --- who watches what -------------------------------------------------------------------

    async def watch(self, socket: LocalSocket, groups: Iterable[str]) -> None:
        """Make ``groups`` the groups ``socket`` watches; returns once each is subscribed."""
        groups = set(groups)
        for group in socket.groups - groups:
            self.members.get(group, set()).discard(socket)
        for group in groups - socket.groups:
            self.members.setdefault(group, set()).add(socket)
        changed = socket.groups ^ groups
        socket.groups = groups
        for group in sorted(changed):
            await self._subscribe_as_needed(group)

    async def forget(self, socket: LocalSocket) -> None:
        socket.close()
        await self.watch(socket, ())

    async def _subscribe_as_needed(self, group: str) -> None:
        # One change at a time, so a socket leaving as another arrives cannot leave a group
        # unsubscribed while it has a member. Only a group's first and last socket wait on Redis.
        async with self.lock:
            wanted = bool(self.members.get(group))
            if wanted and group not in self.subscribed:
                await self._subscribe(group)
                self.subscribed.add(group)
            elif not wanted and group in self.subscribed:
                self.subscribed.discard(group)
                await self._unsubscribe(group)
            if not self.members.get(group):
                self.members.pop(group, None)

    async def _subscribe(self, group: str) -> None:
        layer = get_channel_layer()
        if isinstance(layer, InMemoryChannelLayer):
            return  # senders hand updates to this hub directly (deliver_in_process)
        if self.channel is None:
            self.channel = await layer.new_channel("hub.")
            self.reader = self.loop.create_task(self._read(layer, self.channel))
        await layer.group_add(group, self.channel)

    async def _unsubscribe(self, group: str) -> None:
        layer = get_channel_layer()
        if self.channel is not None and not isinstance(layer, InMemoryChannelLayer):
            try:
                await layer.group_discard(group, self.channel)
            except Exception:  # noqa: BLE001 - Redis away: a leftover subscription only costs messages
                logger.warning("socket_hub_unsubscribe_failed", group=group, exc_info=True)

    async def _read(self, layer: Any, channel: str) -> None:
        while True:
            try:
                self.deliver(await layer.receive(channel))
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - keep listening: the layer reconnects by itself
                logger.exception("socket_hub_receive_failed")
                await asyncio.sleep(1)

    # --- delivering -------------------------------------------------------------------------

    def deliver(self, message: dict[str, Any]) -> None:
        """Write an update to each local socket that watches any of its groups, once."""
        update_id = message["id"]
        if update_id in self.recent:
            return
        self.recent[update_id] = None
        if len(self.recent) > REMEMBERED_UPDATES:
            del self.recent[next(iter(self.recent))]
        groups = message["groups"]
        if len(groups) == 1:
            sockets: Iterable[LocalSocket] = list(self.members.get(groups[0], ()))
        else:
            sockets = set().union(*(self.members.get(group, ()) for group in groups))
        if message["type"] == "recheck":
            for socket in sockets:
                socket.recheck()
            return
        text = message["text"]
        for socket in sockets:
            socket.push(text)

    def watching(self) -> int:
        return len({socket for members in self.members.values() for socket in members})


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}
_hubs_lock = threading.Lock()


def hub() -> Hub:
    """The hub of the running event loop."""
    loop = asyncio.get_running_loop()
    try:
        return _hubs[loop]
    except KeyError:
        with _hubs_lock:
            for old in [old for old in _hubs if old.is_closed()]:
                del _hubs[old]
            return _hubs.setdefault(loop, Hub(loop))


def deliver_in_process(message: dict[str, Any]) -> None:
    """Hand an update to every hub of this process (the in-memory layer), from any thread."""
    with _hubs_lock:
        hubs = [each for loop, each in _hubs.items() if not loop.is_closed()]
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    for each in hubs:
        if each.loop is running:
            each.deliver(message)
        else:
            # In a context of its own, not the sender's: a sender inside sync_to_async would
            # otherwise pass on its thread's marks, and a socket's recheck could not use it.
            # RuntimeError: that loop closed meanwhile, and nobody is listening there.
            with contextlib.suppress(RuntimeError):
                each.loop.call_soon_threadsafe(each.deliver, message, context=contextvars.Context())
