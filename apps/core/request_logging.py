"""What every request's log lines carry besides django-structlog's own fields."""

from __future__ import annotations

from typing import Any

import structlog
from django.http import HttpRequest

from .clients import client_address


def bind_client_address(request: HttpRequest, **kwargs: Any) -> None:
    # The same address rate limits use; django-structlog's own lookup (ipware) cost a
    # fifth of a cheap request and trusted headers our load balancers do not set.
    structlog.contextvars.bind_contextvars(ip=client_address(request))
