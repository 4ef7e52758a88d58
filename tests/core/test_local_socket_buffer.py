"""A socket's side of the hub writes at once while its connection takes it, keeps order behind
a write that has to wait, and bounds what waits."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from apps.core.hub import LocalSocket

pytestmark = pytest.mark.asyncio


class Connection:
    """An ASGI send whose writes wait while the connection is paused, as a server's do."""

    def __init__(self) -> None:
        self.writable = asyncio.Event()
        self.writable.set()
        self.written: list[str] = []

    async def send(self, message: dict) -> None:
        await self.writable.wait()
        self.written.append(message["text"])


def open_socket(connection: Connection, limit: int = 4) -> LocalSocket:
    socket = LocalSocket(connection.send, limit)
    socket.release()
    return socket


async def test_a_write_the_connection_takes_happens_at_once_without_a_task():
    connection = Connection()
    socket = open_socket(connection)
    socket.push("one")
    assert connection.written == ["one"]
    assert socket.writer is None


async def test_writes_behind_a_paused_connection_keep_their_order():
    connection = Connection()
    socket = open_socket(connection)
    connection.writable.clear()
    for text in ("one", "two", "three"):
        socket.push(text)
    await asyncio.sleep(0)
    assert connection.written == []

    connection.writable.set()
    await socket.writer
    assert connection.written == ["one", "two", "three"]
    socket.push("four")
    assert connection.written[-1] == "four"


async def test_a_full_buffer_becomes_one_resync_message():
    connection = Connection()
    socket = open_socket(connection, limit=4)
    connection.writable.clear()
    for number in range(9):
        socket.push(str(number))

    connection.writable.set()
    await socket.writer
    resync = [i for i, text in enumerate(connection.written) if text.startswith("{")]
    assert len(resync) == 1
    assert orjson.loads(connection.written[resync[0]])["type"] == "resync"
    assert connection.written[0] == "0", "the write under way when it filled still finished"
    assert connection.written[resync[0] + 1 :] == ["6", "7", "8"], "what came after the resync follows it"


async def test_closing_a_socket_stops_a_waiting_write():
    connection = Connection()
    socket = open_socket(connection)
    connection.writable.clear()
    socket.push("one")
    writer = socket.writer
    socket.close()
    with pytest.raises(asyncio.CancelledError):
        await writer
    connection.writable.set()
    socket.push("two")
    await asyncio.sleep(0)
    assert connection.written == []


async def test_nothing_is_written_before_the_socket_is_released():
    connection = Connection()
    socket = LocalSocket(connection.send, 4)
    socket.push("one")
    assert connection.written == []
    socket.release()
    await socket.writer
    assert connection.written == ["one"]
