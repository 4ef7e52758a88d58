"""Errors reported to Sentry (or anything that takes its envelopes) when SENTRY_DSN is set.

Production settings call ``init_error_reporting``; the Celery worker loads the same settings,
so its tasks report too. Answers that are the client's doing (404, 403, 429, a refused host,
a rule a request broke) are what the site is meant to do, not errors, and are dropped.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import sentry_sdk
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.http import Http404
from rest_framework.exceptions import APIException
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.integrations.redis import RedisIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber

from .errors import Conflict, RateLimited

_CLIENT_ERRORS = (Http404, PermissionDenied, SuspiciousOperation, ValidationError, Conflict, RateLimited)
# Django logs a refused Host header or a bad signature at ERROR: an attacker's noise.
# django-structlog's request_failed and task_failed lines repeat an exception already
# reported from Django or Celery, as text.
_IGNORED_LOGGERS = ("django.security", "django_structlog.")
# The app's session token and a guest's voting token sign their requests in, like a cookie.
_SECRET_KEYS = ["x-session-token", "x-guest-token", "session_token", "guest_token", "sessionid"]
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")


def is_client_error(exc: BaseException) -> bool:
    if isinstance(exc, APIException):
        return exc.status_code < 500
    return isinstance(exc, _CLIENT_ERRORS)


def _without_emails(value: Any) -> Any:
    # send_default_pii keeps users, cookies and auth headers out; an address can still sit in
    # a message, a URL or a local variable.
    if isinstance(value, str):
        return _EMAIL.sub("[email]", value)
    if isinstance(value, dict):
        return {key: _without_emails(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_emails(item) for item in value]
    return value


def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any] | None:
    exc_info = hint.get("exc_info")
    if exc_info and is_client_error(exc_info[1]):
        return None
    if str(event.get("logger", "")).startswith(_IGNORED_LOGGERS):
        return None
    return _without_emails(event)


def init_error_reporting(
    *, dsn: str, environment: str, release: str | None, traces_sample_rate: float
) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[
            DjangoIntegration(transaction_style="url"),
            CeleryIntegration(),
            # Lines at INFO ride along as breadcrumbs; ERROR lines become events.
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
        # Its breadcrumbs name cache keys, and some keys hold a session or a ticket.
        disabled_integrations=[RedisIntegration()],
        send_default_pii=False,
        # Request bodies carry what people typed: emails, messages, addresses.
        max_request_body_size="never",
        event_scrubber=EventScrubber(denylist=[*DEFAULT_DENYLIST, *_SECRET_KEYS]),
        traces_sample_rate=traces_sample_rate,
        before_send=before_send,
    )
