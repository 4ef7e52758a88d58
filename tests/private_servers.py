"""Servers of a test's own, on free loopback ports, that the test may stop and start again.

The machine's shared PostgreSQL and Redis serve every test and every person working on it:
they are never stopped, flushed or restarted. A test about an outage starts its own server
here instead. Redis comes back on the same port, empty or with what it held; PostgreSQL is a
throwaway cluster (``initdb`` + ``pg_ctl``, run as the ``postgres`` user when the test runs
as root, since PostgreSQL refuses to run as root), without fsync, removed afterwards.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.core.backups import find_pg_tool

START_TIMEOUT = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(condition, what: str, seconds: float = START_TIMEOUT) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} within {seconds} s")
        time.sleep(0.05)


# --- Redis ----------------------------------------------------------------------------------


def _redis_command(port: int, *words: str, timeout: float = 1) -> bytes:
    """One command in Redis's wire format, without a client library's reconnects and pools."""
    request = f"*{len(words)}\r\n".encode() + b"".join(
        f"${len(word.encode())}\r\n{word}\r\n".encode() for word in words
    )
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(request)
        return conn.recv(4096)


class PrivateRedis:
    """A redis-server on a free port that can stop and come back on the same port.

    It keeps no data on its own (``--save ""``, no append-only file): ``stop(keep_data=True)``
    saves a snapshot on the way down, which the next ``start`` loads, as a Redis with
    persistence would come back; ``stop()`` comes back empty, as a cache without it does.
    """

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="encore-redis-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def ping(self) -> bool:
        try:
            return _redis_command(self.port, "PING", timeout=0.5).startswith(b"+PONG")
        except OSError:
            return False

    def command(self, *words: str) -> bytes:
        return _redis_command(self.port, *words)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
                "--dbfilename",
                "dump.rdb",
            ],
            cwd=self.dir,
            stdout=subprocess.DEVNULL,
        )

        def answers() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}")
            return self.ping()

        _wait(answers, "the private Redis did not answer")

    def stop(self, *, keep_data: bool = False) -> None:
        """Shut down; with ``keep_data`` what it held comes back at the next start."""
        if not self.running:
            return
        snapshot = self.dir / "dump.rdb"
        if not keep_data:
            snapshot.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            # Redis closes the connection instead of answering a shutdown that succeeds.
            self.command("SHUTDOWN", "SAVE" if keep_data else "NOSAVE")
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.process = None
        if keep_data and not snapshot.exists():
            raise RuntimeError("Redis did not save its data on the way down")

    def restart(self, *, keep_data: bool = False) -> None:
        """Stop and start again on the same port: empty unless ``keep_data``."""
        self.stop(keep_data=keep_data)
        self.start()

    def cleanup(self) -> None:
        if self.running:
            self.process.kill()
            self.process.wait(10)
        self.process = None
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    """A started PrivateRedis, removed afterwards; skips the test without redis-server."""
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server (apt-get install redis-server)")
    server = PrivateRedis()
    try:
        server.start()
        yield server
    finally:
        server.cleanup()


# --- PostgreSQL ---------------------------------------------------------------------------


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own on a free port: trust auth, user ``postgres``.

    Made for speed, not durability (fsync off): it is thrown away after the test.
    """

    def __init__(self) -> None:
        self.initdb = find_pg_tool("initdb")
        self.pg_ctl = find_pg_tool("pg_ctl")
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="encore-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        # PostgreSQL refuses to run as root: the cluster belongs to the postgres user then.
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.run_as:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                shutil.rmtree(self.dir, ignore_errors=True)
                raise ImproperlyConfigured("no postgres user to run PostgreSQL as") from None
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _ctl(self, *args: str, timeout: float = 120) -> None:
        subprocess.run([*self.run_as, *args], check=True, capture_output=True, timeout=timeout, cwd=self.dir)

    def init(self) -> None:
        self._ctl(self.initdb, "-A", "trust", "-U", "postgres", "-D", str(self.data), "--no-sync")

    def _options(self) -> str:
        return (
            f"-h 127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off -c synchronous_commit=off"
            " -c full_page_writes=off -c max_connections=200"
        )

    def _server(self, action: str, *options: str) -> None:
        self._ctl(self.pg_ctl, "-D", str(self.data), "-l", str(self.log), "-w", *options, action)

    def start(self) -> None:
        self._server("start", "-o", self._options())

    def restart(self, mode: str = "fast") -> None:
        """``pg_ctl restart``: every connection is cut; returns once the server answers again."""
        self._server("restart", "-m", mode, "-o", self._options())

    def stop(self, mode: str = "fast") -> None:
        self._server("stop", "-m", mode)

    def create_database(self, name: str) -> str:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def cleanup(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A started PrivatePostgres, removed afterwards; skips the test without the server's tools."""
    try:
        server = PrivatePostgres()
    except ImproperlyConfigured as exc:
        pytest.skip(f"needs a private PostgreSQL: {exc}")
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.cleanup()
