"""The JSON log lines production writes carry a readable traceback, whether the error was
logged by Encore's own (structlog) loggers or by a library through the standard library."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from tests.json_logs import json_log


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    with json_log() as stream:
        yield stream


def only_line(stream: io.StringIO) -> dict:
    written = [line for line in stream.getvalue().splitlines() if line.strip()]
    assert len(written) == 1, written
    return json.loads(written[0])


def test_a_library_error_logged_through_the_standard_library_carries_its_traceback(lines):
    try:
        raise ValueError("the harbour stage is flooded")
    except ValueError:
        logging.getLogger("django.request").exception("boom")

    line = only_line(lines)
    assert line["event"] == "boom"
    assert line["logger"] == "django.request"
    assert line["level"] == "error"
    assert "Traceback (most recent call last)" in line["exception"]
    assert "ValueError: the harbour stage is flooded" in line["exception"]
    assert "<traceback object" not in lines.getvalue()
    assert "exc_info" not in line


def test_an_error_logged_by_encore_keeps_its_traceback(lines):
    try:
        raise KeyError("missing-stage")
    except KeyError:
        structlog.get_logger("apps.core.tracebacks").exception("stage_lookup_failed", stage=7)

    line = only_line(lines)
    assert line["event"] == "stage_lookup_failed"
    assert line["stage"] == 7
    assert "Traceback (most recent call last)" in line["exception"]
    assert "KeyError: 'missing-stage'" in line["exception"]
    assert "<traceback object" not in lines.getvalue()


def test_a_line_without_an_error_has_no_exception_field(lines):
    logging.getLogger("django.request").warning("slow request")

    line = only_line(lines)
    assert line["event"] == "slow request"
    assert "exception" not in line
