"""The whole production stack for tests: the Procfile's processes behind nginx.

In a test module::

    from tests.stack import live_stack  # noqa: F401  (module scope)

    pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

    def test_something(live_stack):
        requests.get(live_stack.base_url + "/healthz")

or, for a stack of one's own (other settings, fewer workers)::

    with running_stack(env={"API_THROTTLE_ANON": "5/min"}, web_concurrency=1) as stack: ...

The stack (``config.stack.Stack``) runs on a database of its own, created for it on the
PostgreSQL server of ``DATABASE_URL`` and dropped afterwards (a copy of a template database
migrated once per set of migrations, so each stack's release finds nothing left to migrate), and on a private
``redis-server`` on a free port (the :class:`PrivateRedis` in ``stack.redis``), so a test may
stop, restart or flush either without disturbing anything else. Through it:

- ``base_url``: nginx when installed, else ``web`` itself (``proxy`` says which);
  ``web_url``, ``ws_url`` (``ws://…``, sockets are under ``/ws/``), ``s3_url``;
- ``processes()``: every process with its name (``web``, ``ws``, ``worker``, ``beat``,
  ``nginx``, ``s3``), role (``master``/``worker``/``process``), pid and RSS;
- ``process_env``: the processes' environment; ``manage(...)`` and :func:`shell` run
  ``manage.py`` with it, e.g. to make users in the stack's database;
- ``log_tail()``: the end of the processes' combined output (also in a failed start's error).

Tests are skipped, saying why, without PostgreSQL (``DATABASE_URL``) or ``redis-server``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings

from config.stack import ROOT, Stack, StackError, drop_database, nginx_binary
from tests.private_servers import PrivateRedis

__all__ = ["PrivateRedis", "Stack", "live_stack", "running_stack", "shell", "sign_in"]


def _server_url(database: str) -> str:
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "postgres")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{database}"


# Held while the template is made or copied: xdist's workers start stacks side by side, and
# PostgreSQL copies a template only while nobody else is connected to it.
_TEMPLATE_LOCK = 0x656E636F7265  # "encore"


def _migrations_fingerprint() -> str:
    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.blake2b(digest_size=6)
    for app, name in sorted(MigrationLoader(None, ignore_no_migrations=True).disk_migrations):
        digest.update(f"{app}.{name};".encode())
    for path in sorted(ROOT.glob("apps/*/migrations/*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _migrated_database() -> str:
    """The URL of a new database with every migration applied, copied from a template."""
    import psycopg

    template = f"encore_stack_template_{_migrations_fingerprint()}"
    name = f"encore_stack_{secrets.token_hex(4)}"
    with psycopg.connect(_server_url("postgres"), autocommit=True, connect_timeout=5) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", [_TEMPLATE_LOCK])
        try:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone():
                building = f"{template}_building"
                conn.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{building}"')
                env = {
                    **os.environ,
                    "DJANGO_SETTINGS_MODULE": "config.settings.test",
                    "DATABASE_URL": _server_url(building),
                }
                subprocess.run(  # noqa: S603
                    [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
                    cwd=ROOT,
                    env=env,
                    check=True,
                    timeout=600,
                )
                # Named only once whole, so a failed migrate leaves no half-made template.
                conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", [_TEMPLATE_LOCK])
    return _server_url(name)


@contextlib.contextmanager
def running_stack(
    *,
    proxy: bool | None = None,
    env: dict[str, str] | None = None,
    web_concurrency: int = 2,
    ws_concurrency: int = 1,
    worker_concurrency: int = 1,
    timeout: float = 300,
    database_url: str | None = None,
    redis: Any = None,
) -> Iterator[Stack]:
    """The stack on a fresh database and a private Redis, stopped and removed on exit.

    ``proxy=None`` puts nginx in front when it is installed; ``True`` requires it (skips
    without); ``False`` serves ``web`` and ``ws`` directly. ``database_url`` names a database
    on another server (a private cluster a test restarts) instead; ``redis`` is a Redis the
    caller started and stops itself (anything with a ``url``), e.g. to restart it with its data.
    """
    if database_url is None and not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("needs PostgreSQL: set DATABASE_URL (CI does)")
    if proxy is None:
        proxy = nginx_binary() is not None
    elif proxy and nginx_binary() is None:
        pytest.skip("needs nginx (apt-get install -y --no-install-recommends nginx)")
    workdir = Path(tempfile.mkdtemp(prefix="encore-test-stack-"))
    database_url = database_url or _migrated_database()
    own_redis = redis is None
    if own_redis:
        if shutil.which("redis-server") is None:
            pytest.skip("needs redis-server (apt-get install redis-server) for a private Redis")
        redis = PrivateRedis()
        redis.start()
    log = (workdir / "stack.log").open("w")
    stack = Stack(
        database_url=database_url,
        redis_url=redis.url,
        proxy=proxy,
        web_concurrency=web_concurrency,
        ws_concurrency=ws_concurrency,
        worker_concurrency=worker_concurrency,
        env={
            # Tests fuzz and hammer the API: the rate limits have tests of their own.
            "API_THROTTLE_ANON": "100000/min",
            "API_THROTTLE_USER": "100000/min",
            # Stacks side by side (xdist) must not share folders: web collects the static
            # files as it starts while ws reads them, and each process empties its metrics.
            "STATIC_ROOT": str(workdir / "static"),
            "METRICS_DIR": str(workdir / "metrics"),
            **(env or {}),
        },
        output=log,
        workdir=workdir / "stack",
    )
    stack.workdir.mkdir()
    stack.redis = redis
    try:
        stack.start(timeout=timeout)
        yield stack
    finally:
        stack.stop()
        if own_redis:
            redis.cleanup()
        log.close()
        with contextlib.suppress(Exception):
            drop_database(database_url)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def live_stack() -> Iterator[Stack]:
    """The production stack for a module's tests (nginx in front when installed)."""
    with running_stack() as stack:
        yield stack


def shell(stack: Stack, code: str) -> str:
    """Run Python in ``manage.py shell`` with the stack's settings; returns what it printed."""
    result = stack.manage("shell", "--no-imports", "-c", code, check=False)
    if result.returncode:
        raise StackError(f"manage.py shell failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def sign_in(stack: Stack, email: str, password: str) -> str:
    """The API's session token for a user of the stack's database (send it as X-Session-Token)."""
    import requests

    response = requests.post(
        f"{stack.base_url}/_allauth/app/v1/auth/login",
        json={"email": email, "password": password},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["meta"]["session_token"]


def make_user(stack: Stack, email: str, password: str, **fields: Any) -> None:
    """A user with a verified email address in the stack's database."""
    shell(
        stack,
        "from allauth.account.models import EmailAddress\n"
        "from apps.accounts.models import User\n"
        f"user = User.objects.create_user(email={email!r}, password={password!r}, **{fields!r})\n"
        "EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)\n",
    )
