"""A socket that stops reading does not hold up the others, and once its buffer is full it is
told to resync, rather than silently missing updates or growing without bound.

A real server (uvicorn, as in production) and real client sockets: flow control only exists
on a real connection. The stalled client keeps a tiny receive buffer and stops reading.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import ExitStack

import orjson
import pytest
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.sync.client import ClientConnection, connect
from websockets.uri import parse_uri

from apps.core.realtime import send_now
from apps.performances.cells import cell_of, map_group
from tests.app_server import AppServer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

LAT, LNG = 38.7139, -9.1394
MAP = f"/ws/map/?lat={LAT}&lng={LNG}&radius_km=1"
# Far more than the kernel's and the server's buffers hold for one stalled client (about 4 MB).
UPDATES, PADDING = 600, "x" * 16_000


@pytest.fixture
def server(settings) -> Iterator[AppServer]:  # noqa: ANN001
    settings.LIVE_SOCKET_BUFFER = 16
    app = AppServer().start()
    yield app
    app.stop()


def open_map(server: AppServer, sockets: ExitStack) -> ClientConnection:
    client = sockets.enter_context(connect(server.ws_url(MAP), origin=server.url, open_timeout=10))
    assert orjson.loads(client.recv(timeout=10))["type"] == "snapshot"
    return client


class StalledClient:
    """A phone that stops reading: websockets' protocol over a socket read only when asked."""

    def __init__(self, server: AppServer) -> None:
        self.socket = socket.socket()
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.socket.connect(("127.0.0.1", server.port))
        self.socket.settimeout(10)
        self.protocol = ClientProtocol(parse_uri(server.ws_url(MAP)))
        request = self.protocol.connect()
        request.headers["Origin"] = server.url
        self.protocol.send_request(request)
        self._flush()
        self.texts: list[str] = []

    def _flush(self) -> None:
        for data in self.protocol.data_to_send():
            self.socket.sendall(data)

    def recv(self) -> dict:
        while not self.texts:
            self.protocol.receive_data(self.socket.recv(65536))
            self.texts += [
                e.data.decode()
                for e in self.protocol.events_received()
                if isinstance(e, Frame) and e.opcode is Opcode.TEXT
            ]
            self._flush()  # pongs
        return orjson.loads(self.texts.pop(0))

    def send(self, data: dict) -> None:
        self.protocol.send_text(orjson.dumps(data))
        self._flush()

    def close(self) -> None:
        self.socket.close()


def test_a_stalled_socket_is_told_to_resync_while_the_others_get_every_update(server):
    stalled = StalledClient(server)
    assert stalled.recv()["type"] == "snapshot"
    with ExitStack() as sockets:
        sockets.callback(stalled.close)
        check(stalled, open_map(server, sockets))


def check(stalled: StalledClient, reading: ClientConnection) -> None:
    group = map_group(cell_of(LAT, LNG))
    got = []
    for number in range(UPDATES):
        send_now(group, "performance.moved", {"number": number, "padding": PADDING})
        # Each reaches the reading socket while the stalled one holds its earlier ones.
        got.append(orjson.loads(reading.recv(timeout=10)))

    assert [m["number"] for m in got] == list(range(UPDATES)), "the reading socket got each update, in order"
    assert [m["seq"] for m in got] == list(range(got[0]["seq"], got[0]["seq"] + UPDATES))

    seen = [stalled.recv()]
    while seen[-1]["type"] != "resync":
        try:
            seen.append(stalled.recv())
        except OSError:  # timed out
            raise AssertionError(f"no resync after {len(seen)} messages") from None
    before = [m["number"] for m in seen[:-1]]
    assert before == list(range(len(before))), "what arrived before the resync had no gap"
    assert len(before) < UPDATES

    stalled.send({"type": "resync"})
    while (message := stalled.recv())["type"] != "snapshot":
        assert message["type"] in {"performance.moved", "resync"}
    assert message["seqs"][group] == got[-1]["seq"], "the fresh snapshot counts every update"
