"""With Redis, each process subscribes once to each group its sockets watch, and every socket of
every process gets an update once.

Two real uvicorn processes (as the Procfile's ws runs several) share the test's database and
Redis; the update is sent from this process, as the web process would send it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import timedelta
from urllib.parse import quote

import orjson
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone
from websockets.sync.client import ClientConnection, connect

from apps.performances import services
from apps.performances.cells import FINE, cell_of, map_group
from tests.factories import ArtistProfileFactory
from tests.performances.helpers import route
from tests.private_servers import free_port

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
]

WEST = (38.7139, -9.1394)
EAST = (38.7139, -9.1294)
MAP = "/ws/map/?lat=38.7139&lng=-9.1344&radius_km=2"


def _database_url() -> str:
    db = connection.settings_dict
    user, host, port = quote(db["USER"] or "postgres"), db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def ws_processes() -> Iterator[list[int]]:
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "TEST_KEY_PREFIX": prefix,
        "PYTEST_XDIST_WORKER": os.environ.get("PYTEST_XDIST_WORKER", "gw0"),
    }
    ports = [free_port(), free_port()]
    command = [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1"]
    command += ["--ws", "websockets-sansio", "--log-level", "warning", "--lifespan", "off"]
    processes = [subprocess.Popen([*command, "--port", str(port)], env=env) for port in ports]
    try:
        for port in ports:
            _wait_for(port)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


def _wait_for(port: int) -> None:
    import socket

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"no server on port {port}")


def open_map(port: int, sockets: ExitStack) -> tuple[ClientConnection, dict]:
    client = sockets.enter_context(
        connect(f"ws://127.0.0.1:{port}{MAP}", origin=f"http://127.0.0.1:{port}", open_timeout=10)
    )
    snapshot = orjson.loads(client.recv(timeout=10))
    assert snapshot["type"] == "snapshot"
    return client, snapshot


def everything(client: ClientConnection) -> list[dict]:
    messages = []
    while True:
        try:
            messages.append(orjson.loads(client.recv(timeout=1)))
        except TimeoutError:
            return messages


def subscribers(group: str) -> int:
    prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    ((_, count),) = client.pubsub_numsub(f"{prefix}__group__{group}")
    client.close()
    return count


def test_each_socket_of_two_processes_gets_a_move_once_and_each_process_subscribes_once(ws_processes):
    artist = ArtistProfileFactory()
    performance = services.create_performance(artist, actor=artist.user, title="Corner set", stops=route(-5))
    performance = services.go_live(performance, actor=artist.user)
    performance = services.update_position(performance, actor=artist.user, lat=WEST[0], lng=WEST[1])
    west, east = (map_group(cell_of(*point, FINE)) for point in (WEST, EAST))

    with ExitStack() as sockets:
        opened = [open_map(port, sockets) for port in ws_processes for _ in range(3)]
        assert subscribers(west) == subscribers(east) == 2, "one subscription per group per process"

        services.update_position(
            performance,
            actor=artist.user,
            lat=EAST[0],
            lng=EAST[1],
            now=timezone.now() + timedelta(seconds=10),
        )

        for client, snapshot in opened:
            received = everything(client)
            assert [m["type"] for m in received] == ["performance.moved"]
            assert received[0]["seqs"][west] == snapshot["seqs"][west] + 1
            assert received[0]["seqs"][east] == snapshot["seqs"][east] + 1

    deadline = time.monotonic() + 5
    while subscribers(west) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert subscribers(west) == 0, "a process unsubscribes once its last socket of a group closes"
