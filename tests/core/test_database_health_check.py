"""A kept PostgreSQL connection is checked before reuse without a round trip to the server."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_healthy_connection_is_usable_without_a_statement(monkeypatch: pytest.MonkeyPatch) -> None:
    backend_pid()

    def no_statements(*args: object, **kwargs: object) -> None:
        raise AssertionError("the health check sent a statement")

    monkeypatch.setattr(psycopg.Connection, "execute", no_statements)
    monkeypatch.setattr(psycopg.Connection, "cursor", no_statements)
    assert connection.is_usable()


def test_a_connection_the_server_ended_is_not_usable_and_the_next_use_reconnects() -> None:
    ended = backend_pid()
    params = connection.get_connection_params()
    login = {key: params[key] for key in ("host", "port", "user", "password", "dbname") if key in params}
    with psycopg.connect(**login, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [ended])
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not connection.is_usable()

    # As before a request: a failed check closes it, and the next statement runs on a new one.
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    assert backend_pid() != ended
