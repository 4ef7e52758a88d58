"""A log event below its logger's level is dropped before any processor does work on it."""

from __future__ import annotations

import logging

import structlog


def test_events_below_the_level_are_dropped_before_the_context_is_merged():
    processors = list(structlog.get_config()["processors"])
    merged = []
    at = processors.index(structlog.contextvars.merge_contextvars)

    def counting(logger, method_name, event_dict):  # noqa: ANN001, ANN202
        merged.append(event_dict["event"])
        return structlog.contextvars.merge_contextvars(logger, method_name, event_dict)

    processors[at] = counting
    logger = structlog.wrap_logger(logging.getLogger("encore.quiet"), processors=processors)
    logging.getLogger("encore.quiet").setLevel(logging.WARNING)

    logger.info("below the level")
    logger.warning("at the level")

    assert merged == ["at the level"]
