"""Capturing what production's JSON log formatter writes, for tests of log lines."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings


def json_formatter() -> logging.Formatter:
    """The formatter production's handler uses (LOGGING's "json" formatter)."""
    options = dict(settings.LOGGING["formatters"]["json"])
    factory = options.pop("()")
    return factory(**options)


@contextmanager
def json_log(logger_name: str | None = None) -> Iterator[io.StringIO]:
    """The lines a logger (the root logger by default) writes at INFO and above, as JSON."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    logger = logging.getLogger(logger_name)
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
