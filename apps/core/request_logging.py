"""What every request's log lines carry besides django-structlog's own fields."""

from __future__ import annotations

import time
from typing import Any

import structlog
from django.http import HttpRequest

from .clients import client_address

_STARTED = "_encore_log_started"


def bind_client_address(request: HttpRequest, **kwargs: Any) -> None:
    # The same address rate limits use; django-structlog's own lookup (ipware) cost a
    # fifth of a cheap request and trusted headers our load balancers do not set.
    structlog.contextvars.bind_contextvars(ip=client_address(request))
    setattr(request, _STARTED, time.perf_counter())


def add_duration_and_route(request: HttpRequest, log_kwargs: dict[str, Any], **kwargs: Any) -> None:
    """request_finished and request_failed say how long the request took and which URL
    pattern answered it (its name, e.g. ``api:performance-detail``; None when none matched)."""
    started = getattr(request, _STARTED, None)
    if started is not None:
        log_kwargs["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
    match = getattr(request, "resolver_match", None)
    log_kwargs["route"] = match.view_name if match is not None else None
