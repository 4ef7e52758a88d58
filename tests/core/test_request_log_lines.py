"""Each request's log line says how long it took and which route answered it."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest

from tests.json_logs import json_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    """What django-structlog's request loggers write, through production's JSON formatter."""
    with json_log("django_structlog") as stream:
        yield stream


def finished_lines(stream: io.StringIO) -> list[dict]:
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    return [line for line in lines if line["event"] == "request_finished"]


def test_a_request_line_carries_its_duration_and_route_name(client, log):
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/performances/").status_code == 200

    health, listing = finished_lines(log)
    assert health["route"] == "healthz"
    assert listing["route"] == "api:performance-list"
    for line in (health, listing):
        assert line["code"] == 200
        assert isinstance(line["duration_ms"], int | float)
        assert line["duration_ms"] >= 0


def test_a_request_no_route_matched_has_an_empty_route(client, log):
    assert client.get("/no-such-page/").status_code == 404

    (line,) = finished_lines(log)
    assert line["code"] == 404
    assert line["route"] is None
    assert line["duration_ms"] >= 0
