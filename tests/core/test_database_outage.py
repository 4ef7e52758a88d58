"""While the database is unreachable a request that needs it answers 503 with Retry-After, never 500.

JSON in the API's error shape naming "database" under /api/, a page for browsers. Liveness
(/healthz) stays 200, since restarting the web process would not bring the database back;
readiness (/readyz) answers 503 naming it. The outage is real: the connection is pointed at a
server that is not there on PostgreSQL (a closed port), as when the database is down or
unreachable; SQLite's test database lives in memory, so there its connection fails as an
unopenable file does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import NoReturn

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import ArtistProfileFactory, PerformanceFactory, UserFactory
from tests.private_servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(db):  # noqa: ANN001, ANN201
    artist = ArtistProfileFactory(slug="ana-strings")
    return {"artist": artist, "performance": PerformanceFactory(artist=artist), "fan": UserFactory()}


class DatabaseOutage:
    """Makes the default connection's database unreachable, and reachable again."""

    def __init__(self) -> None:
        self.saved = dict(connection.settings_dict)

    def start(self) -> None:
        if connection.vendor == "postgresql":
            # The real thing: nothing listens on that port any more.
            connection.close()
            options = {**self.saved.get("OPTIONS", {}), "connect_timeout": 2}
            connection.settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()), OPTIONS=options)
        else:
            # The test database lives in memory, gone once its connection closes: the
            # connection fails as a file that cannot be opened does instead.
            connections[DEFAULT_DB_ALIAS]._cursor = _unopenable  # noqa: SLF001

    def end(self) -> None:
        if connection.vendor == "postgresql":
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(self.saved)
        else:
            wrapper = connections[DEFAULT_DB_ALIAS]
            wrapper.__dict__.pop("_cursor", None)


def _unopenable(*args, **kwargs) -> NoReturn:  # noqa: ANN002, ANN003
    try:
        raise sqlite3.OperationalError("unable to open database file")
    except sqlite3.OperationalError as exc:
        raise OperationalError(*exc.args) from exc


@pytest.fixture
def outage(world) -> Iterator[DatabaseOutage]:  # noqa: ANN001
    database = DatabaseOutage()
    try:
        yield database
    finally:
        database.end()


@pytest.fixture
def database_down(outage: DatabaseOutage) -> DatabaseOutage:
    outage.start()
    return outage


def _browser() -> Client:
    # A refusal must be an answer, not an exception the test client would re-raise.
    return Client(raise_request_exception=False)


def test_a_page_is_a_503_page_with_retry_after(world, database_down):
    response = _browser().get(f"/artists/{world['artist'].slug}/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"].startswith("text/html")
    assert b"database" in response.content


def test_the_front_page_is_a_503_not_a_500(world, database_down):
    assert _browser().get("/").status_code == 503


def test_an_api_read_is_503_naming_the_database(world, database_down):
    response = APIClient(raise_request_exception=False).get("/api/v1/artists/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "unavailable"
    assert response.json()["unavailable"] == "database"


def test_an_api_write_is_503_naming_the_database(world, database_down):
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(world["fan"])
    response = api.put(f"/api/v1/performances/{world['performance'].pk}/like/")
    assert response.status_code == 503
    assert response.json()["unavailable"] == "database"


def test_a_signed_in_page_is_a_503_not_a_500(world, outage):
    client = _browser()
    client.force_login(world["fan"])
    outage.start()
    response = client.get("/me/settings/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0


def test_liveness_stays_up_and_readiness_names_the_database(world, database_down):
    client = _browser()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert "database" in body["down"]
    assert body["checks"]["database"].startswith("down: database unreachable")


def test_pages_are_served_again_once_the_database_is_back(world, database_down):
    client = _browser()
    assert client.get("/").status_code == 503
    database_down.end()
    assert client.get("/").status_code == 200
    assert client.get("/readyz").json()["checks"]["database"] == "ok"
