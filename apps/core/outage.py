"""What a request gets while Redis or the database is unreachable: the one rule.

- The database holds everything users made: a request that needs it and cannot reach it
  answers 503 with Retry-After (JSON under /api/ and /_allauth/, a page otherwise), never 500.
- Redis is, for most requests, a speed-up: the cache answers as a miss and drops writes
  (apps.core.cache.RedisCache), sessions fall back to the database (apps.core.sessions), and
  the API's fairness throttle lets requests through (apps.core.api.throttling). Pages and API
  reads keep working.
- Where Redis holds a rule that keeps an action safe, the action waits for Redis: it answers
  503. Those actions are the ones listed in NEEDS_REDIS (sign-in and sign-up, whose back-off
  against password guessing lives in the cache; jukebox votes, whose per-network cap does;
  socket tickets, which live only there), plus any code that runs under ``requires_redis()``
  (apps.core.ratelimit's limits).
- Sockets while Redis or the database is down are accepted and closed at once with
  SOCKET_TRY_AGAIN, which the live client (static/js/realtime.js) answers by reconnecting
  with back-off; after a restart the first use of a dead pooled connection is tried once more.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Callable, Iterator

import structlog
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

REDIS = "redis"
DATABASE = "database"
BROKER = "broker"

# 1013 is WebSocket's own "Try Again Later": the server is up but cannot serve the socket now.
SOCKET_TRY_AGAIN = 1013

REDIS_ERRORS: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError)
DATABASE_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)

# Paths whose action (any method but GET, HEAD and OPTIONS) is only safe with Redis, and why
# (the reason the 503 names).
NEEDS_REDIS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"^/(accounts/(login|signup|password/reset)/|_allauth/[a-z]+/v1/auth/)"),
        "Signing in is paused: its protection against password guessing is unavailable.",
    ),
    (
        re.compile(r"^/(api/v1/events/\d+/votes|events/\d+/vote)/$"),
        "Voting is paused: the limits that keep the queue fair are unavailable.",
    ),
    (
        re.compile(r"^/api/v1/realtime/ticket/$"),
        "Live updates are unavailable.",
    ),
]

logger = structlog.get_logger(__name__)
_redis_required: contextvars.ContextVar[bool] = contextvars.ContextVar("redis_required", default=False)


class Unavailable(Exception):  # noqa: N818 - a refusal, like RateLimited
    """A dependency the request needs is unreachable: HTTP 503 with Retry-After."""

    def __init__(self, dependency: str, message: str = "") -> None:
        super().__init__(message or f"{dependency} is unavailable")
        self.dependency = dependency
        self.message = message or _MESSAGES[dependency]


_MESSAGES = {
    REDIS: "This needs a service that is briefly unavailable. Please try again shortly.",
    DATABASE: "Encore cannot reach its database right now. Please try again shortly.",
    BROKER: "Encore cannot queue background work right now. Please try again shortly.",
}


def dependency_of(exc: BaseException | None) -> str | None:
    """Which dependency an exception says is unreachable (following its causes), or None."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, Unavailable):
            return exc.dependency
        if isinstance(exc, REDIS_ERRORS):
            return REDIS
        if isinstance(exc, DATABASE_ERRORS) and _is_outage(exc):
            return DATABASE
        if isinstance(exc, BrokerError):
            return BROKER
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def _is_outage(exc: DatabaseError) -> bool:
    # A serialization failure or deadlock is a conflict between requests, not an outage;
    # those keep their own handling (and a 500 if unhandled, since they are bugs to fix).
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) not in {"40001", "40P01"}


def redis_required() -> bool:
    return _redis_required.get()


@contextlib.contextmanager
def requires_redis(message: str = "") -> Iterator[None]:
    """Code inside needs Redis to be correct: the cache raises instead of missing, and an
    unreachable Redis becomes Unavailable (503)."""
    token = _redis_required.set(True)
    try:
        yield
    except REDIS_ERRORS as exc:
        raise Unavailable(REDIS, message) from exc
    finally:
        _redis_required.reset(token)


def retry_after() -> int:
    return settings.OUTAGE_RETRY_AFTER_SECONDS


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(("/api/", "/_allauth/")) or "application/json" in request.headers.get(
        "Accept", ""
    )


def unavailable_response(request: HttpRequest, dependency: str, message: str = "") -> HttpResponse:
    """503 naming what is down: the API's error shape under /api/, the site's page elsewhere."""
    message = message or _MESSAGES.get(dependency, _MESSAGES[REDIS])
    if wants_json(request):
        body = {"detail": message, "code": "unavailable", "errors": {}, "unavailable": dependency}
        response: HttpResponse = JsonResponse(body, status=503)
    else:
        # Rendered without the request: the page's context processors read the session and
        # the database, which may be what is down.
        html = render_to_string("503.html", {"message": message, "dependency": dependency})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(retry_after())
    response["Cache-Control"] = "no-store"
    return response


def response_for(request: HttpRequest, exc: BaseException) -> HttpResponse | None:
    """The 503 for an exception that means an outage, logged once; None for any other."""
    dependency = dependency_of(exc)
    if dependency is None:
        return None
    logger.warning(
        "request_refused_during_outage",
        dependency=dependency,
        path=request.path,
        error=f"{type(exc).__name__}: {exc}"[:300],
    )
    message = exc.message if isinstance(exc, Unavailable) else ""
    if dependency == REDIS:
        message = getattr(request, "outage_reason", "") or message
    return unavailable_response(request, dependency, message)


def _needs_redis(path: str) -> str | None:
    for pattern, reason in NEEDS_REDIS:
        if pattern.match(path):
            return reason
    return None


class OutageMiddleware:
    """Applies the rule: NEEDS_REDIS paths run under requires_redis(); an outage raised by
    a view becomes a 503 here instead of a 500 (apps.core.views.server_error catches those
    raised by other middleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Reading a form or a session never needs the protections, only acting does.
        reason = None if request.method in ("GET", "HEAD", "OPTIONS") else _needs_redis(request.path_info)
        if reason is None:
            return self.get_response(request)
        request.outage_reason = reason
        token = _redis_required.set(True)
        try:
            return self.get_response(request)
        finally:
            _redis_required.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return response_for(request, exception)


class SocketOutageMiddleware:
    """Sockets: a Redis error before the handshake is answered is tried once more (a restart
    leaves this process's pooled connections dead, and using one drops it); an outage that
    remains closes the socket with SOCKET_TRY_AGAIN instead of failing the handshake (HTTP
    500) or the socket (1011)."""

    def __init__(self, inner: Callable) -> None:
        self.inner = inner

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        received: list[dict] = []
        sent = False

        async def tracked_send(message: dict) -> None:
            nonlocal sent
            sent = True
            await send(message)

        for attempt in (1, 2):
            replay = list(received)

            async def tracked_receive(replay: list[dict] = replay) -> dict:
                if replay:
                    return replay.pop(0)
                message = await receive()
                received.append(message)
                return message

            try:
                return await self.inner(scope, tracked_receive, tracked_send)
            except Exception as exc:
                dependency = dependency_of(exc)
                if dependency is None:
                    raise
                if attempt == 1 and dependency == REDIS and not sent:
                    logger.info("socket_retried_after_redis_error", path=scope.get("path"))
                    continue
                logger.warning(
                    "socket_refused_during_outage",
                    dependency=dependency,
                    path=scope.get("path"),
                    error=f"{type(exc).__name__}: {exc}"[:300],
                )
                await _close_try_again(receive, send, received, accepted=sent)
                return


async def _close_try_again(
    receive: Callable, send: Callable, received: list[dict], *, accepted: bool
) -> None:
    # A code reaches the client only on an accepted socket: refusing the handshake would be a
    # bare HTTP 403, which a client cannot tell from being turned away for good.
    with contextlib.suppress(Exception):  # the client may have gone meanwhile
        if not accepted:
            if not any(message.get("type") == "websocket.connect" for message in received):
                await receive()
            await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": SOCKET_TRY_AGAIN})
